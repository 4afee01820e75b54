/* Recursive-descent JSON parser with positions in its error messages. */
#include "json.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#define SR_JSON_MAX_DEPTH 64

typedef struct parser {
	const char *s;
	size_t len, pos;
	sr_err *err;
} parser;

static int fail_at(parser *p, const char *what)
{
	size_t line = 1, col = 1;
	for (size_t i = 0; i < p->pos && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	if (p->pos >= p->len)
		return sr_fail(p->err, 0, "invalid JSON at line %zu column %zu: %s (unexpected end of input)", line, col, what);
	return sr_fail(p->err, 0, "invalid JSON at line %zu column %zu: %s (found '%c')", line, col, what, p->s[p->pos]);
}

static void skip_ws(parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static sr_json *parse_value(parser *p, int depth);

static int hex4(parser *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		if (p->pos >= p->len)
			return fail_at(p, "expected 4 hex digits after \\u");
		char c = p->s[p->pos++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else {
			p->pos--;
			return fail_at(p, "expected a hex digit in \\u escape");
		}
	}
	*out = v;
	return 0;
}

static void put_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xC0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xE0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[(*n)++] = (char)(0xF0 | (cp >> 18));
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	}
}

/* Parses a string literal at p->pos (which is at the opening quote). */
static char *parse_string(parser *p)
{
	p->pos++; /* opening quote */
	size_t start = p->pos;
	/* Output is never longer than the input span. */
	size_t end = start;
	while (end < p->len && p->s[end] != '"') {
		if (p->s[end] == '\\')
			end++;
		end++;
	}
	char *out = sr_xmalloc(end - start + 8);
	size_t n = 0;
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			out[n] = '\0';
			return out;
		}
		if (c < 0x20) {
			free(out);
			fail_at(p, "control character in string");
			return NULL;
		}
		if (c != '\\') {
			out[n++] = (char)c;
			p->pos++;
			continue;
		}
		p->pos++;
		if (p->pos >= p->len)
			break;
		char e = p->s[p->pos++];
		switch (e) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			unsigned cp;
			if (hex4(p, &cp) < 0) {
				free(out);
				return NULL;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF && p->pos + 1 < p->len && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
				unsigned lo;
				p->pos += 2;
				if (hex4(p, &lo) < 0) {
					free(out);
					return NULL;
				}
				if (lo >= 0xDC00 && lo <= 0xDFFF)
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				else
					cp = 0xFFFD;
			}
			if (cp == 0) {
				free(out);
				fail_at(p, "\\u0000 is not allowed in strings");
				return NULL;
			}
			put_utf8(out, &n, cp);
			break;
		}
		default:
			p->pos--;
			free(out);
			fail_at(p, "invalid escape in string");
			return NULL;
		}
	}
	free(out);
	fail_at(p, "unterminated string");
	return NULL;
}

static sr_json *new_node(sr_json_type t)
{
	sr_json *j = sr_xcalloc(1, sizeof(*j));
	j->type = t;
	return j;
}

static sr_json *parse_number(parser *p)
{
	size_t start = p->pos;
	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9') {
		fail_at(p, "expected a digit");
		return NULL;
	}
	while (p->pos < p->len && ((p->s[p->pos] >= '0' && p->s[p->pos] <= '9') || strchr(".eE+-", p->s[p->pos])))
		p->pos++;
	char buf[64];
	size_t n = p->pos - start;
	if (n >= sizeof(buf)) {
		p->pos = start;
		fail_at(p, "number too long");
		return NULL;
	}
	memcpy(buf, p->s + start, n);
	buf[n] = '\0';
	char *end;
	double v = strtod(buf, &end);
	if (*end != '\0') {
		p->pos = start;
		fail_at(p, "malformed number");
		return NULL;
	}
	sr_json *j = new_node(SR_JSON_NUMBER);
	j->number = v;
	return j;
}

static int literal(parser *p, const char *word)
{
	size_t n = strlen(word);
	if (p->pos + n > p->len || memcmp(p->s + p->pos, word, n) != 0)
		return 0;
	p->pos += n;
	return 1;
}

static sr_json *parse_container(parser *p, int depth, int is_object)
{
	sr_json *j = new_node(is_object ? SR_JSON_OBJECT : SR_JSON_ARRAY);
	size_t cap = 0;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == (is_object ? '}' : ']')) {
		p->pos++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		skip_ws(p);
		if (is_object) {
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				fail_at(p, "expected a string key");
				goto fail;
			}
			key = parse_string(p);
			if (!key)
				goto fail;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				fail_at(p, "expected ':' after object key");
				goto fail;
			}
			p->pos++;
		}
		sr_json *v = parse_value(p, depth + 1);
		if (!v) {
			free(key);
			goto fail;
		}
		if (j->len == cap) {
			cap = cap ? cap * 2 : 8;
			j->items = sr_xrealloc(j->items, cap * sizeof(*j->items));
			if (is_object)
				j->keys = sr_xrealloc(j->keys, cap * sizeof(*j->keys));
		}
		j->items[j->len] = v;
		if (is_object)
			j->keys[j->len] = key;
		j->len++;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == (is_object ? '}' : ']')) {
			p->pos++;
			return j;
		}
		fail_at(p, is_object ? "expected ',' or '}' in object" : "expected ',' or ']' in array");
		goto fail;
	}
fail:
	sr_json_free(j);
	return NULL;
}

static sr_json *parse_value(parser *p, int depth)
{
	if (depth > SR_JSON_MAX_DEPTH) {
		fail_at(p, "nesting too deep");
		return NULL;
	}
	skip_ws(p);
	if (p->pos >= p->len) {
		fail_at(p, "expected a value");
		return NULL;
	}
	char c = p->s[p->pos];
	if (c == '{' || c == '[')
		return parse_container(p, depth, c == '{');
	if (c == '"') {
		char *s = parse_string(p);
		if (!s)
			return NULL;
		sr_json *j = new_node(SR_JSON_STRING);
		j->string = s;
		return j;
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(p);
	if (literal(p, "true")) {
		sr_json *j = new_node(SR_JSON_BOOL);
		j->boolean = 1;
		return j;
	}
	if (literal(p, "false"))
		return new_node(SR_JSON_BOOL);
	if (literal(p, "null"))
		return new_node(SR_JSON_NULL);
	fail_at(p, "expected a value");
	return NULL;
}

sr_json *sr_json_parse(const char *text, size_t len, sr_err *err)
{
	parser p = { .s = text, .len = len, .pos = 0, .err = err };
	sr_json *j = parse_value(&p, 0);
	if (!j)
		return NULL;
	skip_ws(&p);
	if (p.pos != p.len) {
		fail_at(&p, "trailing characters after the JSON value");
		sr_json_free(j);
		return NULL;
	}
	return j;
}

void sr_json_free(sr_json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->len; i++) {
		sr_json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->string);
	free(j);
}

sr_json *sr_json_get(const sr_json *j, const char *key)
{
	if (!j || j->type != SR_JSON_OBJECT)
		return NULL;
	sr_json *found = NULL;
	for (size_t i = 0; i < j->len; i++)
		if (strcmp(j->keys[i], key) == 0)
			found = j->items[i];
	return found;
}

const char *sr_json_type_name(sr_json_type t)
{
	switch (t) {
	case SR_JSON_NULL: return "null";
	case SR_JSON_BOOL: return "boolean";
	case SR_JSON_NUMBER: return "number";
	case SR_JSON_STRING: return "string";
	case SR_JSON_ARRAY: return "array";
	case SR_JSON_OBJECT: return "object";
	}
	return "?";
}

void sr_buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
		va_end(ap);
		if (n >= 0 && *buf && *len + (size_t)n < *cap) {
			*len += (size_t)n;
			return;
		}
		*cap = (*cap + (size_t)(n > 0 ? n : 0) + 64) * 2;
		*buf = sr_xrealloc(*buf, *cap);
	}
}

void sr_json_append_string(char **buf, size_t *len, size_t *cap, const char *s)
{
	sr_buf_printf(buf, len, cap, "\"");
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': sr_buf_printf(buf, len, cap, "\\\""); break;
		case '\\': sr_buf_printf(buf, len, cap, "\\\\"); break;
		case '\n': sr_buf_printf(buf, len, cap, "\\n"); break;
		case '\r': sr_buf_printf(buf, len, cap, "\\r"); break;
		case '\t': sr_buf_printf(buf, len, cap, "\\t"); break;
		default:
			if (*c < 0x20)
				sr_buf_printf(buf, len, cap, "\\u%04x", *c);
			else
				sr_buf_printf(buf, len, cap, "%c", *c);
		}
	}
	sr_buf_printf(buf, len, cap, "\"");
}
