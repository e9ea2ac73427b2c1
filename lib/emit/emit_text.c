/* emit_text.c - the human format: one aligned line per subject,
 *
 *   /usr/bin/qemu-img                       pie       FAIL relro=full pie=yes nx=yes canary=no! ...
 *   broken.so                               error: not an ELF file (bad magic)
 *
 * path, type, the worst verdict (ok, warn, FAIL), then each applicable check
 * as id=value. Failing items are red and warnings yellow with opts->color;
 * without color they carry a '!' (fails) or '?' (warning) suffix, explained
 * by a legend line. Skipped checks (n/a) are listed only with verbose. The
 * path column starts at 40 characters and widens (up to 72) as longer paths
 * stream by, so most lines align without buffering the report.
 *
 * then details for failing findings that carry a reason or fix (audit-style
 * findings), every check's evidence with opts->verbose, the extra sections
 * (build, audit...) as an indented outline, and one summary line.
 *
 * A check whose value is a record (the --deep checks' coverage, with
 * lists of thousands of functions) is not written on the subject's line but
 * below it, whatever its status: its evidence (counts in words), the first
 * names of its lists, and its locations grouped by function, the functions
 * with the most first (emit_text_detail.c); --verbose and the JSON report
 * have every name and location. Such a subject's check list and all detail
 * lines wrap before QH_TEXT_WIDTH columns, so a QEMU binary's --deep report
 * fits a screen.
 * Every string from an input goes through the escaping rule with control
 * characters escaped, so a hostile path cannot break lines or the terminal.
 */
#include "emit_internal.h"

#include <stdlib.h>
#include <string.h>

#define PATH_WIDTH 40
#define MAX_PATH_WIDTH 72
#define TYPE_WIDTH 10
#define VERDICT_WIDTH 5

#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_BOLD_RED "\033[1;31m"
#define C_OFF "\033[0m"

struct text_state {
	struct qh_buf line;
	size_t path_width; /* grows with long paths, never shrinks */
	bool marked;       /* a '!' or '?' was printed: add the legend */
	struct qh_text_audit *audit; /* qhard audit's layout, on first use */
};

static const char *status_color(const struct qh_emitter *e, enum qh_status s)
{
	if (!e->opts.color)
		return NULL;
	if (s == QH_FAIL)
		return C_RED;
	if (s == QH_WARN)
		return C_YELLOW;
	return NULL;
}

static int pad_to(struct qh_buf *b, size_t start, size_t width)
{
	size_t w = b->data ? qh_text_width(b->data + start, b->len - start) : 0;

	do {
		if (qh_buf_putc(b, ' ') < 0)
			return -1;
	} while (++w < width);
	return 0;
}

/* " id=value", wrapped (when `wrap`) onto a line starting at column
 * `indent` once the line would pass QH_TEXT_WIDTH; *col follows. */
static int put_check(struct qh_emitter *e, struct qh_buf *b,
		     const struct qh_check *c, size_t *col, size_t indent,
		     bool wrap)
{
	const char *color = status_color(e, c->status);
	struct qh_buf tok = QH_BUF_INIT;
	size_t w;
	int rc = 0;

	if ((c->status == QH_SKIP && !e->opts.verbose) ||
	    qh_text_is_record(c->value))
		return 0;
	rc |= qh_escape_append(&tok, c->id, QH_ESC_CONTROL);
	rc |= qh_buf_putc(&tok, '=');
	if (c->status == QH_SKIP)
		rc |= qh_buf_puts(&tok, "n/a");
	else if (!c->value || json_is_null(c->value))
		rc |= qh_buf_puts(&tok, qh_status_name(c->status));
	else
		rc |= qh_emit_value_text(&tok, c->value);
	if (c->waived_by)
		rc |= qh_buf_puts(&tok, "(waived)");
	if (!color && (c->status == QH_FAIL || c->status == QH_WARN)) {
		struct text_state *st = e->state;

		rc |= qh_buf_putc(&tok, c->status == QH_FAIL ? '!' : '?');
		st->marked = true;
	}
	if (rc || !tok.data) {
		qh_buf_free(&tok);
		return -1;
	}
	w = qh_text_width(tok.data, tok.len);
	if (wrap && *col > indent && *col + 1 + w > QH_TEXT_WIDTH) {
		rc |= qh_buf_printf(b, "\n%*s", (int)indent, "");
		*col = indent;
	}
	rc |= qh_buf_putc(b, ' ');
	if (color)
		rc |= qh_buf_puts(b, color);
	rc |= qh_buf_append(b, tok.data, tok.len);
	if (color)
		rc |= qh_buf_puts(b, C_OFF);
	*col += 1 + w;
	qh_buf_free(&tok);
	return rc ? -1 : 0;
}

static int put_verdict(struct qh_emitter *e, struct qh_buf *b,
		       enum qh_status worst)
{
	static const char *const words[] = {
		[QH_SKIP] = "-", [QH_PASS] = "ok", [QH_WARN] = "warn",
		[QH_FAIL] = "FAIL",
	};
	const char *color = status_color(e, worst);
	int rc = 0;

	if (color)
		rc |= qh_buf_puts(b, color);
	rc |= qh_buf_printf(b, "%-*s", VERDICT_WIDTH - 1, words[worst]);
	if (color)
		rc |= qh_buf_puts(b, C_OFF);
	return rc;
}

/* "      label: text", wrapped under its text. */
static int put_field(struct qh_buf *b, const char *label, const char *text)
{
	char *clean;
	size_t col;
	int rc;

	if (!text)
		return 0;
	clean = qh_escape_dup(text, QH_ESC_CONTROL);
	if (!clean)
		return -1;
	rc = qh_buf_printf(b, "      %s: ", label);
	col = 8 + strlen(label);
	rc |= qh_text_wrap(b, clean, &col, col);
	rc |= qh_buf_putc(b, '\n');
	free(clean);
	return rc ? -1 : 0;
}

/* Indented lines under the file line: a finding's evidence, why, fix,
 * a record's lists, locations. */
static int put_details(struct qh_emitter *e, struct qh_buf *b,
		       const struct qh_check *c)
{
	const char *color = status_color(e, c->status);
	struct qh_buf head = QH_BUF_INIT;
	size_t col = 9; /* "    warn " */
	int rc = 0;

	rc |= qh_buf_puts(b, "    ");
	if (color)
		rc |= qh_buf_puts(b, color);
	rc |= qh_buf_printf(b, "%-4s ", qh_status_name(c->status));
	if (color)
		rc |= qh_buf_puts(b, C_OFF);
	rc |= qh_escape_append(&head, c->id, QH_ESC_CONTROL);
	if (c->severity) {
		rc |= qh_buf_puts(&head, " [");
		rc |= qh_escape_append(&head, c->severity, QH_ESC_CONTROL);
		rc |= qh_buf_putc(&head, ']');
	}
	if (c->evidence) {
		rc |= qh_buf_puts(&head, ": ");
		rc |= qh_escape_append(&head, c->evidence, QH_ESC_CONTROL);
	}
	rc |= head.data ? qh_text_wrap(b, head.data, &col, 9) : -1;
	qh_buf_free(&head);
	rc |= qh_buf_putc(b, '\n');
	rc |= put_field(b, "why", c->reason);
	rc |= put_field(b, "fix", c->fix);
	rc |= put_field(b, "waived", c->waived_by);
	rc |= qh_text_record_lists(b, c, e->opts.verbose);
	rc |= qh_text_locations(b, c, e->opts.verbose);
	return rc ? -1 : 0;
}

/* Result-level notes under the file line: a type that is uncertain or a
 * separate debug file, and the warnings (a bad EI_VERSION, libbfd). */
static int put_result_notes(struct qh_buf *b, const struct qh_result *res)
{
	const json_t *note = res->type_note;
	size_t i;
	json_t *w;
	int rc = 0;

	if (note) {
		const char *kind = json_string_value(json_object_get(note, "kind"));
		const json_t *cands = json_object_get(note, "candidates");
		const char *ev = json_string_value(json_object_get(note,
								   "evidence"));

		rc |= qh_buf_puts(b, "    type ");
		rc |= qh_escape_append(b, kind ? kind : "?", QH_ESC_CONTROL);
		if (cands) {
			rc |= qh_buf_puts(b, " (");
			rc |= qh_emit_value_text(b, cands);
			rc |= qh_buf_putc(b, ')');
		}
		if (ev) {
			rc |= qh_buf_puts(b, ": ");
			rc |= qh_escape_append(b, ev, QH_ESC_CONTROL);
		}
		rc |= qh_buf_putc(b, '\n');
	}
	json_array_foreach(res->warnings, i, w) {
		rc |= qh_buf_puts(b, "    warning: ");
		rc |= qh_escape_append(b, json_string_value(w), QH_ESC_CONTROL);
		rc |= qh_buf_putc(b, '\n');
	}
	return rc ? -1 : 0;
}

static bool wants_details(const struct qh_emitter *e, const struct qh_check *c)
{
	if (e->opts.verbose || qh_text_is_record(c->value))
		return true;
	if (c->status != QH_FAIL && c->status != QH_WARN)
		return false;
	return c->reason || c->fix || c->nlocations;
}

int qh_text_render_result(struct qh_emitter *e, struct qh_buf *b,
			  const struct qh_result *res, bool wrap_always)
{
	struct text_state *st = e->state;
	size_t start0 = b->len;
	int rc = 0;

	rc |= qh_escape_append(b, res->path, QH_ESC_CONTROL);
	if (st->path_width < PATH_WIDTH)
		st->path_width = PATH_WIDTH;
	if (b->data) {
		size_t w = qh_text_width(b->data + start0, b->len - start0) + 1;

		if (w > st->path_width && w <= MAX_PATH_WIDTH)
			st->path_width = w;
	}
	rc |= pad_to(b, start0, st->path_width);
	if (res->error) {
		if (e->opts.color)
			rc |= qh_buf_puts(b, C_BOLD_RED);
		rc |= qh_buf_puts(b, "error: ");
		rc |= qh_escape_append(b, res->error, QH_ESC_CONTROL);
		if (e->opts.color)
			rc |= qh_buf_puts(b, C_OFF);
		rc |= qh_buf_putc(b, '\n');
	} else {
		size_t start = b->len, col, indent;
		bool wrap = wrap_always;

		rc |= qh_escape_append(b, res->type ? res->type : "-",
				       QH_ESC_CONTROL);
		if (res->type_note)
			rc |= qh_buf_putc(b, '?'); /* see the note line */
		rc |= pad_to(b, start, TYPE_WIDTH);
		col = indent = (b->data ? qh_text_width(b->data + start0,
							b->len - start0) : 0) +
			       VERDICT_WIDTH - 1;
		rc |= put_verdict(e, b, qh_result_worst(res));
		/* a subject with records gets a block of lines: wrap its
		 * checks too; the one-line form stays for all others */
		for (size_t i = 0; i < res->nchecks; i++)
			wrap = wrap || qh_text_is_record(res->checks[i].value);
		/* checks bring their own leading space */
		for (size_t i = 0; i < res->nchecks; i++)
			rc |= put_check(e, b, &res->checks[i], &col, indent,
					wrap);
		if (res->nchecks == 0)
			rc |= qh_buf_puts(b, " (no checks)");
		rc |= qh_buf_putc(b, '\n');
		rc |= put_result_notes(b, res);
		for (size_t i = 0; i < res->nchecks; i++)
			if (wants_details(e, &res->checks[i]))
				rc |= put_details(e, b, &res->checks[i]);
	}
	return rc ? -1 : 0;
}

static int text_result(struct qh_emitter *e, const struct qh_result *res,
		       struct qh_error *err)
{
	struct text_state *st = e->state;
	struct qh_buf *b = &st->line;

	if (strcmp(e->command, "audit") == 0)
		return qh_text_audit_result(e, &st->audit, res, err);
	qh_buf_reset(b);
	if (qh_text_render_result(e, b, res, false) < 0)
		return qh_error_set(err, "out of memory");
	fwrite(b->data, 1, b->len, e->out);
	return 0;
}

/* --- extra sections as an indented outline --- */

static bool is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static bool all_scalars(const json_t *arr)
{
	size_t i;
	json_t *item;

	json_array_foreach((json_t *)arr, i, item)
		if (!is_scalar(item))
			return false;
	return true;
}

static int outline(struct qh_buf *b, const json_t *v, int depth);

static int outline_entry(struct qh_buf *b, const char *key, const json_t *v,
			 int depth)
{
	int rc = qh_buf_printf(b, "%*s", depth * 2, "");

	rc |= qh_escape_append(b, key, QH_ESC_CONTROL);
	rc |= qh_buf_putc(b, ':');
	if (is_scalar(v) || (json_is_array(v) && all_scalars(v)) ||
	    (json_is_object(v) && json_object_size(v) == 0)) {
		rc |= qh_buf_putc(b, ' ');
		rc |= qh_emit_value_text(b, v);
		rc |= qh_buf_putc(b, '\n');
	} else {
		rc |= qh_buf_putc(b, '\n');
		rc |= outline(b, v, depth + 1);
	}
	return rc ? -1 : 0;
}

/* An array item that looks like a finding gets one headline. */
static int outline_item(struct qh_buf *b, const json_t *item, int depth)
{
	const char *key;
	json_t *val;
	int rc = qh_buf_printf(b, "%*s- ", depth * 2, "");
	bool first = true;

	if (!json_is_object(item)) {
		rc |= qh_emit_value_text(b, item);
		return qh_buf_putc(b, '\n') | rc;
	}
	json_object_foreach((json_t *)item, key, val) {
		if (first && (is_scalar(val) || all_scalars(val))) {
			/* first member on the dash line, the rest below it */
			rc |= qh_escape_append(b, key, QH_ESC_CONTROL);
			rc |= qh_buf_puts(b, ": ");
			rc |= qh_emit_value_text(b, val);
			rc |= qh_buf_putc(b, '\n');
		} else {
			if (first)
				rc |= qh_buf_putc(b, '\n');
			rc |= outline_entry(b, key, val, depth + 1);
		}
		first = false;
	}
	if (first)
		rc |= qh_buf_puts(b, "{}\n");
	return rc ? -1 : 0;
}

static int outline(struct qh_buf *b, const json_t *v, int depth)
{
	const char *key;
	json_t *val;
	size_t i;
	int rc = 0;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, val)
			rc |= outline_entry(b, key, val, depth);
	} else if (json_is_array(v)) {
		json_array_foreach((json_t *)v, i, val)
			rc |= outline_item(b, val, depth);
		if (json_array_size(v) == 0)
			rc |= qh_buf_printf(b, "%*snone\n", depth * 2, "");
	} else {
		rc |= qh_buf_printf(b, "%*s", depth * 2, "");
		rc |= qh_emit_value_text(b, v);
		rc |= qh_buf_putc(b, '\n');
	}
	return rc ? -1 : 0;
}

int qh_text_tail(struct qh_emitter *e, const struct qh_report *r,
		 const struct qh_summary *s, struct qh_buf *b)
{
	struct text_state *st = e->state;
	const char *key;
	json_t *val;
	size_t start = b->len;
	int rc = 0;

	if (r && r->extra) {
		json_object_foreach(r->extra, key, val) {
			rc |= qh_buf_putc(b, '\n');
			rc |= outline_entry(b, key, val, 0);
		}
	}
	if (b->len > start)
		rc |= qh_buf_putc(b, '\n');
	if (st->marked)
		rc |= qh_buf_puts(b, "(a trailing ! fails the policy, "
				     "? is a warning)\n");
	rc |= qh_buf_puts(b, "qhard ");
	rc |= qh_escape_append(b, e->command, QH_ESC_CONTROL);
	rc |= qh_buf_printf(b, ": %zu %s, %zu pass", s->files,
			    s->files == 1 ? "file" : "files", s->pass);
	if (s->warn)
		rc |= qh_buf_printf(b, " (%zu with warnings)", s->warn);
	rc |= qh_buf_printf(b, ", ");
	if (s->fail && e->opts.color)
		rc |= qh_buf_puts(b, C_RED);
	rc |= qh_buf_printf(b, "%zu fail", s->fail);
	if (s->fail && e->opts.color)
		rc |= qh_buf_puts(b, C_OFF);
	rc |= qh_buf_puts(b, ", ");
	if (s->error && e->opts.color)
		rc |= qh_buf_puts(b, C_BOLD_RED);
	rc |= qh_buf_printf(b, "%zu error", s->error);
	if (s->error && e->opts.color)
		rc |= qh_buf_puts(b, C_OFF);
	rc |= qh_buf_putc(b, '\n');
	return rc ? -1 : 0;
}

static int text_end(struct qh_emitter *e, const struct qh_report *r,
		    const struct qh_summary *s, struct qh_error *err)
{
	struct text_state *st = e->state;
	struct qh_buf *b = &st->line;

	if (strcmp(e->command, "audit") == 0)
		return qh_text_audit_end(e, st->audit, r, s, err);
	qh_buf_reset(b);
	if (qh_text_tail(e, r, s, b) < 0)
		return qh_error_set(err, "out of memory");
	fwrite(b->data, 1, b->len, e->out);
	return 0;
}

static void text_fini(struct qh_emitter *e)
{
	struct text_state *st = e->state;

	qh_buf_free(&st->line);
	qh_text_audit_free(st->audit);
}

const struct qh_emit_format qh_emit_text = {
	.name = "text",
	.state_size = sizeof(struct text_state),
	.result = text_result,
	.end = text_end,
	.fini = text_fini,
};
