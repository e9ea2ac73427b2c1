/* fuzz_kconfig.c - QEMU's Kconfig dialect: parse arbitrary text, assign a
 * few symbols as a profile would, evaluate in both modes, and render every
 * expression and explanation (what --explain prints). `source` lines are
 * resolved against an empty scratch directory. */
#include <stdbool.h>

#include "fuzz_util.h"
#include "qemu/kconfig.h"

static const char *scratch_dir(void)
{
	static char dir[] = "/tmp/qhard-fuzz-kconfig-XXXXXX";
	static const char *made;

	if (!made)
		made = mkdtemp(dir);
	return made ? made : "/nonexistent";
}

static void evaluate_and_render(struct qh_kconfig *kc,
				enum qh_kconfig_mode mode)
{
	struct qh_error err = { { 0 } };
	struct qh_buf b = QH_BUF_INIT;

	qh_kconfig_reset_values(kc);
	if (qh_kconfig_evaluate(kc, mode, &err) < 0)
		return;
	for (size_t i = 0; i < kc->nclauses && i < 256; i++)
		if (kc->clauses[i].cond >= 0) {
			(void)qh_kexpr_eval(kc, kc->clauses[i].cond);
			qh_kexpr_format(kc, kc->clauses[i].cond, true, &b);
		}
	for (size_t i = 0; i < kc->nsyms && i < 256; i++)
		if (kc->syms[i].value == 1)
			qh_kconfig_explain(kc, (int)i, &b);
	qh_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	char *text = fuzz_strndup(data, size);
	struct qh_kconfig *kc;

	if (!text)
		return 0;
	kc = qh_kconfig_new(&err);
	if (kc && qh_kconfig_parse_text(kc, "Kconfig", scratch_dir(), text, &err) == 0) {
		/* The first few defined symbols, as an allow list would. */
		for (size_t i = 0, n = 0; i < kc->nsyms && n < 3; i++)
			if (kc->syms[i].defined) {
				qh_kconfig_assign(kc, kc->syms[i].name, true, true,
						  "profile.ini:1", &err);
				n++;
			}
		qh_kconfig_assign(kc, "CONFIG_PCI", true, true, "profile.ini:2", &err);
		evaluate_and_render(kc, QH_KCONFIG_DEFCONFIG);
		qh_kconfig_drop_assignments(kc);
		evaluate_and_render(kc, QH_KCONFIG_ALLNO);
	}
	qh_kconfig_free(kc);
	free(text);
	return 0;
}
