/* fuzz_baseline.c - baseline files (gate --baseline reads them from the
 * repository, so they are input like any other): load arbitrary JSON as a
 * baseline, compare a report against it, then capture that report as a new
 * baseline and load it back (must succeed). */
#include "fuzz_util.h"
#include "policy/policy.h"
#include "report.h"

static struct qh_result *result(const char *path, enum qh_status relro,
				enum qh_status canary)
{
	struct qh_error err = { { 0 } };
	struct qh_result *res = qh_result_new(path, &err);

	if (!res)
		return NULL;
	qh_check_set_str(&res->type, "pie");
	qh_result_add_check(res, "relro", relro, json_string("full"), NULL);
	qh_result_add_check(res, "canary", canary, json_string("no"), NULL);
	qh_result_add_check(res, "canary-coverage", QH_WARN,
			    json_pack("{s:i,s:i}", "protected", 3, "total", 4), NULL);
	return res;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, size, 0, &jerr);
	json_t *devices, *cap;
	struct qh_baseline *b;
	struct qh_report *r;

	if (!doc)
		return 0;
	b = qh_baseline_from_json(doc, "baseline.json", &err);
	json_decref(doc);
	if (!b)
		return 0;
	r = qh_report_new("gate", &err);
	devices = json_pack("[ss]", "virtio-net-pci", "e1000");
	if (r && devices) {
		struct qh_result *a = result("/usr/bin/qemu-system-x86_64", QH_FAIL, QH_PASS);
		struct qh_result *c = result("/usr/lib/qemu/block-curl.so", QH_PASS, QH_FAIL);

		if (a && qh_report_add(r, a, &err) < 0)
			qh_result_free(a);
		if (c && qh_report_add(r, c, &err) < 0)
			qh_result_free(c);
		qh_baseline_apply(b, r, devices, &err);
		cap = qh_baseline_capture(r, "default", devices, "2026-11-23");
		if (cap) {
			struct qh_baseline *again = qh_baseline_from_json(cap, "new.json", &err);

			if (!again) {
				fprintf(stderr, "captured baseline does not load: %s\n", err.msg);
				__builtin_trap();
			}
			qh_baseline_free(again);
			json_decref(cap);
		}
	}
	json_decref(devices);
	qh_report_free(r);
	qh_baseline_free(b);
	return 0;
}
