/* test_build_progress.c - ninja status lines -> steps, elapsed time and
 * the estimate `qhard build` prints (lib/build/build_progress.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "build/build.h"

static void test_status_lines_only(void **state)
{
	struct qh_build_progress p = { 0 };

	(void)state;
	assert_false(qh_build_progress_line(&p, "ninja: Entering directory", 1));
	assert_false(qh_build_progress_line(&p, "[/10] x", 1));
	assert_false(qh_build_progress_line(&p, "[3/] x", 1));
	assert_false(qh_build_progress_line(&p, "[3 /10] x", 1));
	assert_false(qh_build_progress_line(&p, "[11/10] more than all", 1));
	assert_false(qh_build_progress_line(&p, "[0/0] nothing", 1));
	assert_false(p.started);
	assert_true(qh_build_progress_line(&p, "[1/2000] Compiling C object a.o", 100));
	assert_true(p.started);
	assert_int_equal(p.done, 1);
	assert_int_equal(p.total, 2000);
}

static void test_estimate_from_the_average_rate(void **state)
{
	struct qh_build_progress p = { 0 };
	char text[128];

	(void)state;
	qh_build_progress_line(&p, "[1/2000] a", 1000);
	/* Under 5% of the steps: no estimate, only elapsed time. */
	qh_build_progress_line(&p, "[99/2000] b", 1060);
	assert_true(p.remaining < 0);
	qh_build_progress_format(&p, text, sizeof(text));
	assert_string_equal(text, "4% (99/2000), 1:00 elapsed");
	/* 500 steps in 150 s: 1500 more take 450 s at that rate. */
	qh_build_progress_line(&p, "[500/2000] c", 1150);
	assert_int_equal(qh_build_progress_percent(&p), 25);
	qh_build_progress_format(&p, text, sizeof(text));
	assert_string_equal(text, "25% (500/2000), 2:30 elapsed, about 7:30 left");
	qh_build_progress_line(&p, "[2000/2000] Linking qemu-system-x86_64", 1000 + 3725);
	qh_build_progress_format(&p, text, sizeof(text));
	assert_string_equal(text, "100% (2000/2000), 1:02:05 elapsed, about 0:00 left");
}

static void test_text_is_bounded(void **state)
{
	struct qh_build_progress p = { 0 };
	char text[8];

	(void)state;
	qh_build_progress_line(&p, "[1/3] a", 0);
	qh_build_progress_line(&p, "[2/3] a", 7200);
	qh_build_progress_format(&p, text, sizeof(text));
	assert_int_equal(strlen(text), sizeof(text) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_lines_only),
		cmocka_unit_test(test_estimate_from_the_average_rate),
		cmocka_unit_test(test_text_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
