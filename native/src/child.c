/*
 * The container's first process, cloned into its new pid namespace by the caller (container.c): it
 * creates its other namespaces, waits for "G" (cgroups made, network namespace attached) before its
 * sysfs and cgroup mounts, joins, builds the rootfs, reports "R" (or "E<message>"), then waits for the
 * start (exec.fifo for create, "S" for run) and becomes init (or execs the process with --no-init).
 */
#include "child.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "init.h"
#include "mount.h"
#include "ns.h"
#include "process.h"

static void child_fail(int sock, const sr_err *err) __attribute__((noreturn));
static void child_fail(int sock, const sr_err *err)
{
	char msg[sizeof(err->msg) + 1];
	msg[0] = 'E';
	size_t n = strlen(err->msg);
	memcpy(msg + 1, err->msg, n);
	(void)!write(sock, msg, n + 1);
	_exit(1);
}

/*
 * Mount hook (before sysfs and cgroup mounts and pivot_root, while the host's cgroupfs is reachable):
 * wait for "G<cgroups>" from the caller, with the new network namespace attached when the caller made
 * it; join that namespace, move ourselves into the cgroups, create the cgroup namespace.
 */
static int join_from_caller(void *ctx, sr_err *err)
{
	const sr_child_args *a = ctx;
	char msg[SR_CGROUP_MAX_DIRS * 1100 + 16];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n = TEMP_FAILURE_RETRY(recvmsg(a->sock, &mh, MSG_CMSG_CLOEXEC));
	if (n < 1 || msg[0] != 'G')
		_exit(1); /* the caller failed or died; it reports */
	msg[n] = '\0';
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (a->netns_from_caller) {
		int fd;
		if (!c || c->cmsg_type != SCM_RIGHTS)
			return sr_fail(err, 0, "network namespace: not received from the caller");
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		int r = setns(fd, CLONE_NEWNET);
		close(fd);
		if (r < 0)
			return sr_fail(err, errno, "join the new network namespace");
	}
	if (n > 1) {
		sr_cgroup cg;
		sr_cgroup_from_string(msg + 1, &cg);
		if (sr_cgroup_join(&cg, 0, err) < 0)
			return -1;
	}
	if ((a->spec->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return sr_fail(err, errno, "create cgroup namespace");
	return 0;
}

void sr_child_main(const sr_child_args *a)
{
	const sr_spec *spec = a->spec;
	sr_err err = { 0 };
	char c;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (a->stdout_fd >= 0 && dup2(a->stdout_fd, 1) < 0)
		child_fail(a->sock, (sr_fail(&err, errno, "redirect stdout"), &err));
	if (a->stderr_fd >= 0 && dup2(a->stderr_fd, 2) < 0)
		child_fail(a->sock, (sr_fail(&err, errno, "redirect stderr"), &err));
	/* With a container log, keep none of the caller's stdout/stderr: init's own messages go to the log. */
	int logfd = a->log->fd;
	if (logfd >= 0 && ((a->stdout_fd < 0 && dup2(logfd, 1) < 0) || (a->stderr_fd < 0 && dup2(logfd, 2) < 0)))
		child_fail(a->sock, (sr_fail(&err, errno, "redirect stdio to the container log"), &err));
	/* The pid namespace came with clone(); the others are made here, while the caller sets up cgroups. */
	int flags = spec->clone_flags & ~(CLONE_NEWPID | CLONE_NEWCGROUP | (a->netns_from_caller ? CLONE_NEWNET : 0));
	if (flags && unshare(flags) < 0)
		child_fail(a->sock, (sr_fail(&err, errno, "create namespaces (flags 0x%x)", flags), &err));
	if (sr_ns_join(spec, a->nsfds, &err) < 0)
		child_fail(a->sock, &err);
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		child_fail(a->sock, (sr_fail(&err, errno, "hostname: set \"%s\"", spec->hostname), &err));
	umask(0);
	sr_trace("child: namespaces ready");
	/* The caller makes our cgroups (and network namespace) meanwhile; we join them in the mount hook. */
	if (sr_mount_setup_rootfs(spec, a->cgroup_version, join_from_caller, (void *)a, &err) < 0)
		child_fail(a->sock, &err);
	umask(022);
	sr_trace("child: rootfs ready");
	/* create / run -d: the caller exits as soon as it reads "R", so stop dying with it before sending. */
	if (a->mode != SR_MODE_RUN)
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (TEMP_FAILURE_RETRY(write(a->sock, "R", 1)) != 1)
		_exit(1);
	int report_fd = -1;
	if (a->mode == SR_MODE_CREATE) {
		close(a->sock);
		int fifo = TEMP_FAILURE_RETRY(openat(a->statefd, "exec.fifo", O_WRONLY | O_CLOEXEC));
		if (fifo < 0 || TEMP_FAILURE_RETRY(write(fifo, "0", 1)) != 1)
			_exit(1);
		close(fifo);
	} else {
		if (TEMP_FAILURE_RETRY(read(a->sock, &c, 1)) != 1 || c != 'S')
			_exit(1);
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
		if (a->mode == SR_MODE_RUN)
			report_fd = a->sock; /* init reports the exit status here while `run` waits */
		else
			close(a->sock); /* run -d: nobody waits; the status goes to the state dir ("exit") for `wait` */
	}
	if (spec->init_disabled)
		sr_process_exec(spec);
	sr_init_run(spec, a->statefd, a->log, report_fd);
}
