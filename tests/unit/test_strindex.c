/* test_strindex.c - the hash index over a caller's array (lib/strindex.c):
 * growth past many table sizes, the first of equal keys wins, misses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "strindex.h"

static char keys[5000][16];

static const char *key_of(const void *items, size_t i)
{
	return ((const char (*)[16])items)[i];
}

static void test_finds_every_key_across_growth(void **state)
{
	struct qh_strindex x = { 0 };

	(void)state;
	assert_int_equal(qh_strindex_find(&x, "k1", key_of, keys), -1);
	for (size_t i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i % 4000);
		assert_int_equal(qh_strindex_add(&x, i, key_of, keys), 0);
	}
	assert_true(x.cap >= 10000); /* at most half full */
	for (size_t i = 0; i < 4000; i++) {
		char k[16];

		snprintf(k, sizeof(k), "k%zu", i);
		/* keys 4000..4999 repeat 0..999: the first added wins */
		assert_int_equal(qh_strindex_find(&x, k, key_of, keys), (int)i);
	}
	assert_int_equal(qh_strindex_find(&x, "k4000", key_of, keys), -1);
	assert_int_equal(qh_strindex_find(&x, "", key_of, keys), -1);
	qh_strindex_free(&x);
	assert_null(x.slot);
	assert_int_equal(x.cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_every_key_across_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
