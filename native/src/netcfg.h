/* `swarm-runtime net-config`: many task network namespaces configured by one process (netcfg.c). */
#ifndef SR_NETCFG_H
#define SR_NETCFG_H

#include <stdio.h>

#include "util.h"

/* Reads "NETNS_PATH IFNAME ADDRESS/PREFIX GATEWAY" lines from in, answers "ok|err PATH …" lines on out. */
int sr_net_config_main(FILE *in, FILE *out);

#endif
