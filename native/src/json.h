/* A small JSON parser (RFC 8259) producing a tree, plus a string escaper for output. */
#ifndef SR_JSON_H
#define SR_JSON_H

#include <stddef.h>

#include "util.h"

typedef enum { SR_JSON_NULL, SR_JSON_BOOL, SR_JSON_NUMBER, SR_JSON_STRING, SR_JSON_ARRAY, SR_JSON_OBJECT } sr_json_type;

typedef struct sr_json sr_json;
struct sr_json {
	sr_json_type type;
	int boolean;
	double number;
	char *string;   /* SR_JSON_STRING (NUL-terminated; embedded NULs are rejected) */
	size_t len;     /* number of items (array) or members (object) */
	sr_json **items; /* array items or object member values */
	char **keys;    /* object member keys */
};

/* Parses text; on error returns NULL and names line/column and what was expected. */
sr_json *sr_json_parse(const char *text, size_t len, sr_err *err);
void sr_json_free(sr_json *j);
/* Object member by key (last one wins), or NULL when absent or j is not an object. */
sr_json *sr_json_get(const sr_json *j, const char *key);
/* Human name of a type ("string", "object", ...). */
const char *sr_json_type_name(sr_json_type t);
/* Appends s as a JSON string literal (with quotes) to a growing buffer. */
void sr_json_append_string(char **buf, size_t *len, size_t *cap, const char *s);
/* Appends formatted text to a growing buffer. */
void sr_buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
