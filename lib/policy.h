/* policy.h - which checks decide pass/fail, per check id, file type and
 * path glob (INI via libinih). The gate adds waivers and baselines on top
 * (waivers.h, baseline.h).
 *
 * Levels: required (a failing check fails), warn (a failing check is
 * downgraded to warn), ignore (the check becomes skip).
 */
#ifndef QHARD_POLICY_H
#define QHARD_POLICY_H

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
void qh_policy_free(struct qh_policy *p);

/* Level for one check of one subject (path, contract type or NULL). */
enum qh_level qh_policy_level(const struct qh_policy *p, const char *path,
			      const char *type, const char *check_id);

/* Set every check's status from its raw_status and the policy level. */
int qh_policy_apply(const struct qh_policy *p, struct qh_result *res,
		    struct qh_error *err);

#endif
