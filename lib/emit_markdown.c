/* emit_markdown.c - a summary for $GITHUB_STEP_SUMMARY or a PR comment:
 *
 *   ### qhard checksec: 1 failing, 1 not analysed (of 3 files)
 *   | files | pass | fail | error | warn |       counts
 *   ### Findings                                 fail/warn/waived rows, per file
 *   | file | check | status | value | evidence |
 *   ### Not analysed                             files with an error
 *
 * The counts come first but are only known at the end, so the rows are kept
 * in memory (findings only, capped at MAX_ROWS so a PR comment stays under
 * GitHub's 65536 characters; the rest is counted). Cell text goes through
 * the escaping rule with control characters escaped, then every Markdown
 * and HTML special character is backslash-escaped, so a hostile file name
 * can neither break the table nor inject markup or links.
 */
#include "emit_internal.h"

#include <string.h>

#define MAX_ROWS 200
#define MAX_CELL 300 /* characters of evidence/value kept per cell */

struct md_state {
	struct qh_buf findings; /* table rows */
	struct qh_buf errors;   /* table rows */
	size_t nfindings, nerrors;
	size_t dropped_findings, dropped_errors;
};

static int md_cell(struct qh_buf *b, const char *s)
{
	struct qh_buf clean = QH_BUF_INIT;
	int rc = qh_escape_append(&clean, s ? s : "", QH_ESC_CONTROL);
	size_t n = 0;

	rc |= qh_buf_puts(b, " ");
	for (const char *p = clean.data; rc == 0 && p && *p; p++, n++) {
		if (n == MAX_CELL) {
			rc = qh_buf_puts(b, "...");
			break;
		}
		if (strchr("\\`*_{}[]<>()#+!|~&$", *p))
			rc |= qh_buf_putc(b, '\\');
		rc |= qh_buf_putc(b, *p);
	}
	rc |= qh_buf_puts(b, " |");
	qh_buf_free(&clean);
	return rc;
}

static int finding_row(struct md_state *st, const struct qh_result *res,
		       const struct qh_check *c, const char *status)
{
	struct qh_buf v = QH_BUF_INIT;
	struct qh_buf *b = &st->findings;
	int rc = 0;

	if (st->nfindings >= MAX_ROWS) {
		st->dropped_findings++;
		return 0;
	}
	st->nfindings++;
	rc |= qh_buf_puts(b, "|");
	rc |= md_cell(b, res->path);
	rc |= md_cell(b, c->id);
	rc |= md_cell(b, status);
	rc |= qh_emit_value_text(&v, c->value);
	rc |= md_cell(b, v.data);
	qh_buf_reset(&v);
	rc |= qh_buf_puts(&v, c->evidence ? c->evidence : "");
	if (c->fix) {
		rc |= qh_buf_puts(&v, v.len ? "; fix: " : "fix: ");
		rc |= qh_buf_puts(&v, c->fix);
	}
	if (c->waived_by) {
		rc |= qh_buf_puts(&v, v.len ? "; waived: " : "waived: ");
		rc |= qh_buf_puts(&v, c->waived_by);
	}
	rc |= md_cell(b, v.data);
	rc |= qh_buf_putc(b, '\n');
	qh_buf_free(&v);
	return rc;
}

static int md_result(struct qh_emitter *e, const struct qh_result *res,
		     struct qh_error *err)
{
	struct md_state *st = e->state;
	int rc = 0;

	if (res->error) {
		if (st->nerrors >= MAX_ROWS) {
			st->dropped_errors++;
			return 0;
		}
		st->nerrors++;
		rc |= qh_buf_puts(&st->errors, "|");
		rc |= md_cell(&st->errors, res->path);
		rc |= md_cell(&st->errors, res->error);
		rc |= qh_buf_putc(&st->errors, '\n');
	}
	for (size_t i = 0; !res->error && i < res->nchecks; i++) {
		const struct qh_check *c = &res->checks[i];

		if (c->status == QH_FAIL || c->status == QH_WARN)
			rc |= finding_row(st, res, c, qh_status_name(c->status));
		else if (c->waived_by)
			rc |= finding_row(st, res, c, "waived");
	}
	return rc ? qh_error_set(err, "out of memory") : 0;
}

static void put_dropped(FILE *out, size_t n)
{
	if (n)
		fprintf(out, "\n... and %zu more not shown (see the JSON or "
			"SARIF report).\n", n);
}

static int md_end(struct qh_emitter *e, const struct qh_report *r,
		  const struct qh_summary *s, struct qh_error *err)
{
	struct md_state *st = e->state;
	struct qh_buf cmd = QH_BUF_INIT;

	(void)r;
	if (md_cell(&cmd, e->command) < 0) {
		qh_buf_free(&cmd);
		return qh_error_set(err, "out of memory");
	}
	/* md_cell framed it as " text |": strip the frame for the heading */
	cmd.data[cmd.len - 2] = '\0';
	fprintf(e->out, "### qhard%s: ", cmd.data);
	qh_buf_free(&cmd);
	if (!s->fail && !s->error)
		fprintf(e->out, "all %zu %s pass", s->files,
			s->files == 1 ? "file" : "files");
	else
		fprintf(e->out, "%zu failing, %zu not analysed (of %zu %s)",
			s->fail, s->error, s->files,
			s->files == 1 ? "file" : "files");
	fprintf(e->out, "\n\n| files | pass | fail | error | warn |\n"
		"|---:|---:|---:|---:|---:|\n| %zu | %zu | %zu | %zu | %zu |\n",
		s->files, s->pass, s->fail, s->error, s->warn);
	if (st->nfindings) {
		fputs("\n#### Findings\n\n| file | check | status | value | "
		      "evidence |\n|---|---|---|---|---|\n", e->out);
		fwrite(st->findings.data, 1, st->findings.len, e->out);
		put_dropped(e->out, st->dropped_findings);
	}
	if (st->nerrors) {
		fputs("\n#### Not analysed\n\n| file | error |\n|---|---|\n",
		      e->out);
		fwrite(st->errors.data, 1, st->errors.len, e->out);
		put_dropped(e->out, st->dropped_errors);
	}
	return 0;
}

static void md_fini(struct qh_emitter *e)
{
	struct md_state *st = e->state;

	qh_buf_free(&st->findings);
	qh_buf_free(&st->errors);
}

const struct qh_emit_format qh_emit_markdown = {
	.name = "markdown",
	.state_size = sizeof(struct md_state),
	.result = md_result,
	.end = md_end,
	.fini = md_fini,
};
