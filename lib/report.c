/* report.c - the report model: results, checks, summary, exit code. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
	[QH_SKIP] = "skip",
	[QH_PASS] = "pass",
	[QH_WARN] = "warn",
	[QH_FAIL] = "fail",
};

const char *qh_status_name(enum qh_status s)
{
	if ((size_t)s < QH_ARRAY_LEN(status_names))
		return status_names[s];
	return "unknown";
}

int qh_status_parse(const char *name, enum qh_status *out)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(status_names); i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum qh_status)i;
			return 0;
		}
	}
	return -1;
}

struct qh_report *qh_report_new(const char *command, struct qh_error *err)
{
	struct qh_report *r = calloc(1, sizeof(*r));

	if (!r)
		goto oom;
	r->command = qh_strdup(command ? command : "");
	r->extra = json_object();
	if (!r->command || !r->extra)
		goto oom;
	return r;
oom:
	qh_report_free(r);
	qh_error_set(err, "out of memory");
	return NULL;
}

void qh_report_free(struct qh_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nresults; i++)
		qh_result_free(r->results[i]);
	free(r->results);
	free(r->command);
	json_decref(r->extra);
	free(r);
}

struct qh_result *qh_result_new(const char *path, struct qh_error *err)
{
	struct qh_result *res = calloc(1, sizeof(*res));

	if (!res || !(res->path = qh_strdup(path ? path : ""))) {
		free(res);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	return res;
}

static void check_free_fields(struct qh_check *c)
{
	free(c->id);
	json_decref(c->value);
	free(c->evidence);
	free(c->reason);
	free(c->fix);
	free(c->severity);
	free(c->waived_by);
	for (size_t i = 0; i < c->nlocations; i++) {
		free(c->locations[i].function);
		free(c->locations[i].file);
	}
	free(c->locations);
}

void qh_result_free(struct qh_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nchecks; i++)
		check_free_fields(&res->checks[i]);
	free(res->checks);
	free(res->path);
	free(res->type);
	free(res->machine);
	free(res->endian);
	json_decref(res->type_note);
	json_decref(res->warnings);
	free(res->error);
	free(res->container);
	free(res);
}

int qh_result_add_warning(struct qh_result *res, const char *fmt, ...)
{
	va_list ap;
	char *w;
	int rc = 0;

	va_start(ap, fmt);
	w = qh_vstrdupf(fmt, ap);
	va_end(ap);
	if (!w || (!res->warnings && !(res->warnings = json_array())))
		rc = -1;
	/* raw bytes (a path in a library's message): the emitters escape */
	else if (json_array_append_new(res->warnings,
				       json_stringn_nocheck(w, strlen(w))) < 0)
		rc = -1;
	free(w);
	return rc;
}

int qh_result_set_type_note(struct qh_result *res, const char *kind,
			    const char *const *candidates,
			    const char *evidence)
{
	json_t *o = json_pack("{s:s}", "kind", kind);
	json_t *list = NULL;

	if (!o)
		return -1;
	if (candidates) {
		list = json_array();
		for (size_t i = 0; list && candidates[i]; i++)
			if (json_array_append_new(list,
						  json_string(candidates[i])) < 0) {
				json_decref(list);
				list = NULL;
			}
		if (!list || json_object_set_new(o, "candidates", list) < 0)
			goto oom;
	}
	if (evidence && json_object_set_new(o, "evidence",
					    json_string_nocheck(evidence)) < 0)
		goto oom;
	json_decref(res->type_note);
	res->type_note = o;
	return 0;
oom:
	json_decref(o);
	return -1;
}

int qh_result_set_error(struct qh_result *res, const char *fmt, ...)
{
	va_list ap;
	char *e;

	va_start(ap, fmt);
	e = qh_vstrdupf(fmt, ap);
	va_end(ap);
	if (!e)
		return -1;
	free(res->error);
	res->error = e;
	return 0;
}

struct qh_check *qh_result_add_check(struct qh_result *res, const char *id,
				     enum qh_status status, json_t *value,
				     const char *evidence_fmt, ...)
{
	struct qh_check *c;
	void *arr = res->checks;

	if (qh_array_reserve(&arr, &res->checks_cap, res->nchecks + 1,
			     sizeof(*c)) < 0) {
		json_decref(value);
		return NULL;
	}
	res->checks = arr;
	c = &res->checks[res->nchecks];
	memset(c, 0, sizeof(*c));
	c->id = qh_strdup(id);
	c->status = c->raw_status = status;
	c->value = value;
	if (evidence_fmt) {
		struct qh_buf b = QH_BUF_INIT;
		va_list ap;

		va_start(ap, evidence_fmt);
		/* room for a usual line: one vsnprintf pass, not two */
		if (qh_buf_grow(&b, 120) == 0 &&
		    qh_buf_vprintf(&b, evidence_fmt, ap) == 0)
			c->evidence = qh_buf_detach(&b);
		else
			qh_buf_free(&b);
		va_end(ap);
		if (!c->evidence)
			goto oom;
	}
	if (!c->id)
		goto oom;
	res->nchecks++;
	return c;
oom:
	check_free_fields(c);
	memset(c, 0, sizeof(*c));
	return NULL;
}

struct qh_check *qh_result_find_check(const struct qh_result *res,
				      const char *id)
{
	for (size_t i = 0; i < res->nchecks; i++)
		if (strcmp(res->checks[i].id, id) == 0)
			return &res->checks[i];
	return NULL;
}

int qh_check_add_location(struct qh_check *c, const char *function,
			  const char *file, unsigned line, uint64_t address)
{
	struct qh_location *loc;
	void *arr = c->locations;

	if (qh_array_reserve(&arr, &c->locations_cap, c->nlocations + 1,
			     sizeof(*loc)) < 0)
		return -1;
	c->locations = arr;
	loc = &c->locations[c->nlocations];
	memset(loc, 0, sizeof(*loc));
	loc->function = qh_strdup(function);
	loc->file = qh_strdup(file);
	loc->line = line;
	loc->address = address;
	if ((function && !loc->function) || (file && !loc->file)) {
		free(loc->function);
		free(loc->file);
		return -1;
	}
	c->nlocations++;
	return 0;
}

int qh_check_set_str(char **field, const char *value)
{
	char *copy = qh_strdup(value);

	if (value && !copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

int qh_report_add(struct qh_report *r, struct qh_result *res,
		  struct qh_error *err)
{
	void *arr = r->results;

	if (qh_array_reserve(&arr, &r->results_cap, r->nresults + 1,
			     sizeof(*r->results)) < 0)
		return qh_error_set(err, "out of memory");
	r->results = arr;
	r->results[r->nresults++] = res;
	return 0;
}

bool qh_result_is_host(const struct qh_result *res)
{
	/* an ELF file that happens to be called "host" has a type */
	return !res->type && !res->container &&
	       strcmp(res->path, QH_SUBJECT_HOST) == 0;
}

enum qh_status qh_result_worst(const struct qh_result *res)
{
	enum qh_status worst = QH_SKIP;

	for (size_t i = 0; i < res->nchecks; i++)
		if (res->checks[i].status > worst)
			worst = res->checks[i].status;
	return worst;
}

void qh_summary_add(struct qh_summary *s, const struct qh_result *res)
{
	enum qh_status worst;

	s->files++;
	if (res->error) {
		s->error++;
		return;
	}
	worst = qh_result_worst(res);
	if (worst == QH_FAIL) {
		s->fail++;
	} else {
		s->pass++;
		if (worst == QH_WARN)
			s->warn++;
	}
}

void qh_report_summary(const struct qh_report *r, struct qh_summary *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < r->nresults; i++)
		qh_summary_add(out, r->results[i]);
}

int qh_summary_exit_code(const struct qh_summary *s)
{
	if (s->error)
		return 3;
	if (s->fail)
		return 1;
	return 0;
}
