/* config.json field readers with typed errors, and the "process" object. */
#include <limits.h>
#include <string.h>
#include <sys/resource.h>

#include "spec-internal.h"

int sr_spec_expect(const sr_json *j, sr_json_type t, const char *field, sr_err *err)
{
	if (j->type != t)
		return sr_fail(err, 0, "%s: expected %s, got %s", field, sr_json_type_name(t), sr_json_type_name(j->type));
	return 0;
}

int sr_spec_get_string(const sr_json *obj, const char *key, const char *field, char **out, int required, sr_err *err)
{
	sr_json *v = sr_json_get(obj, key);
	if (!v || v->type == SR_JSON_NULL) {
		if (required)
			return sr_fail(err, 0, "%s: missing (required)", field);
		return 0;
	}
	if (sr_spec_expect(v, SR_JSON_STRING, field, err) < 0)
		return -1;
	*out = sr_xstrdup(v->string);
	return 0;
}

int sr_spec_get_bool(const sr_json *obj, const char *key, const char *field, int *out, sr_err *err)
{
	sr_json *v = sr_json_get(obj, key);
	if (!v || v->type == SR_JSON_NULL)
		return 0;
	if (sr_spec_expect(v, SR_JSON_BOOL, field, err) < 0)
		return -1;
	*out = v->boolean;
	return 0;
}

/* Integer in [min, max]; *present set when the key exists. */
int sr_spec_get_int(const sr_json *obj, const char *key, const char *field, double min, double max, int64_t *out, int *present,
		   sr_err *err)
{
	sr_json *v = sr_json_get(obj, key);
	if (present)
		*present = 0;
	if (!v || v->type == SR_JSON_NULL)
		return 0;
	if (sr_spec_expect(v, SR_JSON_NUMBER, field, err) < 0)
		return -1;
	if (!(v->number >= min && v->number <= max) || v->number != (double)(int64_t)v->number)
		return sr_fail(err, 0, "%s: %.17g is not an integer in [%.17g, %.17g]", field, v->number, min, max);
	*out = (int64_t)v->number;
	if (present)
		*present = 1;
	return 0;
}

int sr_spec_get_string_array(const sr_json *obj, const char *key, const char *field, char ***out, size_t *n, sr_err *err)
{
	sr_json *v = sr_json_get(obj, key);
	*n = 0;
	if (!v || v->type == SR_JSON_NULL) {
		*out = sr_xcalloc(1, sizeof(char *));
		return 0;
	}
	if (sr_spec_expect(v, SR_JSON_ARRAY, field, err) < 0)
		return -1;
	char **arr = sr_xcalloc(v->len + 1, sizeof(char *));
	for (size_t i = 0; i < v->len; i++) {
		if (v->items[i]->type != SR_JSON_STRING) {
			free(arr);
			return sr_fail(err, 0, "%s[%zu]: expected string, got %s", field, i, sr_json_type_name(v->items[i]->type));
		}
		arr[i] = sr_xstrdup(v->items[i]->string);
	}
	*out = arr;
	*n = v->len;
	return 0;
}

struct rlimit_name {
	const char *name;
	int resource;
};

static const struct rlimit_name rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },         { "RLIMIT_CORE", RLIMIT_CORE },       { "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },     { "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },   { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

int sr_spec_parse_process(const sr_json *proc, sr_spec *spec, sr_err *err)
{
	size_t n;
	if (sr_spec_expect(proc, SR_JSON_OBJECT, "process", err) < 0)
		return -1;
	if (sr_spec_get_bool(proc, "terminal", "process.terminal", &spec->terminal, err) < 0)
		return -1;
	if (spec->terminal)
		return sr_fail(err, 0, "process.terminal: true is not supported (set it to false; stdio goes to files or fds)");
	if (sr_spec_get_string_array(proc, "args", "process.args", &spec->args, &n, err) < 0)
		return -1;
	if (n == 0)
		return sr_fail(err, 0, "process.args: must be a non-empty array");
	if (sr_spec_get_string_array(proc, "env", "process.env", &spec->env, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strchr(spec->env[i], '='))
			return sr_fail(err, 0, "process.env[%zu]: \"%s\" is not NAME=VALUE", i, spec->env[i]);
	if (sr_spec_get_string(proc, "cwd", "process.cwd", &spec->cwd, 0, err) < 0)
		return -1;
	if (!spec->cwd)
		spec->cwd = sr_xstrdup("/");
	if (spec->cwd[0] != '/')
		return sr_fail(err, 0, "process.cwd: \"%s\" is not an absolute path", spec->cwd);
	if (sr_spec_get_bool(proc, "noNewPrivileges", "process.noNewPrivileges", &spec->no_new_privileges, err) < 0)
		return -1;

	sr_json *user = sr_json_get(proc, "user");
	if (user && user->type != SR_JSON_NULL) {
		int64_t v;
		int present;
		if (sr_spec_expect(user, SR_JSON_OBJECT, "process.user", err) < 0)
			return -1;
		if (sr_spec_get_int(user, "uid", "process.user.uid", 0, UINT32_MAX - 1, &v, &present, err) < 0)
			return -1;
		if (present)
			spec->uid = (uid_t)v;
		if (sr_spec_get_int(user, "gid", "process.user.gid", 0, UINT32_MAX - 1, &v, &present, err) < 0)
			return -1;
		if (present)
			spec->gid = (gid_t)v;
		sr_json *ag = sr_json_get(user, "additionalGids");
		if (ag && ag->type != SR_JSON_NULL) {
			if (sr_spec_expect(ag, SR_JSON_ARRAY, "process.user.additionalGids", err) < 0)
				return -1;
			spec->additional_gids = sr_xcalloc(ag->len, sizeof(gid_t));
			for (size_t i = 0; i < ag->len; i++) {
				sr_json *g = ag->items[i];
				if (g->type != SR_JSON_NUMBER || g->number < 0 || g->number > UINT32_MAX - 1 ||
				    g->number != (double)(int64_t)g->number)
					return sr_fail(err, 0, "process.user.additionalGids[%zu]: not a valid gid", i);
				spec->additional_gids[spec->n_additional_gids++] = (gid_t)g->number;
			}
		}
	}

	sr_json *caps = sr_json_get(proc, "capabilities");
	if (caps && caps->type != SR_JSON_NULL) {
		static const char *sets[] = { "bounding", "effective", "permitted", "inheritable", "ambient" };
		uint64_t *masks[] = { &spec->caps.bounding, &spec->caps.effective, &spec->caps.permitted, &spec->caps.inheritable,
				      &spec->caps.ambient };
		if (sr_spec_expect(caps, SR_JSON_OBJECT, "process.capabilities", err) < 0)
			return -1;
		spec->caps.present = 1;
		for (size_t s = 0; s < 5; s++) {
			char field[64];
			char **names;
			snprintf(field, sizeof(field), "process.capabilities.%s", sets[s]);
			if (sr_spec_get_string_array(caps, sets[s], field, &names, &n, err) < 0)
				return -1;
			for (size_t i = 0; i < n; i++) {
				int c = sr_cap_from_name(names[i]);
				if (c < 0)
					return sr_fail(err, 0, "%s[%zu]: unknown capability \"%s\"", field, i, names[i]);
				*masks[s] |= 1ULL << c;
			}
		}
	}

	sr_json *rl = sr_json_get(proc, "rlimits");
	if (rl && rl->type != SR_JSON_NULL) {
		if (sr_spec_expect(rl, SR_JSON_ARRAY, "process.rlimits", err) < 0)
			return -1;
		spec->rlimits = sr_xcalloc(rl->len, sizeof(sr_rlimit));
		for (size_t i = 0; i < rl->len; i++) {
			char field[64];
			char *type = NULL;
			int64_t soft = 0, hard = 0;
			snprintf(field, sizeof(field), "process.rlimits[%zu].type", i);
			if (sr_spec_expect(rl->items[i], SR_JSON_OBJECT, "process.rlimits[]", err) < 0 ||
			    sr_spec_get_string(rl->items[i], "type", field, &type, 1, err) < 0)
				return -1;
			int res = -1;
			for (size_t k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
				if (strcmp(type, rlimit_names[k].name) == 0)
					res = rlimit_names[k].resource;
			if (res < 0)
				return sr_fail(err, 0, "%s: unknown rlimit \"%s\"", field, type);
			free(type);
			snprintf(field, sizeof(field), "process.rlimits[%zu].soft", i);
			if (sr_spec_get_int(rl->items[i], "soft", field, 0, 9007199254740991.0, &soft, NULL, err) < 0)
				return -1;
			snprintf(field, sizeof(field), "process.rlimits[%zu].hard", i);
			if (sr_spec_get_int(rl->items[i], "hard", field, 0, 9007199254740991.0, &hard, NULL, err) < 0)
				return -1;
			spec->rlimits[spec->n_rlimits].resource = res;
			spec->rlimits[spec->n_rlimits].soft = (uint64_t)soft;
			spec->rlimits[spec->n_rlimits].hard = (uint64_t)hard;
			spec->n_rlimits++;
		}
	}
	return 0;
}

