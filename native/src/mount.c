/*
 * Root filesystem setup, in the container's own mount namespace:
 *   1. make every mount private (no propagation back to the host), bind the rootfs onto itself;
 *   2. mount each spec mount at its destination, resolved with openat2(RESOLVE_IN_ROOT) so a symlink in
 *      the image cannot point a mount outside the rootfs (we mount on /proc/self/fd/N);
 *   3. device nodes and standard symlinks in /dev when the spec mounts a tmpfs there;
 *   4. pivot_root into the rootfs and detach the old root;
 *   5. masked paths (/dev/null or an empty read-only tmpfs over them), read-only paths, read-only root.
 */
#include "mount.h"

#include <fcntl.h>
#include <sched.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#ifndef MOUNT_ATTR_RDONLY
#include <linux/mount.h> /* libcs without the new mount API's declarations */
#endif
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	return (int)TEMP_FAILURE_RETRY(syscall(SYS_openat2, rootfd, path, &how, sizeof(how)));
}

/* Opens (O_PATH) path inside rootfd, creating missing directories and, if as_file, a final empty file. */
static int open_or_create_in_root(int rootfd, const char *path, int as_file, sr_err *err)
{
	int fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd >= 0 || errno != ENOENT) {
		if (fd < 0)
			sr_fail(err, errno, "resolve %s in the rootfs", path);
		return fd;
	}
	cleanup_free char *copy = sr_xstrdup(path);
	size_t len = strlen(copy);
	for (size_t i = 1; i <= len; i++) {
		if (copy[i] != '/' && copy[i] != '\0')
			continue;
		char saved = copy[i];
		copy[i] = '\0';
		cleanup_close int cur = openat2_in_root(rootfd, copy, O_PATH);
		if (cur < 0 && errno == ENOENT) {
			char *slash = strrchr(copy, '/');
			*slash = '\0';
			cleanup_close int parent = openat2_in_root(rootfd, copy, O_PATH | O_DIRECTORY);
			*slash = '/';
			if (parent < 0)
				return sr_fail(err, errno, "resolve parent of %s in the rootfs", copy);
			int last = saved == '\0';
			int r;
			if (last && as_file) {
				r = openat(parent, slash + 1, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
				if (r >= 0)
					close(r);
			} else {
				r = mkdirat(parent, slash + 1, 0755);
			}
			if (r < 0 && errno != EEXIST)
				return sr_fail(err, errno, "create mount point %s in the rootfs", copy);
		} else if (cur < 0) {
			return sr_fail(err, errno, "resolve %s in the rootfs", copy);
		}
		copy[i] = saved;
	}
	fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		sr_fail(err, errno, "resolve %s in the rootfs", path);
	return fd;
}

static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * cgroup v1: a tmpfs with one directory per hierarchy this process is in. In a cgroup namespace each is a
 * fresh cgroup mount (the kernel shows the namespace root); without one, like runc, a bind of this
 * process's own cgroup directory from the host (so the container does not see the host's tree, and no
 * new superblock mount has to wait for dying cgroups to drain). The tmpfs is new and ours, so its
 * directories are made relative to its fd; one recursive mount_setattr() then applies the mount's
 * flags (ro, nosuid, ...) to the tmpfs and every mount in it. v2: cgroup2.
 */
static int mount_cgroup_fs(int rootfd, const sr_mount *m, int targetfd, int version, int own_ns, sr_err *err)
{
	char target[64];
	fd_path(targetfd, target, sizeof(target));
	unsigned long flags = (m->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC) & ~(MS_BIND | MS_REMOUNT);
	if (version == 2) {
		if (mount("cgroup2", target, "cgroup2", flags, NULL) < 0)
			return sr_fail(err, errno, "mount cgroup2 on %s", m->destination);
		return 0;
	}
	if (mount("tmpfs", target, "tmpfs", (flags & ~MS_RDONLY), "mode=755") < 0)
		return sr_fail(err, errno, "mount tmpfs on %s", m->destination);
	/* targetfd is the covered directory: reopen to reach the tmpfs root. */
	cleanup_close int top = openat2_in_root(rootfd, m->destination, O_PATH | O_DIRECTORY);
	if (top < 0)
		return sr_fail(err, errno, "open the tmpfs on %s", m->destination);
	cleanup_free char *self = sr_read_file("/proc/self/cgroup", NULL, err);
	if (!self)
		return -1;
	for (char *save, *line = strtok_r(self, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c1 || !c2 || c2 == c1 + 1)
			continue; /* "0::/" is the v2 entry */
		*c2 = '\0';
		const char *ctrl = c1 + 1;
		const char *dirname = strncmp(ctrl, "name=", 5) == 0 ? ctrl + 5 : ctrl;
		if (mkdirat(top, dirname, 0755) < 0 && errno != EEXIST)
			return sr_fail(err, errno, "create %s/%s", m->destination, dirname);
		char dpath[320];
		snprintf(dpath, sizeof(dpath), "/proc/self/fd/%d/%s", top, dirname);
		cleanup_free char *host = own_ns ? NULL : sr_xasprintf("/sys/fs/cgroup/%s%s", dirname, c2 + 1);
		if (host && mount(host, dpath, NULL, MS_BIND | MS_REC, NULL) == 0)
			continue;
		char opts[256];
		snprintf(opts, sizeof(opts), "%s%s", strncmp(ctrl, "name=", 5) == 0 ? "none," : "", ctrl);
		if (mount("cgroup", dpath, "cgroup", flags, opts) < 0)
			return sr_fail(err, errno, "mount cgroup (%s) on %s/%s", opts, m->destination, dirname);
	}
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
					       ((m->flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0) };
	if (syscall(SYS_mount_setattr, top, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return sr_fail(err, errno, "set the flags of %s and its cgroup mounts", m->destination);
	return 0;
}

static int mount_one(const sr_spec *spec, int rootfd, const sr_mount *m, int cgroup_version, sr_err *err)
{
	int as_file = 0;
	cleanup_free char *source = NULL;
	if (m->bind) {
		source = m->source[0] == '/' ? sr_xstrdup(m->source) : sr_xasprintf("%s/%s", spec->bundle, m->source);
		struct stat st;
		if (stat(source, &st) < 0)
			return sr_fail(err, errno, "bind mount source \"%s\" for %s", source, m->destination);
		as_file = !S_ISDIR(st.st_mode);
	}
	cleanup_close int fd = open_or_create_in_root(rootfd, m->destination, as_file, err);
	if (fd < 0)
		return sr_wrap(err, "mount %s", m->destination);
	char target[64];
	fd_path(fd, target, sizeof(target));
	if (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0)
		return mount_cgroup_fs(rootfd, m, fd, strcmp(m->type, "cgroup2") == 0 ? 2 : cgroup_version,
				       (spec->clone_flags & CLONE_NEWCGROUP) != 0, err);
	if (m->bind) {
		if (mount(source, target, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
			return sr_fail(err, errno, "bind mount %s on %s", source, m->destination);
		if (m->ro_remount) {
			/* Reopen: the target fd still points at the covered directory. */
			cleanup_close int fd2 = openat2_in_root(rootfd, m->destination, O_PATH);
			char t2[64];
			fd_path(fd2, t2, sizeof(t2));
			unsigned long fl = MS_BIND | MS_REMOUNT | (m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT));
			if (fd2 < 0 || mount(NULL, t2, NULL, fl, NULL) < 0)
				return sr_fail(err, errno, "remount %s with its options", m->destination);
		}
	} else {
		unsigned long flags = m->flags & ~MS_REMOUNT;
		if (mount(m->source, target, m->type, flags, m->data) < 0) {
			int e = errno;
			if (strcmp(m->type, "sysfs") == 0 && (e == EPERM || e == EBUSY)) {
				/* A joined network namespace we do not own: bind the host's /sys read-only instead. */
				if (mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) == 0) {
					cleanup_close int fd2 = openat2_in_root(rootfd, m->destination, O_PATH);
					char t2[64];
					fd_path(fd2, t2, sizeof(t2));
					if (fd2 >= 0 && mount(NULL, t2, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
							      NULL) == 0)
						return 0;
				}
			}
			return sr_fail(err, e, "mount %s (type %s, options \"%s\") on %s", m->source, m->type, m->data ? m->data : "",
				       m->destination);
		}
	}
	if (m->propagation) {
		cleanup_close int fd3 = openat2_in_root(rootfd, m->destination, O_PATH);
		char t3[64];
		fd_path(fd3, t3, sizeof(t3));
		if (fd3 < 0 || mount(NULL, t3, NULL, m->propagation, NULL) < 0)
			return sr_fail(err, errno, "set propagation of %s", m->destination);
	}
	return 0;
}

struct dev_node {
	const char *name;
	unsigned major, minor;
};

static const struct dev_node dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static int setup_dev(int rootfd, sr_err *err)
{
	cleanup_close int dev = openat2_in_root(rootfd, "/dev", O_DIRECTORY | O_RDONLY);
	if (dev < 0)
		return sr_fail(err, errno, "open /dev in the rootfs");
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		const struct dev_node *d = &dev_nodes[i];
		if (mknodat(dev, d->name, S_IFCHR | 0666, makedev(d->major, d->minor)) < 0 && errno != EEXIST) {
			/* No mknod allowed: bind the host's node instead. */
			int e = errno;
			int f = openat(dev, d->name, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
			if (f < 0)
				return sr_fail(err, e, "create /dev/%s", d->name);
			close(f);
			char src[64], dst[64];
			snprintf(src, sizeof(src), "/dev/%s", d->name);
			cleanup_close int t = openat(dev, d->name, O_PATH | O_CLOEXEC);
			fd_path(t, dst, sizeof(dst));
			if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
				return sr_fail(err, errno, "bind mount /dev/%s", d->name);
		}
	}
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },	   { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" }, { "pts/ptmx", "ptmx" },
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
			return sr_fail(err, errno, "symlink /dev/%s", links[i][1]);
	return 0;
}

static int do_pivot_root(const char *rootfs, sr_err *err)
{
	cleanup_close int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	cleanup_close int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0 || newroot < 0)
		return sr_fail(err, errno, "open rootfs %s", rootfs);
	if (fchdir(newroot) < 0)
		return sr_fail(err, errno, "chdir to rootfs %s", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return sr_fail(err, errno, "pivot_root into %s", rootfs);
	/* The old root is now stacked under "."; detach it. */
	if (umount2(".", MNT_DETACH) < 0)
		return sr_fail(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return sr_fail(err, errno, "chdir /");
	return 0;
}

static int mask_paths(const sr_spec *spec, sr_err *err)
{
	for (size_t i = 0; i < spec->n_masked_paths; i++) {
		const char *p = spec->masked_paths[i];
		struct stat st;
		if (lstat(p, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return sr_fail(err, errno, "linux.maskedPaths[%zu]: %s", i, p);
		}
		unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
		int r = S_ISDIR(st.st_mode) ? mount("tmpfs", p, "tmpfs", ro, "size=0k,nr_inodes=1")
					    : mount("/dev/null", p, NULL, MS_BIND, NULL);
		if (r < 0)
			return sr_fail(err, errno, "linux.maskedPaths[%zu]: mask %s", i, p);
	}
	for (size_t i = 0; i < spec->n_readonly_paths; i++) {
		const char *p = spec->readonly_paths[i];
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			return sr_fail(err, errno, "linux.readonlyPaths[%zu]: bind %s", i, p);
		}
		if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return sr_fail(err, errno, "linux.readonlyPaths[%zu]: remount %s read-only", i, p);
	}
	return 0;
}

/* sysfs shows the mounter's network namespace, cgroup mounts its cgroups: both wait for the hook. */
static int needs_hook(const sr_mount *m)
{
	return strcmp(m->type, "sysfs") == 0 || strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0;
}

int sr_mount_setup_rootfs(const sr_spec *spec, int cgroup_version, sr_mount_hook hook, void *ctx, sr_err *err)
{
	if (mount(NULL, "/", NULL, spec->rootfs_propagation, NULL) < 0)
		return sr_fail(err, errno, "make / %s", (spec->rootfs_propagation & MS_SHARED) ? "shared" : "private");
	if (mount(spec->rootfs, spec->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sr_fail(err, errno, "bind mount rootfs %s", spec->rootfs);
	cleanup_close int rootfd = open(spec->rootfs, O_DIRECTORY | O_PATH | O_CLOEXEC);
	if (rootfd < 0)
		return sr_fail(err, errno, "open rootfs %s", spec->rootfs);
	int dev_is_tmpfs = 0, hooked = 0;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const sr_mount *m = &spec->mounts[i];
		if (!hooked && needs_hook(m)) {
			hooked = 1;
			if (hook(ctx, err) < 0)
				return -1;
		}
		if (mount_one(spec, rootfd, m, cgroup_version, err) < 0)
			return -1;
		if (strcmp(m->destination, "/dev") == 0)
			dev_is_tmpfs = strcmp(m->type, "tmpfs") == 0;
	}
	if (!hooked && hook(ctx, err) < 0)
		return -1;
	if (dev_is_tmpfs && setup_dev(rootfd, err) < 0)
		return -1;
	/* Create cwd now (as root, before pivot) so a missing working directory is not fatal, like runc. */
	if (strcmp(spec->cwd, "/") != 0) {
		sr_err ignored;
		int fd = open_or_create_in_root(rootfd, spec->cwd, 0, &ignored);
		if (fd >= 0)
			close(fd);
	}
	sr_trace("child: mounts done");
	if (do_pivot_root(spec->rootfs, err) < 0)
		return -1;
	sr_trace("child: pivoted");
	if (mask_paths(spec, err) < 0)
		return -1;
	if (spec->root_readonly && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return sr_fail(err, errno, "root.readonly: remount / read-only");
	return 0;
}
