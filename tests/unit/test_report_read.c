/* test_report_read.c - reading saved JSON reports: round trip through every
 * format, and one clear, placed error per kind of damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "emit_fixture.h"
#include "report_read.h"

static struct qh_report *read_string(const char *text, const char *name,
				     struct qh_error *err)
{
	return qh_report_read_buffer(text, strlen(text), name, err);
}

static void test_round_trip(void **state)
{
	struct qh_report *r = fixture_report();
	struct qh_error err = { "" };
	struct qh_report *back;
	const struct qh_check *c;
	const char *const formats[] = { "json", "text", "csv", "junit", "markdown" };
	int rc;
	char *json = emit_to_string(r, "json", false, &rc);

	(void)state;
	back = read_string(json, "r.json", &err);
	if (!back)
		fail_msg("%s", err.msg);
	assert_string_equal(back->command, "checksec");
	assert_int_equal(back->nresults, 3);
	assert_int_equal(back->results[0]->elf_class, 64);
	assert_string_equal(back->results[0]->type, "pie");
	c = qh_result_find_check(back->results[1], "stack-clash");
	assert_non_null(c);
	assert_int_equal(c->status, QH_FAIL);
	assert_string_equal(c->fix, "build with -fstack-clash-protection");
	assert_int_equal(c->nlocations, 1);
	assert_true(c->locations[0].address == 0x401000);
	assert_int_equal(c->locations[0].line, 42);
	c = qh_result_find_check(back->results[1], "rpath");
	assert_int_equal(c->status, QH_PASS);
	assert_int_equal(c->raw_status, QH_FAIL); /* the waiver survives */
	assert_string_equal(c->waived_by, "vendor blob, ticket QH-1");
	assert_null(qh_result_find_check(back->results[1], "pie")->value);
	assert_non_null(strstr(back->results[2]->error, "bad magic"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		back->extra, "build"), "profile")), "x86-minimal");

	/* emit -> read -> emit gives the same bytes, in every format that
	 * does not encode raw path bytes (SARIF URIs do) */
	for (size_t i = 0; i < QH_ARRAY_LEN(formats); i++) {
		char *a = emit_to_string(r, formats[i], false, &rc);
		char *b = emit_to_string(back, formats[i], false, &rc);

		assert_int_equal(rc, 0);
		if (strcmp(a, b) != 0)
			fail_msg("%s differs:\n%s\n---\n%s", formats[i], a, b);
		free(a);
		free(b);
	}
	/* SARIF from the read-back report still validates */
	{
		char *s = emit_to_string(back, "sarif", false, &rc);

		assert_int_equal(pipe_to("python3 tests/data/check-sarif.py "
					 "tests/data/sarif-schema-2.1.0.json "
					 ">/dev/null", s), 0);
		free(s);
	}
	qh_report_free(back);
	free(json);
	qh_report_free(r);
}

/* The same id twice in a result: both kept ("id#2"), summary consistent. */
static void test_duplicate_ids(void **state)
{
	struct qh_report *r = qh_report_new("checksec", NULL), *back;
	struct qh_result *res = qh_result_new("/bin/dup", NULL);
	struct qh_error err = { "" };
	int rc;
	char *json;

	(void)state;
	qh_result_add_check(res, "relro", QH_PASS, json_string("full"), NULL);
	qh_result_add_check(res, "relro", QH_FAIL, json_string("none"), NULL);
	qh_result_add_check(res, "relro#2", QH_PASS, NULL, NULL);
	qh_report_add(r, res, NULL);
	json = emit_to_string(r, "json", false, &rc);
	back = read_string(json, "dup.json", &err);
	if (!back)
		fail_msg("%s\n%s", err.msg, json);
	assert_int_equal(back->results[0]->nchecks, 3);
	assert_int_equal(qh_result_find_check(back->results[0], "relro#2")->status,
			 QH_FAIL);
	assert_non_null(qh_result_find_check(back->results[0], "relro#2#2"));
	qh_report_free(back);
	free(json);
	qh_report_free(r);
}

static void test_read_file(void **state)
{
	struct qh_report *r = fixture_report(), *back;
	struct qh_error err = { "" };
	char path[] = "/tmp/qhard-report-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_int_equal(qh_report_emit(r, "json", f, NULL, &err), 0);
	fclose(f);
	back = qh_report_read_file(path, &err);
	assert_non_null(back);
	assert_int_equal(back->nresults, 3);
	qh_report_free(back);
	unlink(path);
	assert_null(qh_report_read_file(path, &err));
	assert_non_null(strstr(err.msg, "No such file"));
	assert_non_null(strstr(err.msg, path));
	qh_report_free(r);
}

/* Damage one spot of a good report; expect an error naming that spot. */
struct damage {
	const char *path;  /* "results/1/checks/relro/status" ("" = root) */
	const char *json;  /* new value (JSON text), NULL = delete the key */
	const char *error; /* expected message */
};

static const struct damage damages[] = {
	{ "results/1/checks/relro/status", "\"bad\"",
	  "r.json: results[1].checks.relro.status: unknown status \"bad\" "
	  "(pass, fail, warn or skip)" },
	{ "results/1/checks/relro/status", NULL,
	  "r.json: results[1].checks.relro.status: missing" },
	{ "results/1/checks/relro/status", "3",
	  "r.json: results[1].checks.relro.status: expected a string, got an integer" },
	{ "results/1/checks/relro/colour", "\"red\"",
	  "r.json: results[1].checks.relro.colour: unknown key" },
	{ "results/1/checks/relro/evidence", "[]",
	  "r.json: results[1].checks.relro.evidence: expected a string, got an array" },
	{ "results/1/checks/stack-clash/locations/0/address", "\"401000\"",
	  "r.json: results[1].checks.stack-clash.locations[0].address: "
	  "expected a hex address \"0x...\"" },
	{ "results/1/checks/stack-clash/locations/0/line", "-1",
	  "r.json: results[1].checks.stack-clash.locations[0].line: "
	  "expected a line number" },
	{ "results/1/checks/stack-clash/locations", "{}",
	  "r.json: results[1].checks.stack-clash.locations: expected an array, "
	  "got an object" },
	{ "results/0/path", NULL, "r.json: results[0].path: missing" },
	{ "results/0/type", "\"weird\"", "r.json: results[0].type: unknown type" },
	{ "results/0/class", "16", "r.json: results[0].class: expected 32, 64 or null" },
	{ "results/0/endian", "\"middle\"", "r.json: results[0].endian: expected" },
	{ "results/0/checks", NULL,
	  "r.json: results[0].checks: missing (and no error)" },
	{ "results/2/checks", "{}",
	  "r.json: results[2].checks: a result with an error has no checks" },
	{ "results/2", "\"x\"", "r.json: results[2]: expected an object, got a string" },
	{ "results", "{}", "r.json: results: expected an array" },
	{ "summary/fail", "0",
	  "r.json: summary.fail: says 0 but the results give 1" },
	{ "summary/files", "\"3\"", "r.json: summary.files: expected a count" },
	{ "summary", NULL, "r.json: summary: missing" },
	{ "schema", "2", "r.json: schema: unsupported schema 2 (this qhard reads 1)" },
	{ "schema", NULL, "r.json: schema: missing (not a qhard JSON report?)" },
	{ "tool/name", "\"checksec.sh\"", "r.json: tool: expected {\"name\": \"qhard\"" },
	{ "command", "1", "r.json: command: expected a string" },
	{ "", "[]", "r.json: expected a JSON object at the top" },
};

/* Replace (or delete) the member at slash-separated `where` in doc. */
static json_t *damaged(const json_t *good, const struct damage *d)
{
	json_t *doc = json_deep_copy(good), *parent = NULL, *node = doc;
	char buf[256], *save = NULL, *last = NULL;
	json_t *value = d->json ? json_loads(d->json, JSON_DECODE_ANY, NULL) : NULL;

	if (!d->path[0]) {
		json_decref(doc);
		return value;
	}
	snprintf(buf, sizeof(buf), "%s", d->path);
	for (char *tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		parent = node;
		last = tok;
		node = json_is_array(parent) ? json_array_get(parent, atoi(tok))
					     : json_object_get(parent, tok);
	}
	if (json_is_array(parent)) {
		json_array_set_new(parent, atoi(last), value);
	} else if (value) {
		json_object_set_new(parent, last, value);
	} else {
		json_object_del(parent, last);
	}
	return doc;
}

static void test_damage_is_reported(void **state)
{
	struct qh_report *r = fixture_report();
	int rc;
	char *json = emit_to_string(r, "json", false, &rc);
	json_t *good = json_loads(json, 0, NULL);

	(void)state;
	assert_non_null(good);
	for (size_t i = 0; i < QH_ARRAY_LEN(damages); i++) {
		const struct damage *d = &damages[i];
		json_t *doc = damaged(good, d);
		char *text = json_dumps(doc, JSON_ENCODE_ANY);
		struct qh_error err = { "" };
		struct qh_report *back = read_string(text, "r.json", &err);

		if (back)
			fail_msg("damage %zu (%s) accepted", i, d->path);
		if (strncmp(err.msg, d->error, strlen(d->error)) != 0)
			fail_msg("damage %zu (%s):\n got  %s\n want %s", i,
				 d->path, err.msg, d->error);
		free(text);
		json_decref(doc);
	}
	json_decref(good);
	free(json);
	qh_report_free(r);
}

/* tests/data/qhard-report.schema.json, the machine-readable contract for
 * other consumers, accepts what qhard writes and refuses what the reader
 * refuses for type reasons. */
#define VALIDATE_REPORT "python3 -c 'import json,sys,jsonschema\n" \
	"s=json.load(open(\"tests/data/qhard-report.schema.json\"))\n" \
	"jsonschema.Draft4Validator.check_schema(s)\n" \
	"jsonschema.Draft4Validator(s).validate(json.load(sys.stdin))' 2>/dev/null"

static void test_json_schema_file(void **state)
{
	struct qh_report *r = fixture_report();
	int rc;
	char *json = emit_to_string(r, "json", false, &rc);
	json_t *good = json_loads(json, 0, NULL);
	size_t refused = 0, tried = 0;

	(void)state;
	assert_int_equal(pipe_to(VALIDATE_REPORT, json), 0);
	for (size_t i = 0; i < QH_ARRAY_LEN(damages); i++) {
		json_t *doc;
		char *text;

		/* arithmetic between keys is beyond a JSON schema */
		if (strstr(damages[i].error, "summary.fail: says"))
			continue;
		doc = damaged(good, &damages[i]);
		text = json_dumps(doc, JSON_ENCODE_ANY);
		tried++;
		refused += pipe_to(VALIDATE_REPORT, text) != 0;
		free(text);
		json_decref(doc);
	}
	/* every damage but the summary arithmetic is a schema violation */
	assert_int_equal(refused, tried);
	json_decref(good);
	free(json);
	qh_report_free(r);
}

static void test_not_json(void **state)
{
	struct qh_error err = { "" };

	(void)state;
	assert_null(read_string("{\"schema\": 1,", "x.json", &err));
	assert_non_null(strstr(err.msg, "x.json:1:"));
	assert_non_null(strstr(err.msg, "not valid JSON"));
	assert_null(read_string("{\"schema\":1,\"schema\":1}", NULL, &err));
	assert_non_null(strstr(err.msg, "duplicate"));
	/* a NUL inside a string is refused by the parser */
	assert_null(read_string("{\"schema\":1,\"command\":\"a\\u0000b\"}",
				"n.json", &err));
	/* an empty report is fine */
	{
		struct qh_report *r = read_string(
			"{\"schema\":1,\"tool\":{\"name\":\"qhard\",\"version\":"
			"\"0\"},\"results\":[],\"summary\":{\"files\":0,"
			"\"pass\":0,\"fail\":0,\"error\":0},\"build\":{}}",
			"e.json", &err);

		assert_non_null(r);
		assert_int_equal(r->nresults, 0);
		assert_string_equal(r->command, "");
		assert_non_null(json_object_get(r->extra, "build"));
		qh_report_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_damage_is_reported),
		cmocka_unit_test(test_json_schema_file),
		cmocka_unit_test(test_not_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
