/* test_checks.c - lib/checks, lib/fortify, lib/analyze: the check table,
 * classification and verdicts on fixtures compiled at test time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "checks.h"
#include "fixtures_util.h"
#include "fortify.h"
#include "rules.h"

static struct qh_result *analyze(const char *fixture)
{
	struct qh_analyze_options opts = { 0 };
	struct qh_result *res = qh_analyze_path(fixture_path(fixture), &opts);

	assert_non_null(res);
	if (res->error)
		fail_msg("%s: %s", fixture, res->error);
	return res;
}

static const struct qh_check *check(const struct qh_result *res,
				    const char *id)
{
	const struct qh_check *c = qh_result_find_check(res, id);

	if (!c)
		fail_msg("%s: no check %s", res->path, id);
	return c;
}

static const char *value(const struct qh_result *res, const char *id)
{
	const struct qh_check *c = check(res, id);

	return c->value && json_is_string(c->value) ?
		       json_string_value(c->value) : "";
}

static void test_table_and_rules_agree(void **state)
{
	size_t n;
	const struct qh_check_def *t = qh_check_table(&n);

	(void)state;
	assert_true(n >= 16);
	for (size_t i = 0; i < n; i++) {
		const struct qh_rule *r = qh_rule_find(t[i].id);

		if (!r)
			fail_msg("check %s has no rule row", t[i].id);
		assert_non_null(r->title);
		assert_non_null(r->help);
		assert_non_null(r->fix);
		assert_true(atof(r->severity) > 0.0);
		assert_ptr_equal(qh_check_find(t[i].id), &t[i]);
	}
	for (const struct qh_rule *r = qh_rules_checksec; r->id; r++)
		if (!qh_check_find(r->id))
			fail_msg("rule %s has no check", r->id);
}

static void test_fortify_table(void **state)
{
	size_t n;
	const struct qh_fortify_fn *t = qh_fortify_table(&n);

	(void)state;
	assert_true(n > 80);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(t[i - 1].checked, t[i].checked) < 0);
	assert_string_equal(qh_fortify_by_checked("__memcpy_chk")->plain,
			    "memcpy");
	assert_string_equal(qh_fortify_by_checked("__open_2")->plain, "open");
	assert_non_null(qh_fortify_by_plain("printf"));
	assert_null(qh_fortify_by_plain("strlen"));
	/* Exact names: a prefix or a suffix of a real entry is not one. */
	assert_null(qh_fortify_by_checked("__memcpy_ch"));
	assert_null(qh_fortify_by_checked("memcpy_chk"));
	assert_null(qh_fortify_by_plain("memcpy2"));
}

static void test_every_result_has_every_id_once(void **state)
{
	const char *fixtures[] = { "gcc-hardened", "gcc-object", "gcc-shared",
				   "aarch64", "s390x", "i686-static" };
	size_t n;
	const struct qh_check_def *t = qh_check_table(&n);

	(void)state;
	for (size_t f = 0; f < QH_ARRAY_LEN(fixtures); f++) {
		struct qh_result *res = analyze(fixtures[f]);

		assert_int_equal(res->nchecks, n);
		for (size_t i = 0; i < n; i++)
			assert_string_equal(res->checks[i].id, t[i].id);
		qh_result_free(res);
	}
}

static void test_types(void **state)
{
	static const struct {
		const char *fixture, *type;
	} cases[] = {
		{ "gcc-pie", "pie" },	      { "clang-nopie", "exec" },
		{ "gcc-static", "static" },   { "clang-static-pie", "static-pie" },
		{ "gcc-shared", "dso" },      { "clang-object", "object" },
		{ "i686-nopie", "exec" },     { "s390x-shared", "dso" },
		/* -nostdlib, no soname, an entry point: not a static-pie */
		{ "bare-lib", "dso" },        { "bare-lib-start", "dso" },
		{ "keep-debug", "other" },    { "keep-debug-static", "other" },
		{ "gcc-static-pie-now", "static-pie" },
	};

	(void)state;
	for (size_t i = 0; i < QH_ARRAY_LEN(cases); i++) {
		struct qh_result *res = analyze(cases[i].fixture);

		if (strcmp(res->type, cases[i].type) != 0)
			fail_msg("%s: type %s, built as %s", cases[i].fixture,
				 res->type, cases[i].type);
		qh_result_free(res);
	}
}

/* Why a type is what it is, when `type` alone would mislead. */
static void test_type_notes(void **state)
{
	struct qh_result *res;
	const json_t *cands;

	(void)state;
	res = analyze("bare-lib-start");
	assert_non_null(res->type_note);
	assert_string_equal(json_string_value(json_object_get(res->type_note,
							      "kind")),
			    "uncertain");
	cands = json_object_get(res->type_note, "candidates");
	assert_int_equal(json_array_size(cands), 2);
	assert_string_equal(json_string_value(json_array_get(cands, 0)), "dso");
	assert_string_equal(json_string_value(json_array_get(cands, 1)),
			    "static-pie");
	assert_non_null(strstr(json_string_value(json_object_get(
				       res->type_note, "evidence")), "_start"));
	qh_result_free(res);
	res = analyze("bare-lib");
	assert_null(res->type_note);
	qh_result_free(res);
	/* a debug file: every check skips, saying why */
	res = analyze("keep-debug");
	assert_string_equal(json_string_value(json_object_get(res->type_note,
							      "kind")),
			    "separate-debug");
	for (size_t i = 0; i < res->nchecks; i++) {
		assert_int_equal(res->checks[i].status, QH_SKIP);
		assert_non_null(strstr(res->checks[i].evidence, "debug file"));
	}
	qh_result_free(res);
	res = analyze("ei-version");
	assert_int_equal(json_array_size(res->warnings), 1);
	assert_null(res->type_note);
	qh_result_free(res);
}

/* Full RELRO from where the relocations land. */
static void test_relro_slots(void **state)
{
	static const struct {
		const char *fixture, *relro, *evidence;
	} cases[] = {
		/* libc's IRELATIVE slots in .got.plt, above PT_GNU_RELRO */
		{ "gcc-static", "partial", "IRELATIVE slots at" },
		{ "clang-static-pie", "partial", "in .got.plt lie outside" },
		{ "arm-static", "partial", "IRELATIVE slots at" },
		{ "aarch64-static", "partial", "IRELATIVE" },
		{ "gcc-static-now", "full", "IRELATIVE) lies inside" },
		{ "gcc-static-pie-now", "full", "lies inside" },
		/* MIPS: the GOT is relocated without entries, never RELRO */
		{ "mips", "partial", "MIPS GOT slots" },
		{ "arm", "full", "JUMP_SLOT" },
		{ "s390x", "full", "lies inside" },
		{ "zero-seg", "full", "lies inside" },
	};

	(void)state;
	for (size_t i = 0; i < QH_ARRAY_LEN(cases); i++) {
		struct qh_result *res = analyze(cases[i].fixture);
		const struct qh_check *c = check(res, "relro");

		if (strcmp(value(res, "relro"), cases[i].relro) != 0 ||
		    !strstr(c->evidence, cases[i].evidence))
			fail_msg("%s: relro %s (%s), wanted %s with \"%s\"",
				 cases[i].fixture, value(res, "relro"),
				 c->evidence, cases[i].relro,
				 cases[i].evidence);
		qh_result_free(res);
	}
}

/* No PT_GNU_STACK: the machine's rule, named in the evidence. */
static void test_stack_defaults(void **state)
{
	static const struct {
		const char *fixture, *nx, *rule;
	} cases[] = {
		{ "nostack", "no", "x86_64 rule" },
		{ "nostack-i686", "no", "i386 rule" },
		{ "nostack-aarch64", "yes", "aarch64 rule" },
		{ "nostack-ppc64le", "yes", "ppc64 rule" },
		{ "nostack-s390x", "no", "s390 rule" },
		{ "nostack-arm", "no", "arm rule" },
		{ "nostack-mips", "no", "mips rule" },
	};

	(void)state;
	for (size_t i = 0; i < QH_ARRAY_LEN(cases); i++) {
		struct qh_result *res = analyze(cases[i].fixture);
		const struct qh_check *c = check(res, "nx");

		if (strcmp(value(res, "nx"), cases[i].nx) != 0 ||
		    !strstr(c->evidence, cases[i].rule) ||
		    !strstr(c->evidence, "no PT_GNU_STACK"))
			fail_msg("%s: nx %s (%s)", cases[i].fixture,
				 value(res, "nx"), c->evidence);
		assert_int_equal(c->status, strcmp(cases[i].nx, "yes") == 0 ?
						    QH_PASS : QH_FAIL);
		qh_result_free(res);
	}
}

static void test_relro_markers(void **state)
{
	struct qh_result *res;

	(void)state;
	res = analyze("gcc-relro-full");
	assert_string_equal(value(res, "relro"), "full");
	assert_int_equal(check(res, "relro")->status, QH_PASS);
	qh_result_free(res);
	/* DT_FLAGS BIND_NOW removed by the test's patcher: DF_1_NOW alone. */
	res = analyze("df1now");
	assert_string_equal(value(res, "relro"), "full");
	assert_non_null(strstr(check(res, "relro")->evidence, "DT_FLAGS_1"));
	qh_result_free(res);
	res = analyze("df1now-cleared");
	assert_string_equal(value(res, "relro"), "partial");
	assert_int_equal(check(res, "relro")->status, QH_FAIL);
	qh_result_free(res);
	res = analyze("gcc-norelro");
	assert_string_equal(value(res, "relro"), "none");
	qh_result_free(res);
}

static void test_canary_static_needs_a_call(void **state)
{
	struct qh_result *res;

	(void)state;
	res = analyze("gcc-static");
	assert_string_equal(value(res, "canary"), "yes");
	assert_non_null(strstr(check(res, "canary")->evidence, "main()"));
	qh_result_free(res);
	/* libc's own __stack_chk_fail is there, but the program has no
	 * guard code: not a pass. */
	res = analyze("gcc-static-nossp");
	assert_int_equal(check(res, "canary")->status, QH_WARN);
	qh_result_free(res);
}

/* The same rule on every machine: main()'s own call to __stack_chk_fail. */
static void test_canary_static_machines(void **state)
{
	static const struct {
		const char *fixture, *how;
	} cases[] = {
		{ "aarch64-static", "(BL)" },
		{ "i686-static", "(call rel32)" },
		{ "arm-static", "(Thumb BL/BLX)" },
		{ "arm-static-O2", "(BL/BLX)" },
		{ "mips-static", "(jal/bal or a call through the GOT)" },
		{ "mips-static-O2", "(jal/bal or a call through the GOT)" },
		{ "ppc64le-static", "(bl)" },
		{ "s390x-static", "(brasl)" },
	};

	(void)state;
	for (size_t i = 0; i < QH_ARRAY_LEN(cases); i++) {
		struct qh_result *res = analyze(cases[i].fixture);
		const struct qh_check *c = check(res, "canary");

		if (c->status != QH_PASS || !strstr(c->evidence, "main() calls") ||
		    !strstr(c->evidence, cases[i].how))
			fail_msg("%s: canary %s (%s)", cases[i].fixture,
				 qh_status_name(c->status), c->evidence);
		qh_result_free(res);
	}
}

static void test_fortify_lists(void **state)
{
	struct qh_result *res = analyze("gcc-fortify-mixed");
	const struct qh_check *c = check(res, "fortify");
	json_t *fortified = json_object_get(c->value, "fortified");
	json_t *unfortified = json_object_get(c->value, "unfortified");
	bool strcpy_seen = false, memcpy_seen = false;
	size_t i;
	json_t *v;

	(void)state;
	assert_int_equal(c->status, QH_WARN);
	json_array_foreach(fortified, i, v)
		strcpy_seen |= strcmp(json_string_value(v), "strcpy") == 0;
	json_array_foreach(unfortified, i, v)
		memcpy_seen |= strcmp(json_string_value(v), "memcpy") == 0;
	assert_true(strcpy_seen && memcpy_seen);
	qh_result_free(res);
}

static void test_skips_by_machine_and_type(void **state)
{
	struct qh_result *res;

	(void)state;
	res = analyze("s390x");
	assert_int_equal(check(res, "cet-ibt")->status, QH_SKIP);
	assert_int_equal(check(res, "bti")->status, QH_SKIP);
	assert_string_equal(res->endian, "big");
	qh_result_free(res);
	res = analyze("gcc-object");
	assert_int_equal(check(res, "relro")->status, QH_SKIP);
	assert_int_equal(check(res, "pie")->status, QH_SKIP);
	assert_int_equal(check(res, "textrel")->status, QH_SKIP);
	assert_string_equal(value(res, "canary"), "yes");
	qh_result_free(res);
	res = analyze("gcc-shared");
	assert_int_equal(check(res, "pie")->status, QH_SKIP);
	qh_result_free(res);
}

static void test_memory_equals_path(void **state)
{
	struct qh_analyze_options opts = { 0 };
	struct qh_result *a = analyze("aarch64"), *b;
	FILE *f = fopen(fixture_path("aarch64"), "rb");
	char *buf;
	long n;

	(void)state;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b = qh_analyze_memory(buf, (size_t)n, "aarch64", &opts);
	free(buf);
	assert_non_null(b);
	assert_null(b->error);
	assert_int_equal(a->nchecks, b->nchecks);
	for (size_t i = 0; i < a->nchecks; i++) {
		assert_string_equal(a->checks[i].id, b->checks[i].id);
		assert_int_equal(a->checks[i].status, b->checks[i].status);
		assert_true(json_equal(a->checks[i].value, b->checks[i].value) ||
			    (!a->checks[i].value && !b->checks[i].value));
	}
	qh_result_free(a);
	qh_result_free(b);
}

static void test_errors_carry_no_checks(void **state)
{
	struct qh_analyze_options opts = { 0 };
	struct qh_result *res = qh_analyze_memory("\177ELF\002\001", 6, "short",
						  &opts);

	(void)state;
	assert_non_null(res);
	assert_non_null(res->error);
	assert_int_equal(res->nchecks, 0);
	assert_null(strstr(res->error, "short:"));
	qh_result_free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_and_rules_agree),
		cmocka_unit_test(test_fortify_table),
		cmocka_unit_test(test_every_result_has_every_id_once),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_type_notes),
		cmocka_unit_test(test_relro_slots),
		cmocka_unit_test(test_stack_defaults),
		cmocka_unit_test(test_relro_markers),
		cmocka_unit_test(test_canary_static_needs_a_call),
		cmocka_unit_test(test_canary_static_machines),
		cmocka_unit_test(test_fortify_lists),
		cmocka_unit_test(test_skips_by_machine_and_type),
		cmocka_unit_test(test_memory_equals_path),
		cmocka_unit_test(test_errors_carry_no_checks),
	};

	if (fixtures_build() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
