/* Device access rules: the v1 devices cgroup, and an eBPF device program for a cgroup2 directory. */
#ifndef SR_DEVICES_H
#define SR_DEVICES_H

#include "spec.h"

/* Which device filters to apply; both unless SWARM_RUNTIME_DEVICE_FILTER (tests only) says "v1" or "ebpf". */
int sr_devices_use_v1(void);
int sr_devices_use_ebpf(void);

/* v1: writes the spec's rules in order, then the default nodes, to dir's devices.allow/devices.deny. */
int sr_devices_write_v1(const char *dir, const sr_spec *spec, sr_err *err);

/*
 * cgroup2: loads a BPF_PROG_TYPE_CGROUP_DEVICE program made from the same rules (the last matching rule
 * decides; no match = denied) and attaches it to the directory dir (BPF_F_ALLOW_MULTI).
 */
int sr_devices_attach_ebpf(const char *dir, const sr_spec *spec, sr_err *err);

#endif
