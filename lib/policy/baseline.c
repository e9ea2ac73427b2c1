/* baseline.c - record verdicts and compare later runs (policy.h). */
#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define BASELINE_VERSION 1
/* Coverage is compared as a percentage; a difference below this is noise
 * from rounding, not a regression. */
#define COVERAGE_EPSILON 1e-6

struct qh_baseline {
	char *name;
	json_t *doc;     /* owned reference */
	json_t *results; /* borrowed from doc */
	json_t *devices; /* borrowed from doc; may be NULL */
};

/* ---- capture ---------------------------------------------------------- */

static json_t *capture_result(const struct qh_result *res)
{
	json_t *checks = json_object(), *coverage = json_object();
	json_t *entry = json_pack("{s:s?,s:o,s:o}", "type", res->type, "checks",
				  checks, "coverage", coverage);

	if (!entry)
		return NULL;
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct qh_check *c = &res->checks[i];
		double pct;

		if (json_object_set_new(checks, c->id,
					json_string(qh_status_name(c->status))) < 0)
			goto oom;
		if (qh_coverage_percent(c->value, &pct) == 0 &&
		    json_object_set_new(coverage, c->id, json_real(pct)) < 0)
			goto oom;
	}
	return entry;
oom:
	json_decref(entry);
	return NULL;
}

json_t *qh_baseline_capture_begin(const char *policy_name, const char *today)
{
	return json_pack("{s:i,s:s,s:s,s:{}}", "qhard-baseline",
			 BASELINE_VERSION, "created", today, "policy",
			 policy_name ? policy_name : "", "results");
}

int qh_baseline_capture_add(json_t *doc, const struct qh_result *res)
{
	/* an unreadable file has no verdicts to hold later runs to */
	if (res->error)
		return 0;
	return json_object_set_new(json_object_get(doc, "results"), res->path,
				   capture_result(res));
}

int qh_baseline_capture_end(json_t *doc, const json_t *devices)
{
	if (devices)
		return json_object_set_new(doc, "devices",
					   json_deep_copy(devices));
	return 0;
}

json_t *qh_baseline_capture(const struct qh_report *r, const char *policy_name,
			    const json_t *devices, const char *today)
{
	json_t *doc = qh_baseline_capture_begin(policy_name, today);

	if (!doc)
		return NULL;
	for (size_t i = 0; i < r->nresults; i++)
		if (qh_baseline_capture_add(doc, r->results[i]) < 0)
			goto oom;
	if (qh_baseline_capture_end(doc, devices) < 0)
		goto oom;
	return doc;
oom:
	json_decref(doc);
	return NULL;
}

int qh_baseline_save(const json_t *baseline, const char *path,
		     struct qh_error *err)
{
	if (json_dump_file(baseline, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0)
		return qh_error_errno(err, errno, "cannot write baseline %s",
				      path);
	return 0;
}

/* ---- load ------------------------------------------------------------- */

void qh_baseline_free(struct qh_baseline *b)
{
	if (!b)
		return;
	json_decref(b->doc);
	free(b->name);
	free(b);
}

static int validate_entry(const char *name, const char *path, json_t *entry,
			  struct qh_error *err)
{
	json_t *checks = json_object_get(entry, "checks");
	json_t *coverage = json_object_get(entry, "coverage");
	json_t *type = json_object_get(entry, "type");
	const char *id;
	json_t *v;
	enum qh_status st;

	if (!json_is_object(entry) || !json_is_object(checks))
		return qh_error_set(err, "%s: results[\"%s\"] needs a \"checks\" "
				    "object", name, path);
	/* null: a subject without a file type (the baseline or waiver file's
	 * own result), which qh_baseline_capture writes as "type": null */
	if (type && !json_is_string(type) && !json_is_null(type))
		return qh_error_set(err, "%s: results[\"%s\"].type is not a "
				    "string", name, path);
	json_object_foreach(checks, id, v) {
		if (!json_is_string(v) ||
		    qh_status_parse(json_string_value(v), &st) < 0)
			return qh_error_set(err, "%s: results[\"%s\"].checks.%s "
					    "is not a status (pass, fail, warn, "
					    "skip)", name, path, id);
	}
	if (coverage && !json_is_object(coverage))
		return qh_error_set(err, "%s: results[\"%s\"].coverage is not "
				    "an object", name, path);
	json_object_foreach(coverage, id, v) {
		if (!json_is_number(v))
			return qh_error_set(err, "%s: results[\"%s\"].coverage.%s "
					    "is not a number", name, path, id);
	}
	return 0;
}

struct qh_baseline *qh_baseline_from_json(json_t *doc, const char *name,
					  struct qh_error *err)
{
	json_t *version = json_object_get(doc, "qhard-baseline");
	json_t *results = json_object_get(doc, "results");
	json_t *devices = json_object_get(doc, "devices");
	struct qh_baseline *b;
	const char *path;
	json_t *entry;
	size_t i;

	if (!json_is_object(doc) || !json_is_integer(version))
		goto not_baseline;
	if (json_integer_value(version) != BASELINE_VERSION) {
		qh_error_set(err, "%s: baseline version %lld is not supported "
			     "(this qhard reads version %d)", name,
			     (long long)json_integer_value(version),
			     BASELINE_VERSION);
		return NULL;
	}
	if (!json_is_object(results))
		goto not_baseline;
	json_object_foreach(results, path, entry)
		if (validate_entry(name, path, entry, err) < 0)
			return NULL;
	if (devices && !json_is_array(devices))
		goto bad_devices;
	json_array_foreach(devices, i, entry)
		if (!json_is_string(entry))
			goto bad_devices;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->name = strdup(name))) {
		free(b);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	b->doc = json_incref(doc);
	b->results = results;
	b->devices = devices;
	return b;
not_baseline:
	qh_error_set(err, "%s: not a qhard baseline (wanted an object with "
		     "\"qhard-baseline\": %d and \"results\"; write one with "
		     "qhard gate --write-baseline)", name, BASELINE_VERSION);
	return NULL;
bad_devices:
	qh_error_set(err, "%s: \"devices\" is not an array of strings", name);
	return NULL;
}

struct qh_baseline *qh_baseline_load(const char *path, struct qh_error *err)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	struct qh_baseline *b;

	if (!doc) {
		qh_error_set(err, "%s:%d: %s", path, jerr.line, jerr.text);
		return NULL;
	}
	b = qh_baseline_from_json(doc, path, err);
	json_decref(doc);
	return b;
}

/* ---- compare ---------------------------------------------------------- */

struct qh_baseline_diff {
	const struct qh_baseline *b;
	json_t *regressions, *improvements, *new_files, *removed_files,
	       *new_devices;
	json_t *seen; /* baseline paths the run had a result for */
	size_t known; /* failures the baseline already had */
};

static int add_reason(struct qh_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int add_reason(struct qh_check *c, const char *fmt, ...)
{
	struct qh_buf b = QH_BUF_INIT;
	va_list ap;
	int rc;

	if (c->reason)
		qh_buf_printf(&b, "%s; ", c->reason);
	va_start(ap, fmt);
	rc = qh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = qh_check_set_str(&c->reason, b.data);
	qh_buf_free(&b);
	return rc;
}

static int note(json_t *list, const char *path, const char *check,
		const char *was, const char *now, const char *detail)
{
	return json_array_append_new(list, json_pack("{s:s,s:s?,s:s?,s:s?,s:s?}",
						     "path", path, "check", check,
						     "was", was, "now", now,
						     "detail", detail));
}

static bool bad_status(const char *name)
{
	return name && (strcmp(name, "fail") == 0 || strcmp(name, "warn") == 0);
}

/* Coverage first: a drop fails the check even when the policy passes it. */
static int compare_coverage(struct qh_baseline_diff *d, const char *path,
			    struct qh_check *c, json_t *entry,
			    bool *dropped)
{
	json_t *was = json_object_get(json_object_get(entry, "coverage"), c->id);
	double now, before;
	char detail[128];

	*dropped = false;
	if (!json_is_number(was) || qh_coverage_percent(c->value, &now) < 0)
		return 0;
	before = json_number_value(was);
	snprintf(detail, sizeof(detail), "coverage %.2f%% -> %.2f%%", before,
		 now);
	if (now + COVERAGE_EPSILON < before) {
		*dropped = true;
		c->status = QH_FAIL;
		if (add_reason(c, "regression: %s", detail) < 0)
			return -1;
		return note(d->regressions, path, c->id, "coverage", "coverage",
			    detail);
	}
	if (now > before + COVERAGE_EPSILON)
		return note(d->improvements, path, c->id, "coverage", "coverage",
			    detail);
	return 0;
}

static int compare_check(struct qh_baseline_diff *d, const char *path,
			 struct qh_check *c, json_t *entry)
{
	json_t *was_json = json_object_get(json_object_get(entry, "checks"), c->id);
	const char *was = json_string_value(was_json);
	const char *now = qh_status_name(c->status);
	bool dropped;

	if (compare_coverage(d, path, c, entry, &dropped) < 0)
		return -1;
	if (dropped)
		return 0;
	if (c->status == QH_FAIL) {
		if (bad_status(was)) {
			d->known++;
			c->status = QH_WARN;
			return add_reason(c, "known: %s in the baseline too", was);
		}
		if (add_reason(c, "regression: %s in the baseline",
			       was ? was : "absent") < 0)
			return -1;
		return note(d->regressions, path, c->id, was ? was : "absent",
			    now, NULL);
	}
	if (c->status == QH_PASS && bad_status(was))
		return note(d->improvements, path, c->id, was, now, NULL);
	return 0;
}

/* Files the baseline never saw must meet the policy in full: every failure
 * of theirs is a regression. */
static int compare_new_file(struct qh_baseline_diff *d,
			    const struct qh_result *res)
{
	if (json_array_append_new(d->new_files, json_string(res->path)) < 0)
		return -1;
	for (size_t i = 0; i < res->nchecks; i++)
		if (res->checks[i].status == QH_FAIL &&
		    note(d->regressions, res->path, res->checks[i].id, "absent",
			 "fail", "file not in the baseline") < 0)
			return -1;
	return 0;
}

static bool array_has_string(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

static int compare_devices(struct qh_baseline_diff *d,
			   const struct qh_baseline *b, const json_t *devices)
{
	size_t i;
	json_t *v;

	json_array_foreach(devices, i, v) {
		const char *name = json_string_value(v);

		if (!name || array_has_string(b->devices, name))
			continue;
		if (json_array_append_new(d->new_devices, json_string(name)) < 0 ||
		    note(d->regressions, "devices", name, "absent", "present",
			 "device not in the baseline") < 0)
			return -1;
	}
	return 0;
}

static struct qh_result *baseline_result(const struct qh_baseline *b,
					 const struct qh_baseline_diff *d)
{
	size_t nreg = json_array_size(d->regressions);
	size_t nimp = json_array_size(d->improvements);
	struct qh_result *res = qh_result_new(b->name, NULL);
	struct qh_buf ev = QH_BUF_INIT;
	size_t i;
	json_t *v;

	if (!res)
		return NULL;
	qh_buf_printf(&ev, "%zu regression%s, %zu improvement%s, %zu known "
		      "failure%s", nreg, nreg == 1 ? "" : "s", nimp,
		      nimp == 1 ? "" : "s", d->known, d->known == 1 ? "" : "s");
	json_array_foreach(d->regressions, i, v) {
		if (i >= 5) {
			qh_buf_puts(&ev, ", ...");
			break;
		}
		qh_buf_printf(&ev, "%s %s %s (%s -> %s)", i ? "," : ":",
			      json_string_value(json_object_get(v, "path")),
			      json_string_value(json_object_get(v, "check")),
			      json_string_value(json_object_get(v, "was")),
			      json_string_value(json_object_get(v, "now")));
	}
	if (!ev.data ||
	    !qh_result_add_check(res, "baseline-regression",
				 nreg ? QH_FAIL : QH_PASS,
				 json_integer((json_int_t)nreg), "%s", ev.data)) {
		qh_buf_free(&ev);
		qh_result_free(res);
		return NULL;
	}
	qh_buf_free(&ev);
	return res;
}

struct qh_baseline_diff *qh_baseline_diff_new(const struct qh_baseline *b)
{
	struct qh_baseline_diff *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->b = b;
	d->regressions = json_array();
	d->improvements = json_array();
	d->new_files = json_array();
	d->removed_files = json_array();
	d->new_devices = json_array();
	d->seen = json_object();
	if (!d->regressions || !d->improvements || !d->new_files ||
	    !d->removed_files || !d->new_devices || !d->seen) {
		qh_baseline_diff_free(d);
		return NULL;
	}
	return d;
}

void qh_baseline_diff_free(struct qh_baseline_diff *d)
{
	if (!d)
		return;
	json_decref(d->regressions);
	json_decref(d->improvements);
	json_decref(d->new_files);
	json_decref(d->removed_files);
	json_decref(d->new_devices);
	json_decref(d->seen);
	free(d);
}

int qh_baseline_diff_add(struct qh_baseline_diff *d, struct qh_result *res)
{
	json_t *entry = json_object_get(d->b->results, res->path);

	if (entry && json_object_set_new(d->seen, res->path, json_true()) < 0)
		return -1;
	if (res->error)
		return 0;
	if (!entry)
		return compare_new_file(d, res);
	for (size_t k = 0; k < res->nchecks; k++)
		if (compare_check(d, res->path, &res->checks[k], entry) < 0)
			return -1;
	return 0;
}

struct qh_result *qh_baseline_diff_end(struct qh_baseline_diff *d,
				       const json_t *devices, json_t *extra,
				       int *nreg, struct qh_error *err)
{
	const struct qh_baseline *b = d->b;
	struct qh_result *bres = NULL;
	const char *path;
	json_t *entry, *summary;

	json_object_foreach(b->results, path, entry)
		if (!json_object_get(d->seen, path) &&
		    json_array_append_new(d->removed_files,
					  json_string(path)) < 0)
			goto oom;
	if (devices && compare_devices(d, b, devices) < 0)
		goto oom;
	summary = json_pack("{s:s,s:O,s:O,s:O,s:O,s:O,s:I}", "file", b->name,
			    "regressions", d->regressions, "improvements",
			    d->improvements, "new_files", d->new_files,
			    "removed_files", d->removed_files, "new_devices",
			    d->new_devices, "known_failures", (json_int_t)d->known);
	if (!summary || json_object_set_new(extra, "baseline", summary) < 0)
		goto oom;
	if (!(bres = baseline_result(b, d)))
		goto oom;
	if (nreg)
		*nreg = (int)json_array_size(d->regressions);
	return bres;
oom:
	qh_error_set(err, "out of memory");
	return NULL;
}

int qh_baseline_apply(const struct qh_baseline *b, struct qh_report *r,
		      const json_t *devices, struct qh_error *err)
{
	struct qh_baseline_diff *d = qh_baseline_diff_new(b);
	size_t nresults = r->nresults;
	struct qh_result *bres;
	int nreg = -1;

	if (!d)
		return qh_error_set(err, "out of memory");
	for (size_t i = 0; i < nresults; i++)
		if (qh_baseline_diff_add(d, r->results[i]) < 0) {
			qh_error_set(err, "out of memory");
			goto out;
		}
	bres = qh_baseline_diff_end(d, devices, r->extra, &nreg, err);
	if (!bres) {
		nreg = -1;
		goto out;
	}
	if (qh_report_add(r, bres, err) < 0) {
		qh_result_free(bres);
		nreg = -1;
	}
out:
	qh_baseline_diff_free(d);
	return nreg;
}

/* ---- devices ---------------------------------------------------------- */

static int append_name(json_t *out, const char *prefix, const char *name)
{
	struct qh_buf b = QH_BUF_INIT;
	int rc;

	if (!name)
		return 0;
	if (prefix)
		qh_buf_printf(&b, "%s:%s", prefix, name);
	else
		qh_buf_puts(&b, name);
	rc = b.data ? json_array_append_new(out, json_string(b.data)) : -1;
	qh_buf_free(&b);
	return rc;
}

/* A device list: array of names or of {"name": ...}, or object by name. */
static int append_devices(json_t *out, const char *prefix, const json_t *devices)
{
	const char *key;
	size_t i;
	json_t *v;

	if (json_is_object(devices))
		json_object_foreach((json_t *)devices, key, v)
			if (append_name(out, prefix, key) < 0)
				return -1;
	json_array_foreach(devices, i, v) {
		const char *name = json_is_string(v) ? json_string_value(v) :
				   json_string_value(json_object_get(v, "name"));

		if (append_name(out, prefix, name) < 0)
			return -1;
	}
	return 0;
}

json_t *qh_report_devices(const json_t *extra)
{
	json_t *build = json_object_get(extra, "build");
	json_t *per_target = json_object_get(build, "devices");
	json_t *out = json_array();
	const char *target;
	json_t *t;

	if (!out)
		return NULL;
	/* qhard build: {"build": {"devices": {"<target>": {"present": [...]}}}} */
	if (json_is_object(per_target)) {
		json_object_foreach(per_target, target, t)
			if (append_devices(out, target,
					   json_object_get(t, "present")) < 0)
				goto oom;
	} else if (append_devices(out, NULL, json_object_get(extra, "devices")) < 0) {
		goto oom;
	}
	return out;
oom:
	json_decref(out);
	return NULL;
}
