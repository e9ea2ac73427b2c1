/* deep.h - the deep checks (capstone disassembly, DWARF via libbfd/libdw):
 * canary-coverage, ibt-coverage, stack-clash, fortify-sites, cu-flags.
 * Same check interface as the header checks: they add checks to a result.
 */
#ifndef QHARD_DEEP_H
#define QHARD_DEEP_H

#include "analyze_options.h"
#include "report.h"

struct qh_elf;

/* Adds the deep checks for `elf` to `res`. Returns -1 with err set only when
 * the analysis as a whole failed (the caller records it in res->error). */
int qh_deep_run(struct qh_elf *elf, struct qh_result *res,
		const struct qh_analyze_options *opts, struct qh_error *err);
/* Same on an image the caller mapped (path: for line info and debug-file
 * lookup; may be NULL). */
int qh_deep_run_buffer(const void *data, size_t size, const char *path,
		       struct qh_result *res,
		       const struct qh_analyze_options *opts,
		       struct qh_error *err);

#endif
