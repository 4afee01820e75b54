/*
 * cgroup backends. v1: one directory per hierarchy the spec needs (pids always, for tracking; memory, cpu,
 * devices only when the spec sets them) — each mkdir costs, so none is created for nothing. On a hybrid
 * host (a cgroup2 tree without controllers at /sys/fs/cgroup/unified) a spec with device rules also gets
 * a directory there, for the eBPF device program (devices.c) on top of the v1 devices cgroup. v2: one
 * directory under the unified root; controllers are enabled in the parents' cgroup.subtree_control.
 * Default cgroup path: "swarm/<id>" relative to the hierarchy root; linux.cgroupsPath overrides it.
 */
#include "cgroup.h"
#include "devices.h"
#include "json.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#define V1_ROOT "/sys/fs/cgroup"
#define HYBRID_UNIFIED V1_ROOT "/unified"
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static const char *cg_rel_path(const sr_spec *spec, const char *id, char *buf, size_t len)
{
	if (spec->cgroups_path) {
		const char *p = spec->cgroups_path;
		while (*p == '/')
			p++;
		snprintf(buf, len, "%s", p);
	} else {
		snprintf(buf, len, "swarm/%s", id);
	}
	return buf;
}

static int write_at(const char *dir, const char *file, const char *value, sr_err *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return sr_write_file(path, value, 0, err);
}

/* Makes root/rel (and missing parents) and records it in cg, so destroy removes it; *out is that path. */
static int mkdir_cg(sr_cgroup *cg, const char *root, const char *rel, char **out, sr_err *err)
{
	char *dir = sr_xasprintf("%s/%s", root, rel);
	if (mkdir(dir, 0755) < 0) {
		if (errno == ENOENT) {
			if (sr_mkdir_p(dir, 0755, err) < 0) {
				free(dir);
				return -1;
			}
		} else if (errno != EEXIST) {
			int e = errno;
			free(dir);
			return sr_fail(err, e, "create cgroup %s/%s", root, rel);
		}
	}
	cg->dirs[cg->n_dirs++] = dir;
	*out = dir;
	return 0;
}

/* pids.max, the same file in v1 and v2; a negative limit means none ("max"). */
static int write_pids_max(const char *dir, int64_t limit, sr_err *err)
{
	char buf[64];
	if (limit < 0)
		snprintf(buf, sizeof(buf), "max");
	else
		snprintf(buf, sizeof(buf), "%lld", (long long)limit);
	if (write_at(dir, "pids.max", buf, err) < 0)
		return sr_wrap(err, "linux.resources.pids.limit");
	return 0;
}

/* The swap limit goes to file only where it exists: the kernel may have no swap accounting. */
static int write_swap_limit(const char *dir, const char *file, int64_t limit, sr_err *err)
{
	char path[4096], buf[64];
	snprintf(buf, sizeof(buf), "%lld", (long long)limit);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, F_OK) == 0 && write_at(dir, file, buf, err) < 0)
		return sr_wrap(err, "linux.resources.memory.swap");
	return 0;
}

/* A v1 hierarchy for ctrl is mounted (hybrid hosts keep their controllers there). */
static int v1_hierarchy(const char *ctrl)
{
	char path[256];
	struct statfs fs;
	snprintf(path, sizeof(path), V1_ROOT "/%s", ctrl);
	return statfs(path, &fs) == 0 && fs.f_type == CGROUP_SUPER_MAGIC;
}

static int is_cgroup2(const char *path)
{
	struct statfs fs;
	return statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* The v1 pids directory: pids.max there (every container has one: tracking, kill, the limit). */
static int v1_pids(const sr_spec *spec, const char *rel, sr_cgroup *cg, sr_err *err)
{
	char *dir;
	if (mkdir_cg(cg, V1_ROOT "/pids", rel, &dir, err) < 0)
		return -1;
	return spec->pids_limit != 0 ? write_pids_max(dir, spec->pids_limit, err) : 0;
}

/* After the directories: the eBPF device program on the cgroup2 one, when there is one. */
static int attach_device_program(const sr_spec *spec, const sr_cgroup *cg, sr_err *err)
{
	if (!cg->v2_first || !spec->has_devices || !sr_devices_use_ebpf())
		return 0;
	return sr_devices_attach_ebpf(cg->dirs[0], spec, err);
}

/* ---- v1 ---- */

/*
 * The caller's own cgroup in the unified tree ("" for the root), from /proc/self/cgroup's "0::" line:
 * a hybrid host's container directory goes below it, so whatever holds the caller there (a service, a
 * test harness freezing or killing a whole host) still holds its containers.
 */
static char *own_unified_path(sr_err *err)
{
	cleanup_free char *self = sr_read_file("/proc/self/cgroup", NULL, err);
	if (!self)
		return NULL;
	char *line = strncmp(self, "0::", 3) == 0 ? self : strstr(self, "\n0::");
	if (!line)
		return sr_xstrdup("");
	line += line == self ? 3 : 4;
	line[strcspn(line, "\n")] = '\0';
	return sr_xstrdup(strcmp(line, "/") == 0 ? "" : line);
}

/* Hybrid hosts: the container's directory in the unified tree, for the eBPF device filter. */
static int v1_create_early(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err)
{
	cg->version = 1;
	cg->n_dirs = 0;
	cg->v2_first = 0;
	if (!spec->has_devices || !sr_devices_use_ebpf() || !is_cgroup2(HYBRID_UNIFIED))
		return 0;
	char rel[1024];
	cg_rel_path(spec, id, rel, sizeof(rel));
	cleanup_free char *own = own_unified_path(err);
	if (!own)
		return sr_wrap(err, "find our own cgroup in %s", HYBRID_UNIFIED);
	cleanup_free char *root = sr_xasprintf("%s%s", HYBRID_UNIFIED, own);
	char *dir;
	if (mkdir_cg(cg, root, rel, &dir, err) < 0)
		return -1;
	cg->v2_first = 1;
	return 0;
}

static int v1_create(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err)
{
	char rel[1024], buf[64];
	cg_rel_path(spec, id, rel, sizeof(rel));
	char *dir;

	if (v1_pids(spec, rel, cg, err) < 0)
		return -1;
	if (spec->memory_limit > 0) {
		if (mkdir_cg(cg, V1_ROOT "/memory", rel, &dir, err) < 0)
			return -1;
		snprintf(buf, sizeof(buf), "%lld", (long long)spec->memory_limit);
		if (write_at(dir, "memory.limit_in_bytes", buf, err) < 0)
			return sr_wrap(err, "linux.resources.memory.limit=%lld", (long long)spec->memory_limit);
		int64_t swap = spec->memory_swap > 0 ? spec->memory_swap : spec->memory_limit;
		if (write_swap_limit(dir, "memory.memsw.limit_in_bytes", swap, err) < 0)
			return -1;
	}
	if (spec->cpu_quota > 0 || spec->cpu_shares > 0 || spec->cpu_period > 0) {
		if (mkdir_cg(cg, V1_ROOT "/cpu", rel, &dir, err) < 0)
			return -1;
		if (spec->cpu_period > 0) {
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)spec->cpu_period);
			if (write_at(dir, "cpu.cfs_period_us", buf, err) < 0)
				return sr_wrap(err, "linux.resources.cpu.period");
		}
		if (spec->cpu_quota > 0) {
			snprintf(buf, sizeof(buf), "%lld", (long long)spec->cpu_quota);
			if (write_at(dir, "cpu.cfs_quota_us", buf, err) < 0)
				return sr_wrap(err, "linux.resources.cpu.quota");
		}
		if (spec->cpu_shares > 0) {
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)spec->cpu_shares);
			if (write_at(dir, "cpu.shares", buf, err) < 0)
				return sr_wrap(err, "linux.resources.cpu.shares");
		}
	}
	if (spec->has_devices && sr_devices_use_v1()) {
		if (mkdir_cg(cg, V1_ROOT "/devices", rel, &dir, err) < 0 || sr_devices_write_v1(dir, spec, err) < 0)
			return -1;
	}
	return attach_device_program(spec, cg, err);
}

int sr_cgroup_join(const sr_cgroup *cg, size_t from, sr_err *err)
{
	for (size_t i = from; i < cg->n_dirs; i++) {
		if (write_at(cg->dirs[i], "tasks", "0", err) == 0)
			continue;
		if (err->errnum != ENOENT || write_at(cg->dirs[i], "cgroup.procs", "0", err) < 0)
			return sr_wrap(err, "join cgroup");
	}
	return 0;
}

pid_t sr_cgroup_clone_into(const char *dir, uint64_t flags)
{
	cleanup_close int cgfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return -1;
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
	} args = { .flags = flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)cgfd };
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

int sr_cgroup_v2_index(const sr_cgroup *cg)
{
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (is_cgroup2(cg->dirs[i]))
			return (int)i;
	return -1;
}

static int destroy_all(const sr_cgroup *cg, sr_err *err)
{
	int ret = 0;
	for (size_t i = 0; i < cg->n_dirs; i++) {
		/* Exiting tasks may linger for a moment after their parent reaped them. */
		for (int tries = 0;; tries++) {
			if (rmdir(cg->dirs[i]) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY || tries >= 200) {
				ret = sr_fail(err, errno, "remove cgroup %s", cg->dirs[i]);
				break;
			}
			usleep(tries < 20 ? 500 : 5000);
		}
	}
	return ret;
}

/* ---- v2 ---- */

static const char *v2_root(void)
{
	const char *r = getenv("SWARM_CGROUP2_ROOT");
	return r && *r ? r : V1_ROOT;
}

/* "pids" among the words of a cgroup.controllers text. */
static int has_controller(const char *avail, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(avail, name); p; p = strstr(p + 1, name))
		if ((p == avail || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

/*
 * A cgroup2 tree without the pids controller on a hybrid host (SWARM_CGROUP2_ROOT pointing at
 * /sys/fs/cgroup/unified, as tests do): the pids limit goes to the v1 pids hierarchy instead.
 */
static int v2_pids_on_v1(const sr_spec *spec, const char *root)
{
	if (spec->pids_limit == 0 || !v1_hierarchy("pids"))
		return 0;
	char path[4096];
	sr_err ignored;
	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	cleanup_free char *avail = sr_read_file(path, NULL, &ignored);
	return avail && !has_controller(avail, "pids");
}

/* Enables the controllers the spec needs in every ancestor's cgroup.subtree_control. */
static int v2_enable_controllers(const char *root, const char *rel, const char *ctrls, sr_err *err)
{
	cleanup_free char *avail = NULL;
	char path[4096];
	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	avail = sr_read_file(path, NULL, err);
	if (!avail)
		return -1;
	char want[128] = "";
	cleanup_free char *copy = sr_xstrdup(ctrls);
	for (char *save, *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!has_controller(avail, tok))
			return sr_fail(err, 0, "cgroup v2 controller \"%s\" is not available at %s (have: %s)", tok, root, avail);
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s+%s", want[0] ? " " : "", tok);
	}
	if (!want[0])
		return 0;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", root);
	cleanup_free char *relcopy = sr_xstrdup(rel);
	char *slash = strrchr(relcopy, '/');
	/* root itself, then each ancestor below root (not the leaf). */
	if (write_at(dir, "cgroup.subtree_control", want, err) < 0)
		return -1;
	if (slash) {
		*slash = '\0';
		for (char *save, *tok = strtok_r(relcopy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
			snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%s", tok);
			if (write_at(dir, "cgroup.subtree_control", want, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int v2_create_early(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err)
{
	char rel[1024], buf[64], ctrls[64] = "";
	const char *root = v2_root();
	cg_rel_path(spec, id, rel, sizeof(rel));
	cg->version = 2;
	cg->n_dirs = 0;
	int pids_here = spec->pids_limit != 0 && !v2_pids_on_v1(spec, root);
	if (pids_here)
		strcat(ctrls, " pids");
	if (spec->memory_limit > 0)
		strcat(ctrls, " memory");
	if (spec->cpu_quota > 0 || spec->cpu_shares > 0 || spec->cpu_period > 0)
		strcat(ctrls, " cpu");
	char *dir;
	if (mkdir_cg(cg, root, rel, &dir, err) < 0)
		return -1;
	cg->v2_first = 1;
	if (ctrls[0] && v2_enable_controllers(root, rel, ctrls + 1, err) < 0)
		return sr_wrap(err, "linux.resources");
	if (pids_here && write_pids_max(dir, spec->pids_limit, err) < 0)
		return -1;
	if (spec->memory_limit > 0) {
		snprintf(buf, sizeof(buf), "%lld", (long long)spec->memory_limit);
		if (write_at(dir, "memory.max", buf, err) < 0)
			return sr_wrap(err, "linux.resources.memory.limit");
		/* OCI swap is memory+swap; v2 swap.max is swap alone. */
		int64_t swap = spec->memory_swap > 0 ? spec->memory_swap - spec->memory_limit : 0;
		if (write_swap_limit(dir, "memory.swap.max", swap > 0 ? swap : 0, err) < 0)
			return -1;
	}
	if (spec->cpu_quota > 0 || spec->cpu_period > 0) {
		unsigned long long period = spec->cpu_period ? spec->cpu_period : 100000;
		if (spec->cpu_quota > 0)
			snprintf(buf, sizeof(buf), "%lld %llu", (long long)spec->cpu_quota, period);
		else
			snprintf(buf, sizeof(buf), "max %llu", period);
		if (write_at(dir, "cpu.max", buf, err) < 0)
			return sr_wrap(err, "linux.resources.cpu.quota/period");
	}
	if (spec->cpu_shares > 0) {
		/* The conversion runc and crun use: shares [2, 262144] → weight [1, 10000]. */
		unsigned long long shares = spec->cpu_shares < 2 ? 2 : spec->cpu_shares;
		snprintf(buf, sizeof(buf), "%llu", 1 + ((shares - 2) * 9999) / 262142);
		if (write_at(dir, "cpu.weight", buf, err) < 0)
			return sr_wrap(err, "linux.resources.cpu.shares");
	}
	return 0;
}

static int v2_create(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err)
{
	char rel[1024];
	cg_rel_path(spec, id, rel, sizeof(rel));
	if (v2_pids_on_v1(spec, v2_root()) && v1_pids(spec, rel, cg, err) < 0)
		return -1;
	return attach_device_program(spec, cg, err);
}

static const sr_cgroup_ops v1_ops = { .version = 1, .create_early = v1_create_early, .create = v1_create, .destroy = destroy_all };
static const sr_cgroup_ops v2_ops = { .version = 2, .create_early = v2_create_early, .create = v2_create, .destroy = destroy_all };

const sr_cgroup_ops *sr_cgroup_ops_for(int version)
{
	return version == 2 ? &v2_ops : &v1_ops;
}

const sr_cgroup_ops *sr_cgroup_detect(void)
{
	return is_cgroup2(v2_root()) ? &v2_ops : &v1_ops;
}

int sr_cgroup_pids(const sr_cgroup *cg, pid_t *pids, int max)
{
	if (cg->n_dirs == 0)
		return 0;
	sr_err e;
	char path[4096];
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dirs[0]);
	cleanup_free char *s = sr_read_file(path, NULL, &e);
	if (!s)
		return 0;
	int n = 0;
	for (char *p = s; *p && n < max;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		pids[n++] = (pid_t)v;
		p = end;
		while (*p == '\n')
			p++;
	}
	return n;
}

char *sr_cgroup_to_string(const sr_cgroup *cg, size_t from)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	sr_buf_printf(&buf, &len, &cap, "%d", cg->version);
	for (size_t i = from; i < cg->n_dirs; i++)
		sr_buf_printf(&buf, &len, &cap, ":%s", cg->dirs[i]);
	return buf;
}

int sr_cgroup_from_string(const char *s, sr_cgroup *cg)
{
	memset(cg, 0, sizeof(*cg));
	cg->version = atoi(s);
	const char *p = strchr(s, ':');
	while (p && cg->n_dirs < SR_CGROUP_MAX_DIRS) {
		p++;
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *d = sr_xmalloc(n + 1);
		memcpy(d, p, n);
		d[n] = '\0';
		cg->dirs[cg->n_dirs++] = d;
		p = end;
	}
	return 0;
}
