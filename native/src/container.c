/*
 * The create path, the caller's side (the container's is child.c), tuned for start latency: one clone()
 * straight into the new namespaces (no re-exec of the runtime), two socket round trips (cgroup joined →
 * go; rootfs ready → start), no fsync, cgroup directories only for the controllers the spec uses, and no
 * helper processes besides the built-in init.
 *
 *   caller                                  container (first process, later PID 1 / init)
 *   load spec, mkdir state, cgroup2 dir if any
 *   clone(CLONE_NEW*) (into that dir) ───▶  wait for "G"
 *   other cgroups, device filters, "G" ──▶  join cgroups, unshare(cgroupns), setns(joined), rootfs, pivot_root
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


#include "cgroup.h"
#include "child.h"
#include "ns.h"
#include "spec.h"
#include "state.h"

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
 * Reads the child's report on its setup: 0 for "R" (rootfs ready). Else -1 with the error: its
 * "E<message>" when it sent one, else "container process exited during setup" + detail, with errnum.
 */
static int read_setup_report(int sock, int flags, int errnum, const char *detail, sr_err *err)
{
	char msg[sizeof(err->msg) + 1];
	ssize_t n = recv_from_child(sock, msg, sizeof(msg) - 1, flags);
	if (n > 0 && msg[0] == 'R')
		return 0;
	if (n > 1 && msg[0] == 'E') {
		msg[n] = '\0';
		return sr_fail(err, 0, "%s", msg + 1);
	}
	return sr_fail(err, errnum, "container process exited during setup%s", detail);
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
	if (read_setup_report(sock, MSG_DONTWAIT, e, "", err) < 0)
		return -1;
	/* It said "R", then went away. */
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

#define MAX_NSFDS 16

/* The caller's side of one create or run: what it has opened and made so far. */
typedef struct creation {
	const sr_create_opts *o;
	const sr_spec *spec;
	const char *dir; /* the state dir, <root>/<id> */
	const sr_cgroup_ops *cgops;
	sr_cgroup cg;
	char *cgstr; /* cg as recorded in state.json */
	sr_netns_maker *netns;
	int netfd;
	int statefd;
	int sv[2]; /* sv[0] ours, sv[1] the child's (closed once it is cloned) */
	int out_fd, err_fd;
	sr_logfile log;
	int nsfds[MAX_NSFDS];
	pid_t pid; /* the child, -1 before clone and once reaped */
	int born_in_cgroup;
} creation;

/* Closes what the caller opened (the network namespace helper is waited for first if still running). */
static void creation_release(creation *c)
{
	if (c->netns->pid > 0) {
		sr_err ignored;
		c->netfd = sr_netns_finish(c->netns, &ignored);
	}
	close_fd(&c->netfd);
	close_fd(&c->statefd);
	close_fd(&c->sv[0]);
	close_fd(&c->sv[1]);
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
	sr_logfile_close(&c->log);
	for (size_t i = 0; i < MAX_NSFDS; i++)
		close_fd(&c->nsfds[i]);
	free(c->cgstr);
	sr_trace("done");
}
#define cleanup_creation __attribute__((cleanup(creation_release)))

/* After a failure: kills the child if it is still there, removes its cgroups and the state dir. */
static void creation_abandon(creation *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	sr_err ignored; /* err already says what failed */
	if (c->cg.n_dirs)
		c->cgops->destroy(&c->cg, &ignored);
	sr_state_remove(c->o->root, c->o->id, 0, &ignored);
}

/* Checks the id and loads the bundle's config.json; --no-init overrides the spec. */
static int load_spec(const sr_create_opts *o, sr_spec *spec, sr_err *err)
{
	if (sr_state_valid_id(o->id, err) < 0)
		return -1;
	if (sr_spec_load(o->bundle, spec, err) < 0)
		return -1;
	sr_trace("spec loaded");
	if (o->no_init)
		spec->init_disabled = 1;
	return 0;
}

/* Makes <root>/<id> (the state root too on first use); fails when the container exists. */
static int make_state_dir(const sr_create_opts *o, char **dir, sr_err *err)
{
	if (mkdir(o->root, 0711) < 0 && errno != EEXIST && sr_mkdir_p(o->root, 0711, err) < 0)
		return sr_wrap(err, "state root");
	*dir = sr_xasprintf("%s/%s", o->root, o->id);
	return sr_state_make_dir(o->root, o->id, *dir, err);
}

/* Opens the state dir for state.json and the child (exit status, exec.fifo); create makes exec.fifo. */
static int open_state_dir(creation *c, sr_err *err)
{
	c->statefd = open(c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->statefd < 0)
		return sr_fail(err, errno, "open state dir %s", c->dir);
	if (c->o->mode == SR_MODE_CREATE && mkfifoat(c->statefd, "exec.fifo", 0600) < 0)
		return sr_fail(err, errno, "create %s/exec.fifo", c->dir);
	return 0;
}

/* Opens the namespaces the spec joins by path; the child setns() into them. */
static int open_namespaces(creation *c, sr_err *err)
{
	if (c->spec->n_namespaces > MAX_NSFDS)
		return sr_fail(err, 0, "linux.namespaces: too many entries");
	return sr_ns_open_paths(c->spec, c->nsfds, err);
}

/* Opens --stdout, --stderr and --container-log here: the paths are the caller's, not the container's. */
static int open_outputs(creation *c, sr_err *err)
{
	const sr_create_opts *o = c->o;
	if (o->stdout_path && (c->out_fd = open_output(o->stdout_path, "--stdout", err)) < 0)
		return -1;
	if (o->stderr_path && (c->err_fd = open_output(o->stderr_path, "--stderr", err)) < 0)
		return -1;
	if ((o->log_max_size || o->log_max_files) && !o->container_log)
		return sr_fail(err, 0, "--log-max-size/--log-max-files: need --container-log");
	if (o->container_log && sr_logfile_open(&c->log, o->container_log, o->log_max_size, o->log_max_files, err) < 0)
		return -1;
	return 0;
}

/*
 * Makes the cgroup2 directory the child is born in, when the backend has one (v2; v1 on a hybrid host),
 * and clones straight into it: no migration, no grace period. A kernel that refuses CLONE_INTO_CGROUP
 * leaves c->pid at -1: the plain clone follows, and the child joins that directory too.
 */
static int clone_into_cgroup(creation *c, int clone_flags, sr_err *err)
{
	if (c->cgops->create_early(c->spec, c->o->id, &c->cg, err) < 0)
		return -1;
	if (!c->cg.v2_first)
		return 0;
	c->pid = sr_cgroup_clone_into(c->cg.dirs[0], (uint64_t)clone_flags);
	c->born_in_cgroup = c->pid >= 0;
	if (c->pid < 0 && errno != ENOSYS && errno != EINVAL && errno != EBADF)
		return sr_fail(err, errno, "clone3 into cgroup %s", c->cg.dirs[0]);
	return 0;
}

/* Clones the container's first process into a new pid namespace; it goes on in sr_child_main (child.c). */
static int clone_child(creation *c, sr_err *err)
{
	int clone_flags = c->spec->clone_flags & CLONE_NEWPID; /* the rest is unshared by the child */
	if (clone_into_cgroup(c, clone_flags, err) < 0)
		return -1;
	if (!c->born_in_cgroup)
		c->pid = (pid_t)syscall(SYS_clone, (unsigned long)clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (c->pid < 0)
		return sr_fail(err, errno, "clone into a new pid namespace");
	if (c->pid == 0) {
		close(c->sv[0]);
		sr_child_args a = { .spec = c->spec, .sock = c->sv[1], .statefd = c->statefd, .log = &c->log,
				 .stdout_fd = c->out_fd, .stderr_fd = c->err_fd, .nsfds = c->nsfds,
				 .cgroup_version = c->cgops->version,
				 .netns_from_caller = (c->spec->clone_flags & CLONE_NEWNET) != 0, .mode = c->o->mode };
		sr_child_main(&a);
	}
	close_fd(&c->sv[1]);
	sr_trace(c->born_in_cgroup ? "cloned into cgroup" : "cloned");
	return 0;
}

/*
 * Makes the other cgroups and the device filters, and sends "G<cgroups>": the child moves itself into
 * those it was not born in (no grace period on v1, see cgroup.h); just "G" when there are none. The new
 * network namespace goes with it.
 */
static int send_go(creation *c, sr_err *err)
{
	/* The child builds its namespaces and rootfs meanwhile; it runs nothing of the image before "G". */
	if (c->cgops->create(c->spec, c->o->id, &c->cg, err) < 0)
		return -1;
	c->cgstr = sr_cgroup_to_string(&c->cg, 0);
	size_t joined = c->born_in_cgroup ? 1 : 0;
	cleanup_free char *tojoin = joined < c->cg.n_dirs ? sr_cgroup_to_string(&c->cg, joined) : sr_xstrdup("");
	cleanup_free char *go = sr_xasprintf("G%s", tojoin);
	if ((c->spec->clone_flags & CLONE_NEWNET) && (c->netfd = sr_netns_finish(c->netns, err)) < 0)
		return -1;
	if (send_with_fd(c->sv[0], go, strlen(go), c->netfd, err) < 0)
		return -1;
	close_fd(&c->netfd);
	sr_trace("cgroups created");
	return 0;
}

/* Writes state.json: the child's pid with its start time (against pid reuse) and the cgroups. */
static int write_state(creation *c, sr_err *err)
{
	cleanup_free char *created = sr_now_rfc3339();
	sr_state st = { .id = (char *)c->o->id, .pid = c->pid, .starttime = sr_proc_starttime(c->pid),
			.bundle = c->spec->bundle, .rootfs = c->spec->rootfs, .created = created, .cgroup = c->cgstr };
	if (sr_state_write(c->statefd, &st, err) < 0)
		return -1;
	sr_trace("state written");
	return 0;
}

/*
 * run, run -d: "S" lets the child start its process as soon as its rootfs is ready (no round trip).
 * create, run -d: waits for "R" so that a setup error is reported before we return.
 */
static int await_ready(creation *c, sr_err *err)
{
	if (c->o->mode != SR_MODE_CREATE && send_to_child(c->sv[0], "S", 1, err) < 0)
		return -1;
	if (c->o->mode == SR_MODE_RUN)
		return 0;
	if (read_setup_report(c->sv[0], 0, 0, "", err) < 0)
		return -1;
	sr_trace("child ready");
	return 0;
}

/* --pid-file: the container's pid for whoever supervises it (written once the child is set up). */
static int write_pid_file(creation *c, sr_err *err)
{
	char buf[32];
	if (!c->o->pid_file)
		return 0;
	snprintf(buf, sizeof(buf), "%d", c->pid);
	return sr_write_file(c->o->pid_file, buf, 1, err);
}

/*
 * run: waits for the container to exit; *exit_code is its exit code or 128 + the killing signal. run
 * did not wait for "R" (one wake-up less on the hot path): a setup error is read now.
 */
static int wait_for_exit(creation *c, int *exit_code, sr_err *err)
{
	int status;
	while (waitpid(c->pid, &status, 0) < 0) {
		if (errno != EINTR)
			return sr_fail(err, errno, "wait for the container");
	}
	sr_trace("container exited");
	c->pid = -1;
	char detail[32];
	snprintf(detail, sizeof(detail), " (status 0x%x)", (unsigned)status);
	if (read_setup_report(c->sv[0], MSG_DONTWAIT, 0, detail, err) < 0)
		return -1;
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

/* run, after the exit: removes the cgroups and the state dir (kept as the spare); the first error counts. */
static int remove_after_run(creation *c, sr_err *err)
{
	int ret = c->cgops->destroy(&c->cg, err) < 0 ? -1 : 0;
	sr_trace("cgroups removed");
	sr_err e2;
	if (sr_state_remove(c->o->root, c->o->id, 1, &e2) < 0 && ret == 0) {
		*err = e2;
		ret = -1;
	}
	return ret;
}

/* The caller's steps (see the top of this file); on failure the container is left half made. */
static int create_container(creation *c, int *exit_code, sr_err *err)
{
	/* A new network namespace is the costliest step: a helper makes it while everything else goes on. */
	if ((c->spec->clone_flags & CLONE_NEWNET) && sr_netns_start(c->netns, err) < 0)
		return -1;
	if (open_state_dir(c, err) < 0 || open_namespaces(c, err) < 0 || open_outputs(c, err) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sv) < 0)
		return sr_fail(err, errno, "socketpair");
	if (clone_child(c, err) < 0 || send_go(c, err) < 0 || write_state(c, err) < 0)
		return -1;
	if (await_ready(c, err) < 0 || write_pid_file(c, err) < 0)
		return -1;
	if (c->o->mode == SR_MODE_CREATE)
		return 0;
	sr_forward_signals(c->pid);
	if (c->o->mode == SR_MODE_RUN_DETACHED)
		return 0;
	return wait_for_exit(c, exit_code, err);
}

int sr_container_create(const sr_create_opts *o, int *exit_code, sr_err *err)
{
	sr_spec spec;
	*exit_code = 0;
	sr_trace("start");
	if (load_spec(o, &spec, err) < 0)
		return -1;
	cleanup_free char *dir = NULL;
	if (make_state_dir(o, &dir, err) < 0)
		return -1;

	static sr_netns_maker netns = { .fd = -1 };
	cleanup_creation creation c = { .o = o, .spec = &spec, .dir = dir, .cgops = sr_cgroup_detect(), .netns = &netns,
					.netfd = -1, .statefd = -1, .sv = { -1, -1 }, .out_fd = -1, .err_fd = -1,
					.log = SR_LOGFILE_NONE, .pid = -1 };
	for (size_t i = 0; i < MAX_NSFDS; i++)
		c.nsfds[i] = -1;
	if (create_container(&c, exit_code, err) < 0) {
		creation_abandon(&c);
		return -1;
	}
	if (o->mode == SR_MODE_RUN)
		return remove_after_run(&c, err);
	return 0;
}
