/* test_emit_outputs.c - `--output FORMAT=PATH`: extra files from one run
 * (lib/emit/emit_outputs.c): each the same as a run in that format alone,
 * in place only when the report ended, never half-written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit_fixture.h"

static char dir[] = "/tmp/qhard-outputs.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *data = NULL;
	size_t len = 0;
	FILE *m;

	if (!f)
		return NULL;
	m = open_memstream(&data, &len);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return data;
}

/* The report in one format, emitted alone. */
static char *alone(const struct qh_report *r, const char *format)
{
	char *data = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&data, &len);

	assert_int_equal(qh_report_emit(r, format, m, NULL, NULL), 0);
	fclose(m);
	return data;
}

/* Each test writes into a folder of its own under dir. */
static char sub[300];

static void use_subdir(const char *name)
{
	snprintf(sub, sizeof(sub), "%s/%s", dir, name);
	assert_int_equal(mkdir(sub, 0700), 0);
}

static size_t files_in_dir(void)
{
	DIR *d = opendir(sub);
	struct dirent *de;
	size_t n = 0;

	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void run(const struct qh_report *r, struct qh_emitter *e)
{
	struct qh_summary s;

	assert_int_equal(qh_emitter_begin(e, r, NULL), 0);
	for (size_t i = 0; i < r->nresults; i++)
		assert_int_equal(qh_emitter_result(e, r->results[i], NULL), 0);
	qh_report_summary(r, &s);
	assert_int_equal(qh_emitter_end(e, r, &s, NULL), 0);
}

static void test_each_output_matches_its_format_alone(void **state)
{
	struct qh_report *r = fixture_report();
	char *out = NULL, spec[4][400], path[4][300];
	const char *formats[] = { "json", "sarif", "junit", "csv" };
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	struct qh_emitter *e = qh_emitter_new("text", m, NULL, NULL);

	(void)state;
	use_subdir("all");
	for (int i = 0; i < 4; i++) {
		snprintf(path[i], sizeof(path[i]), "%.250s/report.%s", sub, formats[i]);
		snprintf(spec[i], sizeof(spec[i]), "%s=%.300s", formats[i], path[i]);
		assert_int_equal(qh_emitter_add_output(e, spec[i], NULL), 0);
	}
	run(r, e);
	qh_emitter_free(e);
	fclose(m);
	{
		char *text = alone(r, "text");

		assert_string_equal(out, text); /* stdout unchanged */
		free(text);
	}
	for (int i = 0; i < 4; i++) {
		char *got = slurp(path[i]), *want = alone(r, formats[i]);

		assert_non_null(got);
		/* SARIF and JUnit carry no clock; the same report gives the
		 * same bytes */
		assert_string_equal(got, want);
		free(got);
		free(want);
	}
	assert_int_equal(files_in_dir(), 4); /* no temporary file left */
	free(out);
	qh_report_free(r);
}

static void test_no_file_unless_the_report_ended(void **state)
{
	struct qh_report *r = fixture_report();
	FILE *null = fopen("/dev/null", "w");
	struct qh_emitter *e = qh_emitter_new("text", null, NULL, NULL);
	char spec[400], path[300];

	(void)state;
	use_subdir("partial");
	snprintf(path, sizeof(path), "%.250s/partial.json", sub);
	snprintf(spec, sizeof(spec), "json=%.300s", path);
	assert_int_equal(qh_emitter_add_output(e, spec, NULL), 0);
	assert_int_equal(qh_emitter_begin(e, r, NULL), 0);
	assert_int_equal(qh_emitter_result(e, r->results[0], NULL), 0);
	qh_emitter_free(e); /* the run failed before its end */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(files_in_dir(), 0);
	fclose(null);
	qh_report_free(r);
}

static void test_bad_specs(void **state)
{
	struct qh_emitter *e = qh_emitter_new("text", stdout, NULL, NULL);
	struct qh_error err = { "" };
	char spec[400];

	(void)state;
	use_subdir("bad");
	assert_int_equal(qh_emitter_add_output(e, "sarif", &err), -1);
	assert_non_null(strstr(err.msg, "FORMAT=PATH"));
	assert_int_equal(qh_emitter_add_output(e, "=x.json", &err), -1);
	assert_int_equal(qh_emitter_add_output(e, "json=", &err), -1);
	assert_int_equal(qh_emitter_add_output(e, "yaml=x.yaml", &err), -1);
	assert_non_null(strstr(err.msg, "unknown format 'yaml'"));
	assert_int_equal(qh_emitter_add_output(e, "json=-", &err), -1);
	assert_non_null(strstr(err.msg, "stdout"));
	snprintf(spec, sizeof(spec), "json=%.250s/no/such/dir/x.json", sub);
	assert_int_equal(qh_emitter_add_output(e, spec, &err), -1);
	assert_non_null(strstr(err.msg, "No such file"));
	snprintf(spec, sizeof(spec), "json=%.250s/twice", sub);
	assert_int_equal(qh_emitter_add_output(e, spec, NULL), 0);
	snprintf(spec, sizeof(spec), "sarif=%.250s/twice", sub);
	assert_int_equal(qh_emitter_add_output(e, spec, &err), -1);
	assert_non_null(strstr(err.msg, "named twice"));
	qh_emitter_free(e);
	assert_int_equal(files_in_dir(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_output_matches_its_format_alone),
		cmocka_unit_test(test_no_file_unless_the_report_ended),
		cmocka_unit_test(test_bad_specs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
