/* test_emit_sarif.c - SARIF 2.1.0: schema-valid (vendored OASIS schema,
 * python3-jsonschema), GitHub's required fields, rules, fingerprints,
 * suppressions, URIs. Run from the source root (make test does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "emit_fixture.h"
#include "rules.h"

#define CHECK_SARIF "python3 tests/data/check-sarif.py " \
	"tests/data/sarif-schema-2.1.0.json"

static json_t *emit_sarif(const struct qh_report *r, char **text)
{
	int rc;
	char *out = emit_to_string(r, "sarif", false, &rc);
	json_error_t jerr;
	json_t *doc;

	assert_int_equal(rc, 0);
	doc = json_loads(out, 0, &jerr);
	if (!doc)
		fail_msg("invalid JSON: %s\n%s", jerr.text, out);
	if (text)
		*text = out;
	else
		free(out);
	return doc;
}

static json_t *run0(json_t *doc)
{
	return json_array_get(json_object_get(doc, "runs"), 0);
}

static void test_sarif_validates(void **state)
{
	struct qh_report *r = fixture_report();
	char *out;
	json_t *doc = emit_sarif(r, &out);
	char *broken;

	(void)state;
	/* 5 findings (2 fail, 2 warn, 1 waived), 1 unanalysable file */
	assert_int_equal(pipe_to(CHECK_SARIF " | grep -qx 'ok 5 [0-9]* 1 1'", out), 0);
	/* the validator is not a rubber stamp */
	broken = strdup(out);
	memcpy(strstr(broken, "\"version\":\"2.1.0\""), "\"version\":\"2.1.9\"", 17);
	assert_int_not_equal(pipe_to(CHECK_SARIF " >/dev/null", broken), 0);
	free(broken);
	json_decref(doc);
	free(out);
	qh_report_free(r);

	/* an empty run validates too */
	r = qh_report_new("gate", NULL);
	doc = emit_sarif(r, &out);
	assert_int_equal(pipe_to(CHECK_SARIF " | grep -qx 'ok 0 [0-9]* 0 0'", out), 0);
	json_decref(doc);
	free(out);
	qh_report_free(r);
}

static void test_sarif_rules(void **state)
{
	struct qh_report *r = fixture_report();
	json_t *doc = emit_sarif(r, NULL);
	json_t *rules = json_object_get(json_object_get(json_object_get(
		run0(doc), "tool"), "driver"), "rules");
	json_t *rule;
	size_t nknown = 0;
	const struct qh_rule *known;

	(void)state;
	/* every rule rules.h knows comes first, in its order */
	for (; (known = qh_rule_at(nknown)); nknown++) {
		rule = json_array_get(rules, nknown);
		assert_string_equal(json_string_value(json_object_get(rule, "id")),
				    known->id);
		if (known->title)
			assert_string_equal(json_string_value(json_object_get(
				json_object_get(rule, "shortDescription"), "text")),
				known->title);
	}
	/* then the ids only results used, with generic text */
	assert_true(json_array_size(rules) >= nknown + 1);
	rule = json_array_get(rules, json_array_size(rules) - 1);
	assert_string_equal(json_string_value(json_object_get(rule, "id")),
			    "my-new-check");
	assert_non_null(strstr(json_string_value(json_object_get(
		json_object_get(rule, "fullDescription"), "text")), "my-new-check"));
	json_decref(doc);
	qh_report_free(r);
}

static json_t *find_result(json_t *doc, const char *rule_id)
{
	size_t i;
	json_t *res;

	json_array_foreach(json_object_get(run0(doc), "results"), i, res)
		if (strcmp(json_string_value(json_object_get(res, "ruleId")),
			   rule_id) == 0)
			return res;
	fail_msg("no result for %s", rule_id);
	return NULL;
}

static const char *fingerprint(json_t *res)
{
	return json_string_value(json_object_get(json_object_get(
		res, "partialFingerprints"), "primaryLocationLineHash"));
}

static void test_sarif_results(void **state)
{
	struct qh_report *r = fixture_report();
	json_t *doc = emit_sarif(r, NULL), *doc2, *res, *loc;
	char *fp;

	(void)state;
	res = find_result(doc, "relro");
	assert_string_equal(json_string_value(json_object_get(res, "level")), "error");
	loc = json_object_get(json_array_get(json_object_get(res, "locations"), 0),
			      "physicalLocation");
	/* raw bytes percent-encoded: space, \n, ESC, [, 0xff, é */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		loc, "artifactLocation"), "uri")),
		"file:///tmp/we%20ird%0A%1B%5B31m%FF-%C3%A9.so");
	/* messages carry value and evidence; control characters escaped */
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(
		res, "message"), "text")), ": relro=partial (PT_GNU_RELRO, lazy binding)"));
	assert_null(strchr(json_string_value(json_object_get(json_object_get(
		res, "message"), "text")), '\n'));
	assert_string_equal(json_string_value(json_object_get(find_result(
		doc, "fortify"), "level")), "warning");

	/* function and source position of a deep finding */
	res = find_result(doc, "stack-clash");
	loc = json_array_get(json_object_get(res, "locations"), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(loc, "logicalLocations"), 0), "name")), "big_frame");
	loc = json_object_get(json_array_get(json_object_get(
		res, "relatedLocations"), 0), "physicalLocation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		loc, "artifactLocation"), "uri")), "hw/net/e1000.c");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		loc, "region"), "startLine")), 42);

	/* a waived finding is reported, suppressed, with the reason */
	res = find_result(doc, "rpath");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(res, "suppressions"), 0), "justification")),
		"vendor blob, ticket QH-1");
	assert_null(json_object_get(find_result(doc, "relro"), "suppressions"));

	/* fingerprints: stable across runs, distinct per finding and path */
	fp = strdup(fingerprint(find_result(doc, "relro")));
	assert_int_equal(strlen(fp), 16);
	assert_string_not_equal(fp, fingerprint(find_result(doc, "stack-clash")));
	doc2 = emit_sarif(r, NULL);
	assert_string_equal(fp, fingerprint(find_result(doc2, "relro")));
	json_decref(doc2);
	free(r->results[1]->path);
	r->results[1]->path = strdup("relative/lib.so");
	doc2 = emit_sarif(r, NULL);
	assert_string_not_equal(fp, fingerprint(find_result(doc2, "relro")));
	/* relative paths stay relative references */
	loc = json_object_get(json_array_get(json_object_get(find_result(
		doc2, "relro"), "locations"), 0), "physicalLocation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		loc, "artifactLocation"), "uri")), "relative/lib.so");
	json_decref(doc2);
	free(fp);

	/* one GitHub category per subcommand */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		run0(doc), "automationDetails"), "id")), "qhard-checksec/");

	/* the unanalysable file is a notification, not a result */
	res = json_array_get(json_object_get(json_array_get(json_object_get(
		run0(doc), "invocations"), 0), "toolExecutionNotifications"), 0);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(
		res, "message"), "text")), "not an ELF file"));
	json_decref(doc);
	qh_report_free(r);
}

/* An audit-style finding inside the subject (a config file line) gets a
 * region on the primary location; long location lists are capped. */
static void test_sarif_config_line_and_caps(void **state)
{
	struct qh_report *r = qh_report_new("audit", NULL);
	struct qh_result *res = qh_result_new("etc/libvirt/qemu.conf", NULL);
	struct qh_check *c;
	json_t *doc, *loc, *found;
	char *out;

	(void)state;
	c = qh_result_add_check(res, "libvirt-seccomp", QH_FAIL,
				json_string("0"), "seccomp_sandbox = 0");
	qh_check_set_str(&c->severity, "high");
	qh_check_add_location(c, NULL, "etc/libvirt/qemu.conf", 4000000000u, 0);
	/* two ids that read the same once escaped share one rule */
	qh_result_add_check(res, "odd\xff", QH_WARN, NULL, NULL);
	qh_result_add_check(res, "odd\\xff", QH_WARN, NULL, NULL);
	qh_result_add_check(res, "nl\n", QH_WARN, NULL, NULL);
	qh_result_add_check(res, "nl\\x0a", QH_WARN, NULL, NULL);
	c = qh_result_add_check(res, "many", QH_WARN, NULL, "many places");
	for (int i = 0; i < 150; i++)
		qh_check_add_location(c, i % 2 ? "f" : "g", "src.c",
				      (unsigned)i + 1, 0);
	qh_report_add(r, res, NULL);
	doc = emit_sarif(r, &out);
	assert_int_equal(pipe_to(CHECK_SARIF " | grep -qx 'ok 6 [0-9]* 0 0'", out), 0);
	loc = json_object_get(json_array_get(json_object_get(find_result(
		doc, "libvirt-seccomp"), "locations"), 0), "physicalLocation");
	assert_true(json_integer_value(json_object_get(json_object_get(
		loc, "region"), "startLine")) == 4000000000LL);
	/* no value: the message does not print an empty "id=" */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		find_result(doc, "many"), "message"), "text")),
		"many warning in etc/libvirt/qemu.conf: many places");
	found = find_result(doc, "many");
	assert_int_equal(json_array_size(json_object_get(found,
						"relatedLocations")), 100);
	/* functions listed once each (the schema wants unique items) */
	assert_int_equal(json_array_size(json_object_get(json_array_get(
		json_object_get(found, "locations"), 0), "logicalLocations")), 2);
	assert_null(json_object_get(json_object_get(json_array_get(
		json_object_get(found, "locations"), 0), "physicalLocation"),
		"region"));
	json_decref(doc);
	free(out);
	qh_report_free(r);
}

/* Every rule the area tables define, used once: the rules metadata itself
 * (unique ids, help text, numeric security-severity) must give a SARIF log
 * GitHub accepts. */
static void test_sarif_every_known_rule(void **state)
{
	struct qh_report *r = qh_report_new("checksec", NULL);
	struct qh_result *res = qh_result_new("bin/all-rules", NULL);
	const struct qh_rule *rule;
	char *out, grep[128];
	json_t *doc;
	size_t n = 0;

	(void)state;
	for (; (rule = qh_rule_at(n)); n++)
		qh_result_add_check(res, rule->id, QH_FAIL, json_string("no"),
				    "fixture");
	qh_report_add(r, res, NULL);
	doc = emit_sarif(r, &out);
	snprintf(grep, sizeof(grep), CHECK_SARIF " | grep -qx 'ok %zu %zu 0 0'",
		 n, n);
	if (pipe_to(grep, out) != 0) {
		pipe_to(CHECK_SARIF " >&2", out);
		fail_msg("rules tables give an invalid SARIF log (see above)");
	}
	json_decref(doc);
	free(out);
	qh_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sarif_validates),
		cmocka_unit_test(test_sarif_rules),
		cmocka_unit_test(test_sarif_results),
		cmocka_unit_test(test_sarif_config_line_and_caps),
		cmocka_unit_test(test_sarif_every_known_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
