/*
 * The create path, tuned for start latency: one clone() straight into the new namespaces (no re-exec of
 * the runtime), two socket round trips (cgroup joined → go; rootfs ready → start), no fsync, cgroup
 * directories only for the controllers the spec uses, and no helper processes besides the built-in init.
 *
 *   caller                                  container (first process, later PID 1 / init)
 *   load spec, mkdir state, cgroups
 *   clone(CLONE_NEW*) ───────────────────▶  wait for "G"
 *   write pid to cgroup.procs, "G" ──────▶  unshare(cgroupns), setns(joined), hostname, rootfs, pivot_root
 *   write state.json            ◀──────────  "R" (or "E<message>")
 *   create: exit 0                           block on exec.fifo until `start`
 *   run: "S", waitpid ──────────────────▶   init: fork + exec the process; reap; forward signals
 */
#include "container.h"

#include <fcntl.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#include "cgroup.h"
#include "init.h"
#include "mount.h"
#include "ns.h"
#include "process.h"
#include "spec.h"
#include "state.h"

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

typedef struct child_args {
	const sr_spec *spec;
	int sock;
	int statefd;
	int logfd;
	int stdout_fd, stderr_fd;
	const int *nsfds;
	int cgroup_version;
	int netns_from_caller; /* the caller makes the new network namespace and sends it with "G" */
	sr_mode mode;
} child_args;

/*
 * Mount hook (before sysfs and cgroup mounts and pivot_root, while the host's cgroupfs is reachable):
 * wait for "G<cgroups>" from the caller, with the new network namespace attached when the caller made
 * it; join that namespace, move ourselves into the cgroups, create the cgroup namespace.
 */
static int join_from_caller(void *ctx, sr_err *err)
{
	const child_args *a = ctx;
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
		if (sr_cgroup_ops_for(cg.version)->join(&cg, err) < 0)
			return -1;
	}
	if ((a->spec->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return sr_fail(err, errno, "create cgroup namespace");
	return 0;
}

static void child_main(const child_args *a) __attribute__((noreturn));
static void child_main(const child_args *a)
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
	if (a->logfd >= 0 && ((a->stdout_fd < 0 && dup2(a->logfd, 1) < 0) || (a->stderr_fd < 0 && dup2(a->logfd, 2) < 0)))
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
	sr_init_run(spec, a->statefd, a->logfd, report_fd);
}

/*
 * Reads one message from the child. A child that exited with our "G" unread makes the kernel report
 * ECONNRESET once, before the messages it did send: retry to get its "E<message>".
 */
static ssize_t recv_from_child(int sock, char *buf, size_t len, int flags)
{
	for (int i = 0; i < 4; i++) {
		ssize_t n = recv(sock, buf, len, flags);
		if (n >= 0 || (errno != ECONNRESET && errno != EINTR))
			return n;
	}
	return -1;
}

/*
 * Sends a one-byte command to the child. When the child is gone, its "E<message>" (if any) says why,
 * and becomes the error.
 */
static int send_to_child(int sock, const char *buf, size_t len, sr_err *err)
{
	if (send(sock, buf, len, MSG_NOSIGNAL) == (ssize_t)len)
		return 0;
	int e = errno;
	char msg[sizeof(err->msg) + 1];
	ssize_t n = recv_from_child(sock, msg, sizeof(msg) - 1, MSG_DONTWAIT);
	if (n > 1 && msg[0] == 'E') {
		msg[n] = '\0';
		return sr_fail(err, 0, "%s", msg + 1);
	}
	return sr_fail(err, e, "container process exited during setup");
}

/* Sends buf with fd attached (SCM_RIGHTS) when fd >= 0. */
static int send_with_fd(int sock, const char *buf, size_t len, int fd, sr_err *err)
{
	if (fd < 0)
		return send_to_child(sock, buf, len, err);
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len)
		return 0;
	return send_to_child(sock, buf, len, err); /* fails too: reports the child's error */
}

static pid_t forward_to;

static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

static int open_output(const char *path, const char *what, sr_err *err)
{
	if (!path)
		return -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		sr_fail(err, errno, "%s: open \"%s\"", what, path);
	return fd;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int sr_container_create(const sr_create_opts *o, int *exit_code, sr_err *err)
{
	sr_spec spec;
	*exit_code = 0;
	sr_trace("start");
	if (sr_state_valid_id(o->id, err) < 0)
		return -1;
	if (sr_spec_load(o->bundle, &spec, err) < 0)
		return -1;
	sr_trace("spec loaded");
	if (o->no_init)
		spec.init_disabled = 1;

	if (mkdir(o->root, 0711) < 0 && errno != EEXIST && sr_mkdir_p(o->root, 0711, err) < 0)
		return sr_wrap(err, "state root");
	cleanup_free char *dir = sr_xasprintf("%s/%s", o->root, o->id);
	if (sr_state_make_dir(o->root, o->id, dir, err) < 0)
		return -1;

	int ret = -1;
	int statefd = -1, sv[2] = { -1, -1 }, out_fd = -1, err_fd = -1, log_fd = -1;
	int nsfds[16];
	sr_cgroup cg = { 0 };
	const sr_cgroup_ops *cgops = sr_cgroup_detect();
	pid_t pid = -1;
	for (size_t i = 0; i < 16; i++)
		nsfds[i] = -1;
	/* A new network namespace is the costliest step: a helper makes it while everything else goes on. */
	static sr_netns_maker netns = { .fd = -1 };
	int netfd = -1;
	if ((spec.clone_flags & CLONE_NEWNET) && sr_netns_start(&netns, err) < 0)
		goto fail;

	statefd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (statefd < 0) {
		sr_fail(err, errno, "open state dir %s", dir);
		goto fail;
	}
	if (o->mode == SR_MODE_CREATE && mkfifoat(statefd, "exec.fifo", 0600) < 0) {
		sr_fail(err, errno, "create %s/exec.fifo", dir);
		goto fail;
	}
	if (spec.n_namespaces > 16) {
		sr_fail(err, 0, "linux.namespaces: too many entries");
		goto fail;
	}
	if (sr_ns_open_paths(&spec, nsfds, err) < 0)
		goto fail;
	if ((o->stdout_path && (out_fd = open_output(o->stdout_path, "--stdout", err)) < 0) ||
	    (o->stderr_path && (err_fd = open_output(o->stderr_path, "--stderr", err)) < 0) ||
	    (o->container_log && (log_fd = open_output(o->container_log, "--container-log", err)) < 0))
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		sr_fail(err, errno, "socketpair");
		goto fail;
	}

	int clone_flags = spec.clone_flags & CLONE_NEWPID; /* the rest is unshared by the child */
	int born_in_cgroup = 0;
	if (cgops->version == 2) {
		/* cgroup v2: create the cgroup first and clone straight into it (no migration, no grace period). */
		if (cgops->create(&spec, o->id, &cg, err) < 0)
			goto fail;
		cleanup_close int cgfd = open(cg.dirs[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
		struct {
			uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
		} args = { .flags = (uint64_t)clone_flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)cgfd };
		if (cgfd >= 0) {
			pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
			born_in_cgroup = pid >= 0;
		}
		if (pid < 0 && errno != ENOSYS && errno != EINVAL && errno != EBADF) {
			sr_fail(err, errno, "clone3 into cgroup %s", cg.dirs[0]);
			goto fail;
		}
	}
	if (!born_in_cgroup)
		pid = (pid_t)syscall(SYS_clone, (unsigned long)clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0) {
		sr_fail(err, errno, "clone into a new pid namespace");
		goto fail;
	}
	if (pid == 0) {
		close(sv[0]);
		child_args a = { .spec = &spec, .sock = sv[1], .statefd = statefd, .logfd = log_fd, .stdout_fd = out_fd,
				 .stderr_fd = err_fd, .nsfds = nsfds, .cgroup_version = cgops->version,
				 .netns_from_caller = (spec.clone_flags & CLONE_NEWNET) != 0, .mode = o->mode };
		child_main(&a);
	}
	close_fd(&sv[1]);
	sr_trace(born_in_cgroup ? "cloned into cgroup" : "cloned");
	/* The child builds its namespaces and rootfs meanwhile; it runs nothing of the image before "G". */
	if (!born_in_cgroup && cg.n_dirs == 0 && cgops->create(&spec, o->id, &cg, err) < 0)
		goto fail;
	/* "G<cgroups>": the child moves itself in (no grace period, see cgroup.h); just "G" when born there. */
	cleanup_free char *cgstr = sr_cgroup_to_string(&cg);
	cleanup_free char *go = sr_xasprintf("G%s", born_in_cgroup ? "" : cgstr);
	if ((spec.clone_flags & CLONE_NEWNET) && (netfd = sr_netns_finish(&netns, err)) < 0)
		goto fail;
	if (send_with_fd(sv[0], go, strlen(go), netfd, err) < 0)
		goto fail;
	close_fd(&netfd);
	sr_trace("cgroups created");
	cleanup_free char *created = sr_now_rfc3339();
	sr_state st = { .id = (char *)o->id, .pid = pid, .starttime = sr_proc_starttime(pid), .bundle = spec.bundle,
			.rootfs = spec.rootfs, .created = created, .cgroup = cgstr };
	if (sr_state_write(statefd, &st, err) < 0)
		goto fail;
	sr_trace("state written");
	if (o->mode != SR_MODE_CREATE) {
		/* run: no round trip; the child starts as soon as its rootfs is ready. */
		if (send_to_child(sv[0], "S", 1, err) < 0)
			goto fail;
	}
	char msg[sizeof(err->msg) + 1];
	ssize_t n;
	if (o->mode != SR_MODE_RUN) {
		/* create / run -d: report setup errors before returning. */
		n = recv_from_child(sv[0], msg, sizeof(msg) - 1, 0);
		if (n <= 0 || msg[0] != 'R') {
			if (n > 1 && msg[0] == 'E') {
				msg[n] = '\0';
				sr_fail(err, 0, "%s", msg + 1);
			} else {
				sr_fail(err, 0, "container process exited during setup");
			}
			goto fail;
		}
		sr_trace("child ready");
	}
	if (o->pid_file) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%d", pid);
		if (sr_write_file(o->pid_file, buf, 1, err) < 0)
			goto fail;
	}
	if (o->mode == SR_MODE_CREATE) {
		ret = 0;
		goto out;
	}

	forward_to = pid;
	struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	static const int fwd[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaction(fwd[i], &sa, NULL);
	if (o->mode == SR_MODE_RUN_DETACHED) {
		ret = 0;
		goto out;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			sr_fail(err, errno, "wait for the container");
			goto fail;
		}
	}
	sr_trace("container exited");
	pid = -1;
	/* run does not wait for "R" (one wake-up less on the hot path): a setup error is read now. */
	n = recv_from_child(sv[0], msg, sizeof(msg) - 1, MSG_DONTWAIT);
	if (n <= 0 || msg[0] != 'R') {
		if (n > 1 && msg[0] == 'E') {
			msg[n] = '\0';
			sr_fail(err, 0, "%s", msg + 1);
		} else {
			sr_fail(err, 0, "container process exited during setup (status 0x%x)", (unsigned)status);
		}
		goto fail;
	}
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	pid = -1;
	ret = 0;
	if (cgops->destroy(&cg, err) < 0)
		ret = -1;
	sr_trace("cgroups removed");
	sr_err e2;
	if (sr_state_remove(o->root, o->id, 1, &e2) < 0 && ret == 0) {
		*err = e2;
		ret = -1;
	}
	goto out;

fail:
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	{
		sr_err ignored;
		if (cg.n_dirs)
			cgops->destroy(&cg, &ignored);
		sr_state_remove(o->root, o->id, 0, &ignored);
	}
out:
	if (netns.pid > 0) {
		sr_err ignored;
		netfd = sr_netns_finish(&netns, &ignored);
	}
	close_fd(&netfd);
	close_fd(&statefd);
	close_fd(&sv[0]);
	close_fd(&sv[1]);
	close_fd(&out_fd);
	close_fd(&err_fd);
	close_fd(&log_fd);
	for (size_t i = 0; i < 16; i++)
		close_fd(&nsfds[i]);
	sr_trace("done");
	return ret;
}
