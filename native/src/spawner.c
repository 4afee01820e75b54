/*
 * `swarm-runtime spawner`: a long-lived helper that starts processes for the daemon.
 *
 * Why: a Node process forks to spawn, and the fork copies its page tables while the event loop waits
 * for the child's exec — ~30 ms for swarmd under load, ~100 ms at 300 MB RSS, for every `mount`, `ip`
 * and `swarm-runtime` it runs. This helper is small and static, so its forks are cheap, and the daemon
 * only writes a request to a pipe.
 *
 * Protocol on stdin/stdout, little-endian u32 fields, every message prefixed by its length (u32):
 *   request:  id, argc, argc × NUL-terminated strings (argv[0] is looked up in PATH), input length,
 *             input bytes (the child's stdin; with length 0 the child's stdin is /dev/null)
 *   response: id, kind (0 exited: value = exit code; 1 killed: value = signal; 2 not started: value =
 *             errno), value, stdout length, stdout bytes, stderr length, stderr bytes
 * A response is sent when the child has exited and both its output pipes are closed (as Node's
 * `close` event). Output beyond SR_SPAWN_OUTPUT_MAX per stream is dropped. At EOF on stdin the helper
 * exits at once; children it started go on (as a dying daemon's children did).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "spawner.h"

#define SR_SPAWN_OUTPUT_MAX (1u << 20)
#define SR_SPAWN_REQUEST_MAX (16u << 20)

typedef struct buf {
	char *data;
	size_t len, cap;
} buf;

static void buf_add(buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		b->data = sr_xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void buf_u32(buf *b, uint32_t v)
{
	buf_add(b, &v, 4);
}

typedef struct child {
	struct child *next;
	uint32_t id;
	pid_t pid;
	int exited, status;
	int out_fd, err_fd, in_fd;
	buf out, err;
	const char *input;
	size_t input_len, input_off;
	char *input_owned;
} child;

static child *children;
static buf reply; /* pending bytes for stdout */

static void queue_reply(uint32_t id, uint32_t kind, uint32_t value, const buf *out, const buf *err)
{
	uint32_t len = 4 * 5 + (uint32_t)(out ? out->len : 0) + (uint32_t)(err ? err->len : 0);
	buf_u32(&reply, len);
	buf_u32(&reply, id);
	buf_u32(&reply, kind);
	buf_u32(&reply, value);
	buf_u32(&reply, out ? (uint32_t)out->len : 0);
	if (out && out->len)
		buf_add(&reply, out->data, out->len);
	buf_u32(&reply, err ? (uint32_t)err->len : 0);
	if (err && err->len)
		buf_add(&reply, err->data, err->len);
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static uint32_t get_u32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Starts the request in msg[0..len); queues an immediate reply when it cannot start. */
static void start_request(const char *msg, uint32_t len, const sigset_t *orig_mask)
{
	if (len < 8)
		return;
	uint32_t id = get_u32(msg), argc = get_u32(msg + 4);
	size_t off = 8;
	if (argc == 0 || argc > 4096) {
		queue_reply(id, 2, EINVAL, NULL, NULL);
		return;
	}
	cleanup_free char **argv = sr_xcalloc(argc + 1, sizeof *argv);
	for (uint32_t i = 0; i < argc; i++) {
		const char *nul = off < len ? memchr(msg + off, '\0', len - off) : NULL;
		if (!nul) {
			queue_reply(id, 2, EINVAL, NULL, NULL);
			return;
		}
		argv[i] = (char *)msg + off;
		off = (size_t)(nul - msg) + 1;
	}
	if (off + 4 > len || get_u32(msg + off) > len - off - 4) {
		queue_reply(id, 2, EINVAL, NULL, NULL);
		return;
	}
	uint32_t in_len = get_u32(msg + off);
	const char *input = msg + off + 4;

	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, in[2] = { -1, -1 }, ex[2] = { -1, -1 };
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || (in_len > 0 && pipe2(in, O_CLOEXEC) < 0) || pipe2(ex, O_CLOEXEC) < 0) {
		int e = errno;
		for (int k = 0; k < 2; k++) {
			close_fd(&out[k]);
			close_fd(&err[k]);
			close_fd(&in[k]);
			close_fd(&ex[k]);
		}
		queue_reply(id, 2, (uint32_t)e, NULL, NULL);
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		/* Child: default signal dispositions and mask, stdio, exec; errno to ex[1] on failure. */
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigprocmask(SIG_SETMASK, orig_mask, NULL);
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (dup2(in_len > 0 ? in[0] : devnull, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) {
			int e = errno;
			(void)!write(ex[1], &e, sizeof e);
			_exit(127);
		}
		execvp(argv[0], argv);
		int e = errno;
		(void)!write(ex[1], &e, sizeof e);
		_exit(127);
	}
	int fork_errno = errno;
	close_fd(&out[1]);
	close_fd(&err[1]);
	close_fd(&in[0]);
	close_fd(&ex[1]);
	if (pid < 0) {
		close_fd(&out[0]);
		close_fd(&err[0]);
		close_fd(&in[1]);
		close_fd(&ex[0]);
		queue_reply(id, 2, (uint32_t)fork_errno, NULL, NULL);
		return;
	}
	/* The exec pipe closes on a successful exec (CLOEXEC) or carries the errno: a short blocking read. */
	int exec_errno = 0;
	ssize_t n = TEMP_FAILURE_RETRY(read(ex[0], &exec_errno, sizeof exec_errno));
	close_fd(&ex[0]);
	child *c = sr_xcalloc(1, sizeof *c);
	c->id = id;
	c->pid = pid;
	c->out_fd = out[0];
	c->err_fd = err[0];
	c->in_fd = in[1];
	set_nonblock(c->out_fd);
	set_nonblock(c->err_fd);
	if (n == (ssize_t)sizeof exec_errno) {
		/* Not started: reap it when SIGCHLD comes, answer now. */
		c->exited = -1;
		close_fd(&c->out_fd);
		close_fd(&c->err_fd);
		close_fd(&c->in_fd);
		queue_reply(id, 2, (uint32_t)exec_errno, NULL, NULL);
	} else if (c->in_fd >= 0) {
		set_nonblock(c->in_fd);
		c->input_owned = sr_xmalloc(in_len);
		memcpy(c->input_owned, input, in_len);
		c->input_len = in_len;
	}
	c->next = children;
	children = c;
}

static void read_into(int *fd, buf *b)
{
	char tmp[65536];
	for (;;) {
		ssize_t n = read(*fd, tmp, sizeof tmp);
		if (n > 0) {
			size_t room = b->len < SR_SPAWN_OUTPUT_MAX ? SR_SPAWN_OUTPUT_MAX - b->len : 0;
			buf_add(b, tmp, (size_t)n < room ? (size_t)n : room);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		close_fd(fd); /* EOF or error */
		return;
	}
}

static void write_input(child *c)
{
	while (c->in_fd >= 0 && c->input_off < c->input_len) {
		ssize_t n = write(c->in_fd, c->input_owned + c->input_off, c->input_len - c->input_off);
		if (n > 0) {
			c->input_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break; /* EPIPE: the child does not read it */
	}
	close_fd(&c->in_fd);
}

/* Answers and frees the children that are done (exited and output closed). */
static void finish_children(void)
{
	for (child **pp = &children; *pp;) {
		child *c = *pp;
		if (c->exited == 0 || c->out_fd >= 0 || c->err_fd >= 0) {
			pp = &c->next;
			continue;
		}
		if (c->exited > 0) {
			if (WIFSIGNALED(c->status))
				queue_reply(c->id, 1, (uint32_t)WTERMSIG(c->status), &c->out, &c->err);
			else
				queue_reply(c->id, 0, (uint32_t)WEXITSTATUS(c->status), &c->out, &c->err);
		} else if (c->exited == -1) {
			/* not started: answered already; keep it until reaped */
			pp = &c->next;
			continue;
		}
		close_fd(&c->in_fd);
		*pp = c->next;
		free(c->out.data);
		free(c->err.data);
		free(c->input_owned);
		free(c);
	}
}

static void reap(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			return;
		for (child **pp = &children; *pp; pp = &(*pp)->next) {
			child *c = *pp;
			if (c->pid != pid)
				continue;
			if (c->exited == -1) {
				*pp = c->next;
				free(c->input_owned);
				free(c);
			} else {
				c->exited = 1;
				c->status = status;
			}
			break;
		}
	}
}

int sr_spawner_main(void)
{
	sigset_t mask, orig;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGPIPE);
	sigprocmask(SIG_BLOCK, &mask, &orig);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	int sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "swarm-runtime: spawner: signalfd: %s\n", strerror(errno));
		return 1;
	}
	set_nonblock(0);
	set_nonblock(1);
	buf in = { 0 };
	size_t reply_off = 0;
	int in_open = 1;
	for (;;) {
		size_t nchild = 0;
		for (child *c = children; c; c = c->next)
			nchild++;
		struct pollfd *fds = sr_xcalloc(3 + 3 * nchild, sizeof *fds);
		child **owner = sr_xcalloc(3 + 3 * nchild, sizeof *owner);
		nfds_t n = 0;
		fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = in_open ? 0 : -1, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = reply.len > reply_off ? 1 : -1, .events = POLLOUT };
		for (child *c = children; c; c = c->next) {
			if (c->out_fd >= 0) {
				owner[n] = c;
				fds[n++] = (struct pollfd){ .fd = c->out_fd, .events = POLLIN };
			}
			if (c->err_fd >= 0) {
				owner[n] = c;
				fds[n++] = (struct pollfd){ .fd = c->err_fd, .events = POLLIN };
			}
			if (c->in_fd >= 0) {
				owner[n] = c;
				fds[n++] = (struct pollfd){ .fd = c->in_fd, .events = POLLOUT };
			}
		}
		int r = poll(fds, n, -1);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "swarm-runtime: spawner: poll: %s\n", strerror(errno));
			return 1;
		}
		if (r > 0) {
			if (fds[0].revents) {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
					;
				reap();
			}
			for (nfds_t k = 3; k < n; k++) {
				if (!fds[k].revents)
					continue;
				child *c = owner[k];
				if (fds[k].fd == c->out_fd)
					read_into(&c->out_fd, &c->out);
				else if (fds[k].fd == c->err_fd)
					read_into(&c->err_fd, &c->err);
				else if (fds[k].fd == c->in_fd)
					write_input(c);
			}
			if (fds[1].revents) {
				char tmp[65536];
				ssize_t got = read(0, tmp, sizeof tmp);
				if (got > 0)
					buf_add(&in, tmp, (size_t)got);
				else if (got == 0 || (errno != EAGAIN && errno != EINTR))
					in_open = 0;
				size_t used = 0;
				while (in.len - used >= 4) {
					uint32_t len = get_u32(in.data + used);
					if (len > SR_SPAWN_REQUEST_MAX) {
						fprintf(stderr, "swarm-runtime: spawner: request of %u bytes\n", len);
						return 1;
					}
					if (in.len - used - 4 < len)
						break;
					start_request(in.data + used + 4, len, &orig);
					used += 4 + len;
				}
				memmove(in.data, in.data + used, in.len - used);
				in.len -= used;
			}
		}
		free(fds);
		free(owner);
		/* Children whose input is pending get a first write without waiting a poll round. */
		for (child *c = children; c; c = c->next)
			if (c->in_fd >= 0 && c->input_off == 0)
				write_input(c);
		reap();
		finish_children();
		while (reply.len > reply_off) {
			ssize_t w = write(1, reply.data + reply_off, reply.len - reply_off);
			if (w > 0)
				reply_off += (size_t)w;
			else if (w < 0 && errno == EINTR)
				continue;
			else if (w < 0 && errno == EAGAIN)
				break;
			else
				return 0; /* the daemon is gone */
		}
		if (reply_off == reply.len)
			reply.len = reply_off = 0;
		if (!in_open)
			return 0;
	}
}
