/* report_read.c - strict reader for saved JSON reports (see report_read.h).
 *
 * Each validator takes the JSON path of what it reads ("results[3].checks
 * .relro") in a buffer so every error names its place; on error, the path
 * is prefixed with the report's name at the top.
 */
#include "report_read.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "json_util.h"

/* A JSON path being read, e.g. "results[3].checks.relro". */
struct where {
	char buf[512];
};

static int fail(struct qh_error *err, const struct where *w, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

static int fail(struct qh_error *err, const struct where *w, const char *fmt,
		...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return qh_error_set(err, "%s%s%s", w->buf, w->buf[0] ? ": " : "", msg);
}

/* child path: parent + ".key" (key escaped) or parent + "[i]" */
static void where_key(struct where *child, const struct where *parent,
		      const char *key)
{
	char *clean = qh_escape_dup(key, QH_ESC_CONTROL);

	int n = snprintf(child->buf, sizeof(child->buf), "%s%s%s", parent->buf,
			 parent->buf[0] ? "." : "", clean ? clean : "?");

	if (n < 0 || (size_t)n >= sizeof(child->buf))
		strcpy(child->buf + sizeof(child->buf) - 4, "...");
	free(clean);
}

static void where_index(struct where *child, const struct where *parent,
			size_t i)
{
	int n = snprintf(child->buf, sizeof(child->buf), "%s[%zu]", parent->buf, i);

	if (n < 0 || (size_t)n >= sizeof(child->buf))
		strcpy(child->buf + sizeof(child->buf) - 4, "...");
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* Keys allowed in an object; anything else is an error. */
static int only_keys(const json_t *obj, const char *const *keys,
		     const struct where *w, struct qh_error *err)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)obj, key, val) {
		size_t i;

		for (i = 0; keys[i]; i++)
			if (strcmp(key, keys[i]) == 0)
				break;
		if (!keys[i]) {
			struct where k;

			where_key(&k, w, key);
			return fail(err, &k, "unknown key");
		}
	}
	return 0;
}

/* Optional string (absent or null -> NULL); copies into *out. */
static int opt_string(const json_t *obj, const char *key, char **out,
		      const struct where *w, struct qh_error *err)
{
	json_t *v = json_object_get(obj, key);
	struct where k;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		where_key(&k, w, key);
		return fail(err, &k, "expected a string, got %s", type_name(v));
	}
	if (qh_check_set_str(out, json_string_value(v)) < 0)
		return qh_error_set(err, "out of memory");
	return 0;
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int read_status(const json_t *obj, const char *key, bool required,
		       enum qh_status *out, const struct where *w,
		       struct qh_error *err)
{
	json_t *v = json_object_get(obj, key);
	struct where k;

	where_key(&k, w, key);
	if (!v && !required)
		return 1; /* absent */
	if (!v)
		return fail(err, &k, "missing");
	if (!json_is_string(v))
		return fail(err, &k, "expected a string, got %s", type_name(v));
	if (qh_status_parse(json_string_value(v), out) < 0) {
		char *clean = qh_escape_dup(json_string_value(v), QH_ESC_CONTROL);

		fail(err, &k, "unknown status \"%s\" (pass, fail, warn or skip)",
		     clean ? clean : "?");
		free(clean);
		return -1;
	}
	return 0;
}

static int read_location(struct qh_check *c, const json_t *o,
			 const struct where *w, struct qh_error *err)
{
	static const char *const keys[] = {
		"function", "file", "line", "address", NULL,
	};
	char *function = NULL, *file = NULL;
	json_t *line = json_object_get(o, "line");
	json_t *addr = json_object_get(o, "address");
	unsigned long long address = 0;
	struct where k;
	int rc = -1;

	if (!json_is_object(o))
		return fail(err, w, "expected an object, got %s", type_name(o));
	if (only_keys(o, keys, w, err) < 0 ||
	    opt_string(o, "function", &function, w, err) < 0 ||
	    opt_string(o, "file", &file, w, err) < 0)
		goto out;
	if (line && (!json_is_integer(line) || json_integer_value(line) < 1 ||
		     json_integer_value(line) > UINT_MAX)) {
		where_key(&k, w, "line");
		fail(err, &k, "expected a line number");
		goto out;
	}
	if (addr) {
		const char *s = json_is_string(addr) ? json_string_value(addr) : "";
		char *end = NULL;

		errno = 0;
		if (strncmp(s, "0x", 2) == 0 && s[2] && !strchr(s + 2, '-') &&
		    !strchr(s + 2, '+') && !strchr(s + 2, ' '))
			address = strtoull(s + 2, &end, 16);
		if (!end || *end || errno) {
			where_key(&k, w, "address");
			fail(err, &k, "expected a hex address \"0x...\"");
			goto out;
		}
	}
	if (qh_check_add_location(c, function, file,
				  line ? (unsigned)json_integer_value(line) : 0,
				  address) < 0) {
		qh_error_set(err, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(function);
	free(file);
	return rc;
}

static int read_check(struct qh_result *res, const char *id, const json_t *o,
		      const struct where *w, struct qh_error *err)
{
	static const char *const keys[] = {
		"status", "raw_status", "value", "evidence", "reason", "fix",
		"severity", "waived_by", "locations", NULL,
	};
	enum qh_status status, raw;
	json_t *value, *locs, *loc;
	struct qh_check *c;
	size_t i;

	if (!json_is_object(o))
		return fail(err, w, "expected an object, got %s", type_name(o));
	if (only_keys(o, keys, w, err) < 0 ||
	    read_status(o, "status", true, &status, w, err) < 0)
		return -1;
	switch (read_status(o, "raw_status", false, &raw, w, err)) {
	case -1:
		return -1;
	case 1:
		raw = status;
		break;
	}
	value = json_object_get(o, "value");
	c = qh_result_add_check(res, id, status,
				value && !json_is_null(value)
					? json_deep_copy(value) : NULL, NULL);
	if (!c)
		return qh_error_set(err, "out of memory");
	c->raw_status = raw;
	if (opt_string(o, "evidence", &c->evidence, w, err) < 0 ||
	    opt_string(o, "reason", &c->reason, w, err) < 0 ||
	    opt_string(o, "fix", &c->fix, w, err) < 0 ||
	    opt_string(o, "severity", &c->severity, w, err) < 0 ||
	    opt_string(o, "waived_by", &c->waived_by, w, err) < 0)
		return -1;
	locs = json_object_get(o, "locations");
	if (locs && !json_is_array(locs)) {
		struct where k;

		where_key(&k, w, "locations");
		return fail(err, &k, "expected an array, got %s",
			    type_name(locs));
	}
	json_array_foreach(locs, i, loc) {
		struct where k, ki;

		where_key(&k, w, "locations");
		where_index(&ki, &k, i);
		if (read_location(c, loc, &ki, err) < 0)
			return -1;
	}
	return 0;
}

/* "type_note": {"kind", "candidates" (uncertain only), "evidence"}. */
static int read_type_note(struct qh_result *res, const json_t *o,
			  const struct where *w, struct qh_error *err)
{
	static const char *const keys[] = {
		"kind", "candidates", "evidence", NULL,
	};
	static const char *const kinds[] = {
		"uncertain", "separate-debug", NULL,
	};
	const json_t *kind = json_object_get(o, "kind");
	const json_t *cands = json_object_get(o, "candidates");
	const json_t *ev = json_object_get(o, "evidence");
	const char **names = NULL;
	struct where k;
	size_t i;
	json_t *c;
	int rc;

	if (!json_is_object(o))
		return fail(err, w, "expected an object, got %s", type_name(o));
	if (only_keys(o, keys, w, err) < 0)
		return -1;
	where_key(&k, w, "kind");
	if (!json_is_string(kind) || !in_list(json_string_value(kind), kinds))
		return fail(err, &k, "expected \"uncertain\" or "
			    "\"separate-debug\"");
	where_key(&k, w, "evidence");
	if (ev && !json_is_string(ev))
		return fail(err, &k, "expected a string, got %s", type_name(ev));
	where_key(&k, w, "candidates");
	if (cands && !json_is_array(cands))
		return fail(err, &k, "expected an array, got %s",
			    type_name(cands));
	if (cands && !(names = calloc(json_array_size(cands) + 1,
				      sizeof(*names))))
		return qh_error_set(err, "out of memory");
	json_array_foreach(cands, i, c) {
		struct where ki;

		where_index(&ki, &k, i);
		if (!json_is_string(c) ||
		    !qh_file_type_parse(json_string_value(c), NULL)) {
			free(names);
			return fail(err, &ki, "expected a file type");
		}
		names[i] = json_string_value(c);
	}
	rc = qh_result_set_type_note(res, json_string_value(kind), names,
				     ev ? json_string_value(ev) : NULL);
	free(names);
	return rc < 0 ? qh_error_set(err, "out of memory") : 0;
}

static int read_warnings(struct qh_result *res, const json_t *a,
			 const struct where *w, struct qh_error *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return fail(err, w, "expected an array, got %s", type_name(a));
	json_array_foreach(a, i, v) {
		struct where ki;

		where_index(&ki, w, i);
		if (!json_is_string(v))
			return fail(err, &ki, "expected a string, got %s",
				    type_name(v));
		if (qh_result_add_warning(res, "%s", json_string_value(v)) < 0)
			return qh_error_set(err, "out of memory");
	}
	return 0;
}

static int read_result_fields(struct qh_result *res, const json_t *o,
			      const struct where *w, struct qh_error *err)
{
	static const char *const keys[] = {
		"path", "type", "type_note", "machine", "class", "endian",
		"checks", "warnings", "error", NULL,
	};
	static const char *const endians[] = { "little", "big", NULL };
	json_t *path = json_object_get(o, "path");
	json_t *cls = json_object_get(o, "class");
	struct where k;

	if (only_keys(o, keys, w, err) < 0)
		return -1;
	if (!json_is_string(path)) {
		where_key(&k, w, "path");
		return fail(err, &k, path ? "expected a string" : "missing");
	}
	if (qh_check_set_str(&res->path, json_string_value(path)) < 0)
		return qh_error_set(err, "out of memory");
	if (opt_string(o, "type", &res->type, w, err) < 0 ||
	    opt_string(o, "machine", &res->machine, w, err) < 0 ||
	    opt_string(o, "endian", &res->endian, w, err) < 0 ||
	    opt_string(o, "error", &res->error, w, err) < 0)
		return -1;
	if (res->type && !qh_file_type_parse(res->type, NULL)) {
		where_key(&k, w, "type");
		return fail(err, &k, "unknown type (exec, static, pie, "
			    "static-pie, dso, object, core or other)");
	}
	if (res->endian && !in_list(res->endian, endians)) {
		where_key(&k, w, "endian");
		return fail(err, &k, "expected \"little\" or \"big\"");
	}
	if (json_object_get(o, "type_note")) {
		where_key(&k, w, "type_note");
		if (read_type_note(res, json_object_get(o, "type_note"), &k,
				   err) < 0)
			return -1;
	}
	if (json_object_get(o, "warnings")) {
		where_key(&k, w, "warnings");
		if (read_warnings(res, json_object_get(o, "warnings"), &k,
				  err) < 0)
			return -1;
	}
	if (cls && !json_is_null(cls)) {
		json_int_t v = json_is_integer(cls) ? json_integer_value(cls) : -1;

		if (v != 32 && v != 64) {
			where_key(&k, w, "class");
			return fail(err, &k, "expected 32, 64 or null");
		}
		res->elf_class = (int)v;
	}
	return 0;
}

static struct qh_result *read_result(const json_t *o, const struct where *w,
				     struct qh_error *err)
{
	struct qh_result *res;
	json_t *checks, *val;
	const char *key;
	struct where k;

	if (!json_is_object(o)) {
		fail(err, w, "expected an object, got %s", type_name(o));
		return NULL;
	}
	res = qh_result_new("", err);
	if (!res)
		return NULL;
	if (read_result_fields(res, o, w, err) < 0)
		goto bad;
	checks = json_object_get(o, "checks");
	where_key(&k, w, "checks");
	if (res->error && checks) {
		fail(err, &k, "a result with an error has no checks");
		goto bad;
	}
	if (!res->error && !json_is_object(checks)) {
		fail(err, &k, checks ? "expected an object" : "missing (and no error)");
		goto bad;
	}
	json_object_foreach(checks, key, val) {
		struct where kc;

		where_key(&kc, &k, key);
		if (!key[0]) {
			fail(err, &kc, "empty check id");
			goto bad;
		}
		if (read_check(res, key, val, &kc, err) < 0)
			goto bad;
	}
	return res;
bad:
	qh_result_free(res);
	return NULL;
}

static int read_summary(const json_t *o, const struct qh_summary *want,
			const struct where *w, struct qh_error *err)
{
	static const char *const keys[] = {
		"files", "pass", "fail", "error", NULL,
	};
	const size_t got[] = { want->files, want->pass, want->fail, want->error };

	if (!json_is_object(o))
		return fail(err, w, o ? "expected an object" : "missing");
	if (only_keys(o, keys, w, err) < 0)
		return -1;
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(o, keys[i]);
		struct where k;

		where_key(&k, w, keys[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return fail(err, &k, v ? "expected a count" : "missing");
		if ((size_t)json_integer_value(v) != got[i])
			return fail(err, &k, "says %" JSON_INTEGER_FORMAT
				    " but the results give %zu",
				    json_integer_value(v), got[i]);
	}
	return 0;
}

static int read_header(struct qh_report *r, const json_t *doc,
		       const struct where *top, struct qh_error *err)
{
	json_t *schema = json_object_get(doc, "schema");
	json_t *tool = json_object_get(doc, "tool");
	json_t *name = json_object_get(tool, "name");
	json_t *version = json_object_get(tool, "version");
	struct where k;

	where_key(&k, top, "schema");
	if (!json_is_integer(schema))
		return fail(err, &k, schema ? "expected an integer" : "missing "
			    "(not a qhard JSON report?)");
	if (json_integer_value(schema) != QHARD_SCHEMA)
		return fail(err, &k, "unsupported schema %" JSON_INTEGER_FORMAT
			    " (this qhard reads %d)", json_integer_value(schema),
			    QHARD_SCHEMA);
	where_key(&k, top, "tool");
	if (!json_is_object(tool) || !json_is_string(name) ||
	    strcmp(json_string_value(name), "qhard") != 0 ||
	    !json_is_string(version))
		return fail(err, &k, "expected {\"name\": \"qhard\", "
			    "\"version\": \"...\"}");
	return opt_string(doc, "command", &r->command, top, err);
}

struct qh_report *qh_report_from_json(const json_t *doc, const char *name,
				      struct qh_error *err)
{
	static const char *const fixed[] = {
		"schema", "tool", "command", "results", "summary", NULL,
	};
	struct where top = { "" }, k;
	struct qh_report *r;
	struct qh_summary s;
	json_t *results, *item;
	const char *key;
	size_t i;

	r = qh_report_new("", err);
	if (!r)
		return NULL;
	if (!json_is_object(doc)) {
		fail(err, &top, "expected a JSON object at the top");
		goto bad;
	}
	if (read_header(r, doc, &top, err) < 0)
		goto bad;
	results = json_object_get(doc, "results");
	where_key(&k, &top, "results");
	if (!json_is_array(results)) {
		fail(err, &k, results ? "expected an array" : "missing");
		goto bad;
	}
	json_array_foreach(results, i, item) {
		struct where ki;
		struct qh_result *res;

		where_index(&ki, &k, i);
		res = read_result(item, &ki, err);
		if (!res)
			goto bad;
		if (qh_report_add(r, res, err) < 0) {
			qh_result_free(res);
			goto bad;
		}
	}
	qh_report_summary(r, &s);
	where_key(&k, &top, "summary");
	if (read_summary(json_object_get(doc, "summary"), &s, &k, err) < 0)
		goto bad;
	json_object_foreach((json_t *)doc, key, item) {
		if (in_list(key, fixed))
			continue;
		if (json_object_set_new(r->extra, key, json_deep_copy(item)) < 0) {
			qh_error_set(err, "out of memory");
			goto bad;
		}
	}
	return r;
bad:
	if (name)
		qh_error_prefix(err, "%s: ", name);
	qh_report_free(r);
	return NULL;
}

static struct qh_report *finish(json_t *doc, const json_error_t *jerr,
				const char *name, struct qh_error *err)
{
	struct qh_report *r;
	char *clean = qh_escape_dup(name ? name : "report", QH_ESC_CONTROL);
	const char *shown = clean ? clean : "report";

	if (!doc) {
		qh_error_set(err, "%s:%d:%d: not valid JSON: %s", shown,
			     jerr->line, jerr->column, jerr->text);
		free(clean);
		return NULL;
	}
	r = qh_report_from_json(doc, shown, err);
	json_decref(doc);
	free(clean);
	return r;
}

struct qh_report *qh_report_read_buffer(const char *data, size_t len,
					const char *name, struct qh_error *err)
{
	json_error_t jerr;
	json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);

	return finish(doc, &jerr, name, err);
}

struct qh_report *qh_report_read_file(const char *path, struct qh_error *err)
{
	json_error_t jerr;
	json_t *doc;
	FILE *f = fopen(path, "rb");

	if (!f) {
		char *clean = qh_escape_dup(path, QH_ESC_CONTROL);

		qh_error_errno(err, errno, "%s", clean ? clean : "report");
		free(clean);
		return NULL;
	}
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	return finish(doc, &jerr, path, err);
}
