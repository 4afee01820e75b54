/* Namespaces: opening paths to join (in the caller) and joining them (in the container's first process). */
#ifndef SR_NS_H
#define SR_NS_H

#include "spec.h"

/* Opens every linux.namespaces[].path; fds[i] is -1 for namespaces that are created, not joined. */
int sr_ns_open_paths(const sr_spec *spec, int *fds, sr_err *err);
/* setns() into each opened namespace. */
int sr_ns_join(const sr_spec *spec, const int *fds, sr_err *err);
/* "network" for CLONE_NEWNET, etc. */
const char *sr_ns_name(int flag);

#endif
