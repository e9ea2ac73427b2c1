/* emit_csv.c - one row per subject x check, for spreadsheets and scripts.
 *
 * RFC 4180: a header row, CRLF line ends, a field containing a comma or a
 * double quote is quoted with quotes doubled. Input strings first go through
 * the escaping rule with control characters escaped, so a field never holds
 * a line break and a row is always one line. A field that starts with one
 * of the characters OWASP's CSV-injection guidance lists ('=', '+', '-',
 * '@', tab, CR) gets a leading "'" so spreadsheets do not evaluate a
 * hostile file name as a formula.
 * `value` is the string itself, or compact JSON for lists and objects.
 * A subject that could not be analysed has one row: empty check, status
 * "error" and the message in the last column.
 */
#include "emit_internal.h"

#include <stdlib.h>
#include <string.h>

struct csv_state {
	struct qh_buf row;
};

static const char header[] = "path,type,machine,class,endian,check,status,"
			     "value,evidence,reason,fix,severity,waived_by,"
			     "error\r\n";

static int put_field(struct qh_buf *row, const char *s, bool last)
{
	struct qh_buf clean = QH_BUF_INIT;
	const char *p;
	int rc = 0;

	if (s && s[0] && strchr("=+-@\t\r", s[0]))
		rc = qh_buf_putc(&clean, '\'');
	rc |= qh_escape_append(&clean, s ? s : "", QH_ESC_CONTROL);
	p = clean.data ? clean.data : "";
	if (rc == 0 && strpbrk(p, ",\"")) {
		rc |= qh_buf_putc(row, '"');
		for (; *p; p++)
			rc |= *p == '"' ? qh_buf_puts(row, "\"\"")
					: qh_buf_putc(row, *p);
		rc |= qh_buf_putc(row, '"');
	} else if (rc == 0) {
		rc = qh_buf_puts(row, p);
	}
	qh_buf_free(&clean);
	if (rc == 0)
		rc = qh_buf_puts(row, last ? "\r\n" : ",");
	return rc ? -1 : 0;
}

static int put_value(struct qh_buf *row, const json_t *v)
{
	json_t *clean;
	char *dump;
	int rc;

	if (!v || json_is_null(v))
		return put_field(row, "", false);
	if (json_is_string(v))
		return put_field(row, json_string_value(v), false);
	clean = qh_json_sanitize(v);
	dump = clean ? json_dumps(clean, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(clean);
	if (!dump)
		return -1;
	rc = put_field(row, dump, false);
	free(dump);
	return rc;
}

static int put_subject(struct qh_buf *row, const struct qh_result *res)
{
	char cls[16] = "";
	int rc = 0;

	if (res->elf_class)
		snprintf(cls, sizeof(cls), "%d", res->elf_class);
	rc |= put_field(row, res->path, false);
	rc |= put_field(row, res->type, false);
	rc |= put_field(row, res->machine, false);
	rc |= put_field(row, cls, false);
	rc |= put_field(row, res->endian, false);
	return rc;
}

static int csv_begin(struct qh_emitter *e, const struct qh_report *r,
		     struct qh_error *err)
{
	(void)r;
	(void)err;
	fputs(header, e->out);
	return 0;
}

static int csv_result(struct qh_emitter *e, const struct qh_result *res,
		      struct qh_error *err)
{
	struct csv_state *st = e->state;
	struct qh_buf *row = &st->row;
	int rc = 0;

	qh_buf_reset(row);
	if (res->error) {
		rc |= put_subject(row, res);
		rc |= put_field(row, "", false);
		rc |= put_field(row, "error", false);
		for (int i = 0; i < 6; i++) /* value .. waived_by */
			rc |= put_field(row, "", false);
		rc |= put_field(row, res->error, true);
	}
	for (size_t i = 0; !res->error && i < res->nchecks; i++) {
		const struct qh_check *c = &res->checks[i];

		rc |= put_subject(row, res);
		rc |= put_field(row, c->id, false);
		rc |= put_field(row, qh_status_name(c->status), false);
		rc |= put_value(row, c->value);
		rc |= put_field(row, c->evidence, false);
		rc |= put_field(row, c->reason, false);
		rc |= put_field(row, c->fix, false);
		rc |= put_field(row, c->severity, false);
		rc |= put_field(row, c->waived_by, false);
		rc |= put_field(row, "", true);
	}
	if (rc)
		return qh_error_set(err, "out of memory");
	if (row->len)
		fwrite(row->data, 1, row->len, e->out);
	return 0;
}

static int csv_end(struct qh_emitter *e, const struct qh_report *r,
		   const struct qh_summary *s, struct qh_error *err)
{
	(void)e;
	(void)r;
	(void)s;
	(void)err;
	return 0;
}

static void csv_fini(struct qh_emitter *e)
{
	struct csv_state *st = e->state;

	qh_buf_free(&st->row);
}

const struct qh_emit_format qh_emit_csv = {
	.name = "csv",
	.state_size = sizeof(struct csv_state),
	.begin = csv_begin,
	.result = csv_result,
	.end = csv_end,
	.fini = csv_fini,
};
