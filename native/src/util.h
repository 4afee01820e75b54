/* Shared helpers for swarm-runtime: error reporting, small file I/O, cleanup attributes. */
#ifndef SR_UTIL_H
#define SR_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef TEMP_FAILURE_RETRY
#define TEMP_FAILURE_RETRY(expr)                                                                           \
	({                                                                                                 \
		long _r;                                                                                   \
		do                                                                                         \
			_r = (long)(expr);                                                                 \
		while (_r == -1L && errno == EINTR);                                                       \
		_r;                                                                                        \
	})
#endif

/* An error: a message naming what failed and the errno it failed with (0 when none). */
typedef struct sr_err {
	int errnum;
	char msg[1024];
} sr_err;

/* Fills *err (message + strerror(errnum) when errnum != 0) and returns -1. */
int sr_fail(sr_err *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with more context ("while X: <old message>"). */
int sr_wrap(sr_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void sr_cleanup_freep(void *p);
void sr_cleanup_closep(int *fd);
void sr_cleanup_fclosep(FILE **f);
#define cleanup_free __attribute__((cleanup(sr_cleanup_freep)))
#define cleanup_close __attribute__((cleanup(sr_cleanup_closep)))
#define cleanup_file __attribute__((cleanup(sr_cleanup_fclosep)))

void *sr_xmalloc(size_t n);
void *sr_xcalloc(size_t n, size_t size);
void *sr_xrealloc(void *p, size_t n);
char *sr_xstrdup(const char *s);
char *sr_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes the whole string to path (O_WRONLY, no O_CREAT unless create). */
int sr_write_file(const char *path, const char *data, int create, sr_err *err);
/* Writes the whole buffer to fd, retrying on EINTR/short writes. */
int sr_write_all(int fd, const void *buf, size_t len);
/* Reads a whole file (NUL-terminated); *len gets the size. Returns NULL and fills err on failure. */
char *sr_read_file(const char *path, size_t *len, sr_err *err);
/* Reads a whole file relative to dirfd. */
char *sr_read_file_at(int dirfd, const char *path, size_t *len, sr_err *err);
/* mkdir -p with mode; existing directories are fine. */
int sr_mkdir_p(const char *path, mode_t mode, sr_err *err);
/* Writes data to dir/name.tmp then renames to dir/name (no fsync: state is rebuilt from the kernel). */
int sr_write_file_atomic_at(int dirfd, const char *name, const char *data, sr_err *err);
/* With SWARM_RUNTIME_TRACE=1 in the environment: prints "<pid> <µs since start> <what>" to stderr. */
void sr_trace(const char *what);
/* The process's argv, kept by main() so init can overwrite it (no host paths in the container's ps). */
extern char **sr_argv;
extern int sr_argc;
/*
 * run, run -d, exec: the signals a supervisor sends us (TERM, INT, HUP, QUIT, USR1, USR2, WINCH) go on to
 * pid; any held since sr_hold_signals() (called before the fork, so that none kills us first) too.
 */
void sr_hold_signals(void);
void sr_forward_signals(pid_t pid);
/* Monotonic time in nanoseconds. */
long long sr_now_ns(void);

#endif
