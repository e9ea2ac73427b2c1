/* waivers.c - accepted findings with reasons and expiry dates (policy.h). */
#include "policy.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ini_lines.h"

struct qh_waivers {
	char *file;
	struct qh_waiver *items;
	size_t n, cap;
};

static void waiver_free_fields(struct qh_waiver *w)
{
	free(w->name);
	free(w->path);
	free(w->check);
	free(w->reason);
	free(w->expires);
	free(w->ticket);
	free(w->file);
}

void qh_waivers_free(struct qh_waivers *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		waiver_free_fields(&w->items[i]);
	free(w->items);
	free(w->file);
	free(w);
}

size_t qh_waivers_count(const struct qh_waivers *w)
{
	return w->n;
}

struct qh_waiver *qh_waivers_at(const struct qh_waivers *w, size_t i)
{
	return i < w->n ? &w->items[i] : NULL;
}

void qh_today_utc(char buf[11])
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm) || strftime(buf, 11, "%Y-%m-%d", &tm) != 10)
		strcpy(buf, "1970-01-01");
}

bool qh_date_valid(const char *date)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int y, m, d;

	if (strlen(date) != 10 || date[4] != '-' || date[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return false;
	y = atoi(date);
	m = atoi(date + 5);
	d = atoi(date + 8);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	return true;
}

/* Validated YYYY-MM-DD strings order like the dates they name. */
bool qh_waiver_expired(const struct qh_waiver *w, const char *today)
{
	return strcmp(today, w->expires) >= 0;
}

/* ---- parsing ---------------------------------------------------------- */

struct parse_ctx {
	struct qh_waivers *w;
	struct qh_waiver *cur; /* the section being read; NULL before one */
	char *cur_section;
};

/* A finished section must have every required key. */
static int check_complete(const struct qh_waiver *w, struct qh_error *err)
{
	static const char *const required[] = { "path", "check", "reason",
						"expires" };
	const char *const have[] = { w->path, w->check, w->reason, w->expires };

	for (size_t i = 0; i < QH_ARRAY_LEN(required); i++)
		if (!have[i])
			return qh_error_set(err, "%s:%u: waiver \"%s\" has no "
					    "%s (path, check, reason and expires "
					    "are required)", w->file, w->line,
					    w->name, required[i]);
	return 0;
}

static int on_section(void *user, const char *section, unsigned line,
		      struct qh_error *err)
{
	struct parse_ctx *ctx = user;
	struct qh_waivers *w = ctx->w;
	struct qh_waiver *nw;
	size_t klen;
	char *name;
	void *arr = w->items;

	if (qh_ini_section_split(section, &klen, &name, err) < 0)
		return -1;
	if (klen != 6 || strncmp(section, "waiver", 6) != 0 || !name) {
		free(name);
		return qh_error_set(err, "unknown section [%s] (waiver files "
				    "hold [waiver \"name\"] sections)", section);
	}
	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->items[i].name, name) == 0) {
			qh_error_set(err, "waiver \"%s\" is already defined at "
				     "line %u", name, w->items[i].line);
			free(name);
			return -1;
		}
	}
	if (qh_array_reserve(&arr, &w->cap, w->n + 1, sizeof(*nw)) < 0) {
		free(name);
		return qh_error_set(err, "out of memory");
	}
	w->items = arr;
	nw = &w->items[w->n];
	memset(nw, 0, sizeof(*nw));
	nw->name = name;
	nw->line = line;
	nw->file = strdup(w->file);
	free(ctx->cur_section);
	ctx->cur_section = strdup(section);
	if (!nw->file || !ctx->cur_section) {
		waiver_free_fields(nw);
		return qh_error_set(err, "out of memory");
	}
	w->n++;
	ctx->cur = nw;
	return 0;
}

static int set_field(char **field, const char *key, const char *value,
		     struct qh_error *err)
{
	if (*field)
		return qh_error_set(err, "%s is set twice in this waiver", key);
	if (!*value)
		return qh_error_set(err, "%s is empty", key);
	*field = strdup(value);
	return *field ? 0 : qh_error_set(err, "out of memory");
}

static int on_key(void *user, const char *section, const char *key,
		  const char *value, unsigned line, struct qh_error *err)
{
	struct parse_ctx *ctx = user;
	struct qh_waiver *cur = ctx->cur;

	(void)line;
	if (!cur || !ctx->cur_section || strcmp(section, ctx->cur_section) != 0)
		return qh_error_set(err, "key outside a [waiver \"name\"] "
				    "section");
	if (strcmp(key, "path") == 0)
		return set_field(&cur->path, key, value, err);
	if (strcmp(key, "check") == 0) {
		if (strcmp(value, "*") != 0 && !qh_check_id_known(value))
			return qh_error_set(err, "unknown check id \"%s\"",
					    value);
		return set_field(&cur->check, key, value, err);
	}
	if (strcmp(key, "reason") == 0)
		return set_field(&cur->reason, key, value, err);
	if (strcmp(key, "expires") == 0) {
		if (!qh_date_valid(value))
			return qh_error_set(err, "expires \"%s\" is not a date "
					    "(YYYY-MM-DD)", value);
		return set_field(&cur->expires, key, value, err);
	}
	if (strcmp(key, "ticket") == 0)
		return set_field(&cur->ticket, key, value, err);
	return qh_error_set(err, "unknown key \"%s\" (one of path, check, "
			    "reason, expires, ticket)", key);
}

static const struct qh_ini_callbacks waiver_callbacks = { on_section, on_key };

static struct qh_waivers *waivers_parse(const char *name, const char *text,
					struct qh_error *err)
{
	struct parse_ctx ctx = { 0 };
	int rc;

	ctx.w = calloc(1, sizeof(*ctx.w));
	if (!ctx.w || !(ctx.w->file = strdup(name))) {
		free(ctx.w);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	if (text)
		rc = qh_ini_parse_string(text, name, &waiver_callbacks, &ctx, err);
	else
		rc = qh_ini_parse_file(name, &waiver_callbacks, &ctx, err);
	/* after parsing, so the message names the waiver's own line */
	for (size_t i = 0; rc == 0 && i < ctx.w->n; i++)
		rc = check_complete(&ctx.w->items[i], err);
	free(ctx.cur_section);
	if (rc < 0) {
		qh_waivers_free(ctx.w);
		return NULL;
	}
	return ctx.w;
}

struct qh_waivers *qh_waivers_load(const char *path, struct qh_error *err)
{
	return waivers_parse(path, NULL, err);
}

struct qh_waivers *qh_waivers_parse_string(const char *text, const char *name,
					   struct qh_error *err)
{
	return waivers_parse(name, text, err);
}

/* ---- applying --------------------------------------------------------- */

static bool waiver_matches(const struct qh_waiver *w, const char *path,
			   const char *check_id)
{
	return (strcmp(w->check, "*") == 0 || strcmp(w->check, check_id) == 0) &&
	       qh_policy_glob_matches(w->path, path);
}

static int record_waiver(struct qh_check *c, const struct qh_waiver *w)
{
	struct qh_buf b = QH_BUF_INIT;
	int rc;

	qh_buf_printf(&b, "%s: %s (expires %s%s%s)", w->name, w->reason,
		      w->expires, w->ticket ? ", " : "",
		      w->ticket ? w->ticket : "");
	if (!b.data)
		return -1;
	rc = qh_check_set_str(&c->waived_by, b.data);
	qh_buf_free(&b);
	return rc;
}

int qh_waivers_apply(struct qh_waivers *w, struct qh_result *res,
		     const char *today, struct qh_error *err)
{
	int waived = 0;

	if (res->error)
		return 0;
	for (size_t i = 0; i < res->nchecks; i++) {
		struct qh_check *c = &res->checks[i];

		if (c->status != QH_FAIL && c->status != QH_WARN)
			continue;
		for (size_t k = 0; k < w->n; k++) {
			struct qh_waiver *wv = &w->items[k];

			if (qh_waiver_expired(wv, today) ||
			    !waiver_matches(wv, res->path, c->id))
				continue;
			if (record_waiver(c, wv) < 0)
				return qh_error_set(err, "out of memory");
			c->status = QH_WARN;
			wv->uses++;
			waived++;
			break;
		}
	}
	return waived;
}

/* ---- reporting -------------------------------------------------------- */

static json_t *waiver_json(const struct qh_waiver *w)
{
	char where[64];

	snprintf(where, sizeof(where), "line %u", w->line);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:s,s:I}", "name", w->name,
			 "path", w->path, "check", w->check, "reason", w->reason,
			 "expires", w->expires, "ticket", w->ticket, "where",
			 where, "uses", (json_int_t)w->uses);
}

json_t *qh_waivers_summary(const struct qh_waivers *w, const char *today)
{
	json_t *used = json_array(), *unused = json_array(),
	       *expired = json_array();
	json_t *out = json_pack("{s:s,s:o,s:o,s:o}", "file", w->file, "used",
				used, "unused", unused, "expired", expired);

	if (!out)
		return NULL;
	for (size_t i = 0; i < w->n; i++) {
		const struct qh_waiver *wv = &w->items[i];
		json_t *list = qh_waiver_expired(wv, today) ? expired :
			       wv->uses ? used : unused;

		if (json_array_append_new(list, waiver_json(wv)) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static int add_problem_check(struct qh_result *res, const char *id,
			     enum qh_status bad, const struct qh_waivers *w,
			     const char *today, bool want_expired)
{
	struct qh_buf names = QH_BUF_INIT;
	struct qh_check *c;
	size_t count = 0;

	for (size_t i = 0; i < w->n; i++) {
		const struct qh_waiver *wv = &w->items[i];
		bool expired = qh_waiver_expired(wv, today);

		if (want_expired ? !expired : (expired || wv->uses))
			continue;
		qh_buf_printf(&names, "%s\"%s\"%s%s", count ? ", " : "",
			      wv->name, want_expired ? " expired on " : "",
			      want_expired ? wv->expires : "");
		count++;
	}
	if (count && !names.data)
		return -1;
	if (count)
		c = qh_result_add_check(res, id, bad, json_integer((json_int_t)count),
					"%zu waiver%s %s: %s", count,
					count == 1 ? "" : "s",
					want_expired ? "expired" : "waived nothing",
					names.data);
	else
		c = qh_result_add_check(res, id, QH_PASS, json_integer(0),
					want_expired ? "no waiver has expired" :
					"every waiver was needed");
	qh_buf_free(&names);
	if (!c)
		return -1;
	for (size_t i = 0; count && i < w->n; i++) {
		const struct qh_waiver *wv = &w->items[i];
		bool expired = qh_waiver_expired(wv, today);

		if (want_expired ? !expired : (expired || wv->uses))
			continue;
		if (qh_check_add_location(c, wv->name, wv->file, wv->line, 0) < 0)
			return -1;
	}
	return 0;
}

struct qh_result *qh_waivers_result(const struct qh_waivers *w,
				    const char *today, struct qh_error *err)
{
	struct qh_result *res = qh_result_new(w->file, err);

	if (!res)
		return NULL;
	if (add_problem_check(res, "waiver-expired", QH_FAIL, w, today, true) < 0 ||
	    add_problem_check(res, "waiver-unused", QH_WARN, w, today, false) < 0) {
		qh_result_free(res);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	return res;
}
