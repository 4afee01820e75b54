/*
 * Image unpacking (src/image/unpack.ts) needs one mknod per whiteout and one setxattr per opaque
 * directory, and Node has neither call. Running `mknod`/`setfattr` once per entry cost a process each: a
 * layer of 100k whiteouts meant 100k forks. The unpacker sends every mark of a layer here in one batch.
 * Paths come from the unpacker, which created their parents itself (no symlinks among them); mknod
 * refuses to replace what exists, so nothing is overwritten here. The unpacker has already fsynced the
 * layer; what is made here is made durable here: each directory touched is fsynced once when the records
 * move on to another (the unpacker sends them sorted, so grouped by directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "layermarks.h"

/* fsyncs directory dir; 0 or -1 with a message on stderr. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		fprintf(stderr, "swarm-runtime: layer-marks: fsync %s: %s\n", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Remembers the directory last touched in *pending; fsyncs the previous one when it changes. */
static int touch_dir(char **pending, const char *dir, size_t len)
{
	if (*pending != NULL && strlen(*pending) == len && strncmp(*pending, dir, len) == 0)
		return 0;
	int r = *pending != NULL ? sync_dir(*pending) : 0;
	free(*pending);
	*pending = strndup(dir, len);
	return *pending == NULL ? -1 : r;
}

int sr_layer_marks_main(FILE *in)
{
	char *pending = NULL;
	char *rec = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = 0;
	while ((n = getdelim(&rec, &cap, '\0', in)) > 0) {
		if (rec[n - 1] == '\0')
			n--;
		if (n < 2 || rec[1] != '/') {
			fprintf(stderr, "swarm-runtime: layer-marks: record \"%.*s\" is not w/PATH or o/PATH\n", (int)(n > 80 ? 80 : n), rec);
			status = 2;
			break;
		}
		const char *path = rec + 1;
		/* A whiteout changes its parent directory; an opaque marker changes the directory's own inode. */
		size_t dirlen = rec[0] == 'w' ? (size_t)(strrchr(path, '/') - path) : strlen(path);
		if (touch_dir(&pending, path, dirlen > 0 ? dirlen : 1) < 0) {
			status = 1;
			break;
		}
		if (rec[0] == 'w') {
			if (mknod(path, S_IFCHR | 0000, makedev(0, 0)) < 0) {
				fprintf(stderr, "swarm-runtime: layer-marks: whiteout %s: %s\n", path, strerror(errno));
				status = 1;
				break;
			}
		} else if (rec[0] == 'o') {
			if (setxattr(path, "trusted.overlay.opaque", "y", 1, 0) < 0) {
				fprintf(stderr, "swarm-runtime: layer-marks: opaque marker %s: %s\n", path, strerror(errno));
				status = 1;
				break;
			}
		} else {
			fprintf(stderr, "swarm-runtime: layer-marks: record kind '%c' is not w or o\n", rec[0]);
			status = 2;
			break;
		}
	}
	if (status == 0 && pending != NULL && sync_dir(pending) < 0)
		status = 1;
	free(pending);
	free(rec);
	return status;
}
