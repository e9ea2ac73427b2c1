/* fuzz_cmacro.c - the C macro expander on arbitrary text: the input's
 * #define lines become the table, then the whole input is expanded as an
 * expression and as a file (QEMU's machine-definition calls). Bounds must
 * hold: no hang, no blow-up, no leak. */
#include "fuzz_util.h"
#include "qemu/cmacro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const words[] = { "TypeInfo", "alias", NULL };
	char *text = fuzz_strndup(data, size);
	struct qh_cmacros *global, *local;
	size_t skipped;

	if (!text)
		return 0;
	global = qh_cmacros_new(NULL);
	local = global ? qh_cmacros_new(global) : NULL;
	if (local && qh_cmacros_define(global, "TYPE_MACHINE_SUFFIX", NULL, "\"-machine\"") == 0 &&
	    qh_cmacros_scan_defines(local, text) == 0) {
		free(qh_cmacros_expand(local, text));
		free(qh_cmacros_expand_calls(local, text, words, &skipped));
	}
	qh_cmacros_free(local);
	qh_cmacros_free(global);
	free(text);
	return 0;
}
