/*
 * Namespaces: joining existing ones by path (net, ipc, uts), and making a new network namespace (with lo
 * up, like runc) in a helper of the caller, so its cost (~0.6 ms: every pernet subsystem initialises)
 * overlaps the container's other namespaces and mounts instead of adding to them. The container joins
 * it before its sysfs mount; the other namespaces it unshares itself.
 */
#include "ns.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

const char *sr_ns_name(int flag)
{
	switch (flag) {
	case CLONE_NEWPID: return "pid";
	case CLONE_NEWNET: return "network";
	case CLONE_NEWNS: return "mount";
	case CLONE_NEWIPC: return "ipc";
	case CLONE_NEWUTS: return "uts";
	case CLONE_NEWCGROUP: return "cgroup";
	}
	return "?";
}

int sr_ns_open_paths(const sr_spec *spec, int *fds, sr_err *err)
{
	for (size_t i = 0; i < spec->n_namespaces; i++) {
		fds[i] = -1;
		if (!spec->namespaces[i].path)
			continue;
		fds[i] = open(spec->namespaces[i].path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return sr_fail(err, errno, "linux.namespaces[%zu].path: open %s namespace \"%s\"", i,
				       sr_ns_name(spec->namespaces[i].flag), spec->namespaces[i].path);
	}
	return 0;
}

int sr_ns_join(const sr_spec *spec, const int *fds, sr_err *err)
{
	for (size_t i = 0; i < spec->n_namespaces; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], spec->namespaces[i].flag) < 0)
			return sr_fail(err, errno, "linux.namespaces[%zu].path: join %s namespace \"%s\"", i,
				       sr_ns_name(spec->namespaces[i].flag), spec->namespaces[i].path);
		close(fds[i]);
	}
	return 0;
}

/*
 * The helper shares our memory (CLONE_VM) but not our TLS, so it must not touch errno: raw syscalls
 * (x86_64), returning -errno.
 */
static long raw_syscall(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static int helper_fail(sr_netns_maker *m, const char *step, long r)
{
	m->step = step;
	m->errnum = (int)-r;
	return 0;
}

static int make_netns(void *arg)
{
	sr_netns_maker *m = arg;
	long r = raw_syscall(SYS_unshare, CLONE_NEWNET, 0, 0);
	if (r < 0)
		return helper_fail(m, "create network namespace", r);
	long fd = raw_syscall(SYS_openat, AT_FDCWD, (long)"/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return helper_fail(m, "open the new network namespace", fd);
	long s = raw_syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return helper_fail(m, "bring lo up in the new network namespace: socket", s);
	struct ifreq ifr = { .ifr_name = "lo" };
	r = raw_syscall(SYS_ioctl, s, SIOCGIFFLAGS, (long)&ifr);
	if (r == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = raw_syscall(SYS_ioctl, s, SIOCSIFFLAGS, (long)&ifr);
	}
	raw_syscall(SYS_close, s, 0, 0);
	if (r < 0) {
		raw_syscall(SYS_close, fd, 0, 0);
		return helper_fail(m, "bring lo up in the new network namespace", r);
	}
	m->fd = (int)fd;
	return 0;
}

int sr_netns_start(sr_netns_maker *m, sr_err *err)
{
	m->fd = -1;
	m->errnum = 0;
	m->step = NULL;
	/* A process, not a thread: libc never learns of it, and the fd lands in our table (CLONE_FILES). */
	m->pid = clone(make_netns, m->stack + sizeof(m->stack), CLONE_VM | CLONE_FILES, m);
	if (m->pid < 0)
		return sr_fail(err, errno, "start the network namespace helper");
	return 0;
}

int sr_netns_finish(sr_netns_maker *m, sr_err *err)
{
	if (m->pid <= 0)
		return sr_fail(err, 0, "network namespace: helper not started");
	while (waitpid(m->pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	m->pid = 0;
	if (m->fd < 0)
		return sr_fail(err, m->errnum, "linux.namespaces: %s", m->step ? m->step : "network namespace");
	int fd = m->fd;
	m->fd = -1;
	return fd;
}
