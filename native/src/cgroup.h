/* cgroups: a v1 and a v2 backend behind one function table; the active one is detected at run time. */
#ifndef SR_CGROUP_H
#define SR_CGROUP_H

#include <sys/types.h>

#include "spec.h"

#define SR_CGROUP_MAX_DIRS 8

/* The directories a container's cgroup lives in (one per v1 hierarchy, one for v2). */
typedef struct sr_cgroup {
	int version; /* 1 or 2 */
	size_t n_dirs;
	char *dirs[SR_CGROUP_MAX_DIRS];
} sr_cgroup;

typedef struct sr_cgroup_ops {
	int version;
	/* Creates the directories for the spec's limits and applies them. */
	int (*create)(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err);
	/*
	 * Moves the calling (single-threaded) process into every directory. v1 writes 0 to `tasks`: a task
	 * moving itself skips the global threadgroup lock, whose RCU grace period costs several ms when
	 * someone else moves a process (cgroup.procs with a pid). v2 writes 0 to cgroup.procs (only used when
	 * clone3(CLONE_INTO_CGROUP) is refused).
	 */
	int (*join)(const sr_cgroup *cg, sr_err *err);
	/* Removes the directories (they must be empty); missing ones are fine. */
	int (*destroy)(const sr_cgroup *cg, sr_err *err);
} sr_cgroup_ops;

/* The backend for this host: v2 when the cgroup root (or $SWARM_CGROUP2_ROOT) is cgroup2, else v1. */
const sr_cgroup_ops *sr_cgroup_detect(void);
const sr_cgroup_ops *sr_cgroup_ops_for(int version);
/* The pids in the container's cgroups (first directory's cgroup.procs); returns count, fills up to max. */
int sr_cgroup_pids(const sr_cgroup *cg, pid_t *pids, int max);
/* Serializes dirs as "v:dir1:dir2" for the state file and back. */
char *sr_cgroup_to_string(const sr_cgroup *cg);
int sr_cgroup_from_string(const char *s, sr_cgroup *cg);

#endif
