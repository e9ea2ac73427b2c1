/* deep_checks.h - the deep check functions and the context they share.
 * Each check reads the one-pass scan (deep_scan.h) and adds one check id
 * to the result; the rules for pass/warn/fail are in each file's header
 * comment and in docs/qhard-checksec.1.scd ("Deep checks").
 */
#ifndef QHARD_DEEP_CHECKS_H
#define QHARD_DEEP_CHECKS_H

#include "deep_image.h"
#include "deep_lines.h"
#include "deep_scan.h"
#include "report.h"

/* canary-coverage fails below this share of protected candidates. */
#define DEEP_CANARY_FAIL_PERCENT 90
/* At most this many locations per check (SARIF size); values stay whole. */
#define DEEP_MAX_LOCATIONS 500
/* fortify-sites lists at most this many sites in its value. */
#define DEEP_MAX_SITES 1000

struct deep_ctx {
	const char *path;
	const char *debug_root;
	struct deep_image *img;
	struct deep_scan *scan;
	struct deep_lines *lines; /* NULL: no line info (lines_why says why) */
	char lines_why[512];
};

int deep_check_canary(struct deep_ctx *ctx, struct qh_result *res);
int deep_check_cet(struct deep_ctx *ctx, struct qh_result *res);
int deep_check_stackclash(struct deep_ctx *ctx, struct qh_result *res);
int deep_check_fortify(struct deep_ctx *ctx, struct qh_result *res);
int deep_check_cu_flags(struct deep_ctx *ctx, struct qh_result *res);

/* Shared helpers (deep_util.c). */

const char *deep_arch_name(enum deep_arch arch);
/* Add function `f` (with its file:line when known) as a location of c. */
int deep_add_func_location(struct deep_ctx *ctx, struct qh_check *c,
			   const struct deep_func *f, uint64_t addr);
/* A JSON string (a placeholder for invalid UTF-8); NULL on ENOMEM. */
json_t *deep_json_str(const char *s);
/* Append a JSON string; returns -1 on ENOMEM. */
int deep_json_push(json_t *arr, const char *s);

#endif
