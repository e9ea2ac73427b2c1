/* baseline.h - today's verdicts recorded, so later runs fail only on
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
 *  - a coverage value (policy.h qh_coverage_percent) lower than recorded is
 *    a regression (the check fails); higher is an improvement;
 *  - a device the baseline lacks is a regression;
 *  - a check that failed or warned in the baseline and passes now is an
 *    improvement.
 */
#ifndef QHARD_BASELINE_H
#define QHARD_BASELINE_H

#include "report.h"

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
