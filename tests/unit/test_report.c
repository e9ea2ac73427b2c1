/* test_report.c - the report model: checks, summary, exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "report.h"

static void test_status_order_and_names(void **state)
{
	enum qh_status s;

	(void)state;
	assert_true(QH_FAIL > QH_WARN && QH_WARN > QH_PASS && QH_PASS > QH_SKIP);
	assert_string_equal(qh_status_name(QH_WARN), "warn");
	assert_int_equal(qh_status_parse("fail", &s), 0);
	assert_int_equal(s, QH_FAIL);
	assert_int_equal(qh_status_parse("nope", &s), -1);
}

static void test_result_checks_and_worst(void **state)
{
	struct qh_result *res = qh_result_new("/bin/x", NULL);
	struct qh_check *c;

	(void)state;
	assert_non_null(res);
	assert_int_equal(qh_result_worst(res), QH_SKIP);
	c = qh_result_add_check(res, "relro", QH_PASS, json_string("full"),
				"PT_GNU_RELRO + %s", "DT_BIND_NOW");
	assert_non_null(c);
	assert_string_equal(c->evidence, "PT_GNU_RELRO + DT_BIND_NOW");
	assert_non_null(qh_result_add_check(res, "nx", QH_WARN, NULL, NULL));
	assert_int_equal(qh_result_worst(res), QH_WARN);
	assert_non_null(qh_result_add_check(res, "pie", QH_FAIL, NULL, NULL));
	assert_int_equal(qh_result_worst(res), QH_FAIL);
	c = qh_result_find_check(res, "relro");
	assert_non_null(c);
	assert_string_equal(json_string_value(c->value), "full");
	assert_int_equal(qh_check_add_location(c, "main", "a.c", 12, 0x1000), 0);
	assert_int_equal(c->nlocations, 1);
	assert_null(qh_result_find_check(res, "canary"));
	qh_result_free(res);
}

static void test_summary_exit_codes(void **state)
{
	struct qh_report *r = qh_report_new("checksec", NULL);
	struct qh_result *ok = qh_result_new("ok", NULL);
	struct qh_result *bad = qh_result_new("bad", NULL);
	struct qh_result *broken = qh_result_new("broken", NULL);
	struct qh_summary s;

	(void)state;
	qh_result_add_check(ok, "nx", QH_PASS, NULL, NULL);
	qh_result_add_check(bad, "nx", QH_FAIL, NULL, NULL);
	qh_result_set_error(broken, "not an ELF file (%s)", "magic");
	assert_int_equal(qh_report_add(r, ok, NULL), 0);
	qh_report_summary(r, &s);
	assert_int_equal(qh_summary_exit_code(&s), 0);
	assert_int_equal(qh_report_add(r, bad, NULL), 0);
	qh_report_summary(r, &s);
	assert_int_equal(qh_summary_exit_code(&s), 1);
	assert_int_equal(qh_report_add(r, broken, NULL), 0);
	qh_report_summary(r, &s);
	assert_int_equal(s.files, 3);
	assert_int_equal(s.pass, 1);
	assert_int_equal(s.fail, 1);
	assert_int_equal(s.error, 1);
	assert_int_equal(qh_summary_exit_code(&s), 3);
	qh_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_order_and_names),
		cmocka_unit_test(test_result_checks_and_worst),
		cmocka_unit_test(test_summary_exit_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
