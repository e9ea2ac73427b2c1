/* test_emit.c - the emitter driver, the escaping rule, text and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "emit_fixture.h"
#include "json_util.h"

static void test_formats_known(void **state)
{
	const char *const *f = qh_emit_formats();
	struct qh_error err = { "" };
	size_t n = 0;

	(void)state;
	for (; f[n]; n++)
		assert_true(qh_emit_format_known(f[n]));
	assert_true(n >= 2);
	assert_true(qh_emit_format_known("json"));
	assert_false(qh_emit_format_known("yaml"));
	assert_null(qh_emitter_new("yaml", stdout, NULL, &err));
	assert_non_null(strstr(err.msg, "unknown format 'yaml'"));
}

static void test_escape_rule(void **state)
{
	char *s;

	(void)state;
	/* valid UTF-8 and printable ASCII are kept */
	s = qh_escape_dup("a b/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", QH_ESC_CONTROL);
	assert_string_equal(s, "a b/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	free(s);
	/* stray, overlong, surrogate, too big, truncated: one \xNN per byte */
	s = qh_escape_dup("\xff|\xc0\xaf|\xed\xa0\x80|\xf5\x80|\xe2\x82", 0);
	assert_string_equal(s, "\\xff|\\xc0\\xaf|\\xed\\xa0\\x80|\\xf5\\x80|\\xe2\\x82");
	free(s);
	/* control characters only with QH_ESC_CONTROL; C1 too */
	s = qh_escape_dup("a\nb\033c\x7f\xc2\x9b", 0);
	assert_string_equal(s, "a\nb\033c\x7f\xc2\x9b");
	free(s);
	s = qh_escape_dup("a\nb\033c\x7f\xc2\x9b\t", QH_ESC_CONTROL);
	assert_string_equal(s, "a\\x0ab\\x1bc\\x7f\\xc2\\x9b\\x09");
	free(s);
	s = qh_escape_dup("a\nb\tc\r", QH_ESC_CONTROL | QH_ESC_KEEP_NL);
	assert_string_equal(s, "a\nb\tc\\x0d");
	free(s);
	s = qh_escape_dup("\xef\xbf\xbe", QH_ESC_XML);
	assert_string_equal(s, "\\xef\\xbf\\xbe");
	free(s);
	assert_null(qh_escape_dup(NULL, 0));
}

static void test_fingerprint_stable(void **state)
{
	const char *a[] = { "/bin/x", "relro", NULL };
	const char *b[] = { "/bin/x", "relro", "" };
	const char *c[] = { "/bin/xr", "elro", NULL };

	(void)state;
	/* field boundaries matter; NULL equals "" */
	assert_true(qh_fnv1a64(a, 3) == qh_fnv1a64(b, 3));
	assert_true(qh_fnv1a64(a, 3) != qh_fnv1a64(c, 3));
	/* no fields: the FNV-1a 64 offset basis, the same on every machine */
	assert_true(qh_fnv1a64(NULL, 0) == 0xcbf29ce484222325ULL);
}

static void test_json_contract_shape(void **state)
{
	struct qh_report *r = fixture_report();
	json_error_t jerr;
	json_t *doc, *res, *checks, *c;
	const char *key;
	json_t *val;
	const char *order[] = { "schema", "tool", "command", "results",
				"summary", "build" };
	size_t i = 0;
	int rc;
	char *out = emit_to_string(r, "json", false, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	doc = json_loads(out, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fail_msg("invalid JSON: %s line %d\n%s", jerr.text, jerr.line, out);
	/* stable top-level key order */
	json_object_foreach(doc, key, val) {
		assert_true(i < QH_ARRAY_LEN(order));
		assert_string_equal(key, order[i++]);
	}
	assert_int_equal(i, QH_ARRAY_LEN(order));
	assert_int_equal(json_integer_value(json_object_get(doc, "schema")), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(doc, "tool"), "version")), QHARD_VERSION);
	assert_string_equal(json_string_value(json_object_get(doc, "command")),
			    "checksec");
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 3);

	res = json_array_get(json_object_get(doc, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(res, "type")), "pie");
	assert_int_equal(json_integer_value(json_object_get(res, "class")), 64);
	assert_true(json_is_null(json_object_get(res, "error")));
	checks = json_object_get(res, "checks");
	c = json_object_get(checks, "relro");
	assert_string_equal(json_string_value(json_object_get(c, "status")), "pass");
	assert_string_equal(json_string_value(json_object_get(c, "value")), "full");
	assert_null(json_object_get(c, "reason")); /* only when set */
	c = json_object_get(checks, "fortify");
	assert_int_equal(json_array_size(json_object_get(
		json_object_get(c, "value"), "fortified")), 3);

	/* hostile path: newline/ESC kept as JSON escapes, 0xff as \xff text */
	res = json_array_get(json_object_get(doc, "results"), 1);
	assert_string_equal(json_string_value(json_object_get(res, "path")),
			    "/tmp/we ird\n\033[31m\\xff-\xc3\xa9.so");
	c = json_object_get(json_object_get(res, "checks"), "stack-clash");
	assert_string_equal(json_string_value(json_object_get(c, "fix")),
			    "build with -fstack-clash-protection");
	assert_string_equal(json_string_value(json_object_get(c, "severity")), "high");
	val = json_array_get(json_object_get(c, "locations"), 0);
	assert_string_equal(json_string_value(json_object_get(val, "function")),
			    "big_frame");
	assert_int_equal(json_integer_value(json_object_get(val, "line")), 42);
	assert_string_equal(json_string_value(json_object_get(val, "address")),
			    "0x401000");
	c = json_object_get(json_object_get(res, "checks"), "rpath");
	assert_string_equal(json_string_value(json_object_get(c, "waived_by")),
			    "vendor blob, ticket QH-1");

	/* the error result has no checks, and the summary counts it */
	res = json_array_get(json_object_get(doc, "results"), 2);
	assert_null(json_object_get(res, "checks"));
	assert_non_null(strstr(json_string_value(json_object_get(res, "error")),
			       "bad magic"));
	val = json_object_get(doc, "summary");
	assert_int_equal(json_object_size(val), 4);
	assert_int_equal(json_integer_value(json_object_get(val, "files")), 3);
	assert_int_equal(json_integer_value(json_object_get(val, "pass")), 1);
	assert_int_equal(json_integer_value(json_object_get(val, "fail")), 1);
	assert_int_equal(json_integer_value(json_object_get(val, "error")), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(doc, "build"), "profile")), "x86-minimal");
	json_decref(doc);
	free(out);
	qh_report_free(r);
}

static void test_json_empty_and_python(void **state)
{
	struct qh_report *r = qh_report_new("audit", NULL);
	int rc;
	char *out = emit_to_string(r, "json", false, &rc);
	json_t *doc;

	(void)state;
	assert_int_equal(rc, 0);
	doc = json_loads(out, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 0);
	json_decref(doc);
	free(out);
	qh_report_free(r);

	/* a second, independent parser agrees the hostile report is JSON */
	r = fixture_report();
	out = emit_to_string(r, "json", false, &rc);
	assert_int_equal(pipe_to("python3 -c 'import json,sys; d=json.load(sys.stdin); "
				 "assert len(d[\"results\"])==3'", out), 0);
	free(out);
	qh_report_free(r);
}

/* Results reach the stream as they are handed over, before end. */
static void test_json_streams(void **state)
{
	struct qh_report *r = qh_report_new("checksec", NULL);
	struct qh_result *res = fixture_good();
	struct qh_error err = { "" };
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	struct qh_emitter *e = qh_emitter_new("json", f, NULL, &err);

	(void)state;
	assert_non_null(e);
	assert_int_equal(qh_emitter_result(e, res, &err), -1); /* before begin */
	assert_int_equal(qh_emitter_begin(e, r, &err), 0);
	assert_int_equal(qh_emitter_result(e, res, &err), 0);
	fflush(f);
	assert_non_null(strstr(data, "/usr/bin/qemu-img"));
	qh_result_free(res); /* the emitter keeps no pointer to it */
	res = fixture_broken();
	assert_int_equal(qh_emitter_result(e, res, &err), 0);
	qh_result_free(res);
	/* no summary given: the emitter counts what it saw */
	assert_int_equal(qh_emitter_end(e, r, NULL, &err), 0);
	assert_int_equal(qh_emitter_end(e, r, NULL, &err), -1);
	qh_emitter_free(e);
	fclose(f);
	assert_non_null(strstr(data, "\"summary\":{\"files\":2,\"pass\":1,"
				     "\"fail\":0,\"error\":1}"));
	free(data);
	qh_report_free(r);
}

static void test_write_error_reported(void **state)
{
	struct qh_report *r = fixture_report();
	struct qh_error err = { "" };
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f)
		skip();
	assert_int_equal(qh_report_emit(r, "json", f, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "writing json output"));
	fclose(f);
	qh_report_free(r);
}

static void test_text(void **state)
{
	struct qh_report *r = fixture_report();
	int rc;
	char *out = emit_to_string(r, "text", false, &rc);
	char *first_nl;

	(void)state;
	assert_int_equal(rc, 0);
	/* one line per file: the first line is the good file, aligned */
	first_nl = strchr(out, '\n');
	assert_non_null(first_nl);
	*first_nl = '\0';
	assert_non_null(strstr(out, "/usr/bin/qemu-img"));
	assert_int_equal(strstr(out, "pie ") - out, 40);
	assert_non_null(strstr(out, "pie       warn relro=full pie=yes canary=yes "
				    "fortify=3/4?"));
	*first_nl = '\n';
	/* hostile path: escaped, cannot break the line or color the tty */
	assert_non_null(strstr(out, "/tmp/we ird\\x0a\\x1b[31m\\xff-\xc3\xa9.so"));
	assert_null(strchr(out, '\033'));
	/* worst verdict, ! for fail and ? for warn, n/a checks left out */
	assert_non_null(strstr(out, "dso       FAIL relro=partial! stack-clash=no! "
				    "rpath=lib(waived) my-new-check=odd?\n"));
	assert_non_null(strstr(out, "(a trailing ! fails the policy, ? is a "
				    "warning)\n"));
	/* a finding with reason/fix gets detail lines */
	assert_non_null(strstr(out, "    fail stack-clash [high]: no probes in "
				    "\"big_frame\"\n"));
	assert_non_null(strstr(out, "      fix: build with -fstack-clash-protection\n"));
	assert_non_null(strstr(out, "      at big_frame (hw/net/e1000.c:42) 0x401000\n"));
	/* error line, extra section outline, summary line */
	assert_non_null(strstr(out, "error: not an ELF file (bad magic "
				    "\"\\x7fEL\")\n"));
	assert_non_null(strstr(out, "build:\n  profile: x86-minimal\n"
				    "  devices: virtio-net-pci,e1000\n"
				    "  findings:\n    - id: flag-missing\n"
				    "      severity: medium\n"));
	assert_non_null(strstr(out, "qhard checksec: 3 files, 1 pass (1 with "
				    "warnings), 1 fail, 1 error\n"));
	free(out);

	/* color only on request, and only around failing items */
	out = emit_to_string(r, "text", true, &rc);
	assert_non_null(strstr(out, "\033[31mrelro=partial\033[0m"));
	assert_non_null(strstr(out, "\033[31mFAIL\033[0m"));
	assert_non_null(strstr(out, " relro=full pie=yes"));
	assert_null(strchr(out, '!'));
	assert_null(strstr(out, "(a trailing"));
	free(out);
	qh_report_free(r);
}

/* --verbose: every check's evidence under the file line. */
/* The path column widens for long paths (up to a cap) and stays wide. */
static void test_text_path_column(void **state)
{
	static const char too_long[] = "/very/long/path/that/goes/beyond/the/"
				       "cap/of/the/column/width/and/further/still.so";
	struct qh_report *r = qh_report_new("checksec", NULL);
	const char *paths[] = {
		"a", "/usr/lib/x86_64-linux-gnu/libgobject-2.0.so.0.7400.6", "b",
		too_long, "c",
	};
	const int type_col[] = { 40, 53, 53, -1, 53 };
	int rc;
	char *out, *line;

	(void)state;
	for (size_t i = 0; i < QH_ARRAY_LEN(paths); i++) {
		struct qh_result *res = qh_result_new(paths[i], NULL);

		res->type = strdup("dso");
		qh_result_add_check(res, "nx", QH_PASS, json_string("yes"), NULL);
		qh_report_add(r, res, NULL);
	}
	out = emit_to_string(r, "text", false, &rc);
	line = out;
	for (size_t i = 0; i < QH_ARRAY_LEN(paths); i++) {
		char *nl = strchr(line, '\n');

		*nl = '\0';
		if (type_col[i] >= 0)
			assert_int_equal(strstr(line, " dso ") + 1 - line, type_col[i]);
		else
			assert_non_null(strstr(line, "still.so dso       ok   nx=yes"));
		line = nl + 1;
	}
	free(out);
	qh_report_free(r);
}

static void test_text_verbose(void **state)
{
	struct qh_report *r = fixture_report();
	struct qh_emit_options opts = { .verbose = true };
	struct qh_error err = { "" };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	assert_int_equal(qh_report_emit(r, "text", f, &opts, &err), 0);
	fclose(f);
	assert_non_null(strstr(out, " FAIL relro=partial! pie=n/a stack-clash=no!"));
	assert_non_null(strstr(out, "    pass relro: PT_GNU_RELRO + DT_FLAGS BIND_NOW\n"));
	assert_non_null(strstr(out, "    skip pie: not applicable to dso\n"));
	assert_non_null(strstr(out, "    pass rpath: DT_RPATH lib (relative)\n"
				    "      waived: vendor blob, ticket QH-1\n"));
	/* 4 + 5 checks, each with one detail line */
	assert_int_equal(count_substr(out, "\n    pass ") + count_substr(out, "\n    fail ") +
			 count_substr(out, "\n    warn ") + count_substr(out, "\n    skip "), 9);
	free(out);
	qh_report_free(r);
}

/* A --deep style subject: records with thousands of names and hundreds
 * of locations, and a long path. */
static struct qh_report *deep_report(void)
{
	struct qh_report *r = qh_report_new("checksec", NULL);
	struct qh_result *res = qh_result_new("/usr/bin/qemu-system-x86_64", NULL);
	json_t *missing = json_array(), *unprobed = json_array();
	struct qh_check *c;
	char name[32];

	res->type = strdup("pie");
	qh_result_add_check(res, "relro", QH_PASS, json_string("full"), "ok");
	qh_result_add_check(res, "fortify", QH_WARN, json_pack("{s:[s,s],s:[s]}",
			    "fortified", "memcpy", "read", "unfortified", "memcpy"),
			    "2 fortified, 1 not");
	for (int i = 0; i < 12; i++) {
		char id[16];

		snprintf(id, sizeof(id), "check-%02d", i);
		qh_result_add_check(res, id, QH_PASS, json_string("yes-indeed"), "ok");
	}
	for (int i = 0; i < 19681; i++) {
		snprintf(name, sizeof(name), "fn_%x", 0x400000 + i * 16);
		json_array_append_new(missing, json_string(name));
	}
	qh_result_add_check(res, "ibt-coverage", QH_SKIP, json_pack(
		"{s:b,s:i,s:o}", "claimed", 0, "checked", 19681, "missing", missing),
		"19681 of 19681 functions lack endbr64");
	c = qh_result_add_check(res, "stack-clash-coverage", QH_WARN, NULL,
				"%s", "0 of 77 functions with large or variable frames "
				"probe the stack, which is a long piece of evidence that "
				"goes on and on so that it cannot fit on one line of any "
				"reasonable terminal, not even a wide one");
	for (int i = 0; i < 77; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		json_array_append_new(unprobed, json_string(name));
		/* f3 has 10 locations, f5 has 4, the rest 1 */
		qh_check_add_location(c, name, "hw/x.c", 100 + (unsigned)i,
				      0x1000 + (uint64_t)i);
		for (int k = 0; k < (i == 3 ? 9 : i == 5 ? 3 : 0); k++)
			qh_check_add_location(c, name, "hw/x.c", 200 + (unsigned)k, 0);
	}
	c->value = json_pack("{s:i,s:i,s:o}", "probed", 0, "candidates", 77,
			     "unprobed", unprobed);
	c = qh_result_add_check(res, "fortify-sites", QH_WARN, json_pack(
		"{s:i,s:{s:i,s:i,s:i,s:i,s:i,s:i,s:i}}", "count", 9, "callees",
		"read", 1, "memcpy", 257, "memset", 235, "poll", 4, "memmove", 53,
		"strcpy", 2, "pread64", 25), "9 calls");
	qh_check_add_location(c, "g", "hw/y.c", 7, 0x2000);
	qh_report_add(r, res, NULL);
	return r;
}

static char *emit_text(const struct qh_report *r, bool verbose)
{
	struct qh_emit_options opts = { .verbose = verbose };
	struct qh_error err = { "" };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_int_equal(qh_report_emit(r, "text", f, &opts, &err), 0);
	fclose(f);
	return out;
}

/* --deep: a screenful of summary, lines under 200 columns; --verbose has
 * every name and location. */
static void test_text_deep_summary(void **state)
{
	struct qh_report *r = deep_report();
	char *out = emit_text(r, false), *line, *save = NULL;
	size_t lines = 0, longest = 0;

	(void)state;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lines++;
		if (strlen(line) > longest)
			longest = strlen(line);
	}
	free(out);
	assert_true(lines <= 30);
	assert_true(longest < 200);
	out = emit_text(r, false);
	/* records are under the line, not on it */
	assert_null(strstr(out, "ibt-coverage="));
	assert_null(strstr(out, "\"missing\""));
	assert_non_null(strstr(out, " fortify=2/3?"));
	/* the checks wrap under their column */
	assert_non_null(strstr(out, "\n" /* 54 columns, where " relro" starts */
				    "                                                      "
				    " check-04"));
	/* evidence wraps under itself */
	assert_non_null(strstr(out, "    warn stack-clash-coverage: 0 of 77 functions"));
	assert_non_null(strstr(out, "\n         "));
	/* lists: the first five names, the biggest counts */
	assert_non_null(strstr(out, "    skip ibt-coverage: 19681 of 19681 functions lack endbr64\n"
				    "      missing (19681): fn_400000, fn_400010, fn_400020, "
				    "fn_400030, fn_400040 and 19676 more\n"));
	assert_non_null(strstr(out, "      callees (7): memcpy 257, memset 235, memmove 53, "
				    "pread64 25, poll 4 and 2 more\n"));
	/* locations by function, most first; the names in unprobed are
	 * left to them */
	assert_null(strstr(out, "unprobed"));
	assert_non_null(strstr(out, "      at f3 (hw/x.c:103) 0x1003, 9 more in it\n"
				    "      at f5 (hw/x.c:105) 0x1005, 3 more in it\n"
				    "      at f0 (hw/x.c:100) 0x1000\n"
				    "      at f1 (hw/x.c:101) 0x1001\n"
				    "      at f2 (hw/x.c:102) 0x1002\n"
				    "      ... 72 more (--verbose lists them, as does the "
				    "JSON report)\n"));
	/* one location: as it is */
	assert_non_null(strstr(out, "      at g (hw/y.c:7) 0x2000\n"));
	free(out);

	out = emit_text(r, true);
	assert_non_null(strstr(out, "fn_44ce00")); /* the last of 19681 */
	assert_null(strstr(out, "and 19676 more"));
	assert_int_equal(count_substr(out, "      at f"), 77 + 9 + 3);
	free(out);

	/* the other line formats give a record as its members, a list as its
	 * length and first names */
	out = emit_to_string(r, "junit", false, &(int){ 0 });
	assert_non_null(strstr(out, "WARNING: stack-clash-coverage={probed: 0, "
				    "candidates: 77, unprobed: 77 (f0, f1, f2, ...)}\n"));
	assert_non_null(strstr(out, "fortify-sites={count: 9, callees: 7}"));
	assert_null(strstr(out, "fn_400050"));
	free(out);
	qh_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats_known),
		cmocka_unit_test(test_escape_rule),
		cmocka_unit_test(test_fingerprint_stable),
		cmocka_unit_test(test_json_contract_shape),
		cmocka_unit_test(test_json_empty_and_python),
		cmocka_unit_test(test_json_streams),
		cmocka_unit_test(test_write_error_reported),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_verbose),
		cmocka_unit_test(test_text_path_column),
		cmocka_unit_test(test_text_deep_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
