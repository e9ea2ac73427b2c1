/* emit_junit.c - JUnit XML for GitLab, Jenkins and other CI test views.
 *
 *   <testsuites name="qhard checksec">
 *     <testsuite name="PATH" tests= failures= errors= skipped=>   one per file
 *       <testcase name="relro" classname="PATH">                  one per check
 *         <failure message="relro=partial" type="fail">evidence...</failure>
 *       <testcase name="pie" ...><skipped message="..."/>
 *       <testcase name="fortify" ...><system-out>warn: ...</system-out>
 *     a file that could not be analysed: one testcase "analyse" with <error>
 *
 * A warn passes (JUnit has no warning) and says so in system-out; a waived
 * finding passes with the waiver in system-out. Strings go through the
 * escaping rule (control characters and XML non-characters become \xNN;
 * element text keeps newlines and tabs) and then XML escaping.
 */
#include "emit_internal.h"

#include <string.h>

struct junit_state {
	struct qh_buf doc;
};

/* XML-escape after the escaping rule; `attr` also escapes quotes. */
static int xml_put(struct qh_buf *b, const char *s, bool attr)
{
	struct qh_buf clean = QH_BUF_INIT;
	unsigned flags = QH_ESC_CONTROL | QH_ESC_XML | (attr ? 0 : QH_ESC_KEEP_NL);
	int rc = qh_escape_append(&clean, s ? s : "", flags);

	for (const char *p = clean.data; rc == 0 && p && *p; p++) {
		switch (*p) {
		case '&': rc = qh_buf_puts(b, "&amp;"); break;
		case '<': rc = qh_buf_puts(b, "&lt;"); break;
		case '>': rc = qh_buf_puts(b, "&gt;"); break;
		case '"': rc = qh_buf_puts(b, attr ? "&quot;" : "\""); break;
		case '\'': rc = qh_buf_puts(b, attr ? "&apos;" : "'"); break;
		default: rc = qh_buf_putc(b, *p); break;
		}
	}
	qh_buf_free(&clean);
	return rc;
}

static int attr(struct qh_buf *b, const char *name, const char *value)
{
	int rc = qh_buf_printf(b, " %s=\"", name);

	rc |= xml_put(b, value, true);
	rc |= qh_buf_putc(b, '"');
	return rc;
}

/* "id=value", as an attribute or as element text */
static int id_value(struct qh_buf *b, const struct qh_check *c, bool as_attr)
{
	struct qh_buf v = QH_BUF_INIT;
	int rc = qh_buf_puts(&v, c->id);

	rc |= qh_buf_putc(&v, '=');
	rc |= qh_emit_value_text(&v, c->value);
	rc |= as_attr ? attr(b, "message", v.data) : xml_put(b, v.data, false);
	qh_buf_free(&v);
	return rc;
}

static int check_summary(struct qh_buf *b, const struct qh_check *c)
{
	return id_value(b, c, true);
}

static int value_text(struct qh_buf *b, const struct qh_check *c)
{
	return id_value(b, c, false);
}

/* Evidence, reason, fix, waiver and locations as element text. */
static int check_details(struct qh_buf *b, const struct qh_check *c)
{
	int rc = 0;

	if (c->evidence) {
		rc |= xml_put(b, c->evidence, false);
		rc |= qh_buf_putc(b, '\n');
	}
	if (c->reason) {
		rc |= qh_buf_puts(b, "why: ");
		rc |= xml_put(b, c->reason, false);
		rc |= qh_buf_putc(b, '\n');
	}
	if (c->fix) {
		rc |= qh_buf_puts(b, "fix: ");
		rc |= xml_put(b, c->fix, false);
		rc |= qh_buf_putc(b, '\n');
	}
	if (c->waived_by) {
		rc |= qh_buf_puts(b, "waived: ");
		rc |= xml_put(b, c->waived_by, false);
		rc |= qh_buf_putc(b, '\n');
	}
	for (size_t i = 0; i < c->nlocations; i++) {
		const struct qh_location *l = &c->locations[i];

		rc |= qh_buf_puts(b, "at ");
		rc |= xml_put(b, l->function ? l->function : "?", false);
		if (l->file) {
			rc |= qh_buf_puts(b, " ");
			rc |= xml_put(b, l->file, false);
			if (l->line)
				rc |= qh_buf_printf(b, ":%u", l->line);
		}
		rc |= qh_buf_putc(b, '\n');
	}
	return rc;
}

static int testcase(struct qh_buf *b, const struct qh_result *res,
		    const struct qh_check *c)
{
	int rc = qh_buf_puts(b, "  <testcase");

	rc |= attr(b, "name", c->id);
	rc |= attr(b, "classname", res->path);
	switch (c->status) {
	case QH_FAIL:
		rc |= qh_buf_puts(b, ">\n   <failure");
		rc |= check_summary(b, c);
		rc |= qh_buf_puts(b, " type=\"fail\">");
		rc |= check_details(b, c);
		rc |= qh_buf_puts(b, "</failure>\n  </testcase>\n");
		break;
	case QH_SKIP:
		rc |= qh_buf_puts(b, ">\n   <skipped");
		rc |= attr(b, "message", c->evidence ? c->evidence
						     : "not applicable");
		rc |= qh_buf_puts(b, "/>\n  </testcase>\n");
		break;
	default:
		rc |= qh_buf_puts(b, ">\n   <system-out>");
		rc |= qh_buf_printf(b, "%s: ", qh_status_name(c->status));
		rc |= value_text(b, c);
		rc |= qh_buf_putc(b, '\n');
		rc |= check_details(b, c);
		rc |= qh_buf_puts(b, "</system-out>\n  </testcase>\n");
		break;
	}
	return rc;
}

static int junit_begin(struct qh_emitter *e, const struct qh_report *r,
		       struct qh_error *err)
{
	struct junit_state *st = e->state;
	struct qh_buf *b = &st->doc;
	int rc;

	(void)r;
	qh_buf_reset(b);
	rc = qh_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<testsuites");
	rc |= qh_buf_puts(b, " name=\"qhard ");
	rc |= xml_put(b, e->command, true);
	rc |= qh_buf_puts(b, "\">\n");
	if (rc)
		return qh_error_set(err, "out of memory");
	fwrite(b->data, 1, b->len, e->out);
	return 0;
}

static int junit_result(struct qh_emitter *e, const struct qh_result *res,
			struct qh_error *err)
{
	struct junit_state *st = e->state;
	struct qh_buf *b = &st->doc;
	size_t fails = 0, skips = 0;
	int rc;

	for (size_t i = 0; i < res->nchecks; i++) {
		fails += res->checks[i].status == QH_FAIL;
		skips += res->checks[i].status == QH_SKIP;
	}
	qh_buf_reset(b);
	rc = qh_buf_puts(b, " <testsuite");
	rc |= attr(b, "name", res->path);
	if (res->error) {
		rc |= qh_buf_puts(b, " tests=\"1\" failures=\"0\" errors=\"1\" "
				     "skipped=\"0\">\n  <testcase name=\"analyse\"");
		rc |= attr(b, "classname", res->path);
		rc |= qh_buf_puts(b, ">\n   <error");
		rc |= attr(b, "message", res->error);
		rc |= qh_buf_puts(b, " type=\"error\"/>\n  </testcase>\n");
	} else {
		rc |= qh_buf_printf(b, " tests=\"%zu\" failures=\"%zu\" "
				    "errors=\"0\" skipped=\"%zu\">\n",
				    res->nchecks, fails, skips);
		for (size_t i = 0; i < res->nchecks; i++)
			rc |= testcase(b, res, &res->checks[i]);
	}
	rc |= qh_buf_puts(b, " </testsuite>\n");
	if (rc)
		return qh_error_set(err, "out of memory");
	fwrite(b->data, 1, b->len, e->out);
	return 0;
}

static int junit_end(struct qh_emitter *e, const struct qh_report *r,
		     const struct qh_summary *s, struct qh_error *err)
{
	(void)r;
	(void)s;
	(void)err;
	fputs("</testsuites>\n", e->out);
	return 0;
}

static void junit_fini(struct qh_emitter *e)
{
	struct junit_state *st = e->state;

	qh_buf_free(&st->doc);
}

const struct qh_emit_format qh_emit_junit = {
	.name = "junit",
	.state_size = sizeof(struct junit_state),
	.begin = junit_begin,
	.result = junit_result,
	.end = junit_end,
	.fini = junit_fini,
};
