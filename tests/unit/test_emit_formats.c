/* test_emit_formats.c - CSV (Python's csv module), JUnit XML (Python's
 * xml.etree, a real parser) and markdown, each fed the hostile fixture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "emit_fixture.h"

static void test_csv(void **state)
{
	struct qh_report *r = fixture_report();
	struct qh_result *evil = qh_result_new("=HYPERLINK(\"x\"),a.so", NULL);
	int rc;
	char *out;

	(void)state;
	qh_result_add_check(evil, "nx", QH_PASS, json_string("yes"), NULL);
	qh_report_add(r, evil, NULL);
	out = emit_to_string(r, "csv", false, &rc);
	assert_int_equal(rc, 0);
	/* header + 4 + 5 checks + 1 error row + 1: every row 14 fields, the
	 * hostile path round-trips escaped, the formula is neutralised */
	assert_int_equal(pipe_to(
		"python3 -c 'import csv,sys\n"
		"rows=list(csv.reader(sys.stdin))\n"
		"assert len(rows)==12, len(rows)\n"
		"assert all(len(x)==14 for x in rows)\n"
		"assert rows[0][:3]==[\"path\",\"type\",\"machine\"]\n"
		"assert rows[5][0]==\"/tmp/we ird\\\\x0a\\\\x1b[31m\\\\xff-\\u00e9.so\", rows[5][0]\n"
		"assert rows[7][8]==\"no probes in \\\"big_frame\\\"\"\n"
		"assert rows[4][7].startswith(\"{\\\"fortified\\\"\")\n"
		"assert rows[10][6]==\"error\" and \"bad magic\" in rows[10][13]\n"
		"assert rows[11][0]==\"\\x27=HYPERLINK(\\\"x\\\"),a.so\", rows[11][0]\n"
		"'", out), 0);
	/* RFC 4180 line ends; no bare LF from a hostile field */
	assert_int_equal(count_substr(out, "\r\n"), 12);
	assert_int_equal(count_substr(out, "\n"), 12);
	free(out);
	qh_report_free(r);
}

/* OWASP's CSV-injection list: a cell starting with =, +, -, @, tab or CR
 * may be run as a formula; each gets a leading ' (and tab/CR are written
 * escaped anyway). Other cells are left alone. */
static void test_csv_formula_leads(void **state)
{
	static const char *const paths[] = {
		"-2+3+cmd|' /C calc'!A0", "=1+1", "+1", "@SUM(A1)", "\t=1",
		"\r=1", "plain-2", "/usr/bin/-x",
	};
	static const char *const want[] = {
		"'-2+3+cmd|' /C calc'!A0", "'=1+1", "'+1", "'@SUM(A1)", "'\\x09=1",
		"'\\x0d=1", "plain-2", "/usr/bin/-x",
	};
	struct qh_report *r = qh_report_new("checksec", NULL);
	int rc;
	char *out, *line;

	(void)state;
	for (size_t i = 0; i < QH_ARRAY_LEN(paths); i++) {
		struct qh_result *res = qh_result_new(paths[i], NULL);

		qh_result_add_check(res, "nx", QH_PASS, json_string("-1"), NULL);
		qh_report_add(r, res, NULL);
	}
	out = emit_to_string(r, "csv", false, &rc);
	assert_int_equal(rc, 0);
	line = strstr(out, "\r\n") + 2;
	for (size_t i = 0; i < QH_ARRAY_LEN(paths); i++) {
		size_t n = strlen(want[i]);
		bool quoted = line[0] == '"';

		if (strncmp(line + quoted, want[i], n) != 0)
			fail_msg("row %zu: %.40s, wanted %s", i, line, want[i]);
		/* the value "-1" is a formula lead too */
		assert_non_null(strstr(line, ",'-1,"));
		line = strstr(line, "\r\n") + 2;
	}
	free(out);
	qh_report_free(r);
}

static void test_junit(void **state)
{
	struct qh_report *r = fixture_report();
	int rc;
	char *out = emit_to_string(r, "junit", false, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(pipe_to(
		"python3 -c 'import sys, xml.etree.ElementTree as ET\n"
		"root=ET.fromstring(sys.stdin.buffer.read())\n"
		"assert root.tag==\"testsuites\"\n"
		"suites=root.findall(\"testsuite\")\n"
		"assert len(suites)==3\n"
		"cases=root.iter(\"testcase\")\n"
		"cases=list(cases)\n"
		"assert len(cases)==10, len(cases)\n"
		"assert len(list(root.iter(\"failure\")))==2\n"
		"assert len(list(root.iter(\"error\")))==1\n"
		"assert len(list(root.iter(\"skipped\")))==1\n"
		"s=suites[1]\n"
		"assert (s.get(\"tests\"),s.get(\"failures\"),s.get(\"skipped\"))==(\"5\",\"2\",\"1\")\n"
		"assert s.get(\"name\")==\"/tmp/we ird\\\\x0a\\\\x1b[31m\\\\xff-\\u00e9.so\"\n"
		"f=s.find(\"testcase[@name=\\x27stack-clash\\x27]/failure\")\n"
		"assert f.get(\"message\")==\"stack-clash=no\"\n"
		"assert \"fix: build with -fstack-clash-protection\" in f.text\n"
		"assert suites[2].get(\"name\")==\"broken<&>.bin\"\n"
		"e=suites[2].find(\"testcase/error\")\n"
		"assert \"bad magic\" in e.get(\"message\")\n"
		/* n/a: the reason as text (junit-4 allows no attribute) */
		"k=s.find(\"testcase[@name=\\x27pie\\x27]/skipped\")\n"
		"assert k.text==\"not applicable: not applicable to dso\" and not k.attrib\n"
		/* a warning shows in its test case, the suite's properties and
		 * the suite's system-out */
		"g=suites[0]\n"
		"o=g.find(\"testcase[@name=\\x27fortify\\x27]/system-out\").text\n"
		"assert o.startswith(\"WARNING: fortify=3/4\\n3 fortified, 1 not\"), o\n"
		"p={x.get(\"name\"):x.get(\"value\") for x in g.iter(\"property\")}\n"
		"assert p=={\"qhard.warnings\":\"1\",\"qhard.warning.fortify\":\"fortify=3/4: 3 fortified, 1 not\"}, p\n"
		"assert g.find(\"system-out\").text==\"1 warning:\\nWARNING: fortify=3/4: 3 fortified, 1 not\\n\"\n"
		"assert suites[1].find(\"properties\") is not None and suites[2].find(\"properties\") is None\n"
		"'", out), 0);
	/* valid under the junit-4 XSD (Jenkins, JUnit 5) and xunit's
	 * junit-10 XSD; xmllint comes with deps/report.txt */
	assert_int_equal(pipe_to("xmllint --noout --schema tests/data/junit-4.xsd - "
				 "2>&1 | grep -qx -- '- validates'", out), 0);
	assert_int_equal(pipe_to("xmllint --noout --schema tests/data/junit-10.xsd - "
				 "2>&1 | grep -qx -- '- validates'", out), 0);
	free(out);
	qh_report_free(r);
}

static void test_markdown(void **state)
{
	struct qh_report *r = fixture_report();
	struct qh_result *evil = qh_result_new("a|b[x](http://e)<img>.so", NULL);
	int rc;
	char *out;

	(void)state;
	qh_result_add_check(evil, "nx", QH_FAIL, json_string("no"),
			    "PT_GNU_STACK RWX");
	qh_report_add(r, evil, NULL);
	out = emit_to_string(r, "markdown", false, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "### qhard checksec: 2 failing, 1 not "
				    "analysed (of 4 files)\n"));
	/* files, pass, fail, error, then warning checks (2: fortify, my-new-check) */
	assert_non_null(strstr(out, "| 4 | 1 | 2 | 1 | 2 |\n"));
	/* findings: 2 warn + 3 fail + 1 waived rows (and the counts header
	 * "| pass | fail | error |" matches once); one error row */
	assert_int_equal(count_substr(out, " | fail | "), 1 + 3);
	assert_int_equal(count_substr(out, " | warn | "), 2);
	assert_int_equal(count_substr(out, " | waived | "), 1);
	assert_non_null(strstr(out, "| broken\\<\\&\\>.bin | not an ELF"));
	/* a pipe or link in a name cannot split a cell or add markup */
	assert_non_null(strstr(out, "| a\\|b\\[x\\]\\(http://e\\)\\<img\\>.so | "
				    "nx | fail | no | PT\\_GNU\\_STACK RWX |\n"));
	/* failures first; warnings folded away below them */
	assert_non_null(strstr(out, "<details><summary>3 warnings and waived "
				    "findings</summary>"));
	assert_true(strstr(out, "#### Failing checks") < strstr(out, "<details>"));
	assert_true(strstr(out, " | relro | fail | ") < strstr(out, "<details>"));
	assert_true(strstr(out, " | fortify | warn | ") > strstr(out, "<details>"));
	/* every table row has the right number of unescaped pipes */
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		size_t pipes = 0;

		if (line[0] != '|')
			continue;
		for (char *p = line; *p; p++)
			pipes += *p == '|' && (p == line || p[-1] != '\\');
		assert_true(pipes == 6 || pipes == 3);
	}
	free(out);
	qh_report_free(r);

	r = qh_report_new("gate", NULL);
	out = emit_to_string(r, "markdown", false, &rc);
	assert_non_null(strstr(out, "### qhard gate: all 0 files pass\n"));
	assert_null(strstr(out, "Failing"));
	assert_null(strstr(out, "<details>"));
	free(out);
	qh_report_free(r);
}

/* Thousands of findings still fit a GitHub comment (65536 characters). */
static void test_markdown_budget(void **state)
{
	struct qh_report *r = qh_report_new("gate", NULL);
	int rc;
	char *out, more[64];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		struct qh_result *res = qh_result_new("/usr/lib/some/rather/long/"
						      "path/to/a/library.so", NULL);

		qh_result_add_check(res, "relro", QH_FAIL, json_string("partial"),
				    "PT_GNU_RELRO without BIND_NOW (%d)", i);
		qh_report_add(r, res, NULL);
	}
	out = emit_to_string(r, "markdown", false, &rc);
	assert_int_equal(rc, 0);
	assert_true(strlen(out) < 65536);
	snprintf(more, sizeof(more), "... and %zu more not shown",
		 3000 - count_substr(out, " | relro | fail | "));
	assert_non_null(strstr(out, more));
	assert_true(count_substr(out, " | relro | fail | ") > 200);
	free(out);
	qh_report_free(r);
}

/* Every format copes with an empty report and with each fixture alone. */
static void test_all_formats_smoke(void **state)
{
	const char *const *f = qh_emit_formats();

	(void)state;
	for (; *f; f++) {
		struct qh_report *r = qh_report_new("checksec", NULL);
		int rc;
		char *out = emit_to_string(r, *f, false, &rc);

		assert_int_equal(rc, 0);
		free(out);
		qh_report_add(r, fixture_broken(), NULL);
		out = emit_to_string(r, *f, false, &rc);
		assert_int_equal(rc, 0);
		assert_true(strlen(out) > 0);
		free(out);
		qh_report_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_formula_leads),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_markdown_budget),
		cmocka_unit_test(test_all_formats_smoke),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
