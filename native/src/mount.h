/* The container's filesystem: spec mounts under the rootfs, /dev nodes, pivot_root, masked/read-only paths. */
#ifndef SR_MOUNT_H
#define SR_MOUNT_H

#include "spec.h"

/* Called between the plain mounts and the cgroup-type mounts (the caller joins its cgroup there). */
typedef int (*sr_mount_hook)(void *ctx, sr_err *err);

/*
 * Runs in the container's new mount namespace, as root; leaves the process in the new "/".
 * before_cgroup runs once, after every non-cgroup spec mount and before the cgroup ones.
 */
int sr_mount_setup_rootfs(const sr_spec *spec, int cgroup_version, sr_mount_hook before_cgroup, void *ctx, sr_err *err);

#endif
