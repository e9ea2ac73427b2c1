/* test_policy.c - policy files: levels per check, type and path glob,
 * thresholds, the built-in default, and file:line errors. */
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

/* Write text to a fresh temp file; the caller unlinks and frees. */
static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/test_policy.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static struct qh_policy *load_text(const char *text, struct qh_error *err)
{
	char *path = write_temp(text);
	struct qh_policy *p = qh_policy_load(path, err);

	unlink(path);
	free(path);
	return p;
}

/* The error must name line `line` of the file and contain `needle`. */
static void expect_load_error(const char *text, unsigned line,
			      const char *needle)
{
	struct qh_error err = { "" };
	char *path = write_temp(text);
	char where[256];
	struct qh_policy *p = qh_policy_load(path, &err);

	assert_null(p);
	snprintf(where, sizeof(where), "%s:%u: ", path, line);
	if (strncmp(err.msg, where, strlen(where)) != 0 ||
	    !strstr(err.msg, needle))
		fail_msg("wanted \"%s...%s\", got \"%s\"", where, needle, err.msg);
	unlink(path);
	free(path);
}

static void test_default_is_openstack_guide(void **state)
{
	struct qh_policy *p = qh_policy_default(NULL);
	const char *required[] = { "relro", "pie", "nx", "canary", "fortify",
				   "rpath", "runpath", "textrel",
				   "rwx-segment" };

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		assert_int_equal(qh_policy_level(p, "/usr/bin/x", "pie",
						 required[i]),
				 QH_LEVEL_REQUIRED);
	assert_int_equal(qh_policy_level(p, "/usr/bin/x", "pie", "stripped"),
			 QH_LEVEL_WARN);
	assert_int_equal(qh_policy_level(p, "/usr/bin/x", "pie", "cet-ibt"),
			 QH_LEVEL_WARN);
	assert_null(qh_policy_profile_path(p));
	qh_policy_free(p);
}

static void test_apply_levels(void **state)
{
	struct qh_policy *p = qh_policy_default(NULL);
	struct qh_result *res = qh_result_new("/usr/bin/x", NULL);

	(void)state;
	res->type = strdup("pie");
	qh_result_add_check(res, "relro", QH_FAIL, json_string("partial"), NULL);
	qh_result_add_check(res, "rpath", QH_FAIL, NULL, NULL);
	qh_result_add_check(res, "stripped", QH_FAIL, NULL, NULL);
	qh_result_add_check(res, "nx", QH_PASS, NULL, NULL);
	qh_result_add_check(res, "fortify", QH_WARN, NULL, NULL);
	assert_int_equal(qh_policy_apply(p, res, NULL), 0);
	assert_int_equal(qh_result_find_check(res, "relro")->status, QH_FAIL);
	assert_int_equal(qh_result_find_check(res, "rpath")->status, QH_FAIL);
	assert_int_equal(qh_result_find_check(res, "stripped")->status, QH_WARN);
	assert_int_equal(qh_result_find_check(res, "stripped")->raw_status,
			 QH_FAIL);
	assert_int_equal(qh_result_find_check(res, "nx")->status, QH_PASS);
	assert_int_equal(qh_result_find_check(res, "fortify")->status, QH_WARN);
	qh_result_free(res);
	qh_policy_free(p);
}

static void test_scopes_and_precedence(void **state)
{
	struct qh_error err = { "" };
	struct qh_policy *p = load_text(
		"# comment\n"
		"[policy]\n"
		"name = test\n"
		"default = ignore\n"
		"[checks]\n"
		"pie = required\n"
		"fortify = required\n"
		"relro = required\n"
		"[type \"dso\"]\n"
		"pie = ignore   ; a shared library is not a PIE\n"
		"[path \"*/libexec/*\"]\n"
		"fortify = warn\n"
		"[path \"qemu-bridge-helper\"]\n"
		"* = warn\n"
		"relro = required\n"
		"[path \"tests/*\"]\n"
		"* = ignore\n",
		&err);

	(void)state;
	assert_non_null(p);
	assert_string_equal(qh_policy_name(p), "test");
	/* default */
	assert_int_equal(qh_policy_level(p, "/bin/a", "pie", "nx"),
			 QH_LEVEL_IGNORE);
	/* [checks] */
	assert_int_equal(qh_policy_level(p, "/bin/a", "pie", "pie"),
			 QH_LEVEL_REQUIRED);
	/* type beats [checks]; other types unaffected */
	assert_int_equal(qh_policy_level(p, "/lib/libx.so", "dso", "pie"),
			 QH_LEVEL_IGNORE);
	assert_int_equal(qh_policy_level(p, "/lib/libx.so", NULL, "pie"),
			 QH_LEVEL_REQUIRED);
	/* a glob with '/': '*' crosses directories */
	assert_int_equal(qh_policy_level(p, "/usr/lib/x/libexec/y/h", "pie",
					 "fortify"), QH_LEVEL_WARN);
	assert_int_equal(qh_policy_level(p, "/usr/bin/h", "pie", "fortify"),
			 QH_LEVEL_REQUIRED);
	/* a glob without '/' matches the file name anywhere */
	assert_int_equal(qh_policy_level(p, "/usr/lib/qemu/qemu-bridge-helper",
					 "pie", "fortify"), QH_LEVEL_WARN);
	/* inside one scope an exact id beats '*' */
	assert_int_equal(qh_policy_level(p, "/usr/lib/qemu/qemu-bridge-helper",
					 "pie", "relro"), QH_LEVEL_REQUIRED);
	assert_int_equal(qh_policy_level(p, "tests/t1", "exec", "pie"),
			 QH_LEVEL_IGNORE);
	qh_policy_free(p);
}

static void test_later_line_wins(void **state)
{
	struct qh_policy *p = load_text("[checks]\nnx = warn\nnx = required\n",
					NULL);

	(void)state;
	assert_non_null(p);
	assert_int_equal(qh_policy_level(p, "x", "exec", "nx"),
			 QH_LEVEL_REQUIRED);
	qh_policy_free(p);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_load_error("[checks]\nrelro = required\nbogus-check = warn\n", 3,
			  "unknown check id \"bogus-check\"");
	expect_load_error("[checks]\n\nrelro = mandatory\n", 3,
			  "unknown level \"mandatory\"");
	expect_load_error("[policy]\nname = x\ncolour = red\n", 3,
			  "unknown key \"colour\"");
	/* an empty misspelt section is caught too (inih never reports it) */
	expect_load_error("[checks]\nnx = warn\n\n[chekcs]\n", 4,
			  "unknown section [chekcs]");
	expect_load_error("[checks]\nnx = warn\n[chekcs]\npie = warn\n", 3,
			  "unknown section [chekcs]");
	expect_load_error("; c\n[type \"elf\"]\npie = ignore\n", 2,
			  "unknown file type \"elf\"");
	expect_load_error("[type dso]\npie = ignore\n", 1, "\"quoted\"");
	expect_load_error("[checks \"x\"]\n", 1, "takes no argument");
	expect_load_error("[path]\nnx = warn\n", 1, "needs a quoted argument");
	expect_load_error("nx = warn\n", 1, "outside any section");
	expect_load_error("[checks]\nnx required\n", 2, "syntax error");
	expect_load_error("[thresholds]\ncanary-coverage = 120\n", 2,
			  "not a percentage");
	expect_load_error("[thresholds]\nno-such = 50\n", 2,
			  "unknown check id \"no-such\"");
	expect_load_error("[policy]\ndefault = off\n", 2, "unknown level");
}

static void test_overlong_line_is_an_error(void **state)
{
	char text[600];

	(void)state;
	snprintf(text, sizeof(text), "[checks]\nnx = warn\n[path \"%0300d\"]\n",
		 0);
	expect_load_error(text, 3, "longer than");
	snprintf(text, sizeof(text), "[path \"/%060d\"]\nnx = warn\n", 0);
	expect_load_error(text, 1, "section name longer than");
}

static void test_missing_file(void **state)
{
	struct qh_error err = { "" };

	(void)state;
	assert_null(qh_policy_load("/nonexistent/policy.ini", &err));
	assert_non_null(strstr(err.msg, "/nonexistent/policy.ini"));
}

static void test_thresholds(void **state)
{
	struct qh_policy *p = qh_policy_parse_string(
		"[checks]\ncanary-coverage = required\n"
		"[thresholds]\ncanary-coverage = 90%\n", "t.ini", NULL);
	struct qh_result *res = qh_result_new("/usr/bin/x", NULL);
	json_t *low = json_pack("{s:i,s:i}", "protected", 80, "candidates", 100);
	json_t *high = json_pack("{s:i,s:i}", "protected", 95, "candidates", 100);
	double pct = 0;

	(void)state;
	assert_non_null(p);
	assert_true(qh_policy_threshold(p, "canary-coverage", &pct));
	assert_true(pct > 89.9 && pct < 90.1);
	assert_false(qh_policy_threshold(p, "ibt-coverage", &pct));
	/* the check itself said pass; the policy threshold says fail */
	qh_result_add_check(res, "canary-coverage", QH_PASS, low, NULL);
	assert_int_equal(qh_policy_apply(p, res, NULL), 0);
	assert_int_equal(res->checks[0].status, QH_FAIL);
	assert_non_null(strstr(res->checks[0].reason, "80.0%"));
	json_decref(res->checks[0].value);
	res->checks[0].value = high;
	res->checks[0].raw_status = QH_FAIL;
	assert_int_equal(qh_policy_apply(p, res, NULL), 0);
	assert_int_equal(res->checks[0].status, QH_PASS);
	qh_result_free(res);
	qh_policy_free(p);
}

static void test_coverage_percent(void **state)
{
	json_t *none = json_pack("{s:i,s:i}", "protected", 0, "candidates", 0);
	json_t *bad = json_pack("{s:i,s:i}", "protected", 5, "candidates", 2);
	json_t *str = json_string("yes");
	json_t *probed = json_pack("{s:i,s:i}", "probed", 3, "candidates", 4);
	json_t *ibt = json_pack("{s:i,s:[s]}", "checked", 4, "missing", "main");
	double pct = -1;

	(void)state;
	assert_int_equal(qh_coverage_percent(probed, &pct), 0);
	assert_true(pct > 74.9 && pct < 75.1);
	assert_int_equal(qh_coverage_percent(ibt, &pct), 0);
	assert_true(pct > 74.9 && pct < 75.1);
	json_decref(probed);
	json_decref(ibt);
	assert_int_equal(qh_coverage_percent(none, &pct), 0);
	assert_true(pct > 99.9);
	assert_int_equal(qh_coverage_percent(bad, &pct), -1);
	assert_int_equal(qh_coverage_percent(str, &pct), -1);
	assert_int_equal(qh_coverage_percent(NULL, &pct), -1);
	json_decref(none);
	json_decref(bad);
	json_decref(str);
}

static void test_profile_path_is_relative_to_policy(void **state)
{
	struct qh_policy *p = load_text("[policy]\nprofile = profiles/x.ini\n",
					NULL);

	(void)state;
	assert_non_null(p);
	assert_string_equal(qh_policy_profile_path(p), "/tmp/profiles/x.ini");
	qh_policy_free(p);
	p = qh_policy_parse_string("[policy]\nprofile = /etc/p.ini\n", "s", NULL);
	assert_non_null(p);
	assert_string_equal(qh_policy_profile_path(p), "/etc/p.ini");
	qh_policy_free(p);
}

static void test_known_ids_and_types(void **state)
{
	(void)state;
	assert_true(qh_check_id_known("relro"));
	assert_true(qh_check_id_known("canary-coverage"));
	assert_false(qh_check_id_known("relro "));
	assert_false(qh_check_id_known("RELRO"));
	assert_true(qh_type_known("static-pie"));
	assert_false(qh_type_known("so"));
}

/* The shipped policies parse, and openstack-guide.ini says what the
 * built-in default says for the five required checks. */
static void test_shipped_policies_load(void **state)
{
	struct qh_error err = { "" };
	struct qh_policy *guide = qh_policy_load("ci/policies/openstack-guide.ini",
						 &err);
	struct qh_policy *strict = qh_policy_load("ci/policies/strict.ini", &err);
	struct qh_policy *def = qh_policy_default(NULL);
	const char *ids[] = { "relro", "pie", "nx", "canary", "fortify", "rpath",
			      "runpath", "textrel", "rwx-segment", "stripped",
			      "cet-ibt", "stack-clash" };

	(void)state;
	if (!guide || !strict)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(qh_policy_level(guide, "/usr/bin/q", "pie", ids[i]),
				 qh_policy_level(def, "/usr/bin/q", "pie", ids[i]));
	assert_int_equal(qh_policy_level(guide, "/lib/l.so", "dso", "pie"),
			 QH_LEVEL_IGNORE);
	assert_int_equal(qh_policy_level(strict, "/usr/bin/q", "pie", "cet-ibt"),
			 QH_LEVEL_REQUIRED);
	qh_policy_free(guide);
	qh_policy_free(strict);
	qh_policy_free(def);
}

/* Named levels (the audit's rule): only rules naming the id count, the
 * most specific wins; "*" and the default are not a name. Deep checks a
 * policy requires are reported so the deep pass runs. */
static void test_named_level_and_deep(void **state)
{
	struct qh_policy *p = qh_policy_parse_string(
		"[policy]\ndefault = warn\n[checks]\n* = warn\nkvm-available = warn\n"
		"[path \"/usr/bin/*\"]\nkvm-available = ignore\n", "n.ini", NULL);
	struct qh_policy *deep = qh_policy_parse_string(
		"[checks]\nrelro = required\nstack-clash = required\n", "d.ini", NULL);
	struct qh_policy *plain = qh_policy_parse_string(
		"[checks]\nrelro = required\nstack-clash = warn\n", "p.ini", NULL);
	enum qh_level l = QH_LEVEL_REQUIRED;

	(void)state;
	assert_non_null(p);
	assert_non_null(deep);
	assert_non_null(plain);
	assert_false(qh_policy_named_level(p, "/etc/x", NULL, "vhost-net", &l));
	assert_true(qh_policy_named_level(p, "/etc/x", NULL, "kvm-available", &l));
	assert_int_equal(l, QH_LEVEL_WARN);
	assert_true(qh_policy_named_level(p, "/usr/bin/q", NULL, "kvm-available", &l));
	assert_int_equal(l, QH_LEVEL_IGNORE);
	assert_null(qh_policy_deep_required(p));
	assert_string_equal(qh_policy_deep_required(deep), "stack-clash");
	assert_null(qh_policy_deep_required(plain));
	qh_policy_free(p);
	qh_policy_free(deep);
	qh_policy_free(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_openstack_guide),
		cmocka_unit_test(test_apply_levels),
		cmocka_unit_test(test_scopes_and_precedence),
		cmocka_unit_test(test_later_line_wins),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_overlong_line_is_an_error),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_coverage_percent),
		cmocka_unit_test(test_profile_path_is_relative_to_policy),
		cmocka_unit_test(test_known_ids_and_types),
		cmocka_unit_test(test_shipped_policies_load),
		cmocka_unit_test(test_named_level_and_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
