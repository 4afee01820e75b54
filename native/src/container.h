/* Creating a container: the caller's side (state, cgroups, clone) and the container's side (namespaces, rootfs). */
#ifndef SR_CONTAINER_H
#define SR_CONTAINER_H

#include "util.h"

typedef enum { SR_MODE_CREATE, SR_MODE_RUN, SR_MODE_RUN_DETACHED } sr_mode;

typedef struct sr_create_opts {
	const char *root;
	const char *id;
	const char *bundle;
	const char *pid_file;
	const char *stdout_path;   /* append the container's stdout here (default: inherit) */
	const char *stderr_path;   /* append the container's stderr here (default: inherit) */
	const char *container_log; /* CRI-format log of both streams, written by init */
	const char *log_max_size;  /* rotate the container log at this size (default: never) */
	const char *log_max_files; /* keep this many files of it, current included (default 1) */
	int no_init;
	sr_mode mode;
} sr_create_opts;

/*
 * create: leaves the container's init waiting on exec.fifo until `start`; run: starts it at once and
 * waits, setting *exit_code to the process's status and removing the container afterwards.
 */
int sr_container_create(const sr_create_opts *o, int *exit_code, sr_err *err);

#endif
