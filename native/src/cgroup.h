/* cgroups: a v1 and a v2 backend behind one function table; the active one is detected at run time. */
#ifndef SR_CGROUP_H
#define SR_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

#define SR_CGROUP_MAX_DIRS 8

/*
 * The directories a container's cgroup lives in: one per v1 hierarchy, one for v2; on a hybrid host
 * (v1 controllers, a cgroup2 tree without controllers at /sys/fs/cgroup/unified) a cgroup2 directory
 * too, for the eBPF device filter. A cgroup2 directory made before the clone is dirs[0].
 */
typedef struct sr_cgroup {
	int version; /* the backend: 1 or 2 */
	size_t n_dirs;
	char *dirs[SR_CGROUP_MAX_DIRS];
	int v2_first; /* while creating: dirs[0] is the cgroup2 directory the child can be born in */
} sr_cgroup;

typedef struct sr_cgroup_ops {
	int version;
	/*
	 * Before the clone: the cgroup2 directory the container is born in (clone3 CLONE_INTO_CGROUP), as
	 * dirs[0] with v2_first set — v2: its cgroup with the limits; v1 on a hybrid host: its directory in
	 * the unified tree (under the caller's own cgroup there). Nothing on a plain v1 host.
	 */
	int (*create_early)(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err);
	/* After the clone, while the child sets up: the other directories and limits, the device filters. */
	int (*create)(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err);
	/* Removes the directories (they must be empty); missing ones are fine. */
	int (*destroy)(const sr_cgroup *cg, sr_err *err);
} sr_cgroup_ops;

/* The backend for this host: v2 when the cgroup root (or $SWARM_CGROUP2_ROOT) is cgroup2, else v1. */
const sr_cgroup_ops *sr_cgroup_detect(void);
const sr_cgroup_ops *sr_cgroup_ops_for(int version);
/*
 * Moves the calling (single-threaded) process into dirs[from..]. A v1 directory gets 0 in `tasks`: a
 * task moving itself skips the global threadgroup lock, whose RCU grace period costs several ms when
 * someone else moves a process (cgroup.procs with a pid). A cgroup2 directory (no `tasks`) gets 0 in
 * cgroup.procs: that one pays the grace period, so children are born in it when the kernel allows.
 */
int sr_cgroup_join(const sr_cgroup *cg, size_t from, sr_err *err);
/*
 * clone3(flags | CLONE_INTO_CGROUP) into the cgroup2 directory dir, fork-like (the child continues on a
 * copy of our stack): returns 0 in the child, its pid in the caller, -1 with errno (ENOSYS, EINVAL,
 * EBADF: the kernel cannot; the caller falls back to a plain clone and a join).
 */
pid_t sr_cgroup_clone_into(const char *dir, uint64_t flags);
/* Index of the first cgroup2 directory, or -1. */
int sr_cgroup_v2_index(const sr_cgroup *cg);
/* The pids in the container's cgroups (first directory's cgroup.procs); returns count, fills up to max. */
int sr_cgroup_pids(const sr_cgroup *cg, pid_t *pids, int max);
/* Serializes dirs[from..] as "v:dir1:dir2" (for the state file, and the child's join list) and back. */
char *sr_cgroup_to_string(const sr_cgroup *cg, size_t from);
int sr_cgroup_from_string(const char *s, sr_cgroup *cg);

#endif
