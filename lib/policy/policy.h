/* policy/policy.h - the verdict layer's one public header: policies (which
 * checks decide pass/fail), waivers (accepted findings) and baselines
 * (verdicts recorded so that later runs fail only on regressions).
 */
#ifndef QHARD_POLICY_POLICY_H
#define QHARD_POLICY_POLICY_H

#include <stdbool.h>

#include "report.h"

/* ---- Policies: which checks decide pass/fail, per check id, file type and
 * path glob (INI via libinih). The gate adds waivers and baselines on top
 * (below). docs/qhard-policy.5.scd describes the format.
 *
 * Levels: required (a failing check fails), warn (a failing check is
 * downgraded to warn), ignore (the check becomes skip).
 */

enum qh_level {
	QH_LEVEL_REQUIRED,
	QH_LEVEL_WARN,
	QH_LEVEL_IGNORE,
};

struct qh_policy;

/* The built-in default: the OpenStack Security Guide's list (full RELRO,
 * PIE, NX, stack canary, FORTIFY required; every other check warns). */
struct qh_policy *qh_policy_default(struct qh_error *err);
/* Load an INI policy. Unknown sections, keys, check ids or levels are errors
 * naming file:line. */
struct qh_policy *qh_policy_load(const char *path, struct qh_error *err);
/* Same from a string; `name` stands for the file name in messages and
 * relative profile paths are taken as given. */
struct qh_policy *qh_policy_parse_string(const char *text, const char *name,
					 struct qh_error *err);
void qh_policy_free(struct qh_policy *p);

/* Level for one check of one subject (path, contract type or NULL). */
enum qh_level qh_policy_level(const struct qh_policy *p, const char *path,
			      const char *type, const char *check_id);

/* The level of the most specific rule that names check_id itself for this
 * subject (not "*", not the default); false when none does. The audit's
 * host findings are required unless a policy names them. */
bool qh_policy_named_level(const struct qh_policy *p, const char *path, const char *type,
			   const char *check_id, enum qh_level *out);

/* Set every check's status from its raw_status and the policy level (and
 * the policy's coverage thresholds, see qh_policy_threshold). */
int qh_policy_apply(const struct qh_policy *p, struct qh_result *res,
		    struct qh_error *err);

const char *qh_level_name(enum qh_level level);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int qh_level_parse(const char *name, enum qh_level *out);

/* A deep check (qh_rules_deep, or stack-clash, which only the deep pass
 * can decide) that this policy names as required, for any subject; NULL
 * when none. Callers run the deep pass for it, so a required check never
 * passes as a skip. */
const char *qh_policy_deep_required(const struct qh_policy *p);

/* The policy's name ([policy] name, else the file name). Never NULL. */
const char *qh_policy_name(const struct qh_policy *p);
/* The device allow-list profile the build is held to ([policy] profile),
 * resolved relative to the policy file's directory; NULL when none. */
const char *qh_policy_profile_path(const struct qh_policy *p);
/* Minimum coverage in percent for a deep check whose value is
 * {"protected": N, "candidates": M} ([thresholds] section). Returns true
 * and sets *percent when the policy sets one for check_id. */
bool qh_policy_threshold(const struct qh_policy *p, const char *check_id,
			 double *percent);

/* Coverage of a deep check's value in percent: {"protected": N,
 * "candidates": M} (or "probed" for N), or {"checked": M, "missing": [...]};
 * 100 when there are no candidates. Returns -1 for any other shape. */
int qh_coverage_percent(const json_t *value, double *percent);

/* Path glob matching shared by policies and waivers: a glob without '/'
 * matches the file name anywhere; one with '/' matches the whole path, and
 * '*' also matches '/'. */
bool qh_policy_glob_matches(const char *glob, const char *path);

/* Whether a policy (or waiver) may name this check id: the rule tables in
 * rules.h are the source; while an area's table is still empty the ids the
 * contract lists for that area are accepted too. */
bool qh_check_id_known(const char *check_id);
/* Whether a contract file type name (exec, static, pie, ...) is known. */
bool qh_type_known(const char *type);

/* ---- Waivers: accepted findings, each with a reason and an expiry date
 * (INI via libinih). docs/qhard-policy.5.scd describes the format:
 *
 *   [waiver "bridge-helper-fortify"]
 *   path = *\/qemu-bridge-helper        ; glob, as in policy [path "..."]
 *   check = fortify                     ; a check id, or * for every check
 *   reason = upstream builds it with -O0; fixed in 9.1
 *   expires = 2027-03-01                ; YYYY-MM-DD, UTC; expired from then on
 *   ticket = https://bugs.example/123   ; optional
 *
 * A waiver that matches a failing (or warning) check turns it into a warn
 * and records itself in the check's waived_by. An expired waiver waives
 * nothing and fails the gate; a waiver nothing needed is reported unused.
 */

struct qh_waiver {
	char *name;     /* from [waiver "name"] */
	char *path;     /* glob (qh_policy_glob_matches) */
	char *check;    /* check id or "*" */
	char *reason;
	char *expires;  /* YYYY-MM-DD */
	char *ticket;   /* NULL when none */
	char *file;     /* where it is written: file name and line */
	unsigned line;
	size_t uses;    /* checks it waived so far */
};

struct qh_waivers;

struct qh_waivers *qh_waivers_load(const char *path, struct qh_error *err);
struct qh_waivers *qh_waivers_parse_string(const char *text, const char *name,
					   struct qh_error *err);
void qh_waivers_free(struct qh_waivers *w);

size_t qh_waivers_count(const struct qh_waivers *w);
struct qh_waiver *qh_waivers_at(const struct qh_waivers *w, size_t i);

/* Today's date in UTC as YYYY-MM-DD (buf of at least 11 bytes). */
void qh_today_utc(char buf[11]);
/* Whether `date` (YYYY-MM-DD) is a real calendar date. */
bool qh_date_valid(const char *date);
/* A waiver is expired on and after its expiry date. */
bool qh_waiver_expired(const struct qh_waiver *w, const char *today);

/* Apply the unexpired waivers to res's non-passing checks (after policy).
 * Returns the number of checks waived, or -1 on out-of-memory. */
int qh_waivers_apply(struct qh_waivers *w, struct qh_result *res,
		     const char *today, struct qh_error *err);

/* The waiver file as a subject of its own, for every output format: a
 * result (path = the waiver file) with two checks, "waiver-expired" (fail
 * when any waiver has expired) and "waiver-unused" (warn when a waiver
 * waived nothing); each problem waiver is a location (file:line). Call it
 * after every result has been through qh_waivers_apply. */
struct qh_result *qh_waivers_result(const struct qh_waivers *w,
				    const char *today, struct qh_error *err);

/* A summary of the waivers for the report: {"file": ..., "used": [...],
 * "unused": [...], "expired": [...]}, each entry {"name", "path", "check",
 * "reason", "expires", "ticket", "where", "uses"}. NULL on out-of-memory. */
json_t *qh_waivers_summary(const struct qh_waivers *w, const char *today);

/* ---- Baselines: today's verdicts recorded, so later runs fail only on
 * regressions (qhard gate --write-baseline / --baseline).
 *
 * A baseline is JSON:
 *   {"qhard-baseline": 1, "created": "YYYY-MM-DD", "policy": "name",
 *    "results": {"<path>": {"type": "pie",
 *                           "checks": {"relro": "pass", ...},
 *                           "coverage": {"canary-coverage": 97.5}}},
 *    "devices": ["virtio-net-pci", ...]}
 * Statuses are recorded after the policy and before waivers, so a waiver's
 * expiry is never hidden by the baseline.
 *
 * Compared with a baseline:
 *  - a check failing now that passed (or was skipped) in the baseline stays
 *    failing: a regression; so do failures of files the baseline lacks;
 *  - a check failing now that failed or warned in the baseline is known:
 *    it becomes a warn, with the reason saying so;
 *  - a coverage value (qh_coverage_percent) lower than recorded is
 *    a regression (the check fails); higher is an improvement;
 *  - a device the baseline lacks is a regression;
 *  - a check that failed or warned in the baseline and passes now is an
 *    improvement.
 */

struct qh_baseline;

/* The report's verdicts as a baseline (call after qh_policy_apply, before
 * waivers). `devices` may be NULL. NULL on out-of-memory. */
json_t *qh_baseline_capture(const struct qh_report *r, const char *policy_name,
			    const json_t *devices, const char *today);
int qh_baseline_save(const json_t *baseline, const char *path,
		     struct qh_error *err);

struct qh_baseline *qh_baseline_load(const char *path, struct qh_error *err);
/* From a parsed JSON document (the baseline takes a reference). */
struct qh_baseline *qh_baseline_from_json(json_t *doc, const char *name,
					  struct qh_error *err);
void qh_baseline_free(struct qh_baseline *b);

/* Compare r's results (after policy) with the baseline: downgrades known
 * failures to warn, marks regressions, and adds a result for the baseline
 * itself with one check "baseline-regression" (fail when anything
 * regressed) plus r->extra["baseline"] = {"file", "regressions": [...],
 * "improvements": [...], "new_files": [...], "removed_files": [...],
 * "new_devices": [...]}. `devices` is today's device list (may be NULL).
 * Returns the number of regressions, or -1 on error. */
int qh_baseline_apply(const struct qh_baseline *b, struct qh_report *r,
		      const json_t *devices, struct qh_error *err);

/* The same two, one result at a time, for a caller that writes and frees
 * each result as soon as it is judged (qhard gate: its memory must not
 * grow with the number of files). Capture: begin, add each result, end
 * (NULL / -1 on out-of-memory). */
json_t *qh_baseline_capture_begin(const char *policy_name, const char *today);
int qh_baseline_capture_add(json_t *doc, const struct qh_result *res);
int qh_baseline_capture_end(json_t *doc, const json_t *devices);

/* Compare: new, add each result (it may be changed as in
 * qh_baseline_apply; -1 on out-of-memory), then end, which sets
 * extra["baseline"] and returns the baseline's own result (NULL with err
 * set on out-of-memory) and the number of regressions in *nreg. The diff
 * keeps what the summary lists, and which of the baseline's paths were
 * seen, not the results. */
struct qh_baseline_diff;
struct qh_baseline_diff *qh_baseline_diff_new(const struct qh_baseline *b);
int qh_baseline_diff_add(struct qh_baseline_diff *d, struct qh_result *res);
struct qh_result *qh_baseline_diff_end(struct qh_baseline_diff *d,
				       const json_t *devices, json_t *extra,
				       int *nreg, struct qh_error *err);
void qh_baseline_diff_free(struct qh_baseline_diff *d);

/* Device names from a report's extra section: a qhard build report's
 * build.devices.<target>.present lists (as "<target>:<name>"), else a
 * top-level "devices" as an array of strings, an array of objects with
 * "name", or an object keyed by name.
 * Returns a new array of strings (empty when there are none); NULL on
 * out-of-memory. */
json_t *qh_report_devices(const json_t *extra);

#endif
