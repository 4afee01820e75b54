/* Namespaces: opening paths to join (in the caller) and joining them (in the container's first process). */
#ifndef SR_NS_H
#define SR_NS_H

#include "spec.h"

/* Opens every linux.namespaces[].path; fds[i] is -1 for namespaces that are created, not joined. */
int sr_ns_open_paths(const sr_spec *spec, int *fds, sr_err *err);
/* setns() into each opened namespace. */
int sr_ns_join(const sr_spec *spec, const int *fds, sr_err *err);
/* A new network namespace being made by a helper process sharing our memory (see ns.c). */
typedef struct sr_netns_maker {
	pid_t pid;        /* the helper, 0 when none */
	int fd;           /* the namespace once made, else -1 */
	int errnum;       /* why not */
	const char *step; /* which step failed */
	char stack[16384] __attribute__((aligned(16)));
} sr_netns_maker;

/* Starts the helper: unshare(CLONE_NEWNET), open it, bring lo up. */
int sr_netns_start(sr_netns_maker *m, sr_err *err);
/* Waits for the helper; returns the namespace's fd (the caller owns it) or -1 with err filled. */
int sr_netns_finish(sr_netns_maker *m, sr_err *err);
/* "network" for CLONE_NEWNET, etc. */
const char *sr_ns_name(int flag);

#endif
