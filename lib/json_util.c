/* json_util.c - the escaping rule and report-to-JSON conversion (see
 * json_util.h for the rule itself). */
#include "json_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put_hex_bytes(struct qh_buf *b, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (qh_buf_printf(b, "\\x%02x", p[i]) < 0)
			return -1;
	return 0;
}

static int is_control(const unsigned char *p, size_t len, unsigned flags)
{
	if (!(flags & QH_ESC_CONTROL))
		return 0;
	if (len == 1) {
		if ((flags & QH_ESC_KEEP_NL) && (p[0] == '\n' || p[0] == '\t'))
			return 0;
		return p[0] < 0x20 || p[0] == 0x7f;
	}
	/* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F */
	return len == 2 && p[0] == 0xc2 && p[1] <= 0x9f;
}

static int is_xml_nonchar(const unsigned char *p, size_t len, unsigned flags)
{
	/* U+FFFE, U+FFFF = EF BF BE, EF BF BF */
	return (flags & QH_ESC_XML) && len == 3 && p[0] == 0xef &&
	       p[1] == 0xbf && p[2] >= 0xbe;
}

int qh_escape_append(struct qh_buf *b, const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (qh_buf_grow(b, n + 1) < 0)
		return -1;
	while (n > 0) {
		size_t len = 0;
		int rc;

		/* printable ASCII needs no decision: copy the whole run */
		while (len < n && p[len] >= 0x20 && p[len] < 0x7f)
			len++;
		if (len) {
			if (qh_buf_append(b, p, len) < 0)
				return -1;
			p += len;
			n -= len;
			continue;
		}
		len = qh_utf8_seq_len(p, n);

		if (len == 0)
			rc = put_hex_bytes(b, p, len = 1);
		else if (is_control(p, len, flags) ||
			 is_xml_nonchar(p, len, flags))
			rc = put_hex_bytes(b, p, len);
		else
			rc = qh_buf_append(b, p, len);
		if (rc < 0)
			return -1;
		p += len;
		n -= len;
	}
	return 0;
}

char *qh_escape_dup(const char *s, unsigned flags)
{
	struct qh_buf b = QH_BUF_INIT;

	if (!s)
		return NULL;
	if (qh_escape_append(&b, s, flags) < 0) {
		qh_buf_free(&b);
		return NULL;
	}
	return qh_buf_detach(&b);
}

json_t *qh_json_str(const char *s)
{
	char *clean;
	json_t *v;

	if (!s)
		return json_null();
	clean = qh_escape_dup(s, 0);
	if (!clean)
		return NULL;
	v = json_string(clean);
	free(clean);
	return v;
}

static json_t *sanitize_object(const json_t *v)
{
	json_t *out = json_object();
	const char *key;
	json_t *item;

	if (!out)
		return NULL;
	json_object_foreach((json_t *)v, key, item) {
		char *k = qh_escape_dup(key, 0);
		/* set_new steals the copy even when it fails */
		int rc = k ? json_object_set_new(out, k, qh_json_sanitize(item))
			   : -1;

		free(k);
		if (rc < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

json_t *qh_json_sanitize(const json_t *v)
{
	if (!v)
		return json_null();
	switch (json_typeof(v)) {
	case JSON_STRING: {
		/* jansson strings may hold NULs (json_stringn); keep the prefix */
		return qh_json_str(json_string_value(v));
	}
	case JSON_OBJECT:
		return sanitize_object(v);
	case JSON_ARRAY: {
		json_t *out = json_array();
		size_t i;
		json_t *item;

		if (!out)
			return NULL;
		json_array_foreach((json_t *)v, i, item) {
			if (json_array_append_new(out, qh_json_sanitize(item)) < 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	default:
		return json_deep_copy(v);
	}
}

/* set key to a new value; a NULL value (ENOMEM) fails the whole build */
static int put(json_t *obj, const char *key, json_t *val)
{
	return val ? json_object_set_new(obj, key, val) : -1;
}

static json_t *location_json(const struct qh_location *loc)
{
	json_t *o = json_object();
	char addr[32];
	int rc = 0;

	if (!o)
		return NULL;
	if (loc->function)
		rc |= put(o, "function", qh_json_str(loc->function));
	if (loc->file)
		rc |= put(o, "file", qh_json_str(loc->file));
	if (loc->line)
		rc |= put(o, "line", json_integer(loc->line));
	if (loc->address) {
		/* hex text: a 64-bit address does not fit a JSON double */
		snprintf(addr, sizeof(addr), "0x%" PRIx64, loc->address);
		rc |= put(o, "address", json_string(addr));
	}
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *check_json(const struct qh_check *c)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= put(o, "status", json_string(qh_status_name(c->status)));
	if (c->raw_status != c->status) /* policy changed the verdict */
		rc |= put(o, "raw_status",
			  json_string(qh_status_name(c->raw_status)));
	rc |= put(o, "value", qh_json_sanitize(c->value));
	rc |= put(o, "evidence", qh_json_str(c->evidence));
	if (c->reason)
		rc |= put(o, "reason", qh_json_str(c->reason));
	if (c->fix)
		rc |= put(o, "fix", qh_json_str(c->fix));
	if (c->severity)
		rc |= put(o, "severity", qh_json_str(c->severity));
	if (c->waived_by)
		rc |= put(o, "waived_by", qh_json_str(c->waived_by));
	if (c->nlocations) {
		json_t *locs = json_array();

		rc |= put(o, "locations", locs);
		for (size_t i = 0; locs && i < c->nlocations; i++) {
			json_t *l = location_json(&c->locations[i]);

			rc |= l ? json_array_append_new(locs, l) : -1;
		}
	}
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *qh_json_result(const struct qh_result *res)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= put(o, "path", qh_json_str(res->path));
	rc |= put(o, "type", qh_json_str(res->type));
	if (res->type_note)
		rc |= put(o, "type_note", qh_json_sanitize(res->type_note));
	rc |= put(o, "machine", qh_json_str(res->machine));
	rc |= put(o, "class", res->elf_class ? json_integer(res->elf_class)
					      : json_null());
	rc |= put(o, "endian", qh_json_str(res->endian));
	if (!res->error) {
		json_t *checks = json_object();

		rc |= put(o, "checks", checks);
		for (size_t i = 0; checks && i < res->nchecks; i++) {
			const struct qh_check *c = &res->checks[i];
			struct qh_buf key = QH_BUF_INIT;

			/* an id twice in one result (or two ids that escape
			 * alike) must not overwrite: the JSON would disagree
			 * with its own summary. Later ones become "id#2"... */
			rc |= qh_escape_append(&key, c->id, 0);
			for (unsigned n = 2; rc == 0 && key.data &&
			     json_object_get(checks, key.data); n++) {
				qh_buf_reset(&key);
				rc |= qh_escape_append(&key, c->id, 0);
				rc |= qh_buf_printf(&key, "#%u", n);
			}
			rc |= key.data ? put(checks, key.data, check_json(c)) : -1;
			qh_buf_free(&key);
		}
	}
	if (res->warnings)
		rc |= put(o, "warnings", qh_json_sanitize(res->warnings));
	rc |= put(o, "error", qh_json_str(res->error));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *qh_json_summary(const struct qh_summary *s)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "files", (json_int_t)s->files,
			 "pass", (json_int_t)s->pass, "fail",
			 (json_int_t)s->fail, "error", (json_int_t)s->error);
}

uint64_t qh_fnv1a64(const char *const *fields, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)
			(fields[i] ? fields[i] : "");

		do {
			h ^= *p;
			h *= 0x100000001b3ULL;
		} while (*p++);
	}
	return h;
}
