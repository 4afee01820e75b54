/* The container's filesystem: spec mounts under the rootfs, /dev nodes, pivot_root, masked/read-only paths. */
#ifndef SR_MOUNT_H
#define SR_MOUNT_H

#include "spec.h"

/* The container's side of the handshake with the caller (network namespace, cgroups). */
typedef int (*sr_mount_hook)(void *ctx, sr_err *err);

/*
 * Runs in the container's new mount namespace, as root; leaves the process in the new "/". Spec mounts
 * go in order; hook runs once, before the first sysfs or cgroup mount (they show the mounter's network
 * namespace and cgroups), or after the last mount, and always before pivot_root.
 */
int sr_mount_setup_rootfs(const sr_spec *spec, int cgroup_version, sr_mount_hook hook, void *ctx, sr_err *err);

#endif
