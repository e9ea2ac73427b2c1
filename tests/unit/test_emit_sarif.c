/* test_emit_sarif.c - SARIF 2.1.0: schema-valid (vendored OASIS schema,
 * python3-jsonschema), GitHub's required fields, rules, fingerprints,
 * suppressions, URIs. Run from the source root (make test does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <strings.h>

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

static json_t *find_result(json_t *doc, const char *rule_id);

static const char *rule_str(json_t *rule, const char *key)
{
	json_t *v = json_object_get(rule, key);

	return json_is_object(v) ? json_string_value(json_object_get(v, "text"))
				 : json_string_value(v);
}

static void test_sarif_rules(void **state)
{
	struct qh_report *r = fixture_report();
	json_t *doc = emit_sarif(r, NULL);
	json_t *driver = json_object_get(json_object_get(run0(doc), "tool"),
					 "driver");
	json_t *rules = json_object_get(driver, "rules");
	/* the findings' ids in order of first use: fortify (warn) of the
	 * good file, then relro, stack-clash, rpath (waived) and the unknown
	 * id of the bad one; the checks that pass name no rule */
	static const char *const used[] = {
		"fortify", "relro", "stack-clash", "rpath", "my-new-check",
	};
	json_t *rule;
	size_t i;

	(void)state;
	assert_int_equal(json_array_size(rules), QH_ARRAY_LEN(used));
	json_array_foreach(rules, i, rule)
		assert_string_equal(rule_str(rule, "id"), used[i]);
	/* known rules: title, PascalCase name (never the id), man page */
	rule = json_array_get(rules, 1);
	assert_string_equal(rule_str(rule, "shortDescription"), "Full RELRO");
	assert_string_equal(rule_str(rule, "name"), "FullRelro");
	assert_string_equal(rule_str(rule, "helpUri"), "man:qhard-checksec(1)");
	/* help is sentences: "... -z now. Fix: link with ...,now." */
	assert_non_null(strstr(rule_str(rule, "help"),
			       "unless it is linked with -z now. Fix: link with "
			       "-Wl,-z,relro,-z,now."));
	assert_string_equal(rule_str(json_array_get(rules, 0), "name"),
			    "FortifySource");
	/* the unknown id: generic text */
	rule = json_array_get(rules, 4);
	assert_non_null(strstr(rule_str(rule, "fullDescription"), "my-new-check"));
	assert_string_equal(rule_str(rule, "name"), "QhardCheckMyNewCheck");
	/* ruleIndex counts the rules as listed */
	assert_int_equal(json_integer_value(json_object_get(find_result(
		doc, "stack-clash"), "ruleIndex")), 2);
	/* the tool says where its documentation is */
	assert_string_equal(rule_str(driver, "informationUri"), "man:qhard(1)");
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
		"Check \"many\" warned about etc/libvirt/qemu.conf: many places.");
	found = find_result(doc, "many");
	assert_int_equal(json_array_size(json_object_get(found,
						"relatedLocations")), 100);
	/* functions listed once each (the schema wants unique items) */
	assert_int_equal(json_array_size(json_object_get(json_array_get(
		json_object_get(found, "locations"), 0), "logicalLocations")), 2);
	/* a finding in a config file that names no line of it points at the
	 * file from its first line */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		json_object_get(json_array_get(json_object_get(found, "locations"),
					       0), "physicalLocation"), "region"),
		"startLine")), 1);
	json_decref(doc);
	free(out);
	qh_report_free(r);
}

static json_t *first_location(json_t *doc, const char *rule_id)
{
	return json_array_get(json_object_get(find_result(doc, rule_id),
					      "locations"), 0);
}

static const char *message(json_t *doc, const char *rule_id)
{
	return json_string_value(json_object_get(json_object_get(
		find_result(doc, rule_id), "message"), "text"));
}

/* Package members are nested artifacts of their package: the .deb is the
 * parent, the member's path inside it the member's URI; the region is the
 * whole member. */
static void test_sarif_package_members(void **state)
{
	struct qh_report *r = qh_report_new("gate", NULL);
	const char *paths[] = { "/usr/bin/hello", "/usr/lib/x 1.so", "/usr/bin/hello" };
	const char *containers[] = { "dist/hello.deb", "dist/hello.deb", NULL };
	const char *ids[] = { "relro", "pie", "canary" };
	struct qh_result *bad;
	json_t *doc, *arts, *loc, *a;
	char *out, *fp;

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct qh_result *res = qh_result_new(paths[i], NULL);

		res->type = strdup("pie");
		res->size = 1000 + (uint64_t)i;
		if (containers[i])
			res->container = strdup(containers[i]);
		qh_result_add_check(res, ids[i], QH_FAIL, json_string("no"), "x");
		qh_result_add_check(res, "nx", i == 0 ? QH_FAIL : QH_PASS,
				    json_string("no"), "y");
		qh_report_add(r, res, NULL);
	}
	/* a member that could not be analysed: the package is where to look */
	bad = qh_result_new("/usr/bin/broken", NULL);
	bad->container = strdup("dist/hello.deb");
	qh_result_set_error(bad, "truncated");
	qh_report_add(r, bad, NULL);
	doc = emit_sarif(r, &out);
	assert_int_equal(pipe_to(CHECK_SARIF " | grep -qx 'ok 4 4 1 0'", out), 0);
	a = json_array_get(json_object_get(json_array_get(json_object_get(
		run0(doc), "invocations"), 0), "toolExecutionNotifications"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(a,
		"message"), "text")), "/usr/bin/broken in dist/hello.deb could not "
		"be analysed: truncated.");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(json_array_get(json_object_get(a, "locations"), 0),
				"physicalLocation"), "artifactLocation"), "uri")),
		"dist/hello.deb");
	arts = json_object_get(run0(doc), "artifacts");
	/* the package once, then each member that has a finding once */
	assert_int_equal(json_array_size(arts), 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_array_get(arts, 0), "location"), "uri")), "dist/hello.deb");
	assert_null(json_object_get(json_array_get(arts, 0), "parentIndex"));
	a = json_array_get(arts, 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		a, "location"), "uri")), "usr/lib/x%201.so");
	assert_int_equal(json_integer_value(json_object_get(a, "parentIndex")), 0);
	assert_int_equal(json_integer_value(json_object_get(a, "length")), 1001);
	/* both findings of the first member point at artifact 1 */
	loc = json_object_get(first_location(doc, "nx"), "physicalLocation");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		loc, "artifactLocation"), "index")), 1);
	loc = json_object_get(first_location(doc, "relro"), "physicalLocation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		loc, "artifactLocation"), "uri")), "usr/bin/hello");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		loc, "artifactLocation"), "index")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		loc, "region"), "byteOffset")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		loc, "region"), "byteLength")), 1000);
	assert_non_null(strstr(message(doc, "relro"),
			       "failed for /usr/bin/hello in dist/hello.deb: relro=no (x)."));
	/* the file on disk is a top-level artifact of its own */
	loc = json_object_get(first_location(doc, "canary"), "physicalLocation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		loc, "artifactLocation"), "uri")), "file:///usr/bin/hello");
	assert_null(json_object_get(json_object_get(loc, "artifactLocation"), "index"));
	/* a member and the same path on disk are different alerts */
	fp = strdup(json_string_value(json_object_get(json_object_get(
		find_result(doc, "relro"), "partialFingerprints"),
		"primaryLocationLineHash")));
	json_decref(doc);
	free(out);
	free(r->results[0]->container);
	r->results[0]->container = NULL;
	doc = emit_sarif(r, NULL);
	assert_string_not_equal(fp, json_string_value(json_object_get(
		json_object_get(find_result(doc, "relro"), "partialFingerprints"),
		"primaryLocationLineHash")));
	free(fp);
	json_decref(doc);
	qh_report_free(r);
}

/* Host findings: the file a host setting was read from (inside the audited
 * root), at its line, and the host property as a logical location; a
 * finding with no file has only the logical one. Messages are sentences. */
static void test_sarif_host_findings(void **state)
{
	struct qh_report *r = qh_report_new("audit", NULL);
	struct qh_result *host = qh_result_new(QH_SUBJECT_HOST, NULL);
	struct qh_result *conf = qh_result_new("/etc/libvirt/qemu.conf", NULL);
	struct qh_check *c;
	json_t *doc, *loc;
	const char *msg;
	char *out;

	(void)state;
	c = qh_result_add_check(host, "mac-confinement", QH_FAIL, NULL,
				"neither SELinux nor AppArmor");
	qh_check_set_str(&c->reason, "A guest that escapes gets other VMs' disks.");
	qh_check_set_str(&c->fix, "Enable SELinux.  ");
	c = qh_result_add_check(host, "userfaultfd", QH_WARN, NULL, "1");
	qh_check_add_location(c, NULL, "/proc/sys/vm/unprivileged_userfaultfd", 1, 0);
	c = qh_result_add_check(conf, "libvirt-seccomp", QH_FAIL, NULL,
				"seccomp_sandbox = 0");
	qh_check_add_location(c, NULL, "/etc/libvirt/qemu.conf", 7, 0);
	qh_report_add(r, host, NULL);
	qh_report_add(r, conf, NULL);
	json_object_set_new(r->extra, "root", json_string("/srv/img/"));
	doc = emit_sarif(r, &out);
	assert_int_equal(pipe_to(CHECK_SARIF " | grep -qx 'ok 3 3 0 0'", out), 0);

	loc = first_location(doc, "mac-confinement");
	assert_null(json_object_get(loc, "physicalLocation"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(loc, "logicalLocations"), 0), "fullyQualifiedName")),
		"host/mac-confinement");
	msg = message(doc, "mac-confinement");
	assert_string_equal(msg, "Check \"A MAC policy confines QEMU\" failed for "
			    "the host: neither SELinux nor AppArmor. A guest that "
			    "escapes gets other VMs' disks. Fix: Enable SELinux.");
	assert_null(strstr(msg, ".."));
	assert_string_equal(rule_str(json_array_get(json_object_get(
		json_object_get(json_object_get(run0(doc), "tool"), "driver"),
		"rules"), 0), "name"), "MacPolicyConfinesQemu");

	loc = first_location(doc, "userfaultfd");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(loc, "physicalLocation"), "artifactLocation"), "uri")),
		"file:///srv/img/proc/sys/vm/unprivileged_userfaultfd");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		json_object_get(loc, "physicalLocation"), "region"), "startLine")), 1);
	assert_non_null(json_object_get(loc, "logicalLocations"));

	loc = json_object_get(first_location(doc, "libvirt-seccomp"),
			      "physicalLocation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		loc, "artifactLocation"), "uri")),
		"file:///srv/img/etc/libvirt/qemu.conf");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		loc, "region"), "startLine")), 7);
	json_decref(doc);
	free(out);
	qh_report_free(r);
}

/* PascalCase names as the SARIF Multitool reads them. */
static void test_sarif_rule_names(void **state)
{
	const struct qh_rule *rule;
	json_t *doc, *rules, *item;
	struct qh_report *r = qh_report_new("checksec", NULL);
	struct qh_result *res = qh_result_new("bin/all-rules", NULL);
	size_t i, n = 0;

	(void)state;
	for (; (rule = qh_rule_at(n)); n++)
		qh_result_add_check(res, rule->id, QH_WARN, NULL, NULL);
	qh_report_add(r, res, NULL);
	doc = emit_sarif(r, NULL);
	rules = json_object_get(json_object_get(json_object_get(run0(doc),
								  "tool"), "driver"), "rules");
	json_array_foreach(rules, i, item) {
		const char *name = rule_str(item, "name");
		const char *id = rule_str(item, "id");

		/* no name rather than one that only differs by case (the
		 * title "Stripped" of "stripped") */
		if (!name) {
			assert_int_equal(strcasecmp(rule_str(item,
					 "shortDescription"), id), 0);
			continue;
		}
		assert_true(strcasecmp(name, id) != 0);
		/* ^([A-Z][a-z0-9]+)*$ */
		for (const char *p = name; *p;) {
			assert_true(*p >= 'A' && *p <= 'Z');
			p++;
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'));
			while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
				p++;
		}
	}
	json_decref(doc);
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
		cmocka_unit_test(test_sarif_package_members),
		cmocka_unit_test(test_sarif_host_findings),
		cmocka_unit_test(test_sarif_rule_names),
		cmocka_unit_test(test_sarif_every_known_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
