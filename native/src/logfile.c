/*
 * Log rotation by rename, as Docker's json-file driver: readers that hold the old file open keep
 * reading it to its end, and a reader polling the name sees a new inode. Renames happen between two
 * whole-line writes, so no line is split across files; each file ends up at most max_size, or one line
 * longer when a single line is bigger than max_size (lines are at most 16 KiB + header, see init.c).
 */
#include "logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parses a decimal count with an optional k/m/g suffix (powers of 1024, as Docker's max-size). */
static int parse_size(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v <= 0)
		return -1;
	long long mul = 1;
	switch (*end) {
	case 'k': case 'K': mul = 1LL << 10; end++; break;
	case 'm': case 'M': mul = 1LL << 20; end++; break;
	case 'g': case 'G': mul = 1LL << 30; end++; break;
	default: break;
	}
	if (*end || v > LLONG_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

int sr_logfile_open(sr_logfile *lf, const char *path, const char *max_size, const char *max_files, sr_err *err)
{
	*lf = (sr_logfile)SR_LOGFILE_NONE;
	lf->max_files = 1;
	if (max_size && parse_size(max_size, &lf->max_size) < 0)
		return sr_fail(err, 0, "--log-max-size: \"%s\" is not a positive size (bytes, or with k/m/g)", max_size);
	if (max_files) {
		char *end;
		long n = strtol(max_files, &end, 10);
		if (end == max_files || *end || n < 1 || n > 100)
			return sr_fail(err, 0, "--log-max-files: \"%s\" is not a count from 1 to 100", max_files);
		lf->max_files = (int)n;
	}
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base || strlen(base) + 4 >= sizeof(lf->name))
		return sr_fail(err, 0, "--container-log: \"%s\" has no usable file name", path);
	snprintf(lf->name, sizeof(lf->name), "%s", base);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash == path ? 1 : slash - path) : 1, slash ? path : ".");
	if ((lf->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sr_fail(err, errno, "--container-log: open directory \"%s\"", dir);
	if ((lf->fd = openat(lf->dirfd, lf->name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640)) < 0)
		return sr_fail(err, errno, "--container-log: open \"%s\"", path);
	struct stat st;
	lf->size = fstat(lf->fd, &st) == 0 ? st.st_size : 0;
	return 0;
}

/* Shifts the rotated files up by one and reopens the name; on any failure keeps the open file. */
static void rotate(sr_logfile *lf)
{
	char from[272], to[272];
	if (lf->max_files <= 1) {
		/* No rotated file to keep: start the same file over (Docker's max-file=1). */
		if (ftruncate(lf->fd, 0) == 0)
			lf->size = 0;
		return;
	}
	for (int i = lf->max_files - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", lf->name);
		else
			snprintf(from, sizeof(from), "%s.%d", lf->name, i - 1);
		snprintf(to, sizeof(to), "%s.%d", lf->name, i);
		/* Over the oldest: that is its deletion. A missing name.(i-1) is just a short history. */
		if (renameat(lf->dirfd, from, lf->dirfd, to) < 0 && (errno != ENOENT || i == 1))
			return;
	}
	int fd = openat(lf->dirfd, lf->name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return; /* keep appending to name.1 (uncapped) and try again at the next line */
	/* init's own stdout/stderr (its error messages) follow the log to the new file. */
	struct stat a, b;
	for (int std = 1; std <= 2; std++)
		if (fstat(std, &a) == 0 && fstat(lf->fd, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			dup2(fd, std);
	close(lf->fd);
	lf->fd = fd;
	lf->size = 0;
}

void sr_logfile_write(sr_logfile *lf, const void *buf, size_t len)
{
	if (lf->fd < 0)
		return;
	if (lf->max_size > 0 && lf->dirfd >= 0 && lf->size > 0 && lf->size + (off_t)len > lf->max_size)
		rotate(lf);
	if (sr_write_all(lf->fd, buf, len) == 0)
		lf->size += (off_t)len;
}

void sr_logfile_close(sr_logfile *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	if (lf->dirfd >= 0)
		close(lf->dirfd);
	*lf = (sr_logfile)SR_LOGFILE_NONE;
}
