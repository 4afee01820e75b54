/* The container's first process (later its init): namespaces, cgroups, rootfs, then init or the process. */
#ifndef SR_CHILD_H
#define SR_CHILD_H

#include "container.h"
#include "logfile.h"
#include "spec.h"

/* What the caller hands its cloned child. */
typedef struct sr_child_args {
	const sr_spec *spec;
	int sock; /* the caller's protocol: "G" in, "R" / "E<message>" out, "S" in (see container.c) */
	int statefd;
	sr_logfile *log; /* the container log (fd -1 without one); init writes and rotates it */
	int stdout_fd, stderr_fd;
	const int *nsfds;
	int cgroup_version;
	int netns_from_caller; /* the caller makes the new network namespace and sends it with "G" */
	sr_mode mode;
} sr_child_args;

/* Runs in the clone; never returns (execs the process or init, or exits 1 after sending "E<why>"). */
void sr_child_main(const sr_child_args *a) __attribute__((noreturn));

#endif
