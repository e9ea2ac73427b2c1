/* emit_markdown.c - a summary for $GITHUB_STEP_SUMMARY or a PR comment:
 *
 *   ### qhard checksec: 1 failing, 1 not analysed (of 3 files)
 *   | files | pass | fail | error | warnings |    counts (warnings: checks)
 *   #### Failing checks                           one row per failing check
 *   #### Not analysed                             files with an error
 *   <details> N warnings and waived findings      folded away
 *
 * The counts come first but are only known at the end, so the rows are kept
 * in memory, within a byte budget that keeps the whole summary under
 * GitHub's 65536-character limit for a comment; rows past it are counted
 * ("... and N more"). Cell text goes through the escaping rule with control
 * characters escaped, then every Markdown and HTML special character is
 * backslash-escaped, so a hostile file name can neither break the table nor
 * inject markup or links.
 */
#include "emit_internal.h"

#include <string.h>

#define ROW_BUDGET 56000 /* bytes of table rows, all tables together */
#define MAX_CELL 300     /* characters of evidence/value kept per cell */

struct md_table {
	struct qh_buf rows;
	size_t n, dropped;
};

struct md_state {
	struct md_table failing, errors, warnings;
	size_t nwarn; /* warning checks (the summary counts files instead) */
};

static int md_cell(struct qh_buf *b, const char *s)
{
	struct qh_buf clean = QH_BUF_INIT;
	int rc = qh_escape_append(&clean, s ? s : "", QH_ESC_CONTROL);
	size_t n = 0;

	rc |= qh_buf_puts(b, " ");
	for (const char *p = clean.data; rc == 0 && p && *p; p++, n++) {
		/* cut at a character boundary: a cut inside a UTF-8 sequence
		 * would make the whole comment invalid UTF-8 */
		if (n >= MAX_CELL && ((unsigned char)*p & 0xc0) != 0x80) {
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

/* Keep a finished row if the budget allows, else count it. */
static int keep_row(struct md_state *st, struct md_table *t,
		    const struct qh_buf *row)
{
	size_t used = st->failing.rows.len + st->errors.rows.len +
		      st->warnings.rows.len;

	if (used + row->len > ROW_BUDGET) {
		t->dropped++;
		return 0;
	}
	t->n++;
	return qh_buf_append(&t->rows, row->data, row->len);
}

static int finding_row(struct md_state *st, struct md_table *t,
		       const struct qh_result *res, const struct qh_check *c,
		       const char *status)
{
	struct qh_buf v = QH_BUF_INIT, row = QH_BUF_INIT;
	int rc = 0;

	rc |= qh_buf_puts(&row, "|");
	rc |= md_cell(&row, res->path);
	rc |= md_cell(&row, c->id);
	rc |= md_cell(&row, status);
	rc |= qh_emit_value_text(&v, c->value);
	rc |= md_cell(&row, v.data);
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
	rc |= md_cell(&row, v.data);
	rc |= qh_buf_putc(&row, '\n');
	if (rc == 0)
		rc = keep_row(st, t, &row);
	qh_buf_free(&v);
	qh_buf_free(&row);
	return rc;
}

static int md_result(struct qh_emitter *e, const struct qh_result *res,
		     struct qh_error *err)
{
	struct md_state *st = e->state;
	int rc = 0;

	if (res->error) {
		struct qh_buf row = QH_BUF_INIT;

		rc |= qh_buf_puts(&row, "|");
		rc |= md_cell(&row, res->path);
		rc |= md_cell(&row, res->error);
		rc |= qh_buf_putc(&row, '\n');
		if (rc == 0)
			rc = keep_row(st, &st->errors, &row);
		qh_buf_free(&row);
	}
	for (size_t i = 0; !res->error && i < res->nchecks; i++) {
		const struct qh_check *c = &res->checks[i];

		if (c->status == QH_WARN)
			st->nwarn++;
		if (c->status == QH_FAIL)
			rc |= finding_row(st, &st->failing, res, c, "fail");
		else if (c->status == QH_WARN)
			rc |= finding_row(st, &st->warnings, res, c, "warn");
		else if (c->waived_by)
			rc |= finding_row(st, &st->warnings, res, c, "waived");
	}
	return rc ? qh_error_set(err, "out of memory") : 0;
}

static void put_table(FILE *out, const struct md_table *t, const char *header)
{
	fputs(header, out);
	fwrite(t->rows.data, 1, t->rows.len, out);
	if (t->dropped)
		fprintf(out, "\n... and %zu more not shown (see the JSON or "
			"SARIF report).\n", t->dropped);
}

#define FINDINGS_HEADER "| file | check | status | value | evidence |\n" \
			"|---|---|---|---|---|\n"

static int md_end(struct qh_emitter *e, const struct qh_report *r,
		  const struct qh_summary *s, struct qh_error *err)
{
	struct md_state *st = e->state;
	struct qh_buf cmd = QH_BUF_INIT;
	size_t nwarn = st->warnings.n + st->warnings.dropped;

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
	fprintf(e->out, "\n\n| files | pass | fail | error | warnings |\n"
		"|---:|---:|---:|---:|---:|\n| %zu | %zu | %zu | %zu | %zu |\n",
		s->files, s->pass, s->fail, s->error, st->nwarn);
	if (st->failing.n + st->failing.dropped)
		put_table(e->out, &st->failing,
			  "\n#### Failing checks\n\n" FINDINGS_HEADER);
	if (st->errors.n + st->errors.dropped)
		put_table(e->out, &st->errors, "\n#### Not analysed\n\n"
			  "| file | error |\n|---|---|\n");
	if (nwarn) {
		fprintf(e->out, "\n<details><summary>%zu %s and waived "
			"findings</summary>\n\n", nwarn,
			nwarn == 1 ? "warning" : "warnings");
		put_table(e->out, &st->warnings, FINDINGS_HEADER);
		fputs("\n</details>\n", e->out);
	}
	return 0;
}

static void md_fini(struct qh_emitter *e)
{
	struct md_state *st = e->state;

	qh_buf_free(&st->failing.rows);
	qh_buf_free(&st->errors.rows);
	qh_buf_free(&st->warnings.rows);
}

const struct qh_emit_format qh_emit_markdown = {
	.name = "markdown",
	.state_size = sizeof(struct md_state),
	.result = md_result,
	.end = md_end,
	.fini = md_fini,
};
