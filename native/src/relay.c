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
 * The command protocol and the control channel are in relay-cmd.c.
 */
#include "relay-int.h"

relay_state sr_relay_state;

int64_t rl_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- connections by id ---------------------------------------------------------------------- */

conn **rl_bucket_of(uint32_t id)
{
	return &R.buckets[(id * 2654435761u) & (R.nbuckets - 1)];
}

void rl_hash_grow(void)
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

conn *rl_find(uint32_t id)
{
	for (conn *c = *rl_bucket_of(id); c != NULL; c = c->hash_next)
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
void rl_finish(conn *c, int reset_client, int reset_upstream, int report)
{
	if (report)
		rl_emit("D %u %llu %llu\n", c->id, (unsigned long long)c->client.bytes, (unsigned long long)c->upstream.bytes);
	close_fd(&c->client.fd, reset_client);
	close_fd(&c->upstream.fd, reset_upstream);
	timer_remove(c);
	for (conn **p = rl_bucket_of(c->id); *p != NULL; p = &(*p)->hash_next) {
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
		rl_finish(c, 1, 1, 1);
		return;
	}
	/* Only bytes count as activity: a writable edge alone does not keep an idle connection open. */
	if (c->client.bytes + c->upstream.bytes != moved)
		c->active_ms = rl_now_ms();
	if (c->client.shut && c->upstream.shut)
		rl_finish(c, 0, 0, 1);
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
	rl_emit("F %u %d\n", c->id, err);
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
	rl_emit("U %u\n", c->id);
	c->active_ms = rl_now_ms();
	if (watch(c->client.fd, (uint64_t)(uintptr_t)c) < 0) {
		rl_finish(c, 1, 1, 1);
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
void rl_start_connect(conn *c, const char *addr, int port, int timeout_ms)
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
	c->deadline_ms = rl_now_ms() + timeout_ms;
	timer_add(c);
	/* The first EPOLLOUT edge says whether it connected. */
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
			next = c->hash_next; /* rl_finish() unlinks c */
			if (c->state == RELAYING && now - c->active_ms >= R.idle_ms)
				rl_finish(c, 1, 1, 1);
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
			int64_t wait = R.timers_head->deadline_ms - rl_now_ms();
			timeout = wait < 0 ? 0 : (int)(wait > 60000 ? 60000 : wait);
		}
		if (R.idle_ms > 0 && R.nconns > 0) {
			int64_t wait = R.next_sweep_ms - rl_now_ms();
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
				if (rl_read_commands() < 0)
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
			expire_connects(rl_now_ms());
		if (R.nconns > 0)
			expire_idle(rl_now_ms());
		free_dead();
		if (R.out_len > 0)
			rl_flush_out();
	}
}
