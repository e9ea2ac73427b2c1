/* deep.c - placeholder until the deep-verification issue lands. */
#include "deep.h"

int qh_deep_run(struct qh_elf *elf, struct qh_result *res,
		const struct qh_analyze_options *opts, struct qh_error *err)
{
	(void)elf;
	(void)res;
	(void)opts;
	return qh_error_set(err, "deep checks are not built into this qhard yet");
}
