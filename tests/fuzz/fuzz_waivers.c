/* fuzz_waivers.c - waiver files (INI via libinih, dates, globs), then the
 * waivers applied to a failing result and summarised as the gate does. */
#include "fuzz_util.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	char *text = fuzz_strndup(data, size);
	struct qh_waivers *w;
	struct qh_result *res, *wres;
	json_t *sum;

	if (!text)
		return 0;
	w = qh_waivers_parse_string(text, "waivers.ini", &err);
	free(text);
	if (!w)
		return 0;
	for (size_t i = 0; i < qh_waivers_count(w); i++)
		(void)qh_waiver_expired(qh_waivers_at(w, i), "2026-11-23");
	res = qh_result_new("/usr/libexec/qemu-bridge-helper", &err);
	if (res) {
		qh_result_add_check(res, "fortify", QH_FAIL, NULL, "fuzz");
		qh_result_add_check(res, "pie", QH_WARN, NULL, NULL);
		qh_result_add_check(res, "nx", QH_PASS, NULL, NULL);
		qh_waivers_apply(w, res, "2026-11-23", &err);
		qh_result_free(res);
	}
	wres = qh_waivers_result(w, "2026-11-23", &err);
	qh_result_free(wres);
	sum = qh_waivers_summary(w, "2026-11-23");
	json_decref(sum);
	qh_waivers_free(w);
	return 0;
}
