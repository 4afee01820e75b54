/* config.json → sr_spec, validating types and values; every error names the JSON field. */
#include "spec.h"

#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "json.h"
#include "spec-internal.h"

struct mount_opt {
	const char *name;
	int clear;
	unsigned long flag;
};

static const struct mount_opt mount_opts[] = {
	{ "ro", 0, MS_RDONLY },          { "rw", 1, MS_RDONLY },          { "nosuid", 0, MS_NOSUID },
	{ "suid", 1, MS_NOSUID },        { "nodev", 0, MS_NODEV },        { "dev", 1, MS_NODEV },
	{ "noexec", 0, MS_NOEXEC },      { "exec", 1, MS_NOEXEC },        { "sync", 0, MS_SYNCHRONOUS },
	{ "async", 1, MS_SYNCHRONOUS },  { "dirsync", 0, MS_DIRSYNC },    { "remount", 0, MS_REMOUNT },
	{ "mand", 0, MS_MANDLOCK },      { "nomand", 1, MS_MANDLOCK },    { "atime", 1, MS_NOATIME },
	{ "noatime", 0, MS_NOATIME },    { "diratime", 1, MS_NODIRATIME }, { "nodiratime", 0, MS_NODIRATIME },
	{ "relatime", 0, MS_RELATIME },  { "norelatime", 1, MS_RELATIME }, { "strictatime", 0, MS_STRICTATIME },
	{ "nostrictatime", 1, MS_STRICTATIME },
};

static const struct mount_opt propagation_opts[] = {
	{ "private", 0, MS_PRIVATE },       { "rprivate", 0, MS_PRIVATE | MS_REC },
	{ "shared", 0, MS_SHARED },         { "rshared", 0, MS_SHARED | MS_REC },
	{ "slave", 0, MS_SLAVE },           { "rslave", 0, MS_SLAVE | MS_REC },
	{ "unbindable", 0, MS_UNBINDABLE }, { "runbindable", 0, MS_UNBINDABLE | MS_REC },
};

static int parse_mount(const sr_json *m, size_t idx, sr_mount *out, sr_err *err)
{
	char field[64];
	snprintf(field, sizeof(field), "mounts[%zu]", idx);
	if (sr_spec_expect(m, SR_JSON_OBJECT, field, err) < 0)
		return -1;
	snprintf(field, sizeof(field), "mounts[%zu].destination", idx);
	if (sr_spec_get_string(m, "destination", field, &out->destination, 1, err) < 0)
		return -1;
	if (out->destination[0] != '/')
		return sr_fail(err, 0, "%s: \"%s\" is not an absolute path", field, out->destination);
	snprintf(field, sizeof(field), "mounts[%zu].type", idx);
	if (sr_spec_get_string(m, "type", field, &out->type, 0, err) < 0)
		return -1;
	snprintf(field, sizeof(field), "mounts[%zu].source", idx);
	if (sr_spec_get_string(m, "source", field, &out->source, 0, err) < 0)
		return -1;
	char **opts;
	size_t n;
	snprintf(field, sizeof(field), "mounts[%zu].options", idx);
	if (sr_spec_get_string_array(m, "options", field, &opts, &n, err) < 0)
		return -1;
	size_t dlen = 0, dcap = 0;
	char *data = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *o = opts[i];
		int done = 0;
		if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0) {
			out->bind = 1;
			out->flags |= MS_BIND | (o[0] == 'r' ? MS_REC : 0);
			done = 1;
		}
		for (size_t k = 0; !done && k < sizeof(mount_opts) / sizeof(mount_opts[0]); k++) {
			if (strcmp(o, mount_opts[k].name) == 0) {
				if (mount_opts[k].clear)
					out->flags &= ~mount_opts[k].flag;
				else
					out->flags |= mount_opts[k].flag;
				done = 1;
			}
		}
		for (size_t k = 0; !done && k < sizeof(propagation_opts) / sizeof(propagation_opts[0]); k++) {
			if (strcmp(o, propagation_opts[k].name) == 0) {
				out->propagation = propagation_opts[k].flag;
				done = 1;
			}
		}
		if (!done)
			sr_buf_printf(&data, &dlen, &dcap, "%s%s", dlen ? "," : "", o);
		free(opts[i]);
	}
	free(opts);
	out->data = data;
	if (!out->type)
		out->type = sr_xstrdup(out->bind ? "bind" : "none");
	if (strcmp(out->type, "bind") == 0 && !out->bind) {
		out->bind = 1;
		out->flags |= MS_BIND;
	}
	if (out->bind && !out->source)
		return sr_fail(err, 0, "mounts[%zu].source: required for a bind mount of %s", idx, out->destination);
	if (!out->source)
		out->source = sr_xstrdup(out->type);
	if (out->bind && (out->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)))
		out->ro_remount = 1;
	return 0;
}

struct ns_name {
	const char *name;
	int flag;
};

static const struct ns_name ns_names[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },     { "cgroup", CLONE_NEWCGROUP },
};

static int parse_namespaces(const sr_json *linux_, sr_spec *spec, sr_err *err)
{
	sr_json *v = sr_json_get(linux_, "namespaces");
	if (!v || v->type == SR_JSON_NULL)
		return 0;
	if (sr_spec_expect(v, SR_JSON_ARRAY, "linux.namespaces", err) < 0)
		return -1;
	spec->namespaces = sr_xcalloc(v->len, sizeof(sr_namespace));
	for (size_t i = 0; i < v->len; i++) {
		char field[64];
		char *type = NULL, *path = NULL;
		snprintf(field, sizeof(field), "linux.namespaces[%zu]", i);
		if (sr_spec_expect(v->items[i], SR_JSON_OBJECT, field, err) < 0)
			return -1;
		snprintf(field, sizeof(field), "linux.namespaces[%zu].type", i);
		if (sr_spec_get_string(v->items[i], "type", field, &type, 1, err) < 0)
			return -1;
		int flag = 0;
		for (size_t k = 0; k < sizeof(ns_names) / sizeof(ns_names[0]); k++)
			if (strcmp(type, ns_names[k].name) == 0)
				flag = ns_names[k].flag;
		if (flag == 0) {
			if (strcmp(type, "user") == 0 || strcmp(type, "time") == 0)
				sr_fail(err, 0, "%s: namespace type \"%s\" is not supported by swarm-runtime", field, type);
			else
				sr_fail(err, 0, "%s: unknown namespace type \"%s\" (expected pid, network, mount, ipc, uts or cgroup)",
					field, type);
			free(type);
			return -1;
		}
		free(type);
		snprintf(field, sizeof(field), "linux.namespaces[%zu].path", i);
		if (sr_spec_get_string(v->items[i], "path", field, &path, 0, err) < 0)
			return -1;
		for (size_t k = 0; k < spec->n_namespaces; k++)
			if (spec->namespaces[k].flag == flag)
				return sr_fail(err, 0, "linux.namespaces[%zu]: namespace listed twice", i);
		if (path && (flag == CLONE_NEWPID || flag == CLONE_NEWNS || flag == CLONE_NEWCGROUP))
			return sr_fail(err, 0, "%s: joining an existing %s namespace is not supported (only network, ipc, uts)",
				       field, flag == CLONE_NEWPID ? "pid" : flag == CLONE_NEWNS ? "mount" : "cgroup");
		if (path) {
			struct stat st;
			if (stat(path, &st) < 0)
				return sr_fail(err, errno, "%s: cannot use namespace path \"%s\"", field, path);
		}
		spec->namespaces[spec->n_namespaces].flag = flag;
		spec->namespaces[spec->n_namespaces].path = path;
		spec->n_namespaces++;
		if (!path)
			spec->clone_flags |= flag;
	}
	return 0;
}

/* linux.resources.devices[i]: allow, type (a, b, c; default a), major/minor (-1 or absent = any), access (rwm). */
static int parse_device_rule(const sr_json *d, size_t i, sr_device_rule *out, sr_err *err)
{
	char field[64];
	cleanup_free char *type = NULL, *access = NULL;
	snprintf(field, sizeof(field), "linux.resources.devices[%zu]", i);
	if (sr_spec_expect(d, SR_JSON_OBJECT, field, err) < 0)
		return -1;
	snprintf(field, sizeof(field), "linux.resources.devices[%zu].allow", i);
	sr_json *a = sr_json_get(d, "allow");
	if (!a || a->type != SR_JSON_BOOL)
		return sr_fail(err, 0, "%s: missing or not a boolean", field);
	out->allow = a->boolean;
	snprintf(field, sizeof(field), "linux.resources.devices[%zu].type", i);
	if (sr_spec_get_string(d, "type", field, &type, 0, err) < 0)
		return -1;
	if (type && strcmp(type, "a") != 0 && strcmp(type, "b") != 0 && strcmp(type, "c") != 0)
		return sr_fail(err, 0, "%s: \"%s\" is not a, b or c", field, type);
	out->type = type ? type[0] : 'a';
	out->major = out->minor = -1;
	snprintf(field, sizeof(field), "linux.resources.devices[%zu].major", i);
	if (sr_spec_get_int(d, "major", field, -1, 4095, &out->major, NULL, err) < 0)
		return -1;
	snprintf(field, sizeof(field), "linux.resources.devices[%zu].minor", i);
	if (sr_spec_get_int(d, "minor", field, -1, 1048575, &out->minor, NULL, err) < 0)
		return -1;
	snprintf(field, sizeof(field), "linux.resources.devices[%zu].access", i);
	if (sr_spec_get_string(d, "access", field, &access, 0, err) < 0)
		return -1;
	if (access && (strspn(access, "rwm") != strlen(access) || !*access))
		return sr_fail(err, 0, "%s: \"%s\" is not a combination of r, w, m", field, access);
	out->access = access ? 0 : SR_DEV_ALL;
	for (const char *p = access; p && *p; p++)
		out->access |= *p == 'm' ? SR_DEV_MKNOD : *p == 'r' ? SR_DEV_READ : SR_DEV_WRITE;
	if (out->type == 'a') { /* as devices.allow/deny take it: every device, every access */
		out->major = out->minor = -1;
		out->access = SR_DEV_ALL;
	}
	return 0;
}

static int parse_resources(const sr_json *res, sr_spec *spec, sr_err *err)
{
	int present;
	if (sr_spec_expect(res, SR_JSON_OBJECT, "linux.resources", err) < 0)
		return -1;
	sr_json *mem = sr_json_get(res, "memory");
	if (mem && mem->type != SR_JSON_NULL) {
		if (sr_spec_expect(mem, SR_JSON_OBJECT, "linux.resources.memory", err) < 0)
			return -1;
		if (sr_spec_get_int(mem, "limit", "linux.resources.memory.limit", -1, 9007199254740991.0, &spec->memory_limit, NULL, err) < 0)
			return -1;
		if (sr_spec_get_int(mem, "swap", "linux.resources.memory.swap", -1, 9007199254740991.0, &spec->memory_swap, NULL, err) < 0)
			return -1;
		if (spec->memory_limit == 0)
			spec->memory_limit = -1;
	}
	sr_json *cpu = sr_json_get(res, "cpu");
	if (cpu && cpu->type != SR_JSON_NULL) {
		int64_t v;
		if (sr_spec_expect(cpu, SR_JSON_OBJECT, "linux.resources.cpu", err) < 0)
			return -1;
		if (sr_spec_get_int(cpu, "quota", "linux.resources.cpu.quota", -1, 9007199254740991.0, &spec->cpu_quota, NULL, err) < 0)
			return -1;
		if (sr_spec_get_int(cpu, "period", "linux.resources.cpu.period", 0, 1000000, &v, &present, err) < 0)
			return -1;
		if (present)
			spec->cpu_period = (uint64_t)v;
		if (spec->cpu_period != 0 && spec->cpu_period < 1000)
			return sr_fail(err, 0, "linux.resources.cpu.period: %llu is below the kernel's minimum of 1000 µs",
				       (unsigned long long)spec->cpu_period);
		if (sr_spec_get_int(cpu, "shares", "linux.resources.cpu.shares", 0, 262144, &v, &present, err) < 0)
			return -1;
		if (present)
			spec->cpu_shares = (uint64_t)v;
		if (spec->cpu_quota == 0)
			return sr_fail(err, 0, "linux.resources.cpu.quota: 0 is not allowed (use -1 for unlimited)");
	}
	sr_json *pids = sr_json_get(res, "pids");
	if (pids && pids->type != SR_JSON_NULL) {
		if (sr_spec_expect(pids, SR_JSON_OBJECT, "linux.resources.pids", err) < 0)
			return -1;
		if (sr_spec_get_int(pids, "limit", "linux.resources.pids.limit", -1, 4194304, &spec->pids_limit, NULL, err) < 0)
			return -1;
	}
	sr_json *devices = sr_json_get(res, "devices");
	if (devices && devices->type != SR_JSON_NULL) {
		if (sr_spec_expect(devices, SR_JSON_ARRAY, "linux.resources.devices", err) < 0)
			return -1;
		spec->has_devices = 1;
		spec->device_rules = sr_xcalloc(devices->len + 1, sizeof(sr_device_rule));
		for (size_t i = 0; i < devices->len; i++) {
			if (parse_device_rule(devices->items[i], i, &spec->device_rules[spec->n_device_rules], err) < 0)
				return -1;
			spec->n_device_rules++;
		}
	}
	return 0;
}

static int parse_linux(const sr_json *lx, sr_spec *spec, sr_err *err)
{
	if (sr_spec_expect(lx, SR_JSON_OBJECT, "linux", err) < 0)
		return -1;
	if (parse_namespaces(lx, spec, err) < 0)
		return -1;
	if (sr_spec_get_string(lx, "cgroupsPath", "linux.cgroupsPath", &spec->cgroups_path, 0, err) < 0)
		return -1;
	if (spec->cgroups_path && (strstr(spec->cgroups_path, "..") || strchr(spec->cgroups_path, ':')))
		return sr_fail(err, 0, "linux.cgroupsPath: \"%s\" must be a plain path (no '..', no systemd slice syntax)",
			       spec->cgroups_path);
	sr_json *res = sr_json_get(lx, "resources");
	if (res && res->type != SR_JSON_NULL && parse_resources(res, spec, err) < 0)
		return -1;
	if (sr_spec_get_string_array(lx, "maskedPaths", "linux.maskedPaths", &spec->masked_paths, &spec->n_masked_paths, err) < 0)
		return -1;
	if (sr_spec_get_string_array(lx, "readonlyPaths", "linux.readonlyPaths", &spec->readonly_paths, &spec->n_readonly_paths, err) < 0)
		return -1;
	char *prop = NULL;
	if (sr_spec_get_string(lx, "rootfsPropagation", "linux.rootfsPropagation", &prop, 0, err) < 0)
		return -1;
	if (prop) {
		spec->rootfs_propagation = 0;
		for (size_t k = 0; k < sizeof(propagation_opts) / sizeof(propagation_opts[0]); k++)
			if (strcmp(prop, propagation_opts[k].name) == 0)
				spec->rootfs_propagation = propagation_opts[k].flag | MS_REC;
		if (!spec->rootfs_propagation)
			return sr_fail(err, 0, "linux.rootfsPropagation: unknown value \"%s\"", prop);
		free(prop);
	}
	sr_json *sc = sr_json_get(lx, "seccomp");
	if (sc && sc->type != SR_JSON_NULL)
		return sr_fail(err, 0, "linux.seccomp: custom seccomp profiles are not supported (the built-in default "
				       "filter always applies; set annotation org.swarm.seccomp=unconfined to disable it)");
	return 0;
}

int sr_spec_load(const char *bundle, sr_spec *spec, sr_err *err)
{
	memset(spec, 0, sizeof(*spec));
	spec->memory_limit = spec->memory_swap = spec->cpu_quota = -1;
	spec->rootfs_propagation = MS_PRIVATE | MS_REC;

	char real[PATH_MAX];
	if (!realpath(bundle, real))
		return sr_fail(err, errno, "bundle \"%s\"", bundle);
	spec->bundle = sr_xstrdup(real);
	cleanup_free char *path = sr_xasprintf("%s/config.json", spec->bundle);
	size_t len;
	cleanup_free char *text = sr_read_file(path, &len, err);
	if (!text)
		return sr_wrap(err, "cannot read bundle config");
	sr_json *root = sr_json_parse(text, len, err);
	if (!root)
		return sr_wrap(err, "%s", path);
	int ret = -1;
	if (sr_spec_expect(root, SR_JSON_OBJECT, "config.json", err) < 0)
		goto out;
	char *ver = NULL;
	if (sr_spec_get_string(root, "ociVersion", "ociVersion", &ver, 1, err) < 0)
		goto out;
	if (strncmp(ver, "1.", 2) != 0) {
		sr_fail(err, 0, "ociVersion: \"%s\" is not a 1.x version", ver);
		free(ver);
		goto out;
	}
	free(ver);

	sr_json *proc = sr_json_get(root, "process");
	if (!proc) {
		sr_fail(err, 0, "process: missing (required)");
		goto out;
	}
	if (sr_spec_parse_process(proc, spec, err) < 0)
		goto out;

	sr_json *rootj = sr_json_get(root, "root");
	if (!rootj) {
		sr_fail(err, 0, "root: missing (required)");
		goto out;
	}
	if (sr_spec_expect(rootj, SR_JSON_OBJECT, "root", err) < 0)
		goto out;
	char *rp = NULL;
	if (sr_spec_get_string(rootj, "path", "root.path", &rp, 1, err) < 0)
		goto out;
	if (sr_spec_get_bool(rootj, "readonly", "root.readonly", &spec->root_readonly, err) < 0) {
		free(rp);
		goto out;
	}
	spec->rootfs = rp[0] == '/' ? sr_xstrdup(rp) : sr_xasprintf("%s/%s", spec->bundle, rp);
	struct stat st;
	if (stat(spec->rootfs, &st) < 0) {
		sr_fail(err, errno, "root.path: rootfs \"%s\" (%s) is not usable", rp, spec->rootfs);
		free(rp);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		sr_fail(err, 0, "root.path: rootfs \"%s\" is not a directory", rp);
		free(rp);
		goto out;
	}
	free(rp);

	if (sr_spec_get_string(root, "hostname", "hostname", &spec->hostname, 0, err) < 0)
		goto out;
	if (spec->hostname && strlen(spec->hostname) > 64) {
		sr_fail(err, 0, "hostname: \"%s\" is longer than 64 bytes", spec->hostname);
		goto out;
	}

	sr_json *mounts = sr_json_get(root, "mounts");
	if (mounts && mounts->type != SR_JSON_NULL) {
		if (sr_spec_expect(mounts, SR_JSON_ARRAY, "mounts", err) < 0)
			goto out;
		spec->mounts = sr_xcalloc(mounts->len, sizeof(sr_mount));
		for (size_t i = 0; i < mounts->len; i++) {
			if (parse_mount(mounts->items[i], i, &spec->mounts[i], err) < 0)
				goto out;
			spec->n_mounts++;
		}
	}

	sr_json *lx = sr_json_get(root, "linux");
	if (lx && lx->type != SR_JSON_NULL && parse_linux(lx, spec, err) < 0)
		goto out;

	sr_json *ann = sr_json_get(root, "annotations");
	if (ann && ann->type == SR_JSON_OBJECT) {
		sr_json *v = sr_json_get(ann, "org.swarm.seccomp");
		if (v && v->type == SR_JSON_STRING && strcmp(v->string, "unconfined") == 0)
			spec->seccomp_disabled = 1;
		v = sr_json_get(ann, "org.swarm.init");
		if (v && v->type == SR_JSON_STRING && strcmp(v->string, "false") == 0)
			spec->init_disabled = 1;
	}
	if (spec->hostname && !(spec->clone_flags & CLONE_NEWUTS)) {
		int joined = 0;
		for (size_t i = 0; i < spec->n_namespaces; i++)
			joined |= spec->namespaces[i].flag == CLONE_NEWUTS;
		if (!joined) {
			sr_fail(err, 0, "hostname: setting \"%s\" needs a uts namespace in linux.namespaces", spec->hostname);
			goto out;
		}
	}
	if (!(spec->clone_flags & CLONE_NEWNS)) {
		sr_fail(err, 0, "linux.namespaces: a new mount namespace is required (add {\"type\": \"mount\"})");
		goto out;
	}
	if (!spec->caps.present) {
		uint64_t d = sr_caps_docker_default();
		spec->caps.bounding = spec->caps.effective = spec->caps.permitted = d;
	}
	ret = 0;
out:
	sr_json_free(root);
	return ret;
}
