/* The default seccomp filter: Docker's default profile as a classic BPF allow list, with an architecture check. */
#ifndef SR_SECCOMP_H
#define SR_SECCOMP_H

#include "spec.h"

/*
 * Installs the default filter on the calling thread (needs no_new_privs or CAP_SYS_ADMIN). The rows
 * that depend on a capability (CAP_SYS_ADMIN's mount, unshare, clone with namespace flags...) follow
 * caps->bounding, as Docker's profile does.
 */
int sr_seccomp_install_default(const sr_caps *caps, sr_err *err);

#endif
