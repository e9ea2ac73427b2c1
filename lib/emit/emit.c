/* emit.c - the format registry and the streaming begin/result/end driver. */
#include "emit_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct qh_emit_format *const formats[] = {
	&qh_emit_text, &qh_emit_json, &qh_emit_sarif,
	&qh_emit_csv, &qh_emit_junit, &qh_emit_markdown,
};

const char *const qh_emit_format_names[] = {
	"text", "json", "sarif", "csv", "junit", "markdown", NULL,
};

const char *const *qh_emit_formats(void)
{
	return qh_emit_format_names;
}

static const struct qh_emit_format *find_format(const char *name)
{
	for (size_t i = 0; name && i < QH_ARRAY_LEN(formats); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

bool qh_emit_format_known(const char *format)
{
	return find_format(format) != NULL;
}

struct qh_emitter *qh_emitter_new(const char *format, FILE *out,
				  const struct qh_emit_options *opts,
				  struct qh_error *err)
{
	const struct qh_emit_format *fmt = find_format(format);
	struct qh_emitter *e;

	if (!fmt) {
		qh_error_set(err, "unknown format '%s' (known: text, json, "
			     "sarif, csv, junit, markdown)",
			     format ? format : "(null)");
		return NULL;
	}
	if (!out) {
		qh_error_set(err, "no output stream");
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e || (fmt->state_size && !(e->state = calloc(1, fmt->state_size)))) {
		free(e);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	e->fmt = fmt;
	e->out = out;
	if (opts)
		e->opts = *opts;
	return e;
}

static int check_stream(struct qh_emitter *e, struct qh_error *err)
{
	if (ferror(e->out))
		return qh_error_errno(err, errno ? errno : EIO,
				      "writing %s output", e->fmt->name);
	return 0;
}

int qh_emitter_begin(struct qh_emitter *e, const struct qh_report *r,
		     struct qh_error *err)
{
	if (e->stage != 0)
		return qh_error_set(err, "emitter: begin called twice");
	e->stage = 1;
	e->command = r && r->command ? r->command : "";
	if (e->fmt->begin && e->fmt->begin(e, r, err) < 0)
		return -1;
	if (check_stream(e, err) < 0)
		return -1;
	return qh_emit_outputs_begin(e, r, err);
}

int qh_emitter_result(struct qh_emitter *e, const struct qh_result *res,
		      struct qh_error *err)
{
	if (e->stage != 1)
		return qh_error_set(err, "emitter: result outside begin/end");
	if (e->fmt->result(e, res, err) < 0)
		return -1;
	e->nresults++;
	qh_summary_add(&e->seen, res);
	if (check_stream(e, err) < 0)
		return -1;
	return qh_emit_outputs_result(e, res, err);
}

int qh_emitter_end(struct qh_emitter *e, const struct qh_report *r,
		   const struct qh_summary *s, struct qh_error *err)
{
	if (e->stage != 1)
		return qh_error_set(err, "emitter: end without begin");
	e->stage = 2;
	if (e->fmt->end(e, r, s ? s : &e->seen, err) < 0)
		return -1;
	if (fflush(e->out) != 0)
		return qh_error_errno(err, errno, "writing %s output",
				      e->fmt->name);
	if (check_stream(e, err) < 0)
		return -1;
	return qh_emit_outputs_end(e, r, s, err);
}

void qh_emitter_free(struct qh_emitter *e)
{
	if (!e)
		return;
	qh_emit_outputs_free(e);
	if (e->fmt->fini)
		e->fmt->fini(e);
	free(e->state);
	free(e);
}

int qh_report_emit(const struct qh_report *r, const char *format, FILE *out,
		   const struct qh_emit_options *opts, struct qh_error *err)
{
	struct qh_emitter *e = qh_emitter_new(format, out, opts, err);
	struct qh_summary s;
	int rc = -1;

	if (!e)
		return -1;
	if (qh_emitter_begin(e, r, err) < 0)
		goto out;
	for (size_t i = 0; i < r->nresults; i++)
		if (qh_emitter_result(e, r->results[i], err) < 0)
			goto out;
	qh_report_summary(r, &s);
	rc = qh_emitter_end(e, r, &s, err);
out:
	qh_emitter_free(e);
	return rc;
}

/* --- helpers shared by the formats --- */

static int value_list(struct qh_buf *b, const json_t *arr, const char *sep)
{
	size_t i;
	json_t *item;

	if (json_array_size(arr) == 0)
		return qh_buf_puts(b, "none");
	json_array_foreach((json_t *)arr, i, item) {
		if (i && qh_buf_puts(b, sep) < 0)
			return -1;
		if (qh_emit_value_text(b, item) < 0)
			return -1;
	}
	return 0;
}

/* A record (a deep check's coverage, build's flag-audit counts) in a
 * line: its members, a list as its length and first names, so a list of
 * 19681 functions stays short: "{claimed: no, checked: 19681, missing:
 * 19681 (a, b, c, ...)}". The JSON report has every name. */
#define RECORD_NAMES 3
static int record_text(struct qh_buf *b, const json_t *v)
{
	const char *key;
	json_t *m;
	bool first = true;
	int rc = qh_buf_putc(b, '{');

	json_object_foreach((json_t *)v, key, m) {
		size_t n = json_is_array(m) ? json_array_size(m)
					    : json_object_size(m);

		rc |= qh_buf_puts(b, first ? "" : ", ");
		first = false;
		rc |= qh_escape_append(b, key, QH_ESC_CONTROL);
		rc |= qh_buf_puts(b, ": ");
		if (!json_is_array(m) && !json_is_object(m)) {
			rc |= qh_emit_value_text(b, m);
			continue;
		}
		rc |= qh_buf_printf(b, "%zu", n);
		if (!n || !json_is_string(json_array_get(m, 0)))
			continue;
		rc |= qh_buf_puts(b, " (");
		for (size_t i = 0; i < n && i < RECORD_NAMES; i++) {
			rc |= qh_buf_puts(b, i ? ", " : "");
			rc |= qh_emit_value_text(b, json_array_get(m, i));
		}
		rc |= qh_buf_puts(b, n > RECORD_NAMES ? ", ...)" : ")");
	}
	rc |= qh_buf_putc(b, '}');
	return rc ? -1 : 0;
}

bool qh_emit_is_fortify(const json_t *v)
{
	return json_is_object(v) && json_object_size(v) == 2 &&
	       json_is_array(json_object_get(v, "fortified")) &&
	       json_is_array(json_object_get(v, "unfortified"));
}

int qh_emit_value_text(struct qh_buf *b, const json_t *v)
{
	json_t *clean;
	char *dump;
	int rc;

	if (!v || json_is_null(v))
		return qh_buf_puts(b, "-");
	switch (json_typeof(v)) {
	case JSON_STRING:
		return qh_escape_append(b, json_string_value(v), QH_ESC_CONTROL);
	case JSON_ARRAY:
		return value_list(b, v, ",");
	case JSON_INTEGER:
		return qh_buf_printf(b, "%" JSON_INTEGER_FORMAT,
				     json_integer_value(v));
	case JSON_TRUE:
		return qh_buf_puts(b, "yes");
	case JSON_FALSE:
		return qh_buf_puts(b, "no");
	default:
		break;
	}
	/* the contract's fortify value: counts are what a reader scans for.
	 * "F/T": F of the T imports of fortifiable functions are the checked
	 * __*_chk variants (a function imported both ways counts twice), so
	 * it reads as "F of T", which is what it means */
	if (qh_emit_is_fortify(v)) {
		size_t f = json_array_size(json_object_get(v, "fortified"));

		return qh_buf_printf(b, "%zu/%zu", f, f + json_array_size(
					     json_object_get(v, "unfortified")));
	}
	if (json_is_object(v))
		return record_text(b, v);
	clean = qh_json_sanitize(v); /* dumps rejects invalid UTF-8 */
	dump = clean ? json_dumps(clean, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(clean);
	if (!dump)
		return qh_buf_puts(b, "?");
	rc = qh_escape_append(b, dump, QH_ESC_CONTROL);
	free(dump);
	return rc;
}

int qh_emit_dump(struct qh_emitter *e, const json_t *v, size_t flags,
		 struct qh_error *err)
{
	if (!v)
		return qh_error_set(err, "out of memory");
	if (json_dumpf(v, e->out, flags | JSON_ENCODE_ANY) < 0)
		return qh_error_errno(err, errno ? errno : EIO,
				      "writing %s output", e->fmt->name);
	return 0;
}
