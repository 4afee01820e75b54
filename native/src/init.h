/* The built-in init (PID 1 of the container): starts the process, reaps zombies, forwards signals. */
#ifndef SR_INIT_H
#define SR_INIT_H

#include "logfile.h"
#include "spec.h"

/*
 * Forks the main process and supervises it. Exits with its status (code, or 128+signal). The status is
 * recorded as {"exitCode":N,"exitSignal":S} in statefd/exit unless report_fd (the socket to a waiting
 * `run`) still has a reader: then `run` reports it and removes the container anyway. When log->fd >= 0, stdout/stderr go through pipes
 * and are written to the log (rotated, see logfile.h) as CRI log lines ("<RFC3339Nano> stdout|stderr F|P <text>").
 */
void sr_init_run(const sr_spec *spec, int statefd, sr_logfile *log, int report_fd) __attribute__((noreturn));

/* Records the exit status in statefd/exit (used by init and by `run` without init). */
void sr_write_exit_status(int statefd, int status);

#endif
