/* `swarm-runtime exec`: a command inside a running container's own sandbox (see exec.c). */
#ifndef SR_EXEC_H
#define SR_EXEC_H

/*
 * argv: the words after "exec" ([--cwd DIR] [--env K=V]... ID [--] CMD [ARG...]). Returns the exit
 * status: the command's (127 not found, 126 not executable; 128+N when killed by signal N), 1 when
 * the runtime could not start it, 2 for a bad command line.
 */
int sr_exec_main(const char *root, int argc, char **argv);

#endif
