/* The container's main process: rlimits, cwd, seccomp, capabilities and uid, then execve. */
#ifndef SR_PROCESS_H
#define SR_PROCESS_H

#include "spec.h"

/* Never returns: execs process.args or writes the reason to stderr and exits 127 (126 for setup errors). */
void sr_process_exec(const sr_spec *spec) __attribute__((noreturn));

#endif
