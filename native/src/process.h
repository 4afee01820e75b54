/* The container's main process: rlimits, cwd, seccomp, capabilities and uid, then execve. */
#ifndef SR_PROCESS_H
#define SR_PROCESS_H

#include "spec.h"

/* Unblocks every signal and restores every default disposition. */
void sr_process_reset_signals(void);
/*
 * Takes on the container process's identity, in the order that keeps each step permitted by the
 * previous ones: rlimits, chdir(cwd), no_new_privs, seccomp (for the bounding set's capabilities),
 * bounding set, groups/gid/uid, capability sets. Runs inside the container's mount namespace.
 */
int sr_process_enter(const sr_spec *spec, const char *cwd, sr_err *err);
/*
 * Never returns: execvp(argv) with exactly env (plus HOME from the container's /etc/passwd when env has
 * none); PATH is env's, resolved in the current root. On failure writes the reason to stderr and exits
 * 127 (not found) or 126 (anything else), as sh does.
 */
void sr_process_execvp(const sr_spec *spec, char *const argv[], char **env) __attribute__((noreturn));
/* Marks every descriptor from 3 up close-on-exec (close_range), so none the caller inherited reaches the process. */
int sr_process_cloexec_inherited(sr_err *err);

/* Never returns: signals reset, new session, inherited fds close-on-exec, sr_process_enter, then process.args with process.env. */
void sr_process_exec(const sr_spec *spec) __attribute__((noreturn));

#endif
