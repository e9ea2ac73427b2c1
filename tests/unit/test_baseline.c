/* test_baseline.c - capture verdicts, reload them, and compare a later run:
 * known failures become warnings, regressions (pass -> fail, coverage drop,
 * new file, new device) fail, improvements are listed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/policy.h"

static json_t *coverage(int protected, int candidates)
{
	return json_pack("{s:i,s:i}", "protected", protected, "candidates",
			 candidates);
}

/* A run over two binaries; `regress` flips what a later build would. */
static struct qh_report *make_run(bool later)
{
	struct qh_report *r = qh_report_new("gate", NULL);
	struct qh_result *a = qh_result_new("/usr/bin/a", NULL);
	struct qh_result *b = qh_result_new("/usr/bin/b", NULL);

	assert_non_null(r);
	a->type = strdup("pie");
	qh_result_add_check(a, "relro", later ? QH_FAIL : QH_PASS, NULL, NULL);
	qh_result_add_check(a, "canary", QH_FAIL, NULL, NULL);
	qh_result_add_check(a, "canary-coverage", QH_PASS,
			    coverage(later ? 90 : 95, 100), NULL);
	b->type = strdup("pie");
	qh_result_add_check(b, "pie", later ? QH_PASS : QH_FAIL, NULL, NULL);
	qh_result_add_check(b, "nx", QH_PASS, NULL, NULL);
	qh_result_add_check(b, "rpath", QH_WARN, NULL, NULL);
	qh_report_add(r, a, NULL);
	qh_report_add(r, b, NULL);
	if (later) {
		struct qh_result *c = qh_result_new("/usr/bin/new", NULL);

		qh_result_add_check(c, "nx", QH_FAIL, NULL, NULL);
		qh_report_add(r, c, NULL);
	}
	return r;
}

static bool list_has(json_t *list, const char *path, const char *check)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		const char *p = json_string_value(json_object_get(v, "path"));
		const char *c = json_string_value(json_object_get(v, "check"));

		if (p && strcmp(p, path) == 0 &&
		    (!check || (c && strcmp(c, check) == 0)))
			return true;
	}
	return false;
}

static void test_capture_save_load_compare(void **state)
{
	struct qh_error err = { "" };
	struct qh_report *before = make_run(false);
	struct qh_report *after = make_run(true);
	json_t *devices_before = json_pack("[s,s]", "virtio-net-pci", "e1000");
	json_t *devices_after = json_pack("[s,s,s]", "virtio-net-pci", "e1000",
					  "usb-ehci");
	json_t *doc = qh_baseline_capture(before, "openstack-guide",
					  devices_before, "2026-01-01");
	char path[] = "/tmp/test_baseline.XXXXXX";
	int fd = mkstemp(path);
	struct qh_baseline *b;
	json_t *sum;
	struct qh_result *bres;
	int nreg;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(json_object_get(json_object_get(doc, "results"),
						"/usr/bin/a"), "checks"), "relro")),
		"pass");
	assert_int_equal(qh_baseline_save(doc, path, &err), 0);
	b = qh_baseline_load(path, &err);
	if (!b)
		fail_msg("%s", err.msg);

	nreg = qh_baseline_apply(b, after, devices_after, &err);
	/* relro pass->fail, canary-coverage 95->90, the new file's nx, and the
	 * new device */
	assert_int_equal(nreg, 4);
	assert_int_equal(qh_result_find_check(after->results[0], "relro")->status,
			 QH_FAIL);
	assert_non_null(strstr(qh_result_find_check(after->results[0],
						    "relro")->reason,
			       "regression"));
	/* canary failed in the baseline too: known, so only a warning */
	assert_int_equal(qh_result_find_check(after->results[0], "canary")->status,
			 QH_WARN);
	assert_int_equal(qh_result_find_check(after->results[0],
					      "canary-coverage")->status, QH_FAIL);
	/* b's pie was fixed: an improvement */
	assert_int_equal(qh_result_find_check(after->results[1], "pie")->status,
			 QH_PASS);
	sum = json_object_get(after->extra, "baseline");
	assert_non_null(sum);
	assert_true(list_has(json_object_get(sum, "regressions"), "/usr/bin/a",
			     "relro"));
	assert_true(list_has(json_object_get(sum, "regressions"), "/usr/bin/a",
			     "canary-coverage"));
	assert_true(list_has(json_object_get(sum, "regressions"), "/usr/bin/new",
			     "nx"));
	assert_true(list_has(json_object_get(sum, "regressions"), "devices",
			     "usb-ehci"));
	assert_false(list_has(json_object_get(sum, "regressions"), "/usr/bin/a",
			      "canary"));
	assert_true(list_has(json_object_get(sum, "improvements"), "/usr/bin/b",
			     "pie"));
	assert_int_equal(json_array_size(json_object_get(sum, "new_devices")), 1);
	assert_int_equal(json_array_size(json_object_get(sum, "new_files")), 1);
	/* the baseline is a subject of its own, failing on regressions */
	bres = after->results[after->nresults - 1];
	assert_string_equal(bres->path, path);
	assert_int_equal(qh_result_find_check(bres, "baseline-regression")->status,
			 QH_FAIL);

	json_decref(doc);
	json_decref(devices_before);
	json_decref(devices_after);
	qh_baseline_free(b);
	qh_report_free(before);
	qh_report_free(after);
	unlink(path);
}

static void test_same_run_has_no_regressions(void **state)
{
	struct qh_report *before = make_run(false);
	struct qh_report *again = make_run(false);
	json_t *doc = qh_baseline_capture(before, "p", NULL, "2026-01-01");
	struct qh_baseline *b = qh_baseline_from_json(doc, "mem", NULL);
	struct qh_summary s;

	(void)state;
	assert_non_null(b);
	assert_int_equal(qh_baseline_apply(b, again, NULL, NULL), 0);
	qh_report_summary(again, &s);
	/* every failure is known: the run passes, with warnings */
	assert_int_equal(s.fail, 0);
	assert_int_equal(qh_summary_exit_code(&s), 0);
	json_decref(doc);
	qh_baseline_free(b);
	qh_report_free(before);
	qh_report_free(again);
}

static void expect_bad(const char *text, const char *needle)
{
	struct qh_error err = { "" };
	json_t *doc = json_loads(text, 0, NULL);

	assert_non_null(doc);
	assert_null(qh_baseline_from_json(doc, "b.json", &err));
	if (!strstr(err.msg, needle))
		fail_msg("wanted \"%s\" in \"%s\"", needle, err.msg);
	json_decref(doc);
}

static void test_malformed_baselines(void **state)
{
	struct qh_error err = { "" };

	(void)state;
	expect_bad("{}", "not a qhard baseline");
	expect_bad("[1]", "not a qhard baseline");
	expect_bad("{\"qhard-baseline\": 7, \"results\": {}}", "version 7");
	expect_bad("{\"qhard-baseline\": 1, \"results\": {\"/x\": {}}}",
		   "needs a \"checks\"");
	expect_bad("{\"qhard-baseline\": 1, \"results\": {\"/x\": "
		   "{\"checks\": {\"nx\": \"great\"}}}}", "not a status");
	expect_bad("{\"qhard-baseline\": 1, \"results\": {\"/x\": "
		   "{\"checks\": {}, \"coverage\": {\"c\": \"x\"}}}}",
		   "not a number");
	expect_bad("{\"qhard-baseline\": 1, \"results\": {}, \"devices\": [1]}",
		   "devices");
	assert_null(qh_baseline_load("/nonexistent/b.json", &err));
	assert_non_null(strstr(err.msg, "/nonexistent/b.json"));
}

static void test_report_devices_shapes(void **state)
{
	json_t *extra1 = json_pack("{s:[s,s]}", "devices", "a", "b");
	json_t *extra2 = json_pack("{s:[{s:s},{s:s}]}", "devices", "name", "a",
				   "name", "b");
	json_t *extra3 = json_pack("{s:{s:{},s:{}}}", "devices", "a", "b");
	json_t *extras[] = { extra1, extra2, extra3 };
	json_t *none = json_object();
	json_t *d;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		d = qh_report_devices(extras[i]);
		assert_int_equal(json_array_size(d), 2);
		assert_string_equal(json_string_value(json_array_get(d, 0)), "a");
		json_decref(d);
		json_decref(extras[i]);
	}
	extra1 = json_pack("{s:{s:{s:{s:[s,s]},s:{s:[s]}}}}",
			   "build", "devices", "x86_64-softmmu", "present", "e1000",
			   "virtio-net-pci", "aarch64-softmmu", "present",
			   "virtio-mmio");
	d = qh_report_devices(extra1);
	json_decref(extra1);
	assert_int_equal(json_array_size(d), 3);
	assert_true(json_string_value(json_array_get(d, 0)) &&
		    strchr(json_string_value(json_array_get(d, 0)), ':'));
	json_decref(d);
	d = qh_report_devices(none);
	assert_int_equal(json_array_size(d), 0);
	json_decref(d);
	json_decref(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_save_load_compare),
		cmocka_unit_test(test_same_run_has_no_regressions),
		cmocka_unit_test(test_malformed_baselines),
		cmocka_unit_test(test_report_devices_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
