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

/* Device names from a report's extra section: a qhard build report's
 * build.devices.<target>.present lists (as "<target>:<name>"), else a
 * top-level "devices" as an array of strings, an array of objects with
 * "name", or an object keyed by name.
 * Returns a new array of strings (empty when there are none); NULL on
 * out-of-memory. */
json_t *qh_report_devices(const json_t *extra);

#endif
