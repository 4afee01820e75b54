/* Container state on disk (<root>/<id>/state.json, exec.fifo, exit) and its status as seen from the kernel. */
#ifndef SR_STATE_H
#define SR_STATE_H

#include <sys/types.h>

#include "util.h"

typedef struct sr_state {
	char *id;
	pid_t pid;
	unsigned long long starttime; /* /proc/<pid>/stat field 22: guards against pid reuse */
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	char *cgroup;  /* sr_cgroup_to_string() */
} sr_state;

/* "created" (waiting for start), "running" or "stopped". */
typedef enum { SR_STATUS_CREATED, SR_STATUS_RUNNING, SR_STATUS_STOPPED } sr_status;

/* Default state root. */
#define SR_DEFAULT_ROOT "/run/swarm-runtime"

/* Checks an id: 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'. */
int sr_state_valid_id(const char *id, sr_err *err);
int sr_state_write(int dirfd, const sr_state *st, sr_err *err);
int sr_state_read(int dirfd, sr_state *st, sr_err *err);
/* Opens <root>/<id> (O_PATH directory); fails with "container <id> does not exist". */
int sr_state_open_dir(const char *root, const char *id, sr_err *err);
/* Start time of pid, 0 when it does not exist or is a zombie. */
unsigned long long sr_proc_starttime(pid_t pid);
/* 1 when the state's pid is the same live process. */
int sr_state_alive(const sr_state *st);
sr_status sr_state_status(int dirfd, const sr_state *st);
const char *sr_status_name(sr_status s);
/* Removes the state directory and its files; with park, keeps the emptied dir as the spare (see state.c). */
int sr_state_remove(const char *root, const char *id, int park, sr_err *err);
/*
 * Creates <root>/<id> (error naming the container if it exists), reusing the spare dir a previous
 * `run` parked (sr_state_remove with park): see state.c.
 */
int sr_state_make_dir(const char *root, const char *id, const char *dir, sr_err *err);
/* Current UTC time as RFC 3339 with nanoseconds. */
char *sr_now_rfc3339(void);

#endif
