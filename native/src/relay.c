/*
 * `swarm-runtime relay`: copies the bytes of the routing mesh's TCP connections, outside Node.
 *
 * Why: bench:mesh measured Node's copy path at ~25 µs of CPU per proxied HTTP request against
 * HAProxy's ~16 µs, on a 2-core machine where the proxy shares the CPU with the client and the
 * backends. The mesh (src/mesh) keeps every decision: it accepts, chooses the backend, retries,
 * cools down failing backends and counts connections; this process only connects where it is told
 * and copies bytes, in one epoll loop, with recv/send through one shared buffer.
 *
 * The mesh hands over an accepted client socket by number: the relay duplicates it out of its parent
 * with pidfd_getfd(2) (Linux 5.6+; needs ptrace rights over the parent — the daemon runs as root), and
 * the mesh closes its own copy when the relay answers. Nothing is read from the client before a
 * backend accepted, so a failed connect loses no byte and the mesh can try the next backend.
 *
 * Protocol: lines of space-separated fields.
 *   in (stdin):   C id fd addr port timeout_ms header   take the parent's fd, connect to addr:port
 *                                                       (IPv4 or IPv6), send header (hex, "-" none)
 *                 R id addr port timeout_ms             after F: connect the same client elsewhere
 *                 X id                                  after F: reset the client and forget it
 *                 I idle_ms                             reset both sides of a connection that moved
 *                                                       no byte for idle_ms (0 = never, the default);
 *                                                       it ends with D like any other
 *   out (stdout): U id                                  connected; relaying (the fd was taken)
 *                 F id errno                            connect failed (ETIMEDOUT at the timeout);
 *                                                       waits for R or X (the fd was taken)
 *                 E id errno                            could not take the fd: the mesh forwards
 *                                                       this connection itself
 *                 D id bytes_in bytes_out               both sides closed (in = client to backend)
 * A FIN from one side becomes a FIN to the other once its bytes are flushed; the other direction
 * keeps flowing. An error on one side resets the other. At EOF on stdin the relay exits (the mesh
 * closed it or died); it also dies with its parent (PR_SET_PDEATHSIG).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>

#include "relay.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* One recv takes at most this much; it is also the shared buffer's size. */
#define RELAY_CHUNK (64 * 1024)
#define RELAY_LINE_MAX 4096
#define RELAY_HEADER_MAX 512

enum conn_state { CONNECTING, WAITING, RELAYING, CLOSED };

/* One direction of a connection: bytes read from `from` and not yet written to the other side. */
typedef struct half {
	int fd;
	int readable, writable; /* edge-triggered readiness, cleared at EAGAIN or a short read/write */
	int rdhup;		/* epoll said the peer shut down writing: an EOF is queued after the data */
	int eof;		/* read EOF from this side */
	int shut;		/* this side's EOF was passed on: the other side's write end is shut down */
	char *pending;		/* bytes read from this side that the other side did not take yet */
	size_t pending_len, pending_off;
	uint64_t bytes; /* read from this side */
} half;

typedef struct conn {
	uint32_t id;
	enum conn_state state;
	half client, upstream;
	char *header;
	size_t header_len;
	int64_t deadline_ms; /* CONNECTING */
	int64_t active_ms;   /* RELAYING: when a byte last moved either way */
	struct conn *hash_next;
	struct conn *timer_prev, *timer_next; /* CONNECTING, in deadline order */
	struct conn *dead_next;		      /* CLOSED: freed after the events at hand */
} conn;

static struct {
	int epfd, parent_pidfd;
	conn **buckets;
	size_t nbuckets, nconns;
	conn *timers_head, *timers_tail;
	conn *dead;
	int64_t idle_ms;       /* from I; 0 = no idle timeout */
	int64_t next_sweep_ms; /* when expire_idle next walks the connections */
	char in[RELAY_LINE_MAX * 4];
	size_t in_len;
	char *out;
	size_t out_len, out_cap;
	int out_blocked;
	char scratch[RELAY_CHUNK];
} R;

/* epoll data: a conn pointer with the side in its low bit; 0 is the control channel's stdout. */
#define TAG_UPSTREAM 1u
#define CONTROL_OUT ((uint64_t)0)
#define CONTROL_IN ((uint64_t)2)

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (R.out_len + (size_t)n > R.out_cap) {
		size_t cap = R.out_cap ? R.out_cap : 4096;
		while (cap < R.out_len + (size_t)n)
			cap *= 2;
		R.out = sr_xrealloc(R.out, cap);
		R.out_cap = cap;
	}
	memcpy(R.out + R.out_len, line, (size_t)n);
	R.out_len += (size_t)n;
}

/* Writes what it can of the event lines; the rest waits for stdout to be writable. */
static void flush_out(void)
{
	size_t off = 0;
	while (off < R.out_len) {
		ssize_t n = write(STDOUT_FILENO, R.out + off, R.out_len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				R.out_blocked = 1;
				break;
			}
			exit(0); /* the mesh is gone */
		}
		off += (size_t)n;
	}
	memmove(R.out, R.out + off, R.out_len - off);
	R.out_len -= off;
	if (R.out_len == 0)
		R.out_blocked = 0;
}

/* --- connections by id ---------------------------------------------------------------------- */

static conn **bucket_of(uint32_t id)
{
	return &R.buckets[(id * 2654435761u) & (R.nbuckets - 1)];
}

static void hash_grow(void)
{
	size_t n = R.nbuckets * 2;
	conn **b = sr_xcalloc(n, sizeof(*b));
	for (size_t i = 0; i < R.nbuckets; i++) {
		for (conn *c = R.buckets[i]; c != NULL;) {
			conn *next = c->hash_next;
			conn **slot = &b[(c->id * 2654435761u) & (n - 1)];
			c->hash_next = *slot;
			*slot = c;
			c = next;
		}
	}
	free(R.buckets);
	R.buckets = b;
	R.nbuckets = n;
}

static conn *find(uint32_t id)
{
	for (conn *c = *bucket_of(id); c != NULL; c = c->hash_next)
		if (c->id == id)
			return c;
	return NULL;
}

static void timer_remove(conn *c)
{
	if (c->timer_prev != NULL)
		c->timer_prev->timer_next = c->timer_next;
	else if (R.timers_head == c)
		R.timers_head = c->timer_next;
	if (c->timer_next != NULL)
		c->timer_next->timer_prev = c->timer_prev;
	else if (R.timers_tail == c)
		R.timers_tail = c->timer_prev;
	c->timer_prev = c->timer_next = NULL;
}

/* Inserts in deadline order, from the tail: timeouts are nearly always the same, so O(1). */
static void timer_add(conn *c)
{
	conn *after = R.timers_tail;
	while (after != NULL && after->deadline_ms > c->deadline_ms)
		after = after->timer_prev;
	c->timer_prev = after;
	c->timer_next = after != NULL ? after->timer_next : R.timers_head;
	if (c->timer_next != NULL)
		c->timer_next->timer_prev = c;
	else
		R.timers_tail = c;
	if (after != NULL)
		after->timer_next = c;
	else
		R.timers_head = c;
}

static void close_fd(int *fd, int reset)
{
	if (*fd < 0)
		return;
	if (reset) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(*fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	/*
	 * Leave the epoll set first: it holds the open file, not the descriptor, and the mesh may still
	 * have its copy of a client socket open (events would go on naming a freed connection).
	 */
	epoll_ctl(R.epfd, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
}

/*
 * Closes both sides (resetting the ones named), reports D unless the mesh already forgot the
 * connection, and frees it once the events at hand are handled (one of them may still name it).
 */
static void finish(conn *c, int reset_client, int reset_upstream, int report)
{
	if (report)
		emit("D %u %llu %llu\n", c->id, (unsigned long long)c->client.bytes, (unsigned long long)c->upstream.bytes);
	close_fd(&c->client.fd, reset_client);
	close_fd(&c->upstream.fd, reset_upstream);
	timer_remove(c);
	for (conn **p = bucket_of(c->id); *p != NULL; p = &(*p)->hash_next) {
		if (*p == c) {
			*p = c->hash_next;
			break;
		}
	}
	R.nconns--;
	c->state = CLOSED;
	c->dead_next = R.dead;
	R.dead = c;
}

static void free_dead(void)
{
	while (R.dead != NULL) {
		conn *c = R.dead;
		R.dead = c->dead_next;
		free(c->client.pending);
		free(c->upstream.pending);
		free(c->header);
		free(c);
	}
}

/* --- relaying --------------------------------------------------------------------------------- */

/* Keeps bytes the other side did not take (the shared buffer is reused by the next recv). */
static void keep_pending(half *h, const char *p, size_t n)
{
	h->pending = sr_xrealloc(h->pending, n);
	memcpy(h->pending, p, n);
	h->pending_len = n;
	h->pending_off = 0;
}

/* Sends p[0..n) to `to` while it takes bytes; returns how much it took, or -1 on an error (errno). */
static ssize_t send_some(half *to, const char *p, size_t n)
{
	size_t off = 0;
	while (off < n && to->writable) {
		ssize_t w = send(to->fd, p + off, n - off, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				to->writable = 0;
				break;
			}
			return -1;
		}
		if ((size_t)w < n - off)
			to->writable = 0; /* a short write: the socket buffer is full; EPOLLOUT comes when not */
		off += (size_t)w;
	}
	return (ssize_t)off;
}

/* Moves bytes from `from` to `to` until one of them blocks; returns -1 on an error. */
static int pump(half *from, half *to)
{
	for (;;) {
		if (from->pending_len > 0) {
			ssize_t w = send_some(to, from->pending + from->pending_off, from->pending_len);
			if (w < 0)
				return -1;
			from->pending_off += (size_t)w;
			from->pending_len -= (size_t)w;
			if (from->pending_len > 0)
				return 0; /* wait until `to` is writable */
			free(from->pending);
			from->pending = NULL;
			from->pending_off = 0;
		}
		if (from->eof) {
			if (!from->shut) {
				from->shut = 1;
				shutdown(to->fd, SHUT_WR);
			}
			return 0;
		}
		if (!from->readable)
			return 0;
		ssize_t n = recv(from->fd, R.scratch, sizeof(R.scratch), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				from->readable = 0;
				return 0;
			}
			return -1;
		}
		if (n == 0) {
			from->eof = 1;
			continue;
		}
		from->bytes += (uint64_t)n;
		/*
		 * A short read emptied the receive queue, and new data raises a new edge — but an EOF that
		 * was queued behind the data raises none: after EPOLLRDHUP read on until recv says 0.
		 */
		if ((size_t)n < sizeof(R.scratch) && !from->rdhup)
			from->readable = 0;
		ssize_t w = send_some(to, R.scratch, (size_t)n);
		if (w < 0)
			return -1;
		if ((size_t)w < (size_t)n) {
			keep_pending(from, R.scratch + w, (size_t)n - (size_t)w);
			return 0;
		}
	}
}

static void relay(conn *c)
{
	uint64_t moved = c->client.bytes + c->upstream.bytes;
	if (pump(&c->client, &c->upstream) < 0 || pump(&c->upstream, &c->client) < 0) {
		finish(c, 1, 1, 1);
		return;
	}
	/* Only bytes count as activity: a writable edge alone does not keep an idle connection open. */
	if (c->client.bytes + c->upstream.bytes != moved)
		c->active_ms = now_ms();
	if (c->client.shut && c->upstream.shut)
		finish(c, 0, 0, 1);
}

static int watch(int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.u64 = tag };
	return epoll_ctl(R.epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void connect_failed(conn *c, int err)
{
	close_fd(&c->upstream.fd, 0);
	timer_remove(c);
	c->state = WAITING;
	emit("F %u %d\n", c->id, err);
}

static void connected(conn *c)
{
	timer_remove(c);
	c->state = RELAYING;
	c->upstream.writable = 1;
	/* The header goes first, as bytes the client "sent" (it is not counted in bytes_in). */
	if (c->header_len > 0) {
		keep_pending(&c->client, c->header, c->header_len);
		free(c->header);
		c->header = NULL;
		c->header_len = 0;
	}
	emit("U %u\n", c->id);
	c->active_ms = now_ms();
	if (watch(c->client.fd, (uint64_t)(uintptr_t)c) < 0) {
		finish(c, 1, 1, 1);
		return;
	}
	relay(c);
}

static int parse_addr(const char *addr, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof(*in4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

/* Starts a connect to addr:port; the answer (U or F) comes now or from the event loop. */
static void start_connect(conn *c, const char *addr, int port, int timeout_ms)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (parse_addr(addr, port, &ss, &len) < 0 || port <= 0 || port > 65535) {
		connect_failed(c, EINVAL);
		return;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		connect_failed(c, errno);
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->upstream = (half){ .fd = fd };
	c->state = CONNECTING;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		connect_failed(c, errno);
		return;
	}
	if (watch(fd, (uint64_t)(uintptr_t)c | TAG_UPSTREAM) < 0) {
		connect_failed(c, errno);
		return;
	}
	c->deadline_ms = now_ms() + timeout_ms;
	timer_add(c);
	/* The first EPOLLOUT edge says whether it connected. */
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Splits a line into at most `max` fields; returns how many. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	for (char *save = NULL, *t = strtok_r(line, " ", &save); t != NULL && n < max; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	return n;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static void bad_line(const char *why, const char *line)
{
	fprintf(stderr, "swarm-runtime relay: ignoring a bad command (%s): %.200s\n", why, line);
}

static void command(char *line)
{
	char copy[RELAY_LINE_MAX];
	snprintf(copy, sizeof(copy), "%s", line);
	char *f[8];
	int n = split(line, f, 8);
	uint32_t id, a, b, t;
	if (n == 0)
		return;
	if (strcmp(f[0], "C") == 0 && n == 7) {
		if (parse_u32(f[1], &id) < 0 || parse_u32(f[2], &a) < 0 || parse_u32(f[4], &b) < 0 || parse_u32(f[5], &t) < 0)
			return bad_line("numbers", copy);
		if (find(id) != NULL)
			return bad_line("id in use", copy);
		int fd = (int)syscall(SYS_pidfd_getfd, R.parent_pidfd, (int)a, 0);
		if (fd < 0) {
			emit("E %u %d\n", id, errno);
			return;
		}
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && !(fl & O_NONBLOCK))
			fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		conn *c = sr_xcalloc(1, sizeof(*c));
		c->id = id;
		c->client.fd = fd;
		c->client.writable = 1;
		c->upstream.fd = -1;
		if (strcmp(f[6], "-") != 0) {
			size_t hl = strlen(f[6]);
			if (hl % 2 != 0 || hl / 2 > RELAY_HEADER_MAX) {
				close(fd);
				free(c);
				emit("E %u %d\n", id, EINVAL);
				return bad_line("header", copy);
			}
			c->header = sr_xmalloc(hl / 2);
			for (size_t i = 0; i < hl / 2; i++) {
				int hi = hexval(f[6][2 * i]), lo = hexval(f[6][2 * i + 1]);
				if (hi < 0 || lo < 0) {
					close(fd);
					free(c->header);
					free(c);
					emit("E %u %d\n", id, EINVAL);
					return bad_line("header", copy);
				}
				c->header[i] = (char)(hi << 4 | lo);
			}
			c->header_len = hl / 2;
		}
		if (R.nconns >= R.nbuckets)
			hash_grow();
		conn **slot = bucket_of(id);
		c->hash_next = *slot;
		*slot = c;
		R.nconns++;
		start_connect(c, f[3], (int)b, (int)t);
		return;
	}
	if (strcmp(f[0], "R") == 0 && n == 5) {
		if (parse_u32(f[1], &id) < 0 || parse_u32(f[3], &b) < 0 || parse_u32(f[4], &t) < 0)
			return bad_line("numbers", copy);
		conn *c = find(id);
		if (c == NULL || c->state != WAITING)
			return bad_line("no connection waiting", copy);
		start_connect(c, f[2], (int)b, (int)t);
		return;
	}
	if (strcmp(f[0], "I") == 0 && n == 2) {
		if (parse_u32(f[1], &t) < 0)
			return bad_line("numbers", copy);
		R.idle_ms = (int64_t)t;
		R.next_sweep_ms = now_ms();
		return;
	}
	if (strcmp(f[0], "X") == 0 && n == 2) {
		if (parse_u32(f[1], &id) < 0)
			return bad_line("numbers", copy);
		conn *c = find(id);
		if (c == NULL || c->state != WAITING)
			return bad_line("no connection waiting", copy);
		finish(c, 1, 0, 0);
		return;
	}
	bad_line("unknown", copy);
}

/* Reads what the mesh wrote; returns -1 at EOF (the mesh is done with us). */
static int read_commands(void)
{
	for (;;) {
		if (R.in_len == sizeof(R.in)) {
			fprintf(stderr, "swarm-runtime relay: a command line is longer than %zu bytes\n", sizeof(R.in));
			return -1;
		}
		ssize_t n = read(STDIN_FILENO, R.in + R.in_len, sizeof(R.in) - R.in_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		if (n == 0)
			return -1;
		R.in_len += (size_t)n;
		size_t start = 0;
		for (size_t i = 0; i < R.in_len; i++) {
			if (R.in[i] != '\n')
				continue;
			R.in[i] = '\0';
			command(R.in + start);
			start = i + 1;
		}
		memmove(R.in, R.in + start, R.in_len - start);
		R.in_len -= start;
	}
}

static void expire_connects(int64_t now)
{
	while (R.timers_head != NULL && R.timers_head->deadline_ms <= now)
		connect_failed(R.timers_head, ETIMEDOUT);
}

/*
 * Walks every connection a few times per idle period: an idle connection is closed between 1 and
 * 1.25 idle periods after its last byte. O(connections) per walk, at most every 10 s.
 */
static int64_t sweep_interval(void)
{
	int64_t every = R.idle_ms / 4;
	return every < 10 ? 10 : every > 10000 ? 10000 : every;
}

static void expire_idle(int64_t now)
{
	if (R.idle_ms <= 0 || now < R.next_sweep_ms)
		return;
	R.next_sweep_ms = now + sweep_interval();
	for (size_t i = 0; i < R.nbuckets; i++) {
		for (conn *c = R.buckets[i], *next; c != NULL; c = next) {
			next = c->hash_next; /* finish() unlinks c */
			if (c->state == RELAYING && now - c->active_ms >= R.idle_ms)
				finish(c, 1, 1, 1);
		}
	}
}

/* Records what an edge says about one side. */
static void mark_ready(half *h, uint32_t events)
{
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		h->rdhup = 1;
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		h->readable = 1;
	if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		h->writable = 1;
}

static void upstream_event(conn *c, uint32_t events)
{
	if (c->state == CLOSED)
		return;
	if (c->state == CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(c->upstream.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0) {
			connect_failed(c, err);
			return;
		}
		mark_ready(&c->upstream, events);
		connected(c);
		return;
	}
	if (c->state != RELAYING)
		return;
	mark_ready(&c->upstream, events);
	relay(c);
}

static void client_event(conn *c, uint32_t events)
{
	if (c->state != RELAYING)
		return;
	mark_ready(&c->client, events);
	relay(c);
}

int sr_relay_main(void)
{
	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		return 0; /* the parent died before the line above */
	signal(SIGPIPE, SIG_IGN);
	/* Two descriptors per connection: take what the hard limit allows. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	R.parent_pidfd = (int)syscall(SYS_pidfd_open, parent, 0);
	if (R.parent_pidfd < 0) {
		fprintf(stderr, "swarm-runtime relay: pidfd_open(parent %d): %s\n", (int)parent, strerror(errno));
		return 1;
	}
	R.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (R.epfd < 0) {
		fprintf(stderr, "swarm-runtime relay: epoll_create1: %s\n", strerror(errno));
		return 1;
	}
	R.nbuckets = 1024;
	R.buckets = sr_xcalloc(R.nbuckets, sizeof(*R.buckets));
	for (int fd = STDIN_FILENO; fd <= STDOUT_FILENO; fd++) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			fprintf(stderr, "swarm-runtime relay: fcntl(%d): %s\n", fd, strerror(errno));
			return 1;
		}
	}
	struct epoll_event in_ev = { .events = EPOLLIN, .data.u64 = CONTROL_IN };
	struct epoll_event out_ev = { .events = EPOLLOUT | EPOLLET, .data.u64 = CONTROL_OUT };
	if (epoll_ctl(R.epfd, EPOLL_CTL_ADD, STDIN_FILENO, &in_ev) < 0 || epoll_ctl(R.epfd, EPOLL_CTL_ADD, STDOUT_FILENO, &out_ev) < 0) {
		fprintf(stderr, "swarm-runtime relay: epoll_ctl on the control pipes: %s\n", strerror(errno));
		return 1;
	}
	struct epoll_event evs[256];
	for (;;) {
		int timeout = -1;
		if (R.timers_head != NULL) {
			int64_t wait = R.timers_head->deadline_ms - now_ms();
			timeout = wait < 0 ? 0 : (int)(wait > 60000 ? 60000 : wait);
		}
		if (R.idle_ms > 0 && R.nconns > 0) {
			int64_t wait = R.next_sweep_ms - now_ms();
			int sweep = wait < 0 ? 0 : (int)(wait > 60000 ? 60000 : wait);
			if (timeout < 0 || sweep < timeout)
				timeout = sweep;
		}
		int n = epoll_wait(R.epfd, evs, (int)(sizeof(evs) / sizeof(evs[0])), timeout);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "swarm-runtime relay: epoll_wait: %s\n", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			if (tag == CONTROL_IN) {
				if (read_commands() < 0)
					return 0;
			} else if (tag == CONTROL_OUT) {
				/* flushed below */
			} else if (tag & TAG_UPSTREAM) {
				upstream_event((conn *)(uintptr_t)(tag & ~(uint64_t)TAG_UPSTREAM), evs[i].events);
			} else {
				client_event((conn *)(uintptr_t)tag, evs[i].events);
			}
		}
		if (R.timers_head != NULL)
			expire_connects(now_ms());
		if (R.nconns > 0)
			expire_idle(now_ms());
		free_dead();
		if (R.out_len > 0)
			flush_out();
	}
}
