/* `swarm-runtime relay`: copies the bytes of the routing mesh's TCP connections (relay.c). */
#ifndef SR_RELAY_H
#define SR_RELAY_H

#include "util.h"

/* Serves the parent's commands until stdin closes; returns the exit status. */
int sr_relay_main(void);

#endif
