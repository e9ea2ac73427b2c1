/* fuzz_deep.c - the deep checks (image view, capstone disassembly pass,
 * line info, per-function checks) on arbitrary bytes. */
#include "analyze.h"
#include "deep/deep.h"
#include "fuzz_util.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_analyze_options opts = { .deep = true, .debug_root = "/nonexistent" };
	struct qh_error err = { { 0 } };
	/* A path that names no file, so line info never reads a real one. */
	struct qh_result *res = qh_result_new("/nonexistent/fuzz-input", &err);

	if (!res)
		return 0;
	(void)qh_deep_run_buffer(data, size, res->path, res, &opts, &err);
	qh_result_free(res);
	return 0;
}
