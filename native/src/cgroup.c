/*
 * cgroup backends. v1: one directory per hierarchy the spec needs (pids always, for tracking; memory, cpu,
 * devices only when the spec sets them) — each mkdir costs, so none is created for nothing. v2: one
 * directory under the unified root; controllers are enabled in the parents' cgroup.subtree_control.
 * Default cgroup path: "swarm/<id>" relative to the hierarchy root; linux.cgroupsPath overrides it.
 */
#include "cgroup.h"
#include "json.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#define V1_ROOT "/sys/fs/cgroup"

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

/* ---- v1 ---- */

static int v1_create(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err)
{
	char rel[1024], buf[64];
	cg_rel_path(spec, id, rel, sizeof(rel));
	cg->version = 1;
	cg->n_dirs = 0;
	char *dir;

	if (mkdir_cg(cg, V1_ROOT "/pids", rel, &dir, err) < 0)
		return -1;
	if (spec->pids_limit != 0 && write_pids_max(dir, spec->pids_limit, err) < 0)
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
	if (spec->has_devices) {
		/* The spec's rules in order, then (like runc) the nodes every container gets and the pty range. */
		static const char *const defaults[] = { "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",   "c 1:9 rwm",
							"c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm" };
		if (mkdir_cg(cg, V1_ROOT "/devices", rel, &dir, err) < 0)
			return -1;
		for (size_t i = 0; i < spec->n_device_rules; i++) {
			const char *r = spec->device_rules[i];
			if (write_at(dir, r[0] == 'A' ? "devices.allow" : "devices.deny", r + 1, err) < 0)
				return sr_wrap(err, "linux.resources.devices[%zu]", i);
		}
		for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
			if (write_at(dir, "devices.allow", defaults[i], err) < 0)
				return sr_wrap(err, "linux.resources.devices (default nodes)");
	}
	return 0;
}

static int join_all(const sr_cgroup *cg, const char *file, sr_err *err)
{
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (write_at(cg->dirs[i], file, "0", err) < 0)
			return sr_wrap(err, "join cgroup");
	return 0;
}

static int v1_join(const sr_cgroup *cg, sr_err *err)
{
	return join_all(cg, "tasks", err);
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
		if (!strstr(avail, tok))
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

static int v2_create(const sr_spec *spec, const char *id, sr_cgroup *cg, sr_err *err)
{
	char rel[1024], buf[64], ctrls[64] = "";
	const char *root = v2_root();
	cg_rel_path(spec, id, rel, sizeof(rel));
	cg->version = 2;
	cg->n_dirs = 0;
	if (spec->pids_limit != 0)
		strcat(ctrls, " pids");
	if (spec->memory_limit > 0)
		strcat(ctrls, " memory");
	if (spec->cpu_quota > 0 || spec->cpu_shares > 0 || spec->cpu_period > 0)
		strcat(ctrls, " cpu");
	char *dir;
	if (mkdir_cg(cg, root, rel, &dir, err) < 0)
		return -1;
	if (ctrls[0] && v2_enable_controllers(root, rel, ctrls + 1, err) < 0)
		return sr_wrap(err, "linux.resources");
	if (spec->pids_limit != 0 && write_pids_max(dir, spec->pids_limit, err) < 0)
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

static int v2_join(const sr_cgroup *cg, sr_err *err)
{
	return join_all(cg, "cgroup.procs", err);
}

static const sr_cgroup_ops v1_ops = { .version = 1, .create = v1_create, .join = v1_join, .destroy = destroy_all };
static const sr_cgroup_ops v2_ops = { .version = 2, .create = v2_create, .join = v2_join, .destroy = destroy_all };

const sr_cgroup_ops *sr_cgroup_ops_for(int version)
{
	return version == 2 ? &v2_ops : &v1_ops;
}

const sr_cgroup_ops *sr_cgroup_detect(void)
{
	struct statfs fs;
	if (statfs(v2_root(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		return &v2_ops;
	return &v1_ops;
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

char *sr_cgroup_to_string(const sr_cgroup *cg)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	sr_buf_printf(&buf, &len, &cap, "%d", cg->version);
	for (size_t i = 0; i < cg->n_dirs; i++)
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
