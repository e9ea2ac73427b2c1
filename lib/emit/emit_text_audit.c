/* emit_text_audit.c - qhard audit's text layout (see emit_internal.h):
 *
 *   verdict: FAIL: 3 findings on the host and QEMU fail the policy, 49 of
 *            97 libraries and modules fail it; nothing unreadable
 *
 *   findings                 high  medium   low  info
 *     host and QEMU   fail      2       1     0     0
 *                     warn      0       3     1     1
 *     libraries       fail     31      16     2     0
 *                     warn      0     180    97     0
 *
 *   could not be read             (errors first: they are exit 3)
 *   host and configuration        (host, config files, disk images)
 *   QEMU executables
 *   libraries and QEMU modules    one line per failing check: how many,
 *                                 and the first names (each library on
 *                                 its own line with --verbose)
 *
 * then root:, the legend and the summary line, as every command has.
 * Subjects are rendered as they stream by (the checksec-style line of
 * emit_text.c, wrapped before QH_TEXT_WIDTH, with each finding's why and
 * fix below it) into one buffer per group, written at the end. A library
 * with a finding of the audit's own (world-writable, setuid...) or one
 * that could not be read keeps its own line. */
#include "emit_internal.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_OFF "\033[0m"
#define NAMES 3 /* library names shown per failing check */

enum group { G_ERROR, G_HOST, G_QEMU, G_LIB, NGROUPS };

static const char *const group_title[NGROUPS] = {
	"could not be read", "host and configuration", "QEMU executables",
	"libraries and QEMU modules",
};

enum { SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_INFO, NSEV };

static const char *const sev_name[NSEV] = { "high", "medium", "low", "info" };

/* A failing or warning check over the libraries. */
struct tally {
	char *id;
	enum qh_status status;
	size_t n;
	char *names[NAMES];
};

struct qh_text_audit {
	struct qh_buf group[NGROUPS];
	size_t nlibs, libs_fail, libs_warn, libs_own_line;
	/* [host and QEMU, libraries][fail, warn][severity] */
	size_t sev[2][2][NSEV];
	struct tally *tally;
	size_t ntally, tally_cap;
};

static int sev_index(const struct qh_check *c)
{
	const char *w = c->severity;
	const struct qh_rule *rule;

	if (!w && (rule = qh_rule_find(c->id))) {
		double s = rule->severity ? strtod(rule->severity, NULL) : 0;

		return s >= 7.0 ? SEV_HIGH : s >= 4.0 ? SEV_MEDIUM : s > 0 ? SEV_LOW : SEV_INFO;
	}
	for (int i = 0; w && i < NSEV; i++)
		if (strcmp(w, sev_name[i]) == 0)
			return i;
	return SEV_INFO;
}

/* A check of the audit's own (it explains itself), not a checksec one. */
static bool own_finding(const struct qh_check *c)
{
	return (c->status == QH_FAIL || c->status == QH_WARN) && (c->reason || c->fix) &&
	       !qh_text_is_record(c->value);
}

static bool is_binary_check(const char *id)
{
	static const char *const ids[] = {
		"setuid", "setgid", "world-writable", "script-wrapper",
		"library-missing", "devices-allowlist",
	};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(id, ids[i]) == 0)
			return true;
	return false;
}

static enum group group_of(const struct qh_result *res)
{
	if (res->error)
		return G_ERROR;
	if (res->type && strcmp(res->type, "dso") == 0)
		return G_LIB;
	if (res->type)
		return G_QEMU;
	/* a script wrapper or a QEMU file with no ELF type */
	for (size_t i = 0; i < res->nchecks; i++)
		if (is_binary_check(res->checks[i].id))
			return G_QEMU;
	return G_HOST;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

static int count_library(struct qh_text_audit *st, const struct qh_result *res,
			 const struct qh_check *c)
{
	struct tally *t = NULL;

	for (size_t i = 0; i < st->ntally && !t; i++)
		if (st->tally[i].status == c->status && strcmp(st->tally[i].id, c->id) == 0)
			t = &st->tally[i];
	if (!t) {
		if (qh_array_reserve((void **)&st->tally, &st->tally_cap, st->ntally + 1,
				     sizeof(*st->tally)) < 0)
			return -1;
		t = &st->tally[st->ntally++];
		memset(t, 0, sizeof(*t));
		t->status = c->status;
		if (!(t->id = qh_escape_dup(c->id, QH_ESC_CONTROL)))
			return -1;
	}
	if (t->n < NAMES && !(t->names[t->n] = qh_escape_dup(base(res->path),
							     QH_ESC_CONTROL)))
		return -1;
	t->n++;
	return 0;
}

int qh_text_audit_result(struct qh_emitter *e, struct qh_text_audit **stp,
			 const struct qh_result *res, struct qh_error *err)
{
	struct qh_text_audit *st = *stp;
	enum group g = group_of(res);
	bool lib = res->type && strcmp(res->type, "dso") == 0, own_line = !lib || res->error;
	enum qh_status worst = qh_result_worst(res);
	int rc = 0;

	if (!st && !(st = *stp = calloc(1, sizeof(*st))))
		return qh_error_set(err, "out of memory");
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct qh_check *c = &res->checks[i];

		if (c->status != QH_FAIL && c->status != QH_WARN)
			continue;
		st->sev[lib][c->status == QH_WARN][sev_index(c)]++;
		if (lib) {
			own_line |= own_finding(c);
			rc |= count_library(st, res, c);
		}
	}
	if (lib) {
		st->nlibs++;
		st->libs_fail += worst == QH_FAIL;
		st->libs_warn += worst == QH_WARN;
		st->libs_own_line += own_line;
	}
	if (own_line || e->opts.verbose)
		rc |= qh_text_render_result(e, &st->group[g == G_ERROR || own_line || !lib ?
							   g : G_LIB], res, true);
	return rc ? qh_error_set(err, "out of memory") : 0;
}

static int put_colored(struct qh_emitter *e, struct qh_buf *b, enum qh_status s,
		       const char *text)
{
	const char *color = !e->opts.color ? NULL : s == QH_FAIL ? C_RED :
			    s == QH_WARN ? C_YELLOW : NULL;

	if (color)
		return qh_buf_printf(b, "%s%s%s", color, text, C_OFF);
	return qh_buf_puts(b, text);
}

static size_t sum(const size_t *v)
{
	size_t n = 0;

	for (int i = 0; i < NSEV; i++)
		n += v[i];
	return n;
}

static int verdict(struct qh_emitter *e, const struct qh_text_audit *st,
		   const struct qh_summary *s, struct qh_buf *b)
{
	size_t host_fail = sum(st->sev[0][0]), host_warn = sum(st->sev[0][1]);
	enum qh_status v = s->fail ? QH_FAIL : QH_PASS;
	int rc = qh_buf_puts(b, "verdict: ");

	rc |= put_colored(e, b, s->error ? QH_FAIL : v, s->error ? "ERROR" :
			  s->fail ? "FAIL" : "pass");
	rc |= qh_buf_printf(b, ": %zu %s on the host and QEMU %s the policy", host_fail,
			    host_fail == 1 ? "finding" : "findings",
			    host_fail == 1 ? "fails" : "fail");
	if (host_warn)
		rc |= qh_buf_printf(b, " (%zu more %s)", host_warn,
				    host_warn == 1 ? "warns" : "warn");
	if (st->nlibs)
		rc |= qh_buf_printf(b, ", %zu of %zu libraries and modules %s", st->libs_fail,
				    st->nlibs, st->libs_fail == 1 ? "fails" : "fail");
	if (s->error)
		rc |= qh_buf_printf(b, "; %zu %s could not be read (exit 3)", s->error,
				    s->error == 1 ? "subject" : "subjects");
	else
		rc |= qh_buf_puts(b, "; everything was read");
	return rc | qh_buf_putc(b, '\n');
}

static int severity_table(const struct qh_text_audit *st, struct qh_buf *b)
{
	static const char *const rows[2][2] = {
		{ "  host and QEMU   fail", "                  warn" },
		{ "  libraries       fail", "                  warn" },
	};
	int rc = qh_buf_printf(b, "\n%-22s", "findings");

	for (int k = 0; k < NSEV; k++)
		rc |= qh_buf_printf(b, "%8s", sev_name[k]);
	rc |= qh_buf_putc(b, '\n');
	for (int g = 0; g < 2; g++) {
		if (g == 1 && !st->nlibs)
			break;
		for (int f = 0; f < 2; f++) {
			rc |= qh_buf_printf(b, "%-22s", rows[g][f]);
			for (int k = 0; k < NSEV; k++)
				rc |= qh_buf_printf(b, "%8zu", st->sev[g][f][k]);
			rc |= qh_buf_putc(b, '\n');
		}
	}
	return rc;
}

static int cmp_tally(const void *pa, const void *pb)
{
	const struct tally *a = pa, *b = pb;

	if (a->status != b->status)
		return a->status == QH_FAIL ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int libraries(struct qh_emitter *e, struct qh_text_audit *st, struct qh_buf *b)
{
	int rc = qh_buf_printf(b, "\n%s: %zu, %zu fail, %zu warn, %zu pass\n",
			       group_title[G_LIB], st->nlibs, st->libs_fail, st->libs_warn,
			       st->nlibs - st->libs_fail - st->libs_warn);

	if (st->ntally)
		qsort(st->tally, st->ntally, sizeof(*st->tally), cmp_tally);
	for (size_t i = 0; i < st->ntally; i++) {
		const struct tally *t = &st->tally[i];
		struct qh_buf tok = QH_BUF_INIT;

		rc |= qh_buf_printf(&tok, "%s%c", t->id, t->status == QH_FAIL ? '!' : '?');
		rc |= qh_buf_puts(b, "  ");
		rc |= put_colored(e, b, t->status, tok.data ? tok.data : "");
		rc |= qh_buf_printf(b, "%*s%5zu  ", (int)(18 - (tok.len < 18 ? tok.len : 17)),
				    "", t->n);
		for (size_t k = 0; k < t->n && k < NAMES; k++)
			rc |= qh_buf_printf(b, "%s%s", k ? ", " : "", t->names[k]);
		if (t->n > NAMES)
			rc |= qh_buf_printf(b, " and %zu more", t->n - NAMES);
		rc |= qh_buf_putc(b, '\n');
		qh_buf_free(&tok);
	}
	if (!e->opts.verbose && st->nlibs > st->libs_own_line)
		rc |= qh_buf_printf(b, "  (%s: one line per library)\n",
				    st->ntally ? "--verbose" : "all pass; --verbose");
	if (st->group[G_LIB].len)
		rc |= qh_buf_printf(b, "%s", st->group[G_LIB].data);
	return rc;
}

int qh_text_audit_end(struct qh_emitter *e, struct qh_text_audit *st,
		      const struct qh_report *r, const struct qh_summary *s,
		      struct qh_error *err)
{
	struct qh_text_audit empty = { 0 };
	struct qh_buf b = QH_BUF_INIT;
	int rc;

	if (!st)
		st = &empty; /* nothing streamed by */
	rc = verdict(e, st, s, &b);
	rc |= severity_table(st, &b);
	for (int g = G_ERROR; g < G_LIB; g++)
		if (st->group[g].len)
			rc |= qh_buf_printf(&b, "\n%s:\n%s", group_title[g], st->group[g].data);
	if (st->nlibs)
		rc |= libraries(e, st, &b);
	rc |= qh_text_tail(e, r, s, &b);
	if (rc) {
		qh_buf_free(&b);
		return qh_error_set(err, "out of memory");
	}
	fwrite(b.data, 1, b.len, e->out);
	qh_buf_free(&b);
	return 0;
}

void qh_text_audit_free(struct qh_text_audit *st)
{
	if (!st)
		return;
	for (int g = 0; g < NGROUPS; g++)
		qh_buf_free(&st->group[g]);
	for (size_t i = 0; i < st->ntally; i++) {
		free(st->tally[i].id);
		for (size_t k = 0; k < NAMES; k++)
			free(st->tally[i].names[k]);
	}
	free(st->tally);
	free(st);
}
