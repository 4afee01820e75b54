/* `swarm-runtime spawner`: starts processes for the daemon, requests and answers on stdin/stdout (spawner.c). */
#ifndef SR_SPAWNER_H
#define SR_SPAWNER_H

#include "util.h"

/* Serves requests until stdin closes; returns the exit status. */
int sr_spawner_main(void);

#endif
