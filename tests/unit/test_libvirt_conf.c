/* test_libvirt_conf.c - libvirt's conf syntax as virconf.c reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "audit/libvirt_conf.h"

static struct qh_lvconf *parse(const char *text, struct qh_error *err)
{
	return qh_lvconf_parse(text, strlen(text), "qemu.conf", err);
}

static void test_values_comments_and_lines(void **state)
{
	const char *text =
		"# Master configuration file for the QEMU driver.\n"
		"\n"
		"#security_driver = \"none\"\n"
		"security_driver = \"selinux\"   # trailing comment\n"
		"user = 'libvirt-qemu'\n"
		"seccomp_sandbox = 1\n"
		"max_files = -12; max_processes = +7\n"
		"cgroup_controllers = [ \"cpu\", \"devices\",\n"
		"\t\"memory\",\n"
		"  \"blkio\", ]\n"
		"namespaces = []\n"
		"vnc_password = \"a\\\"\n"
		"desc = \"\"\"two\n"
		"lines\"\"\"\n"
		"security_driver = \"none\"\n"
		"nested = [ [ 1, 2 ], \"x\" ]\n";
	struct qh_error err = { "" };
	struct qh_lvconf *c = parse(text, &err);
	const struct qh_lvconf_entry *e;

	(void)state;
	assert_non_null(c);
	e = qh_lvconf_get(c, "security_driver");
	assert_non_null(e);
	/* the first assignment is the one libvirt uses */
	assert_int_equal(e->value.type, QH_LVCONF_STRING);
	assert_string_equal(e->value.str, "selinux");
	assert_int_equal(e->line, 4);
	e = qh_lvconf_get(c, "user");
	assert_string_equal(e->value.str, "libvirt-qemu");
	e = qh_lvconf_get(c, "seccomp_sandbox");
	assert_int_equal(e->value.type, QH_LVCONF_NUMBER);
	assert_int_equal(e->value.num, 1);
	assert_int_equal(qh_lvconf_get(c, "max_files")->value.num, -12);
	assert_int_equal(qh_lvconf_get(c, "max_processes")->value.num, 7);
	assert_int_equal(qh_lvconf_get(c, "max_processes")->line, 7);
	e = qh_lvconf_get(c, "cgroup_controllers");
	assert_int_equal(e->value.type, QH_LVCONF_LIST);
	assert_int_equal(e->value.nitems, 4);
	assert_string_equal(e->value.items[3].str, "blkio");
	assert_true(qh_lvconf_value_has(&e->value, "devices"));
	assert_false(qh_lvconf_value_has(&e->value, "cpuset"));
	e = qh_lvconf_get(c, "namespaces");
	assert_int_equal(e->value.type, QH_LVCONF_LIST);
	assert_int_equal(e->value.nitems, 0);
	assert_int_equal(e->line, 11);
	/* no escapes in libvirt strings: the backslash is a plain character */
	assert_string_equal(qh_lvconf_get(c, "vnc_password")->value.str, "a\\");
	e = qh_lvconf_get(c, "desc");
	assert_string_equal(e->value.str, "two\nlines");
	e = qh_lvconf_get(c, "nested");
	assert_int_equal(e->line, 16);
	assert_int_equal(e->value.items[0].type, QH_LVCONF_LIST);
	assert_int_equal(e->value.items[0].items[1].num, 2);
	assert_null(qh_lvconf_get(c, "group"));
	qh_lvconf_free(c);
}

static void expect_error(const char *text, const char *msg)
{
	struct qh_error err = { "" };

	assert_null(parse(text, &err));
	if (!strstr(err.msg, msg))
		fail_msg("wanted \"%s\" in \"%s\"", msg, err.msg);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("user = \"root\n", "qemu.conf:1: unterminated string");
	expect_error("a = 1\nuser root\n", "qemu.conf:2: expecting an assignment");
	expect_error("a = [ \"x\"\n  # no comments in lists\n ]\n",
		     "qemu.conf:2: expecting a separator in list");
	expect_error("a = [ \"x\", \"y\"\n", "list is not closed");
	expect_error("a = yes\n", "expecting a value");
	expect_error("a = 1 b = 2\n", "expecting a separator");
	expect_error("1a = 2\n", "expecting a name");
	expect_error("a = 99999999999999999999\n", "number out of range");
	expect_error("a = \"\"\"never closed\n", "unterminated string");
	expect_error("a = -\n", "unterminated number");
}

static void test_hostile_input(void **state)
{
	char deep[200];
	struct qh_error err;

	(void)state;
	memset(deep, '[', sizeof(deep));
	deep[sizeof(deep) - 1] = '\0';
	memcpy(deep, "a = ", 4);
	assert_null(parse(deep, &err));
	assert_non_null(strstr(err.msg, "nested too deeply"));
	assert_null(qh_lvconf_parse("a = 1\0b = 2", 11, "x", &err));
	assert_non_null(strstr(err.msg, "NUL"));
	/* an empty file and a file of comments are valid */
	qh_lvconf_free(parse("", &err));
	qh_lvconf_free(parse("# only\n#comments", &err));
	/* bounded reads: the text is not NUL-terminated at len */
	{
		const char buf[] = "a = \"xyz\"";
		assert_null(qh_lvconf_parse(buf, 7, "x", &err));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_comments_and_lines),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_hostile_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
