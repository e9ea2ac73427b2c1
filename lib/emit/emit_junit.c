/* emit_junit.c - JUnit XML for GitLab, Jenkins and other CI test views,
 * valid under both the junit-4 XSD Jenkins and JUnit 5 use and the xunit
 * plugin's junit-10 XSD (tests/data):
 *
 *   <testsuites name="qhard checksec">
 *     <testsuite name="PATH" tests= failures= errors= skipped=>   one per file
 *       <properties>                                 only with warnings:
 *         <property name="qhard.warnings" value="2"/>  their count, then
 *         <property name="qhard.warning.fortify" value="fortify=3/4: ..."/>
 *       </properties>
 *       <testcase name="relro" classname="PATH">                  one per check
 *         <failure message="relro=partial" type="fail">evidence...</failure>
 *       <testcase name="pie" ...><skipped>not applicable: ...</skipped>
 *       <testcase name="fortify" ...><system-out>WARNING: fortify=...
 *       <system-out>2 warnings: ...</system-out>     the suite's warnings
 *     a file that could not be analysed: one testcase "analyse" with <error>
 *
 * JUnit has no warning: a warn passes, and is visible three ways, since CI
 * views differ in what they show of a passing test: its own system-out
 * starts with "WARNING:", the suite's properties count and name the
 * warnings, and the suite's system-out lists them. A waived finding says
 * who waived it. <skipped> carries its reason as text (the
 * junit-4 XSD allows no attribute there). Strings go through the escaping
 * rule (control characters and XML non-characters become \xNN; element text
 * keeps newlines and tabs) and then XML escaping.
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
		rc |= qh_buf_puts(b, ">\n   <skipped>not applicable");
		if (c->evidence) {
			rc |= qh_buf_puts(b, ": ");
			rc |= xml_put(b, c->evidence, false);
		}
		rc |= qh_buf_puts(b, "</skipped>\n  </testcase>\n");
		break;
	default:
		rc |= qh_buf_puts(b, ">\n   <system-out>");
		rc |= qh_buf_puts(b, c->status == QH_WARN ? "WARNING: " : "pass: ");
		rc |= value_text(b, c);
		rc |= qh_buf_putc(b, '\n');
		rc |= check_details(b, c);
		rc |= qh_buf_puts(b, "</system-out>\n  </testcase>\n");
		break;
	}
	return rc;
}

/* "id=value: evidence" (no evidence: "id=value"), one line */
static int warning_line(struct qh_buf *b, const struct qh_check *c)
{
	struct qh_buf line = QH_BUF_INIT;
	int rc = qh_buf_puts(&line, c->id);

	rc |= qh_buf_putc(&line, '=');
	rc |= qh_emit_value_text(&line, c->value);
	if (c->evidence) {
		rc |= qh_buf_puts(&line, ": ");
		rc |= qh_buf_puts(&line, c->evidence);
	}
	if (c->waived_by) {
		rc |= qh_buf_puts(&line, " (waived: ");
		rc |= qh_buf_puts(&line, c->waived_by);
		rc |= qh_buf_putc(&line, ')');
	}
	rc |= rc ? 0 : qh_buf_append(b, line.data, line.len);
	qh_buf_free(&line);
	return rc;
}

/* The suite's properties: the number of warnings, then each warning. */
static int warning_properties(struct qh_buf *b, const struct qh_result *res,
			      size_t warns)
{
	int rc = 0;

	if (!warns)
		return 0;
	rc |= qh_buf_printf(b, "  <properties>\n   <property name=\"qhard.warnings\" "
			    "value=\"%zu\"/>\n", warns);
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct qh_check *c = &res->checks[i];
		struct qh_buf name = QH_BUF_INIT, value = QH_BUF_INIT;

		if (c->status != QH_WARN)
			continue;
		rc |= qh_buf_printf(&name, "qhard.warning.%s", c->id);
		rc |= warning_line(&value, c);
		rc |= qh_buf_puts(b, "   <property");
		rc |= attr(b, "name", name.data);
		rc |= attr(b, "value", value.data);
		rc |= qh_buf_puts(b, "/>\n");
		qh_buf_free(&name);
		qh_buf_free(&value);
	}
	rc |= qh_buf_puts(b, "  </properties>\n");
	return rc;
}

/* The suite's system-out: "N warnings:" and one line each. */
static int warning_summary(struct qh_buf *b, const struct qh_result *res,
			   size_t warns)
{
	int rc = 0;

	if (!warns)
		return 0;
	rc |= qh_buf_printf(b, "  <system-out>%zu %s:\n", warns,
			    warns == 1 ? "warning" : "warnings");
	for (size_t i = 0; i < res->nchecks; i++) {
		struct qh_buf line = QH_BUF_INIT;

		if (res->checks[i].status != QH_WARN)
			continue;
		rc |= warning_line(&line, &res->checks[i]);
		rc |= qh_buf_puts(b, "WARNING: ");
		rc |= xml_put(b, line.data, false);
		rc |= qh_buf_putc(b, '\n');
		qh_buf_free(&line);
	}
	rc |= qh_buf_puts(b, "</system-out>\n");
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
	size_t fails = 0, skips = 0, warns = 0;
	int rc;

	for (size_t i = 0; i < res->nchecks; i++) {
		fails += res->checks[i].status == QH_FAIL;
		skips += res->checks[i].status == QH_SKIP;
		warns += res->checks[i].status == QH_WARN;
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
		rc |= warning_properties(b, res, warns);
		for (size_t i = 0; i < res->nchecks; i++)
			rc |= testcase(b, res, &res->checks[i]);
		rc |= warning_summary(b, res, warns);
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
