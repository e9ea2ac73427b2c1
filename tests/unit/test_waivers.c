/* test_waivers.c - waiver files: parsing and file:line errors, applying a
 * waiver, expiry, unused waivers, and the waiver file's own result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

#define TODAY "2026-06-15"

static const char good[] =
	"# accepted findings\n"
	"[waiver \"helper-fortify\"]\n"
	"path = */qemu-bridge-helper\n"
	"check = fortify\n"
	"reason = upstream builds the helper without optimisation\n"
	"expires = 2026-12-31\n"
	"ticket = QH-1\n"
	"\n"
	"[waiver \"old-rpath\"]\n"
	"path = libfoo.so*\n"
	"check = rpath\n"
	"reason = vendored library\n"
	"expires = 2026-06-15\n"
	"\n"
	"[waiver \"never-needed\"]\n"
	"path = /opt/*\n"
	"check = *\n"
	"reason = third-party tree\n"
	"expires = 2030-01-01\n";

static void expect_error(const char *text, const char *prefix,
			 const char *needle)
{
	struct qh_error err = { "" };
	struct qh_waivers *w = qh_waivers_parse_string(text, "w.ini", &err);

	assert_null(w);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0 ||
	    !strstr(err.msg, needle))
		fail_msg("wanted \"%s...%s\", got \"%s\"", prefix, needle, err.msg);
}

static void test_parse_good(void **state)
{
	struct qh_error err = { "" };
	struct qh_waivers *w = qh_waivers_parse_string(good, "w.ini", &err);
	struct qh_waiver *h;

	(void)state;
	if (!w)
		fail_msg("%s", err.msg);
	assert_int_equal(qh_waivers_count(w), 3);
	h = qh_waivers_at(w, 0);
	assert_string_equal(h->name, "helper-fortify");
	assert_string_equal(h->path, "*/qemu-bridge-helper");
	assert_string_equal(h->check, "fortify");
	assert_string_equal(h->expires, "2026-12-31");
	assert_string_equal(h->ticket, "QH-1");
	assert_int_equal(h->line, 2);
	assert_null(qh_waivers_at(w, 1)->ticket);
	assert_null(qh_waivers_at(w, 3));
	qh_waivers_free(w);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("[waiver \"a\"]\npath = x\ncheck = nx\nexpires = 2030-01-01\n",
		     "w.ini:1: ", "has no reason");
	expect_error("[waiver \"a\"]\npath = x\ncheck = nx\nreason = r\n",
		     "w.ini:1: ", "has no expires");
	expect_error("[waiver \"a\"]\npath = x\ncheck = nx\nreason = r\n"
		     "expires = 2030-01-01\nowner = me\n",
		     "w.ini:6: ", "unknown key \"owner\"");
	expect_error("[waiver \"a\"]\ncheck = nope\n", "w.ini:2: ",
		     "unknown check id \"nope\"");
	expect_error("[waiver \"a\"]\nexpires = 2027-02-30\n", "w.ini:2: ",
		     "not a date");
	expect_error("[waiver \"a\"]\nexpires = 1/3/2027\n", "w.ini:2: ",
		     "not a date");
	expect_error("[waivers]\n", "w.ini:1: ", "unknown section [waivers]");
	expect_error("\n\n[waiver \"a\"]\npath = x\ncheck = nx\nreason = r\n"
		     "expires = 2030-01-01\n[waiver \"a\"]\n",
		     "w.ini:8: ", "already defined at line 3");
	expect_error("path = x\n", "w.ini:1: ", "outside");
	expect_error("[waiver \"a\"]\nreason = r\nreason = s\n", "w.ini:3: ",
		     "set twice");
	expect_error("[waiver \"a\"]\nreason =\n", "w.ini:2: ", "empty");
}

static void test_dates(void **state)
{
	char today[11];

	(void)state;
	assert_true(qh_date_valid("2024-02-29"));
	assert_false(qh_date_valid("2023-02-29"));
	assert_false(qh_date_valid("1900-02-29"));
	assert_true(qh_date_valid("2000-02-29"));
	assert_false(qh_date_valid("2024-13-01"));
	assert_false(qh_date_valid("2024-1-01"));
	assert_false(qh_date_valid("2024-01-01x"));
	qh_today_utc(today);
	assert_true(qh_date_valid(today));
}

static struct qh_result *make_result(const char *path, const char *id,
				     enum qh_status status)
{
	struct qh_result *res = qh_result_new(path, NULL);

	assert_non_null(res);
	assert_non_null(qh_result_add_check(res, id, status, NULL, NULL));
	assert_non_null(qh_result_add_check(res, "nx", QH_PASS, NULL, NULL));
	return res;
}

static void test_apply_expiry_and_unused(void **state)
{
	struct qh_waivers *w = qh_waivers_parse_string(good, "w.ini", NULL);
	struct qh_result *helper = make_result("/usr/lib/qemu/qemu-bridge-helper",
					       "fortify", QH_FAIL);
	struct qh_result *lib = make_result("/usr/lib/libfoo.so.1", "rpath",
					    QH_FAIL);
	struct qh_result *other = make_result("/usr/bin/qemu-img", "fortify",
					      QH_FAIL);
	struct qh_result *wr;
	struct qh_check *c;
	json_t *sum;

	(void)state;
	assert_non_null(w);
	/* a live waiver turns the failure into a warn and says who waived it */
	assert_int_equal(qh_waivers_apply(w, helper, TODAY, NULL), 1);
	c = qh_result_find_check(helper, "fortify");
	assert_int_equal(c->status, QH_WARN);
	assert_non_null(strstr(c->waived_by, "helper-fortify"));
	assert_non_null(strstr(c->waived_by, "QH-1"));
	assert_null(qh_result_find_check(helper, "nx")->waived_by);
	/* expired on its expiry date: waives nothing */
	assert_int_equal(qh_waivers_apply(w, lib, TODAY, NULL), 0);
	assert_int_equal(qh_result_find_check(lib, "rpath")->status, QH_FAIL);
	assert_int_equal(qh_waivers_apply(w, lib, "2026-06-14", NULL), 1);
	/* a path the waiver does not name stays failing */
	assert_int_equal(qh_waivers_apply(w, other, TODAY, NULL), 0);
	assert_int_equal(qh_result_find_check(other, "fortify")->status, QH_FAIL);

	wr = qh_waivers_result(w, TODAY, NULL);
	assert_non_null(wr);
	assert_string_equal(wr->path, "w.ini");
	c = qh_result_find_check(wr, "waiver-expired");
	assert_int_equal(c->status, QH_FAIL);
	assert_non_null(strstr(c->evidence, "old-rpath"));
	assert_int_equal(c->nlocations, 1);
	assert_int_equal(c->locations[0].line, 9);
	c = qh_result_find_check(wr, "waiver-unused");
	assert_int_equal(c->status, QH_WARN);
	assert_non_null(strstr(c->evidence, "never-needed"));
	assert_null(strstr(c->evidence, "helper-fortify"));
	assert_int_equal(c->nlocations, 1);

	sum = qh_waivers_summary(w, TODAY);
	assert_int_equal(json_array_size(json_object_get(sum, "used")), 1);
	assert_int_equal(json_array_size(json_object_get(sum, "unused")), 1);
	assert_int_equal(json_array_size(json_object_get(sum, "expired")), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(sum, "expired"), 0), "name")),
		"old-rpath");
	json_decref(sum);
	qh_result_free(wr);
	qh_result_free(helper);
	qh_result_free(lib);
	qh_result_free(other);
	qh_waivers_free(w);
}

static void test_all_clear_result_passes(void **state)
{
	struct qh_waivers *w = qh_waivers_parse_string(
		"[waiver \"a\"]\npath = *\ncheck = *\nreason = r\n"
		"expires = 2999-01-01\n", "w.ini", NULL);
	struct qh_result *res = make_result("/x", "pie", QH_WARN);
	struct qh_result *wr;

	(void)state;
	assert_int_equal(qh_waivers_apply(w, res, TODAY, NULL), 1);
	wr = qh_waivers_result(w, TODAY, NULL);
	assert_int_equal(qh_result_find_check(wr, "waiver-expired")->status,
			 QH_PASS);
	assert_int_equal(qh_result_find_check(wr, "waiver-unused")->status,
			 QH_PASS);
	assert_int_equal(qh_result_worst(wr), QH_PASS);
	qh_result_free(wr);
	qh_result_free(res);
	qh_waivers_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_apply_expiry_and_unused),
		cmocka_unit_test(test_all_clear_result_passes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
