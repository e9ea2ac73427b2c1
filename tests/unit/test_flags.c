/* test_flags.c - hardening flag table, refusals, and the probe against the
 * real compiler ($CC_UNDER_TEST, else $CC, else cc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "qemu/flags.h"

static const char *cc(void)
{
	const char *c = getenv("CC_UNDER_TEST");

	if (!c || !*c)
		c = getenv("CC");
	return c && *c ? c : "cc";
}

static void test_split_keeps_arguments_with_their_flag(void **state)
{
	struct qh_strlist l = { 0 };

	(void)state;
	assert_int_equal(qh_flags_split_words("  -O2 -arch x86_64\t-Wl,-z,now ", &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0], "-O2");
	assert_string_equal(l.items[1], "-arch x86_64");
	assert_string_equal(l.items[2], "-Wl,-z,now");
	qh_strlist_free(&l);
}

static void test_refused_flags(void **state)
{
	(void)state;
	assert_non_null(qh_flag_refused("-Wl,-z,nodlopen"));
	assert_non_null(strstr(qh_flag_refused("-Wl,-z,nodlopen"), "dlopen"));
	assert_non_null(qh_flag_refused("-Werror"));
	assert_null(qh_flag_refused("-Werror=format-security"));
	assert_non_null(qh_flag_refused("-flto=auto"));
	assert_null(qh_flag_refused("-fstack-protector-strong"));
	assert_null(qh_flag_refused("-Wl,-z,now"));
}

static void test_levels_and_arch(void **state)
{
	struct qh_flag_probe probe = { .no_probe = true };
	struct qh_strlist c = { 0 }, l = { 0 }, w = { 0 };
	enum qh_harden_level lv;

	(void)state;
	assert_int_equal(qh_harden_level_parse("strict", &lv), 0);
	assert_int_equal(qh_harden_level_parse("bogus", &lv), -1);
	assert_int_equal(qh_flags_select(QH_HARDEN_STRICT, "aarch64", NULL, NULL, &probe,
					 &c, &l, &w, NULL), 0);
	assert_true(qh_strlist_has(&c, "-mbranch-protection=standard"));
	assert_false(qh_strlist_has(&c, "-fcf-protection=full"));
	assert_true(qh_strlist_has(&c, "-ftrivial-auto-var-init=zero"));
	assert_true(qh_strlist_has(&l, "-Wl,-z,relro,-z,now"));
	qh_strlist_free(&c);
	qh_strlist_free(&l);
	assert_int_equal(qh_flags_select(QH_HARDEN_NONE, "x86_64", NULL, NULL, &probe,
					 &c, &l, &w, NULL), 0);
	assert_int_equal(c.n + l.n, 0);
	qh_strlist_free(&w);
}

/* The real compiler: the guide's flags pass, "-arch x86_64" (the guide's
 * own macOS example) is rejected and reported, -Wl,-z,nodlopen refused. */
static void test_probe_real_compiler(void **state)
{
	struct qh_flag_probe probe = { .cc = cc(), .cxx = "/nonexistent/c++" };
	struct qh_strlist c = { 0 }, l = { 0 }, w = { 0 };
	struct qh_error err = { { 0 } };
	bool arch_reported = false, nodlopen_reported = false;
	char *why = NULL;

	(void)state;
	assert_int_equal(qh_flag_probe_one(cc(), QH_FLAG_C, "-fstack-protector-strong",
					   &why, &err), 1);
	assert_int_equal(qh_flag_probe_one(cc(), QH_FLAG_C, "-fno-such-flag-qhard",
					   &why, &err), 0);
	assert_non_null(why);
	free(why);
	assert_int_equal(qh_flags_select(QH_HARDEN_STANDARD, "x86_64", "-arch x86_64 -g",
					 "-Wl,-z,nodlopen", &probe, &c, &l, &w, &err), 0);
	assert_true(qh_strlist_has(&c, "-fstack-protector-strong"));
	assert_true(qh_strlist_has(&c, "-g"));
	assert_false(qh_strlist_has(&c, "-arch x86_64"));
	assert_true(qh_strlist_has(&l, "-Wl,-z,relro,-z,now"));
	assert_false(qh_strlist_has(&l, "-Wl,-z,nodlopen"));
	for (size_t i = 0; i < w.n; i++) {
		if (strstr(w.items[i], "'-arch x86_64' rejected"))
			arch_reported = true;
		if (strstr(w.items[i], "refused user flag '-Wl,-z,nodlopen'"))
			nodlopen_reported = true;
	}
	assert_true(arch_reported);
	assert_true(nodlopen_reported);
	qh_strlist_free(&c);
	qh_strlist_free(&l);
	qh_strlist_free(&w);
}

static void test_missing_compiler_is_an_error(void **state)
{
	struct qh_flag_probe probe = { .cc = "/nonexistent/qhard-cc" };
	struct qh_strlist c = { 0 }, l = { 0 }, w = { 0 };
	struct qh_error err = { { 0 } };

	(void)state;
	assert_int_equal(qh_flags_select(QH_HARDEN_STANDARD, "x86_64", NULL, NULL, &probe,
					 &c, &l, &w, &err), -1);
	assert_non_null(strstr(err.msg, "not found"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_keeps_arguments_with_their_flag),
		cmocka_unit_test(test_refused_flags),
		cmocka_unit_test(test_levels_and_arch),
		cmocka_unit_test(test_probe_real_compiler),
		cmocka_unit_test(test_missing_compiler_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
