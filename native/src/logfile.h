/* The container log file init writes, rotated like Docker's json-file driver (max-size × max-file). */
#ifndef SR_LOGFILE_H
#define SR_LOGFILE_H

#include <sys/types.h>

#include "util.h"

typedef struct sr_logfile {
	int fd;		    /* the current file (O_APPEND), -1 without a container log */
	int dirfd;	    /* its directory (O_PATH): init renames and reopens by name from inside the container */
	char name[256];	    /* its name in dirfd */
	off_t size;	    /* bytes in the current file */
	long long max_size; /* rotate before a line would take the file past this; 0: never */
	int max_files;	    /* the current file plus max_files-1 rotated ones (name.1 newest) */
} sr_logfile;

#define SR_LOGFILE_NONE { .fd = -1, .dirfd = -1 }

/*
 * Opens `path` for appending (created 0640) and its directory, on the caller's side: the paths are the
 * host's, and init later runs in the container's mount namespace. max_size/max_files are the option
 * strings (NULL: unlimited / 1); bad values fail naming the option and value.
 */
int sr_logfile_open(sr_logfile *lf, const char *path, const char *max_size, const char *max_files, sr_err *err);

/*
 * Appends one whole line (one write). When it would take the file past max_size (and the file is not
 * empty), rotates first: name.(n-2)→name.(n-1) … name→name.1, then reopens name. Never blocks or fails
 * the container: if rotation fails the line goes to the file still open; if the write fails the line
 * is dropped.
 */
void sr_logfile_write(sr_logfile *lf, const void *buf, size_t len);

void sr_logfile_close(sr_logfile *lf);

#endif
