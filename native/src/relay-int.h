/* Internals shared by relay.c (connections, epoll loop) and relay-cmd.c (the command protocol). */
#ifndef SR_RELAY_INT_H
#define SR_RELAY_INT_H

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

typedef struct relay_state {
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
} relay_state;

/* The relay's one state (one process, one loop); R is its short name in relay*.c. */
extern relay_state sr_relay_state;
#define R sr_relay_state

/* epoll data: a conn pointer with the side in its low bit; 0 is the control channel's stdout. */
#define TAG_UPSTREAM 1u
#define CONTROL_OUT ((uint64_t)0)
#define CONTROL_IN ((uint64_t)2)


int64_t rl_now_ms(void);
/* Queues one event line for the mesh (flushed by rl_flush_out). */
void rl_emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes what it can of the event lines; the rest waits for stdout to be writable. */
void rl_flush_out(void);
/* Reads what the mesh wrote; returns -1 at EOF (the mesh is done with us). */
int rl_read_commands(void);
conn **rl_bucket_of(uint32_t id);
void rl_hash_grow(void);
conn *rl_find(uint32_t id);
void rl_finish(conn *c, int reset_client, int reset_upstream, int report);
void rl_start_connect(conn *c, const char *addr, int port, int timeout_ms);

#endif
