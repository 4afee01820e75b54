/*
 * Built-in init. Signals are blocked and read from a signalfd, so nothing is lost between poll rounds:
 * SIGCHLD → reap every child (zombies of orphaned grandchildren too); when the main process is reaped,
 * drain the log pipes and exit with its status. Any other catchable signal is forwarded to the main
 * process — so `kill ID TERM` stops the container at once even when PID 1 would otherwise ignore it.
 */
#include "init.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "process.h"

void sr_write_exit_status(int statefd, int status)
{
	if (statefd < 0)
		return;
	char buf[96];
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	snprintf(buf, sizeof(buf), "{\"exitCode\":%d,\"exitSignal\":%d}\n", code, sig);
	sr_err err;
	(void)sr_write_file_atomic_at(statefd, "exit", buf, &err);
}

typedef struct log_stream {
	int fd; /* read end, -1 when closed */
	const char *name;
	char buf[16384];
	size_t len;
} log_stream;

static void log_emit(sr_logfile *log, const char *stream, const char *data, size_t len, int partial)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char head[80];
	int n = snprintf(head, sizeof(head), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ %s %c ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec, stream, partial ? 'P' : 'F');
	/* One write per line keeps lines whole in the file even if two writers share it, and across rotation. */
	char *line = sr_xmalloc((size_t)n + len + 1);
	memcpy(line, head, (size_t)n);
	memcpy(line + n, data, len);
	line[(size_t)n + len] = '\n';
	sr_logfile_write(log, line, (size_t)n + len + 1);
	free(line);
}

/* Reads what is available; emits complete lines; returns 0 at EOF. */
static int log_pump(log_stream *s, sr_logfile *log)
{
	for (;;) {
		ssize_t r = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 1 : 0;
		}
		if (r == 0) {
			if (s->len)
				log_emit(log, s->name, s->buf, s->len, 0);
			s->len = 0;
			return 0;
		}
		s->len += (size_t)r;
		size_t start = 0;
		for (size_t i = 0; i < s->len; i++) {
			if (s->buf[i] == '\n') {
				log_emit(log, s->name, s->buf + start, i - start, 0);
				start = i + 1;
			}
		}
		if (start == 0 && s->len == sizeof(s->buf)) {
			log_emit(log, s->name, s->buf, s->len, 1);
			start = s->len;
		}
		memmove(s->buf, s->buf + start, s->len - start);
		s->len -= start;
	}
}

typedef struct exec_args {
	const sr_spec *spec;
	int out, err; /* log pipes, -1 without a container log */
} exec_args;

static int start_process(void *arg)
{
	const exec_args *x = arg;
	if (x->out >= 0) {
		dup2(x->out, 1);
		dup2(x->err, 2);
	}
	sr_process_exec(x->spec);
}

void sr_init_run(const sr_spec *spec, int statefd, sr_logfile *log, int report_fd)
{
	int logfd = log->fd;
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	if (logfd >= 0 && (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)) {
		perror("swarm-runtime: init: pipe");
		_exit(126);
	}
	/* Before the process starts (it may look at /proc/1 at once). */
	prctl(PR_SET_NAME, "swarm-init", 0, 0, 0);
	/* The caller's command line names host paths: show only "swarm-init" in the container's ps. */
	if (sr_argv && sr_argc > 0) {
		char *start = sr_argv[0], *end = sr_argv[sr_argc - 1] + strlen(sr_argv[sr_argc - 1]);
		memset(start, 0, (size_t)(end - start));
		snprintf(start, (size_t)(end - start) + 1, "swarm-init");
	}
	/* Keep the container's processes away from /proc/1 (its exe is the host's runtime binary). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/*
	 * vfork-like: the process runs on its own stack in our memory until execve, so there is no copy of
	 * our page tables and no copy-on-write faults; we have nothing to do until it has exec'd anyway.
	 */
	static char stack[256 * 1024] __attribute__((aligned(16)));
	exec_args x = { .spec = spec, .out = out[1], .err = errp[1] };
	pid_t child = clone(start_process, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &x);
	if (child < 0) {
		perror("swarm-runtime: init: clone");
		_exit(126);
	}
	sr_trace("init: process started (exec'd)");
	int sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		perror("swarm-runtime: init: signalfd");
		kill(child, SIGKILL);
		_exit(126);
	}
	log_stream streams[2] = { { .fd = -1, .name = "stdout" }, { .fd = -1, .name = "stderr" } };
	if (logfd >= 0) {
		close(out[1]);
		close(errp[1]);
		streams[0].fd = out[0];
		streams[1].fd = errp[0];
		fcntl(out[0], F_SETFL, O_NONBLOCK);
		fcntl(errp[0], F_SETFL, O_NONBLOCK);
	}
	for (;;) {
		struct pollfd pfd[3] = { { .fd = sfd, .events = POLLIN }, { .fd = streams[0].fd, .events = POLLIN },
					 { .fd = streams[1].fd, .events = POLLIN } };
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++)
			if (streams[i].fd >= 0 && (pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) && log_pump(&streams[i], log) == 0) {
				close(streams[i].fd);
				streams[i].fd = -1;
			}
		if (!(pfd[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo != SIGCHLD) {
				kill(child, (int)si.ssi_signo);
				continue;
			}
			int status;
			pid_t p;
			while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
				if (p != child)
					continue;
				sr_trace("init: main process reaped");
				for (int i = 0; i < 2; i++)
					if (streams[i].fd >= 0)
						log_pump(&streams[i], log);
				if (report_fd < 0 || send(report_fd, "X", 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1)
					sr_write_exit_status(statefd, status);
				_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			}
		}
	}
	kill(child, SIGKILL);
	_exit(126);
}
