/*
 * `swarm-runtime relay`: the control channel with the mesh (see relay.c for what the relay does).
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
#include "relay-int.h"

void rl_emit(const char *fmt, ...)
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

void rl_flush_out(void)
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
		if (rl_find(id) != NULL)
			return bad_line("id in use", copy);
		int fd = (int)syscall(SYS_pidfd_getfd, R.parent_pidfd, (int)a, 0);
		if (fd < 0) {
			rl_emit("E %u %d\n", id, errno);
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
				rl_emit("E %u %d\n", id, EINVAL);
				return bad_line("header", copy);
			}
			c->header = sr_xmalloc(hl / 2);
			for (size_t i = 0; i < hl / 2; i++) {
				int hi = hexval(f[6][2 * i]), lo = hexval(f[6][2 * i + 1]);
				if (hi < 0 || lo < 0) {
					close(fd);
					free(c->header);
					free(c);
					rl_emit("E %u %d\n", id, EINVAL);
					return bad_line("header", copy);
				}
				c->header[i] = (char)(hi << 4 | lo);
			}
			c->header_len = hl / 2;
		}
		if (R.nconns >= R.nbuckets)
			rl_hash_grow();
		conn **slot = rl_bucket_of(id);
		c->hash_next = *slot;
		*slot = c;
		R.nconns++;
		rl_start_connect(c, f[3], (int)b, (int)t);
		return;
	}
	if (strcmp(f[0], "R") == 0 && n == 5) {
		if (parse_u32(f[1], &id) < 0 || parse_u32(f[3], &b) < 0 || parse_u32(f[4], &t) < 0)
			return bad_line("numbers", copy);
		conn *c = rl_find(id);
		if (c == NULL || c->state != WAITING)
			return bad_line("no connection waiting", copy);
		rl_start_connect(c, f[2], (int)b, (int)t);
		return;
	}
	if (strcmp(f[0], "I") == 0 && n == 2) {
		if (parse_u32(f[1], &t) < 0)
			return bad_line("numbers", copy);
		R.idle_ms = (int64_t)t;
		R.next_sweep_ms = rl_now_ms();
		return;
	}
	if (strcmp(f[0], "X") == 0 && n == 2) {
		if (parse_u32(f[1], &id) < 0)
			return bad_line("numbers", copy);
		conn *c = rl_find(id);
		if (c == NULL || c->state != WAITING)
			return bad_line("no connection waiting", copy);
		rl_finish(c, 1, 0, 0);
		return;
	}
	bad_line("unknown", copy);
}

int rl_read_commands(void)
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

