/* The default seccomp filter: a classic BPF deny list returning EPERM, with an architecture check. */
#ifndef SR_SECCOMP_H
#define SR_SECCOMP_H

#include "util.h"

/* Installs the default filter on the calling thread (needs no_new_privs or CAP_SYS_ADMIN). */
int sr_seccomp_install_default(sr_err *err);

#endif
