/*
 * swarm-runtime: an OCI-runtime-style CLI.
 *   swarm-runtime [--root DIR] create [--bundle DIR] [--pid-file F] [--stdout F] [--stderr F]
 *                                     [--container-log F] [--no-init] ID
 *   swarm-runtime [--root DIR] run    (same options, plus -d/--detach) ID
 *   swarm-runtime [--root DIR] start ID | state ID | kill ID [SIGNAL] | delete [--force] ID | wait ID
 *   swarm-runtime [--root DIR] exec [--cwd DIR] [--env K=V]... ID [--] CMD [ARG...]   (see exec.c)
 *   swarm-runtime net-config   (task network namespaces, lines on stdin; see netcfg.c)
 *   swarm-runtime layer-marks  (whiteouts and opaque dirs of an image layer, records on stdin; layermarks.c)
 *   swarm-runtime spawner      (starts processes for the daemon; see spawner.c)
 *   swarm-runtime relay        (copies the routing mesh's TCP connections; see relay.c)
 * Errors: "swarm-runtime: <what>: <why>" on stderr and exit status 1 (run: the container's status).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "container.h"
#include "exec.h"
#include "json.h"
#include "layermarks.h"
#include "netcfg.h"
#include "relay.h"
#include "spawner.h"
#include "state.h"

static const char usage[] =
	"usage: swarm-runtime [--root DIR] COMMAND [OPTIONS] ID\n"
	"commands:\n"
	"  create [--bundle DIR] [--pid-file F] [--stdout F] [--stderr F] [--container-log F]\n"
	"         [--log-max-size N[k|m|g]] [--log-max-files N] [--no-init] ID\n"
	"  run    [same as create] [-d|--detach] ID\n"
	"  start ID        start a created container\n"
	"  state ID        print the state as JSON\n"
	"  kill ID [SIG]   send a signal (default TERM) to the container's init\n"
	"  wait ID         wait for the container to stop; print and exit with its status\n"
	"  delete [--force] ID\n"
	"  exec [--cwd DIR] [--env NAME=VALUE]... ID [--] CMD [ARG...]\n"
	"                  run CMD in a running container's namespaces, cgroups and identity\n"
	"  spawner         start processes for the daemon (framed requests on stdin, answers on stdout)\n"
	"  relay           copy the routing mesh's TCP connections (commands on stdin, events on stdout)\n"
	"  net-config      configure task netns from stdin lines: NETNS_PATH IFNAME ADDR/PREFIX GATEWAY\n"
	"  layer-marks     make overlay whiteouts (w/PATH) and opaque dirs (o/PATH), NUL-terminated on stdin\n";

static int die(const sr_err *err)
{
	fprintf(stderr, "swarm-runtime: %s\n", err->msg);
	return 1;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "swarm-runtime: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

struct sig_name {
	const char *name;
	int sig;
};
static const struct sig_name sig_names[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "WINCH", SIGWINCH },
};

static int parse_signal(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s && *end == '\0')
		return v > 0 && v < NSIG ? (int)v : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(sig_names) / sizeof(sig_names[0]); i++)
		if (strcasecmp(s, sig_names[i].name) == 0)
			return sig_names[i].sig;
	return -1;
}

/* Loads state for id; returns the state dir fd. */
static int load(const char *root, const char *id, sr_state *st, sr_err *err)
{
	int fd = sr_state_open_dir(root, id, err);
	if (fd < 0)
		return -1;
	if (sr_state_read(fd, st, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int read_exit(int dirfd, int *code, int *sig)
{
	sr_err e;
	size_t len;
	cleanup_free char *text = sr_read_file_at(dirfd, "exit", &len, &e);
	if (!text)
		return -1;
	sr_json *j = sr_json_parse(text, len, &e);
	if (!j)
		return -1;
	sr_json *c = sr_json_get(j, "exitCode"), *s = sr_json_get(j, "exitSignal");
	*code = c && c->type == SR_JSON_NUMBER ? (int)c->number : -1;
	*sig = s && s->type == SR_JSON_NUMBER ? (int)s->number : 0;
	sr_json_free(j);
	return 0;
}

/*
 * A command on an existing container (start, state, kill, wait, delete): main checks the command line,
 * with_container loads the state, then the command runs on it.
 */
typedef struct cmd_ctx {
	const char *root;
	const char *id;
	int fd; /* the state dir; -1 once closed */
	sr_state st;
	int sig;   /* kill */
	int force; /* delete --force */
} cmd_ctx;

typedef int (*container_cmd)(cmd_ctx *ctx);

static void close_state_dir(cmd_ctx *ctx)
{
	if (ctx->fd >= 0)
		close(ctx->fd);
	ctx->fd = -1;
}

/* Loads the container's state (an error names the container), runs cmd on it; returns the exit status. */
static int with_container(cmd_ctx *ctx, container_cmd cmd)
{
	sr_err err;
	ctx->fd = load(ctx->root, ctx->id, &ctx->st, &err);
	if (ctx->fd < 0)
		return die(&err);
	int code = cmd(ctx);
	close_state_dir(ctx);
	return code;
}

static int cmd_state(cmd_ctx *ctx)
{
	const sr_state *st = &ctx->st;
	sr_status s = sr_state_status(ctx->fd, st);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	sr_buf_printf(&buf, &len, &cap, "{\n  \"ociVersion\": \"1.0.2\",\n  \"id\": ");
	sr_json_append_string(&buf, &len, &cap, st->id);
	sr_buf_printf(&buf, &len, &cap, ",\n  \"status\": \"%s\",\n  \"pid\": %d,\n  \"bundle\": ", sr_status_name(s),
		      s == SR_STATUS_STOPPED ? 0 : st->pid);
	sr_json_append_string(&buf, &len, &cap, st->bundle);
	sr_buf_printf(&buf, &len, &cap, ",\n  \"rootfs\": ");
	sr_json_append_string(&buf, &len, &cap, st->rootfs);
	sr_buf_printf(&buf, &len, &cap, ",\n  \"created\": ");
	sr_json_append_string(&buf, &len, &cap, st->created);
	int code, sig;
	if (s == SR_STATUS_STOPPED && read_exit(ctx->fd, &code, &sig) == 0)
		sr_buf_printf(&buf, &len, &cap, ",\n  \"exitCode\": %d,\n  \"exitSignal\": %d", code, sig);
	sr_buf_printf(&buf, &len, &cap, "\n}\n");
	fputs(buf, stdout);
	free(buf);
	return 0;
}

static int cmd_start(cmd_ctx *ctx)
{
	sr_err err;
	const char *id = ctx->id;
	sr_status s = sr_state_status(ctx->fd, &ctx->st);
	if (s != SR_STATUS_CREATED) {
		sr_fail(&err, 0, "container \"%s\" cannot be started: it is %s, not created", id, sr_status_name(s));
		return die(&err);
	}
	cleanup_close int fifo = openat(ctx->fd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0) {
		sr_fail(&err, errno, "container \"%s\": open exec.fifo", id);
		return die(&err);
	}
	long long deadline = sr_now_ns() + 10LL * 1000000000LL;
	for (;;) {
		struct pollfd p = { .fd = fifo, .events = POLLIN };
		int r = poll(&p, 1, 50);
		char c;
		if (r > 0 && read(fifo, &c, 1) == 1)
			break;
		if (!sr_state_alive(&ctx->st)) {
			sr_fail(&err, 0, "container \"%s\" exited before it could start", id);
			return die(&err);
		}
		if (sr_now_ns() > deadline) {
			sr_fail(&err, 0, "container \"%s\" did not take the start signal within 10 s", id);
			return die(&err);
		}
	}
	unlinkat(ctx->fd, "exec.fifo", 0);
	return 0;
}

/* Waits up to timeout_ms for pid (with the given start time) to die; 0 when it did. */
static int wait_gone(const sr_state *st, int timeout_ms)
{
	int pfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (pfd >= 0 && !sr_state_alive(st)) {
		close(pfd);
		return 0;
	}
	if (pfd >= 0) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int r = TEMP_FAILURE_RETRY(poll(&p, 1, timeout_ms));
		close(pfd);
		return r > 0 ? 0 : -1;
	}
	return sr_state_alive(st) ? -1 : 0;
}

static int cmd_kill(cmd_ctx *ctx)
{
	sr_err err;
	const sr_state *st = &ctx->st;
	if (!sr_state_alive(st)) {
		sr_fail(&err, 0, "container \"%s\" is not running", ctx->id);
		return die(&err);
	}
	if (ctx->sig == SIGKILL) {
		/*
		 * SIGKILL the processes first, init last: init then sees its process die, records the status
		 * (exitSignal 9) and exits. init itself is killed only if it is still there after a while.
		 */
		sr_cgroup cg;
		pid_t pids[4096];
		sr_cgroup_from_string(st->cgroup, &cg);
		int n = sr_cgroup_pids(&cg, pids, 4096);
		for (int i = 0; i < n; i++)
			if (pids[i] != st->pid)
				kill(pids[i], SIGKILL);
		if (n > 1 && wait_gone(st, 1000) == 0)
			return 0;
	}
	if (kill(st->pid, ctx->sig) < 0) {
		sr_fail(&err, errno, "kill container \"%s\" (pid %d) with signal %d", ctx->id, st->pid, ctx->sig);
		return die(&err);
	}
	return 0;
}

static int cmd_wait(cmd_ctx *ctx)
{
	if (sr_state_alive(&ctx->st))
		wait_gone(&ctx->st, -1);
	int code, sig;
	if (read_exit(ctx->fd, &code, &sig) < 0) {
		printf("{\"exitCode\":null,\"exitSignal\":null}\n");
		return 255;
	}
	printf("{\"exitCode\":%d,\"exitSignal\":%d}\n", code, sig);
	return code & 0xff;
}

static int cmd_delete(cmd_ctx *ctx)
{
	sr_err err;
	const sr_state *st = &ctx->st;
	sr_status s = sr_state_status(ctx->fd, st);
	close_state_dir(ctx);
	sr_cgroup cg;
	sr_cgroup_from_string(st->cgroup, &cg);
	if (s != SR_STATUS_STOPPED) {
		if (!ctx->force) {
			sr_fail(&err, 0, "container \"%s\" is %s: stop it first or use delete --force", ctx->id, sr_status_name(s));
			return die(&err);
		}
		kill(st->pid, SIGKILL);
		if (wait_gone(st, 10000) < 0) {
			sr_fail(&err, 0, "container \"%s\" (pid %d) did not die within 10 s of SIGKILL", ctx->id, st->pid);
			return die(&err);
		}
	}
	/* Processes outside a pid namespace survive init: kill whatever is left in the cgroup. */
	pid_t pids[1024];
	for (int round = 0; round < 100; round++) {
		int n = sr_cgroup_pids(&cg, pids, 1024);
		if (n == 0)
			break;
		for (int i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		usleep(10000);
	}
	if (cg.n_dirs && sr_cgroup_ops_for(cg.version)->destroy(&cg, &err) < 0)
		return die(&err);
	if (sr_state_remove(ctx->root, ctx->id, 0, &err) < 0)
		return die(&err);
	return 0;
}

static const struct {
	const char *name;
	container_cmd run;
} container_cmds[] = {
	{ "start", cmd_start }, { "state", cmd_state }, { "kill", cmd_kill }, { "delete", cmd_delete }, { "wait", cmd_wait },
};

static container_cmd find_container_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(container_cmds) / sizeof(container_cmds[0]); i++)
		if (strcmp(name, container_cmds[i].name) == 0)
			return container_cmds[i].run;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *root = SR_DEFAULT_ROOT;
	int i = 1;
	sr_argv = argv;
	sr_argc = argc;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			root = argv[++i];
		else if (strncmp(argv[i], "--root=", 7) == 0)
			root = argv[i] + 7;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		} else
			return usage_error("unknown global option \"%s\"", argv[i]);
	}
	if (i >= argc)
		return usage_error("%s", "missing command");
	const char *cmd = argv[i++];
	if (strcmp(cmd, "spawner") == 0) {
		if (i != argc)
			return usage_error("%s", "spawner takes no arguments (requests on stdin)");
		return sr_spawner_main();
	}
	if (strcmp(cmd, "relay") == 0) {
		if (i != argc)
			return usage_error("%s", "relay takes no arguments (commands on stdin)");
		return sr_relay_main();
	}
	if (strcmp(cmd, "exec") == 0)
		return sr_exec_main(root, argc - i, argv + i);
	if (strcmp(cmd, "layer-marks") == 0) {
		if (i != argc)
			return usage_error("%s", "layer-marks takes no arguments (records on stdin)");
		return sr_layer_marks_main(stdin);
	}
	if (strcmp(cmd, "net-config") == 0) {
		if (i != argc)
			return usage_error("%s", "net-config takes no arguments (lines on stdin)");
		return sr_net_config_main(stdin, stdout);
	}
	sr_create_opts o = { .root = root, .bundle = ".", .mode = SR_MODE_CREATE };
	int force = 0, detach = 0;
	const char *positional[2] = { NULL, NULL };
	int npos = 0;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char **target = NULL;
		if (strcmp(a, "--bundle") == 0 || strcmp(a, "-b") == 0)
			target = &o.bundle;
		else if (strcmp(a, "--pid-file") == 0)
			target = &o.pid_file;
		else if (strcmp(a, "--stdout") == 0)
			target = &o.stdout_path;
		else if (strcmp(a, "--stderr") == 0)
			target = &o.stderr_path;
		else if (strcmp(a, "--container-log") == 0)
			target = &o.container_log;
		else if (strcmp(a, "--log-max-size") == 0)
			target = &o.log_max_size;
		else if (strcmp(a, "--log-max-files") == 0)
			target = &o.log_max_files;
		else if (strcmp(a, "--no-init") == 0) {
			o.no_init = 1;
			continue;
		} else if (strcmp(a, "--force") == 0 || strcmp(a, "-f") == 0) {
			force = 1;
			continue;
		} else if (strcmp(a, "--detach") == 0 || strcmp(a, "-d") == 0) {
			detach = 1;
			continue;
		} else if (strcmp(a, "--console-socket") == 0) {
			return usage_error("%s is not supported (process.terminal must be false)", a);
		} else if (a[0] == '-' && a[1] != '\0' && !(npos == 1 && strcmp(cmd, "kill") == 0)) {
			return usage_error("unknown option \"%s\"", a);
		} else {
			if (npos >= 2)
				return usage_error("unexpected argument \"%s\"", a);
			positional[npos++] = a;
			continue;
		}
		if (i + 1 >= argc)
			return usage_error("option %s needs a value", a);
		*target = argv[++i];
	}
	if (npos == 0)
		return usage_error("%s: missing container ID", cmd);
	o.id = positional[0];
	if (npos == 2 && strcmp(cmd, "kill") != 0)
		return usage_error("unexpected argument \"%s\"", positional[1]);

	if (strcmp(cmd, "create") == 0 || strcmp(cmd, "run") == 0) {
		sr_err err;
		int code;
		if (cmd[0] == 'r')
			o.mode = detach ? SR_MODE_RUN_DETACHED : SR_MODE_RUN;
		if (sr_container_create(&o, &code, &err) < 0)
			return die(&err);
		return code;
	}
	container_cmd run = find_container_cmd(cmd);
	if (!run)
		return usage_error("unknown command \"%s\"", cmd);
	cmd_ctx ctx = { .root = root, .id = o.id, .fd = -1, .force = force };
	if (run == cmd_kill && (ctx.sig = parse_signal(positional[1] ? positional[1] : "TERM")) < 0)
		return usage_error("unknown signal \"%s\"", positional[1]);
	return with_container(&ctx, run);
}
