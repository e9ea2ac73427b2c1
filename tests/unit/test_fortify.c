/* test_fortify.c - glibc's FORTIFY table lookups, both directions, for
 * every row (both go through one hash table of names, each at most 32
 * bytes: a longer row would fail here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fortify.h"

static void test_every_row_both_ways(void **state)
{
	size_t n;
	const struct qh_fortify_fn *t = qh_fortify_table(&n);

	(void)state;
	assert_true(n > 50);
	for (size_t i = 0; i < n; i++) {
		/* the shapes qh_fortify_lookup() rejects other names by */
		assert_true(t[i].checked[0] == '_' && t[i].checked[1] == '_' &&
			    t[i].checked[2] >= 'a' && t[i].checked[2] <= 'z');
		assert_true(t[i].plain[0] >= 'a' && t[i].plain[0] <= 'z');
		assert_ptr_equal(qh_fortify_by_checked(t[i].checked), &t[i]);
		assert_ptr_equal(qh_fortify_by_plain(t[i].plain), &t[i]);
	}
}

static void test_not_fortifiable(void **state)
{
	static const char *const names[] = {
		"", "_chk", "_2", "memcpyx", "xmemcpy", "__memcpy_chk", "open6",
		"strlen", "main",
		/* longer than any glibc function name could ever be */
		"a_very_long_name_that_is_longer_than_any_glibc_function_name_could_ever_be",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_null(qh_fortify_by_plain(names[i]));
	assert_null(qh_fortify_by_checked("memcpy"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_both_ways),
		cmocka_unit_test(test_not_fortifiable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
