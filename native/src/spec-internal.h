/* Helpers shared by the config.json parsers (spec.c, spec-fields.c); not part of the runtime's API. */
#ifndef SR_SPEC_INTERNAL_H
#define SR_SPEC_INTERNAL_H

#include <stdint.h>

#include "json.h"
#include "spec.h"

/* Each fails with "<field>: <why>" in err and returns -1; absent (or null) optional members are fine. */
int sr_spec_expect(const sr_json *j, sr_json_type t, const char *field, sr_err *err);
int sr_spec_get_string(const sr_json *obj, const char *key, const char *field, char **out, int required, sr_err *err);
int sr_spec_get_bool(const sr_json *obj, const char *key, const char *field, int *out, sr_err *err);
int sr_spec_get_int(const sr_json *obj, const char *key, const char *field, double min, double max, int64_t *out, int *present,
		    sr_err *err);
int sr_spec_get_string_array(const sr_json *obj, const char *key, const char *field, char ***out, size_t *n, sr_err *err);
/* The "process" object: args, env, cwd, user, capabilities, rlimits, noNewPrivileges, terminal. */
int sr_spec_parse_process(const sr_json *proc, sr_spec *spec, sr_err *err);

#endif
