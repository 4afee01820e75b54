/* Shared helpers: error formatting, allocation that aborts on OOM, whole-file I/O. */
#include "util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int sr_fail(sr_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (errnum != 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(errnum));
	err->errnum = errnum;
	return -1;
}

int sr_wrap(sr_err *err, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

void sr_cleanup_freep(void *p)
{
	free(*(void **)p);
}

void sr_cleanup_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

void sr_cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static void oom(void)
{
	static const char msg[] = "swarm-runtime: out of memory\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

void *sr_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *sr_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *sr_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *sr_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *sr_xasprintf(const char *fmt, ...)
{
	char *out = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&out, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return out;
}

int sr_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int sr_write_file(const char *path, const char *data, int create, sr_err *err)
{
	cleanup_close int fd = TEMP_FAILURE_RETRY(open(path, O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0), 0644));
	if (fd < 0)
		return sr_fail(err, errno, "open %s", path);
	if (sr_write_all(fd, data, strlen(data)) < 0)
		return sr_fail(err, errno, "write '%s' to %s", data, path);
	return 0;
}

char *sr_read_file_at(int dirfd, const char *path, size_t *len, sr_err *err)
{
	cleanup_close int fd = TEMP_FAILURE_RETRY(openat(dirfd, path, O_RDONLY | O_CLOEXEC));
	if (fd < 0) {
		sr_fail(err, errno, "open %s", path);
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = sr_xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = sr_xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			sr_fail(err, errno, "read %s", path);
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *sr_read_file(const char *path, size_t *len, sr_err *err)
{
	return sr_read_file_at(AT_FDCWD, path, len, err);
}

int sr_mkdir_p(const char *path, mode_t mode, sr_err *err)
{
	cleanup_free char *copy = sr_xstrdup(path);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return sr_fail(err, errno, "mkdir %s", copy);
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST)
		return sr_fail(err, errno, "mkdir %s", copy);
	return 0;
}

int sr_write_file_atomic_at(int dirfd, const char *name, const char *data, sr_err *err)
{
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	cleanup_close int fd = TEMP_FAILURE_RETRY(openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
	if (fd < 0)
		return sr_fail(err, errno, "create %s", tmp);
	if (sr_write_all(fd, data, strlen(data)) < 0)
		return sr_fail(err, errno, "write %s", tmp);
	if (renameat(dirfd, tmp, dirfd, name) < 0)
		return sr_fail(err, errno, "rename %s to %s", tmp, name);
	return 0;
}

char **sr_argv;
int sr_argc;

long long sr_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void sr_trace(const char *what)
{
	static int enabled = -1;
	static long long start;
	if (enabled < 0) {
		const char *v = getenv("SWARM_RUNTIME_TRACE");
		enabled = v && *v == '1';
		start = sr_now_ns();
	}
	if (enabled)
		fprintf(stderr, "trace %d %lld us %s\n", getpid(), (sr_now_ns() - start) / 1000, what);
}

static pid_t forward_to;
static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

static void forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
}

void sr_hold_signals(void)
{
	sigset_t set;
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

void sr_forward_signals(pid_t pid)
{
	forward_to = pid;
	struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	sigset_t set;
	forwarded_set(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}
