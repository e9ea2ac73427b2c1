/* test_deep_dwarf.c - DW_AT_producer judgement (deep_dwarf.h): GCC's
 * recorded switches, last one wins; producers without switches are
 * "not recorded" rather than "lacking". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "deep/deep_dwarf.h"

static unsigned judge(const char *producer, bool *recorded)
{
	return deep_dwarf_producer_missing(producer, recorded);
}

static void test_hardened_gcc_unit(void **state)
{
	bool rec;

	(void)state;
	assert_int_equal(judge("GNU C17 12.2.0 -mtune=generic -march=x86-64 -g -O2 "
			       "-fstack-protector-strong -fcf-protection=full "
			       "-fstack-clash-protection", &rec), 0);
	assert_true(rec);
}

static void test_last_switch_wins(void **state)
{
	bool rec;

	(void)state;
	assert_int_equal(judge("GNU C17 12.2.0 -O2 -fstack-protector-strong "
			       "-fno-stack-protector", &rec),
			 DEEP_CU_NO_STACK_PROTECTOR);
	assert_int_equal(judge("GNU C17 12.2.0 -O2 -fno-stack-protector "
			       "-fstack-protector-all", &rec), 0);
	assert_int_equal(judge("GNU C17 12.2.0 -O2 -fstack-protector-strong -fno-PIE "
			       "-fPIE", &rec), 0);
	assert_int_equal(judge("GNU C17 12.2.0 -O2 -fstack-protector-strong -fPIC "
			       "-fno-pic", &rec), DEEP_CU_NO_PIE);
	assert_int_equal(judge("GNU C17 12.2.0 -O2 -O0 -fstack-protector-strong", &rec),
			 DEEP_CU_NO_FORTIFY);
	assert_int_equal(judge("GNU C17 12.2.0 -O0 -Os -fstack-protector-strong", &rec), 0);
}

static void test_missing_flags(void **state)
{
	bool rec;

	(void)state;
	/* No -O at all is -O0; -fstack-protector-explicit protects nothing by default. */
	assert_int_equal(judge("GNU C17 12.2.0 -g -fstack-protector-explicit "
			       "-fcf-protection=none", &rec),
			 DEEP_CU_NO_STACK_PROTECTOR | DEEP_CU_NO_FORTIFY |
			 DEEP_CU_NO_CF_PROTECTION);
	assert_true(rec);
	/* Plain -fstack-protector counts; -fcf-protection=branch is not "none". */
	assert_int_equal(judge("GNU C17 12.2.0 -O2 -fstack-protector -fcf-protection=branch",
			       &rec), 0);
}

static void test_unrecorded_producers(void **state)
{
	bool rec = true;

	(void)state;
	assert_int_equal(judge("Debian clang version 14.0.6", &rec), 0);
	assert_false(rec);
	assert_int_equal(judge("GNU AS 2.40", &rec), 0);
	assert_false(rec);
	assert_int_equal(judge("GNU C17 12.2.0", &rec), 0); /* -gno-record-gcc-switches */
	assert_false(rec);
	assert_int_equal(judge(NULL, &rec), 0);
	assert_false(rec);
	assert_int_equal(judge("", &rec), 0);
	assert_false(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hardened_gcc_unit),
		cmocka_unit_test(test_last_switch_wins),
		cmocka_unit_test(test_missing_flags),
		cmocka_unit_test(test_unrecorded_producers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
