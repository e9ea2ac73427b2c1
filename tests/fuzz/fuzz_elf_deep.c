/* fuzz_elf.c - the ELF analysis with the deep checks (capstone, DWARF) on arbitrary bytes.
 * Every input must come back as a result: checks, or an error message. */
#include <stdbool.h>

#include "analyze.h"
#include "fuzz_util.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_analyze_options opts = { .deep = true, .debug_root = "/nonexistent" };
	struct qh_result *res = qh_analyze_memory(data, size, "fuzz-input", &opts);

	/* NULL is allowed only for out-of-memory; a result must be consistent:
	 * an error excludes checks. */
	if (res && res->error && res->nchecks)
		__builtin_trap();
	qh_result_free(res);
	return 0;
}
