/* test_flagaudit.c - the compile/link flag audit on synthetic meson output:
 * argv replay (last flag wins), compile_commands.json, build.ninja links
 * and the archive closure that scopes the audit to the produced binaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/flagaudit.h"
#include "build/shell_split.h"
#include "qemu/qemu_plan.h"

static char tmpdir[] = "/tmp/qh-flagaudit-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Problems of one compile command line, joined with " | ". */
static char *compile_problems(const char *cmd)
{
	struct qh_flag_requirements req;
	char **argv = NULL, **problems = NULL;
	size_t argc = 0, n = 0, len = 1;
	char *joined;

	qh_flag_requirements_default(&req);
	assert_int_equal(qh_shell_split(cmd, &argv, &argc, NULL), 0);
	assert_int_equal(qh_flagaudit_check_compile((const char *const *)argv,
						    argc, &req, &problems, &n), 0);
	for (size_t i = 0; i < n; i++)
		len += strlen(problems[i]) + 3;
	joined = calloc(1, len);
	assert_non_null(joined);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(joined, " | ");
		strcat(joined, problems[i]);
		free(problems[i]);
	}
	free(problems);
	qh_strv_free(argv);
	return joined;
}

static void test_split_quotes(void **state)
{
	char **argv;
	size_t argc;
	struct qh_error err;

	(void)state;
	assert_int_equal(qh_shell_split("cc '-DX=\"a b\"' -I\"x y\" a\\ b ''",
					    &argv, &argc, &err), 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[1], "-DX=\"a b\"");
	assert_string_equal(argv[2], "-Ix y");
	assert_string_equal(argv[3], "a b");
	assert_string_equal(argv[4], "");
	assert_null(argv[5]);
	qh_strv_free(argv);
	assert_int_equal(qh_shell_split("cc 'open", &argv, &argc, &err), -1);
	assert_non_null(strstr(err.msg, "unterminated"));
}

static void test_compile_clean(void **state)
{
	char *p;

	(void)state;
	/* meson's order: QEMU undefines then defines FORTIFY; fine. */
	p = compile_problems("cc -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 "
			     "-fstack-protector-strong -c a.c");
	assert_string_equal(p, "");
	free(p);
}

static void test_compile_cancellations(void **state)
{
	char *p;

	(void)state;
	p = compile_problems("cc -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong "
			     "-U_FORTIFY_SOURCE -c a.c");
	assert_non_null(strstr(p, "-U_FORTIFY_SOURCE (argument 4) undefines"));
	free(p);
	p = compile_problems("cc -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong "
			     "-fno-stack-protector -c a.c");
	assert_non_null(strstr(p, "-fno-stack-protector cancels stack protection (argument 4)"));
	free(p);
	p = compile_problems("cc -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -O0 -c a.c");
	assert_non_null(strstr(p, "-O0 (argument 4) disables _FORTIFY_SOURCE"));
	free(p);
	p = compile_problems("cc -D_FORTIFY_SOURCE=2 -fstack-protector-strong -c a.c");
	assert_non_null(strstr(p, "no -O flag"));
	free(p);
	p = compile_problems("cc -O2 -D_FORTIFY_SOURCE=1 -fstack-protector -c a.c");
	assert_non_null(strstr(p, "below the required level 2"));
	assert_non_null(strstr(p, "-fstack-protector gives only partial stack protection"));
	free(p);
	p = compile_problems("cc -O2 -Wp,-D_FORTIFY_SOURCE=2 -fstack-protector-all "
			     "-fPIE -fno-pie -fcf-protection=none -c a.c");
	assert_null(strstr(p, "FORTIFY"));
	assert_non_null(strstr(p, "-fno-pie cancels position independent code"));
	assert_non_null(strstr(p, "-fcf-protection=none cancels control-flow protection"));
	free(p);
	/* A later flag re-enables: the last one wins. */
	p = compile_problems("cc -O0 -fno-stack-protector -O2 -D _FORTIFY_SOURCE=3 "
			     "-fstack-protector-strong -c a.c");
	assert_string_equal(p, "");
	free(p);
}

static void test_requirements_from_plan_flags(void **state)
{
	struct qh_flag_requirements req;
	const char *flags[] = { "-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3", "-fstack-clash-protection",
				"-Wl,-z,relro,-z,now,-z,noexecstack" };
	const char *argv[] = { "cc", "-O2", "-D_FORTIFY_SOURCE=2",
			       "-fstack-protector-strong", "-c", "a.c" };
	char **problems = NULL;
	size_t n = 0;

	(void)state;
	qh_flag_requirements_default(&req);
	qh_flag_requirements_from_flags(&req, flags, 3);
	assert_int_equal(req.fortify_level, 3);
	assert_int_equal(req.stack_clash, QH_NEED_ON);
	assert_int_equal(req.noexecstack, QH_NEED_ON);
	assert_int_equal(qh_flagaudit_check_compile(argv, 6, &req, &problems, &n), 0);
	assert_int_equal(n, 2);
	assert_non_null(strstr(problems[0], "below the required level 3"));
	assert_non_null(strstr(problems[1], "stack clash protection missing"));
	for (size_t i = 0; i < n; i++)
		free(problems[i]);
	free(problems);
}

static void test_link_flags(void **state)
{
	struct qh_flag_requirements req;
	const char *good[] = { "cc", "-o", "x", "-pie", "-Wl,-z,relro,-z,now" };
	const char *bad[] = { "cc", "-Wl,-z,relro", "-Xlinker", "-z", "-Xlinker",
			      "now", "-no-pie", "-Wl,-z,lazy", "-z", "execstack" };
	const char *shared[] = { "cc", "-shared", "-Wl,-z,relro", "-Wl,-z,now" };
	char **problems = NULL;
	size_t n = 0;

	(void)state;
	qh_flag_requirements_default(&req);
	assert_int_equal(qh_flagaudit_check_link(good, 5, &req, &problems, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(qh_flagaudit_check_link(shared, 4, &req, &problems, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(qh_flagaudit_check_link(bad, 10, &req, &problems, &n), 0);
	assert_int_equal(n, 3);
	assert_non_null(strstr(problems[0], "-no-pie cancels PIE"));
	assert_non_null(strstr(problems[1], "-Wl,-z,lazy cancels immediate binding"));
	assert_non_null(strstr(problems[2], "execstack cancels the non-executable stack"));
	for (size_t i = 0; i < n; i++)
		free(problems[i]);
	free(problems);
}

/* A miniature meson build dir: an emulator linked from one object and an
 * archive, a test program and a build-machine generator that are not. */
static const char *ninja_text =
	"# generated\n"
	"rule c_COMPILER\n command = cc $ARGS -o $out -c $in\n"
	"rule STATIC_LINKER\n command = rm -f $out && ar $LINK_ARGS $out $in\n"
	"rule c_LINKER\n command = cc -m64 $ARGS -o $out $in $LINK_ARGS\n"
	"rule c_LINKER_FOR_BUILD\n command = cc $ARGS -o $out $in $LINK_ARGS\n"
	"build libutil.a: STATIC_LINKER libutil.a.p/util.c.o\n LINK_ARGS = csrD\n"
	"build emu$:x: c_LINKER emu.p/main.c.o | libutil.a /usr/lib/libglib.so || gen.h\n"
	" LINK_ARGS = -Wl,--as-needed -pie libutil.a -Wl,-z,relro $\n"
	"   -Wl,-z,now '-Wl,-rpath,$$ORIGIN'\n"
	"build tests/t: c_LINKER tests/t.p/t.c.o\n LINK_ARGS = -no-pie\n"
	"build gen: c_LINKER_FOR_BUILD gen.p/gen.c.o\n LINK_ARGS = -no-pie\n";

static const char *db_text =
	"[\n"
	" {\"directory\": \"/b\", \"file\": \"../src/main.c\", \"output\": \"emu.p/main.c.o\",\n"
	"  \"command\": \"cc -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -c ../src/main.c\"},\n"
	" {\"directory\": \"/b\", \"file\": \"../src/util.c\", \"output\": \"libutil.a.p/util.c.o\",\n"
	"  \"arguments\": [\"cc\", \"-O2\", \"-D_FORTIFY_SOURCE=2\", \"-fstack-protector-strong\",\n"
	"                \"-fno-stack-protector\", \"-c\", \"../src/util.c\"]},\n"
	" {\"directory\": \"/b\", \"file\": \"../src/t.c\", \"output\": \"tests/t.p/t.c.o\",\n"
	"  \"command\": \"cc -O0 -c ../src/t.c\"},\n"
	" {\"directory\": \"/b\", \"file\": \"../src/gen.c\", \"output\": \"gen.p/gen.c.o\",\n"
	"  \"command\": \"cc -c ../src/gen.c\"},\n"
	" {\"directory\": \"/b\", \"file\": \"../src/x.S\", \"output\": \"x.o\",\n"
	"  \"command\": \"cc -c ../src/x.S\"}\n"
	"]\n";

static const struct qh_flag_offender *find_offender(const struct qh_flag_audit *a,
						    const char *subject)
{
	for (size_t i = 0; i < a->noffenders; i++)
		if (strcmp(a->offenders[i].subject, subject) == 0)
			return &a->offenders[i];
	return NULL;
}

static void test_build_dir_scoped_to_targets(void **state)
{
	struct qh_flag_requirements req;
	struct qh_flag_audit a = { 0 };
	struct qh_error err;
	const char *targets[] = { "emu:x" };
	const struct qh_flag_offender *o;

	(void)state;
	write_file("build.ninja", ninja_text);
	write_file("compile_commands.json", db_text);
	qh_flag_requirements_default(&req);
	assert_int_equal(qh_flagaudit_build_dir(tmpdir, targets, 1, &req, &a, &err), 0);
	assert_int_equal(a.links, 1);
	assert_int_equal(a.units, 2); /* main.c and util.c (through libutil.a) */
	assert_int_equal(a.noffenders, 1);
	o = find_offender(&a, "../src/util.c");
	assert_non_null(o);
	assert_false(o->is_link);
	assert_non_null(strstr(o->problems[0], "-fno-stack-protector"));
	qh_flag_audit_free(&a);

	/* Without a target list every host link and every unit is audited,
	 * the build-machine generator's link still is not. */
	assert_int_equal(qh_flagaudit_build_dir(tmpdir, NULL, 0, &req, &a, &err), 0);
	assert_int_equal(a.links, 2);
	assert_int_equal(a.units, 4);
	o = find_offender(&a, "tests/t");
	assert_non_null(o);
	assert_true(o->is_link);
	assert_non_null(strstr(o->problems[0], "-no-pie cancels PIE"));
	assert_non_null(find_offender(&a, "../src/t.c"));
	assert_non_null(find_offender(&a, "../src/gen.c"));
	assert_null(find_offender(&a, "gen"));
	qh_flag_audit_free(&a);
}

/* QEMU 10: every source is in libcommon, which is never built; the
 * emulator links the objects it needs straight from libcommon's .p dir
 * (extract_objects). Only those are linked units, and the compile
 * database's never-built entries are not. */
static const char *ninja10_text =
	"rule c_COMPILER\n command = cc $ARGS -o $out -c $in\n"
	"rule STATIC_LINKER\n command = ar $LINK_ARGS $out $in\n"
	"rule c_LINKER\n command = cc $ARGS -o $out $in $LINK_ARGS\n"
	"build libcommon.a: STATIC_LINKER libcommon.a.p/hw_a.c.o libcommon.a.p/hw_b.c.o"
	" libcommon.a.p/hw_never.c.o\n"
	"build libqemuutil.a: STATIC_LINKER libqemuutil.a.p/util.c.o libqemuutil.a.p/trace.c.o\n"
	"build qemu-system-x86_64: c_LINKER libcommon.a.p/hw_a.c.o libcommon.a.p/hw_b.c.o"
	" qemu-system-x86_64.p/system_main.c.o libqemuutil.a\n"
	" LINK_ARGS = -pie -Wl,-z,relro -Wl,-z,now\n";

static const char *db10_text =
	"[\n"
	" {\"directory\": \"/b\", \"file\": \"../src/hw/a.c\", \"output\": \"libcommon.a.p/hw_a.c.o\", \"command\": \"cc -c x\"},\n"
	" {\"directory\": \"/b\", \"file\": \"../src/./hw/b.c\", \"output\": \"libcommon.a.p/hw_b.c.o\", \"command\": \"cc -c x\"},\n"
	" {\"directory\": \"/b\", \"file\": \"../src/hw/never.c\", \"output\": \"libcommon.a.p/hw_never.c.o\", \"command\": \"cc -c x\"},\n"
	" {\"directory\": \"/b\", \"file\": \"../src/system/main.c\", \"output\": \"qemu-system-x86_64.p/system_main.c.o\", \"command\": \"cc -c x\"},\n"
	" {\"directory\": \"/b\", \"file\": \"/src/util/util.c\", \"output\": \"libqemuutil.a.p/util.c.o\", \"command\": \"cc -c x\"},\n"
	" {\"directory\": \"/b\", \"file\": \"trace/trace.c\", \"output\": \"libqemuutil.a.p/trace.c.o\", \"command\": \"cc -c x\"}\n"
	"]\n";

static void test_linked_sources(void **state)
{
	struct qh_strlist l = { 0 };
	struct qh_error err;

	(void)state;
	write_file("build.ninja", ninja10_text);
	write_file("compile_commands.json", db10_text);
	assert_int_equal(qh_build_linked_sources(tmpdir, "qemu-system-x86_64", "/src/", &l,
						 &err), 0);
	assert_int_equal(l.n, 4); /* not hw/never.c, not the generated trace.c */
	assert_string_equal(l.items[0], "hw/a.c");
	assert_string_equal(l.items[1], "hw/b.c");
	assert_string_equal(l.items[2], "system/main.c");
	assert_string_equal(l.items[3], "util/util.c");
	qh_strlist_free(&l);
	assert_int_equal(qh_build_linked_sources(tmpdir, "libcommon.a", "/src", &l, &err), -1);
	assert_non_null(strstr(err.msg, "no link statement for libcommon.a"));
	assert_int_equal(qh_build_linked_sources(tmpdir, "nope", "/src", &l, &err), -1);
}

static void test_errors(void **state)
{
	struct qh_flag_requirements req;
	struct qh_flag_audit a = { 0 };
	struct qh_error err;
	const char *targets[] = { "qemu-system-x86_64" };

	(void)state;
	qh_flag_requirements_default(&req);
	write_file("build.ninja", ninja_text);
	write_file("compile_commands.json", db_text);
	/* A target that was never linked must not pass silently. */
	assert_int_equal(qh_flagaudit_build_dir(tmpdir, targets, 1, &req, &a, &err), -1);
	assert_non_null(strstr(err.msg, "no link statement for qemu-system-x86_64"));
	qh_flag_audit_free(&a);
	write_file("compile_commands.json", "{\"not\": \"an array\"}");
	assert_int_equal(qh_flagaudit_build_dir(tmpdir, NULL, 0, &req, &a, &err), -1);
	assert_non_null(strstr(err.msg, "not a JSON array"));
	qh_flag_audit_free(&a);
	write_file("compile_commands.json", "[{\"file\": \"a.c\"}]");
	assert_int_equal(qh_flagaudit_build_dir(tmpdir, NULL, 0, &req, &a, &err), -1);
	assert_non_null(strstr(err.msg, "neither"));
	qh_flag_audit_free(&a);
	write_file("compile_commands.json", "[{\"file\": ");
	assert_int_equal(qh_flagaudit_build_dir(tmpdir, NULL, 0, &req, &a, &err), -1);
	qh_flag_audit_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_compile_clean),
		cmocka_unit_test(test_compile_cancellations),
		cmocka_unit_test(test_requirements_from_plan_flags),
		cmocka_unit_test(test_link_flags),
		cmocka_unit_test(test_build_dir_scoped_to_targets),
		cmocka_unit_test(test_linked_sources),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
