/*
 * swarm-runtime exec: runs a command inside a running container, as the container's own process would
 * run: its namespaces, cgroups, user, capabilities, no_new_privs, seccomp filter and environment.
 * Health probes run this way, so nothing of an image ever runs on the host.
 *
 *   caller (host, runtime's identity)         command (inside the container)
 *   state.json + the bundle's config.json
 *   pidfd of the container's init, checked against the recorded start time (no pid reuse)
 *   setns(pidfd, CLONE_NEWPID): children only
 *   clone3 into the cgroup2 dir ───────────▶  born in the container's pid namespace (and cgroup2 dir)
 *   forward signals, wait                     join the v1 cgroups (host paths, still visible)
 *                                             setns(pidfd, mount|net|ipc|uts|cgroup): root and cwd
 *                                               become the container's
 *                                             rlimits, cwd, no_new_privs, seccomp, caps, uid/gid
 *                                             execvp with the container's env (+ --env): PATH and the
 *                                               program are resolved inside the container
 *   ◀── setup error ("E<why>" on a CLOEXEC pipe) or its exit status
 *
 * The caller's environment is never passed on, and every inherited fd but 0-2 is closed on exec.
 */
#include "exec.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "process.h"
#include "spec.h"
#include "state.h"


#define JOINED_NS (CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

static const char usage[] = "usage: swarm-runtime [--root DIR] exec [--cwd DIR] [--env NAME=VALUE]... ID [--] CMD [ARG...]\n";

typedef struct exec_opts {
	const char *id;
	const char *cwd; /* NULL: process.cwd */
	char **env;      /* --env entries */
	size_t n_env;
	char **argv;
} exec_opts;

/* What the command's side needs; everything was opened by the caller, on the host. */
typedef struct exec_ctx {
	const sr_spec *spec;
	const sr_cgroup *cg;
	size_t join_from; /* cgroup dirs it was not born in */
	int pidfd;        /* the container's init */
	int parentfd;     /* pidfd of the caller, to die with it */
	int report;       /* write end of the setup-error pipe */
	const char *cwd;
	char **env;
	char **argv;
} exec_ctx;

static int bad_usage(const char *why, const char *arg)
{
	fprintf(stderr, "swarm-runtime: exec: ");
	fprintf(stderr, why, arg);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

static int parse(int argc, char **argv, exec_opts *o)
{
	o->env = sr_xcalloc((size_t)argc + 1, sizeof(char *));
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char **value = NULL;
		const char *env_value = NULL;
		if (strcmp(a, "--cwd") == 0)
			value = &o->cwd;
		else if (strcmp(a, "--env") == 0 || strcmp(a, "-e") == 0)
			value = &env_value;
		else
			return bad_usage("unknown option \"%s\"", a);
		if (i + 1 >= argc)
			return bad_usage("option %s needs a value", a);
		*value = argv[++i];
		if (value == &env_value) {
			const char *eq = strchr(env_value, '=');
			if (!eq || eq == env_value)
				return bad_usage("--env \"%s\" is not NAME=VALUE", env_value);
			o->env[o->n_env++] = (char *)env_value;
		}
	}
	if (o->cwd && o->cwd[0] != '/')
		return bad_usage("--cwd \"%s\" is not an absolute path", o->cwd);
	if (i >= argc)
		return bad_usage("%s", "missing container ID");
	o->id = argv[i++];
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return bad_usage("%s", "missing the command to run");
	o->argv = argv + i;
	return 0;
}

/* process.env, with each --env replacing the entry of the same name or added at the end. */
static char **merge_env(const sr_spec *spec, const exec_opts *o)
{
	size_t n = 0;
	while (spec->env[n])
		n++;
	char **env = sr_xcalloc(n + o->n_env + 1, sizeof(char *));
	memcpy(env, spec->env, n * sizeof(char *));
	for (size_t k = 0; k < o->n_env; k++) {
		size_t name = (size_t)(strchr(o->env[k], '=') - o->env[k]) + 1, i = 0;
		while (i < n && strncmp(env[i], o->env[k], name) != 0)
			i++;
		env[i] = o->env[k];
		if (i == n)
			n++;
	}
	return env;
}

/* On the command's side, before exec: tells the caller why it could not start and exits. */
static void report_fail(const exec_ctx *x, const sr_err *err) __attribute__((noreturn));
static void report_fail(const exec_ctx *x, const sr_err *err)
{
	(void)!write(x->report, err->msg, strlen(err->msg));
	_exit(1);
}

static void command_main(const exec_ctx *x) __attribute__((noreturn));
static void command_main(const exec_ctx *x)
{
	sr_err err;
	/* Root with every capability until the end: keep the container's processes off our /proc entry. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sr_process_reset_signals();
	if (sr_process_cloexec_inherited(&err) < 0)
		report_fail(x, &err);
	if (sr_cgroup_join(x->cg, x->join_from, &err) < 0)
		report_fail(x, &err);
	if (setns(x->pidfd, JOINED_NS) < 0)
		report_fail(x, (sr_fail(&err, errno, "join the container's namespaces"), &err));
	if (sr_process_enter(x->spec, x->cwd, &err) < 0)
		report_fail(x, &err);
	/* The credential change cleared any parent-death signal: set it now, then check the caller is still there. */
	struct pollfd p = { .fd = x->parentfd, .events = POLLIN };
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || poll(&p, 1, 0) != 0)
		_exit(1);
	sr_process_execvp(x->spec, x->argv, x->env);
}

/* Forks the command into the container's pid namespace, born in its cgroup2 directory when it has one. */
static pid_t spawn_command(exec_ctx *x)
{
	pid_t pid = -1;
	x->join_from = 0;
	if (sr_cgroup_v2_index(x->cg) == 0 && (pid = sr_cgroup_clone_into(x->cg->dirs[0], 0)) >= 0)
		x->join_from = 1;
	if (pid < 0)
		pid = fork();
	if (pid == 0)
		command_main(x);
	return pid;
}

/* Reads the command's setup error, if any (EOF once it exec'd or exited). */
static int read_report(int fd, sr_err *err)
{
	char msg[sizeof(err->msg)];
	ssize_t n = TEMP_FAILURE_RETRY(read(fd, msg, sizeof(msg) - 1));
	if (n <= 0)
		return 0;
	msg[n] = '\0';
	return sr_fail(err, 0, "%s", msg);
}

/* Loads the container, checks it is running and opens its init as a pidfd (guarded against pid reuse). */
static int open_container(const char *root, const char *id, sr_spec *spec, sr_cgroup *cg, int *pidfd, sr_err *err)
{
	cleanup_close int dirfd = sr_state_open_dir(root, id, err);
	sr_state st;
	if (dirfd < 0 || sr_state_read(dirfd, &st, err) < 0)
		return -1;
	sr_status s = sr_state_status(dirfd, &st);
	if (s != SR_STATUS_RUNNING)
		return sr_fail(err, 0, "container \"%s\" is %s, not running", id, sr_status_name(s));
	if (sr_spec_load(st.bundle, spec, err) < 0)
		return sr_wrap(err, "container \"%s\": bundle %s", id, st.bundle);
	*pidfd = (int)syscall(SYS_pidfd_open, st.pid, 0);
	if (*pidfd < 0 || !sr_state_alive(&st))
		return sr_fail(err, *pidfd < 0 ? errno : 0, "container \"%s\" (pid %d) is not running", id, st.pid);
	sr_cgroup_from_string(st.cgroup, cg);
	return 0;
}

static int run(const char *root, const exec_opts *o, int *code, sr_err *err)
{
	sr_spec spec;
	sr_cgroup cg;
	cleanup_close int pidfd = -1;
	if (open_container(root, o->id, &spec, &cg, &pidfd, err) < 0)
		return -1;
	cleanup_close int parentfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	int pipefd[2];
	if (parentfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0)
		return sr_fail(err, errno, "exec: pidfd_open/pipe");
	cleanup_close int report_r = pipefd[0];
	cleanup_close int report_w = pipefd[1];
	/* Only our children enter the container's pid namespace; we stay on the host. */
	if (setns(pidfd, CLONE_NEWPID) < 0)
		return sr_fail(err, errno, "container \"%s\": join its pid namespace", o->id);
	exec_ctx x = { .spec = &spec, .cg = &cg, .pidfd = pidfd, .parentfd = parentfd, .report = report_w,
		       .cwd = o->cwd ? o->cwd : spec.cwd, .env = merge_env(&spec, o), .argv = o->argv };
	sr_hold_signals();
	pid_t pid = spawn_command(&x);
	if (pid < 0)
		return sr_fail(err, errno, "container \"%s\": start a process in it", o->id);
	sr_forward_signals(pid);
	close(report_w);
	report_w = -1;
	int failed = read_report(report_r, err);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sr_fail(err, errno, "wait for the command");
	if (failed < 0)
		return sr_wrap(err, "container \"%s\"", o->id);
	*code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

int sr_exec_main(const char *root, int argc, char **argv)
{
	exec_opts o = { 0 };
	int r = parse(argc, argv, &o);
	if (r != 0)
		return r;
	sr_err err;
	int code = 1;
	if (run(root, &o, &code, &err) < 0) {
		fprintf(stderr, "swarm-runtime: exec: %s\n", err.msg);
		return 1;
	}
	return code;
}
