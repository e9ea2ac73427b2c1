/* test_ninja.c - the build.ninja reader behind the flag audit: which
 * statements it keeps, escapes and continuations, variable expansion,
 * response-file rules, and the archive closure of a link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/ninja.h"

static char path[] = "/tmp/qh-ninja-XXXXXX";

static void load(const char *text, struct qh_ninja_graph *g)
{
	struct qh_error err = { { 0 } };
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	if (qh_ninja_load(path, g, &err) != 0)
		fail_msg("qh_ninja_load: %s", err.msg);
}

static char *command_of(const struct qh_ninja_graph *g, const char *out)
{
	const struct qh_ninja_stmt *st = qh_ninja_find(g, out);
	struct qh_error err = { { 0 } };
	char *cmd = NULL;

	assert_non_null(st);
	if (qh_ninja_command(g, st, &cmd, &err) != 0)
		fail_msg("qh_ninja_command(%s): %s", out, err.msg);
	return cmd;
}

static const char *graph_text =
	"rule c_COMPILER\n command = cc $ARGS -o $out -c $in\n"
	"rule STATIC_LINKER\n command = ar $LINK_ARGS $out $in\n"
	"rule c_LINKER\n command = cc $ARGS -o ${out} $in $LINK_ARGS\n"
	"rule c_LINKER_FOR_BUILD\n command = cc -o $out $in\n"
	"rule c_LINKER_RSP\n command = cc -m64 @$out.rsp\n"
	" rspfile = $out.rsp\n rspfile_content = -o $out $in $LINK_ARGS\n"
	"build main.o: c_COMPILER main.c\n ARGS = -O2\n"
	"build libin.a: STATIC_LINKER in1.o libinner.a\n"
	"build libinner.a: STATIC_LINKER in2.o\n"
	"build emu$:x: c_LINKER main.o | libin.a /usr/lib/libz.so || gen.h\n"
	" ARGS = -DA=$$HOME\n"
	" LINK_ARGS = -pie $\n"
	"     -Wl,-z,now\n"
	"build big$ one: c_LINKER_RSP main.o\n LINK_ARGS = -Wl,-z,relro\n"
	"build gen: c_LINKER_FOR_BUILD gen.o\n";

static void test_statements_kept(void **state)
{
	struct qh_ninja_graph g;
	const struct qh_ninja_stmt *st;

	(void)state;
	load(graph_text, &g);
	/* compile and build-machine statements are not links */
	assert_null(qh_ninja_find(&g, "main.o"));
	assert_null(qh_ninja_find(&g, "gen"));
	st = qh_ninja_find(&g, "libin.a");
	assert_non_null(st);
	assert_true(st->is_archive);
	st = qh_ninja_find(&g, "emu:x");
	assert_non_null(st);
	assert_false(st->is_archive);
	assert_string_equal(st->rule, "c_LINKER");
	/* explicit and implicit inputs; order-only ones (after ||) dropped */
	assert_int_equal(st->inputs.n, 3);
	assert_string_equal(st->inputs.items[0], "main.o");
	assert_string_equal(st->inputs.items[1], "libin.a");
	assert_string_equal(st->inputs.items[2], "/usr/lib/libz.so");
	assert_non_null(qh_ninja_find(&g, "big one"));
	qh_ninja_free(&g);
}

static void test_command_expansion(void **state)
{
	struct qh_ninja_graph g;
	char *cmd;

	(void)state;
	load(graph_text, &g);
	/* $in dropped, ${out} substituted, "$$" unescaped, "$\n" joined */
	cmd = command_of(&g, "emu:x");
	assert_string_equal(cmd, "cc -DA=$HOME -o emu:x  -pie -Wl,-z,now");
	free(cmd);
	/* the response file's content replaces @$out.rsp */
	cmd = command_of(&g, "big one");
	assert_string_equal(cmd, "cc -m64 -o big one  -Wl,-z,relro");
	free(cmd);
	qh_ninja_free(&g);
}

static void test_collect_objects_follows_archives(void **state)
{
	struct qh_ninja_graph g;
	struct qh_strlist objs = { 0 };

	(void)state;
	load(graph_text, &g);
	assert_int_equal(qh_ninja_collect_objects(&g, qh_ninja_find(&g, "emu:x"),
						  &objs), 0);
	qh_strlist_sort(&objs);
	assert_int_equal(objs.n, 4);
	assert_true(qh_strlist_has_sorted(&objs, "main.o"));
	assert_true(qh_strlist_has_sorted(&objs, "in1.o"));
	assert_true(qh_strlist_has_sorted(&objs, "in2.o"));
	assert_true(qh_strlist_has_sorted(&objs, "/usr/lib/libz.so"));
	assert_false(qh_strlist_has_sorted(&objs, "libin.a"));
	qh_strlist_free(&objs);
	qh_ninja_free(&g);
}

static void test_errors(void **state)
{
	struct qh_ninja_graph g;
	struct qh_error err = { { 0 } };
	char *cmd = NULL;

	(void)state;
	load("build a: c_LINKER a.o\n", &g);
	assert_int_equal(qh_ninja_command(&g, qh_ninja_find(&g, "a"), &cmd, &err), -1);
	assert_null(cmd);
	assert_non_null(strstr(err.msg, "undefined rule c_LINKER"));
	qh_ninja_free(&g);
	load("rule c_LINKER\n command = cc ${LINK_ARGS\nbuild a: c_LINKER a.o\n", &g);
	assert_int_equal(qh_ninja_command(&g, qh_ninja_find(&g, "a"), &cmd, &err), -1);
	assert_non_null(strstr(err.msg, "cannot expand"));
	qh_ninja_free(&g);
	assert_int_equal(qh_ninja_load("/nonexistent/build.ninja", &g, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statements_kept),
		cmocka_unit_test(test_command_expansion),
		cmocka_unit_test(test_collect_objects_follows_archives),
		cmocka_unit_test(test_errors),
	};
	int fd = mkstemp(path), rc;

	if (fd < 0)
		return 1;
	close(fd);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return rc;
}
