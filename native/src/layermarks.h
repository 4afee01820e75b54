/* `swarm-runtime layer-marks`: overlayfs whiteouts and opaque markers of an image layer, in one process. */
#ifndef SR_LAYERMARKS_H
#define SR_LAYERMARKS_H

#include <stdio.h>

/*
 * Reads NUL-terminated records from in: "w<PATH>" makes PATH an overlayfs whiteout (char device 0:0,
 * mode 000); "o<PATH>" marks directory PATH opaque (trusted.overlay.opaque=y). Stops at the first failure
 * with "swarm-runtime: layer-marks: <what> <PATH>: <why>" on stderr and status 1; 0 when all were made.
 */
int sr_layer_marks_main(FILE *in);

#endif
