/* policy.h - which checks decide pass/fail, per check id, file type and
 * path glob (INI via libinih). The gate adds waivers and baselines on top
 * (waivers.h, baseline.h). docs/qhard-policy.5.scd describes the format.
 *
 * Levels: required (a failing check fails), warn (a failing check is
 * downgraded to warn), ignore (the check becomes skip).
 */
#ifndef QHARD_POLICY_H
#define QHARD_POLICY_H

#include <stdbool.h>

#include "report.h"

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

#endif
