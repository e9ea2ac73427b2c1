/* test_cmacro.c - the C macro expander against the C standard's own
 * examples (C11 6.10.3.5), QEMU 10's versioned machine macros, and its
 * bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/cmacro.h"

/* Compare ignoring white space (the expander keeps one space where the
 * source had some; the standard's examples are written freely). */
static void assert_same_tokens(const char *got, const char *want)
{
	char *a = malloc(strlen(got) + 1), *b = malloc(strlen(want) + 1);
	size_t i = 0, j = 0;

	assert_non_null(a);
	assert_non_null(b);
	for (const char *p = got; *p; p++)
		if (!isspace((unsigned char)*p))
			a[i++] = *p;
	for (const char *p = want; *p; p++)
		if (!isspace((unsigned char)*p))
			b[j++] = *p;
	a[i] = b[j] = '\0';
	if (strcmp(a, b) != 0)
		print_error("got:  %s\nwant: %s\n", got, want);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static char *expand(const char *defines, const char *text)
{
	struct qh_cmacros *m = qh_cmacros_new(NULL);
	char *r;

	assert_non_null(m);
	assert_int_equal(qh_cmacros_scan_defines(m, defines), 0);
	r = qh_cmacros_expand(m, text);
	qh_cmacros_free(m);
	return r;
}

/* C11 6.10.3.5 EXAMPLE 3 (x defined once as 2: #undef is not read) */
static void test_standard_example_3(void **state)
{
	static const char defs[] =
		"#define x 2\n"
		"#define f(a) f(x * (a))\n"
		"#define g f\n"
		"#define z z[0]\n"
		"#define h g(~\n"
		"#define m(a) a(w)\n"
		"#define w 0,1\n"
		"#define t(a) a\n"
		"#define p() int\n"
		"#define q(x) x\n"
		"#define r(x,y) x ## y\n"
		"#define str(x) # x\n";
	char *r;

	(void)state;
	r = expand(defs, "f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);\n"
			 "g(x+(3,4)-w) | h 5) & m\n(f)^m(m);\n"
			 "p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };\n"
			 "char c[2][6] = { str(hello), str() };");
	assert_non_null(r);
	assert_same_tokens(r, "f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);"
			      "f(2 * (2+(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);"
			      "int i[] = { 1, 23, 4, 5, };"
			      "char c[2][6] = { \"hello\", \"\" };");
	free(r);
}

/* C11 6.10.3.5 EXAMPLE 4: # and ## */
static void test_standard_example_4(void **state)
{
	static const char defs[] =
		"#define str(s) # s\n"
		"#define xstr(s) str(s)\n"
		"#define debug(s, t) printf(\"x\" # s \"= %d, x\" # t \"= %s\", \\\n"
		"                x ## s, x ## t)\n"
		"#define INCFILE(n) vers ## n\n"
		"#define glue(a, b) a ## b\n"
		"#define xglue(a, b) glue(a, b)\n"
		"#define HIGHLOW \"hello\"\n"
		"#define LOW LOW \", world\"\n";
	char *r;

	(void)state;
	r = expand(defs, "debug(1, 2);\n"
			 "fputs(str(strncmp(\"abc\\0d\", \"abc\", '\\4') == 0) str(: @\\n), s);\n"
			 "xstr(INCFILE(2).h)\nglue(HIGH, LOW);\nxglue(HIGH, LOW)");
	assert_non_null(r);
	assert_same_tokens(r, "printf(\"x\" \"1\" \"= %d, x\" \"2\" \"= %s\", x1, x2);"
			      "fputs(\"strncmp(\\\"abc\\\\0d\\\", \\\"abc\\\", '\\\\4') == 0\" \": @\\n\", s);"
			      "\"vers2.h\"\n\"hello\";\n\"hello\" \", world\"");
	free(r);
}

/* C11 6.10.3.5 EXAMPLE 7: variable arguments */
static void test_variadic(void **state)
{
	static const char defs[] =
		"#define debug(...) fprintf(stderr, __VA_ARGS__)\n"
		"#define showlist(...) puts(#__VA_ARGS__)\n"
		"#define report(test, ...) ((test)?puts(#test): printf(__VA_ARGS__))\n"
		"#define gnu(fmt, ...) f(fmt, ## __VA_ARGS__)\n"
		"#define named(fmt, args...) g(fmt, args)\n";
	char *r;

	(void)state;
	r = expand(defs, "debug(\"Flag\"); debug(\"X = %d\\n\", x);"
			 "showlist(The first, second, and third items.);"
			 "report(x>y, \"x is %d but y is %d\", x, y);"
			 "gnu(\"a\"); gnu(\"b\", 1); named(\"c\", 2, 3);");
	assert_non_null(r);
	assert_same_tokens(r, "fprintf(stderr, \"Flag\"); fprintf(stderr, \"X = %d\\n\", x);"
			      "puts(\"The first, second, and third items.\");"
			      "((x>y)?puts(\"x>y\"): printf(\"x is %d but y is %d\", x, y));"
			      "f(\"a\"); f(\"b\", 1); g(\"c\", 2, 3);");
	free(r);
}

/* QEMU 10's versioned machines: argument counting through
 * _MACHINE_VER_PICK, a macro name produced by one expansion and called
 * with the parentheses that follow it. */
static const char qemu_defs[] =
	"#define TYPE_MACHINE_SUFFIX \"-machine\"\n"
	"#define _MACHINE_VER_PICK(x1, x2, x3, x4, x5, x6, ...) x6\n"
	"#define _MACHINE_VER_TYPE_NAME2(prefix, major, minor)   \\\n"
	"    prefix \"-\" #major \".\" #minor TYPE_MACHINE_SUFFIX\n"
	"#define _MACHINE_VER_TYPE_NAME3(prefix, major, minor, micro) \\\n"
	"    prefix \"-\" #major \".\" #minor \".\" #micro TYPE_MACHINE_SUFFIX\n"
	"#define MACHINE_VER_TYPE_NAME(prefix, ...) \\\n"
	"    _MACHINE_VER_PICK(__VA_ARGS__, \\\n"
	"                      _MACHINE_VER_TYPE_NAME5, \\\n"
	"                      _MACHINE_VER_TYPE_NAME4, \\\n"
	"                      _MACHINE_VER_TYPE_NAME3, \\\n"
	"                      _MACHINE_VER_TYPE_NAME2) (prefix, __VA_ARGS__)\n"
	"#define _MACHINE_VER_SYM2(sym, prefix, major, minor) \\\n"
	"    prefix ## _machine_ ## major ## _ ## minor ## _ ## sym\n"
	"#define MACHINE_VER_SYM(sym, prefix, ...) \\\n"
	"    _MACHINE_VER_PICK(__VA_ARGS__, _MACHINE_VER_SYM5, _MACHINE_VER_SYM4, \\\n"
	"                      _MACHINE_VER_SYM3, _MACHINE_VER_SYM2) (sym, prefix, __VA_ARGS__)\n"
	"#define DEFINE_PC_VER_MACHINE(namesym, namestr, initfn, isdefault, malias, ...) \\\n"
	"    static void MACHINE_VER_SYM(class_init, namesym, __VA_ARGS__)(ObjectClass *oc) \\\n"
	"    { MachineClass *mc = MACHINE_CLASS(oc); mc->alias = malias; } \\\n"
	"    static const TypeInfo MACHINE_VER_SYM(info, namesym, __VA_ARGS__) = { \\\n"
	"        .name = MACHINE_VER_TYPE_NAME(namestr, __VA_ARGS__), \\\n"
	"    };\n"
	"#define DEFINE_Q35_MACHINE(major, minor) \\\n"
	"    DEFINE_PC_VER_MACHINE(pc_q35, \"pc-q35\", pc_q35_init, false, NULL, major, minor);\n"
	"#define DEFINE_Q35_MACHINE_AS_LATEST(major, minor) \\\n"
	"    DEFINE_PC_VER_MACHINE(pc_q35, \"pc-q35\", pc_q35_init, false, \"q35\", major, minor);\n"
	"#define UNRELATED(x) ((x) + 1)\n";

static void test_qemu_versioned_machines(void **state)
{
	struct qh_cmacros *m = qh_cmacros_new(NULL);
	static const char *const words[] = { "TypeInfo", "alias", NULL };
	size_t skipped = 99;
	char *r;

	(void)state;
	assert_non_null(m);
	assert_int_equal(qh_cmacros_scan_defines(m, qemu_defs), 0);
	r = qh_cmacros_expand(m, "MACHINE_VER_TYPE_NAME(\"pc-i440fx\", 9, 2, 1)");
	assert_non_null(r);
	assert_same_tokens(r, "\"pc-i440fx\" \"-\" \"9\" \".\" \"2\" \".\" \"1\" \"-machine\"");
	free(r);
	r = qh_cmacros_expand_calls(m, "int a = UNRELATED(1);\n"
				    "DEFINE_Q35_MACHINE_AS_LATEST(10,\n 0)\n"
				    "DEFINE_Q35_MACHINE(9, 2)\n"
				    "#define KEPT DEFINE_Q35_MACHINE(1, 0)\n"
				    "const char *s = \"DEFINE_Q35_MACHINE(2, 0)\";\n",
				    words, &skipped);
	assert_non_null(r);
	assert_int_equal(skipped, 0);
	/* unrelated macros, strings and #define lines are left alone */
	assert_non_null(strstr(r, "int a = UNRELATED(1);\n"));
	assert_non_null(strstr(r, "#define KEPT DEFINE_Q35_MACHINE(1, 0)\n"));
	assert_non_null(strstr(r, "\"DEFINE_Q35_MACHINE(2, 0)\""));
	assert_non_null(strstr(r, "static const TypeInfo pc_q35_machine_10_0_info = {"));
	assert_non_null(strstr(r, ".name = \"pc-q35\" \"-\" \"10\" \".\" \"0\" \"-machine\""));
	assert_non_null(strstr(r, "mc->alias = \"q35\";"));
	assert_non_null(strstr(r, "pc_q35_machine_9_2_info"));
	assert_non_null(strstr(r, "mc->alias = NULL;"));
	/* the newline inside the first call is kept after it: line 5 is
	 * still the #define */
	{
		const char *line = r;

		for (int i = 1; i < 5; i++)
			line = strchr(line, '\n') + 1;
		assert_memory_equal(line, "#define KEPT", 12);
	}
	free(r);
	qh_cmacros_free(m);
}

/* A file's own macros come before the headers' (a table's parent). */
static void test_scopes(void **state)
{
	struct qh_cmacros *global = qh_cmacros_new(NULL), *local;
	char *r;

	(void)state;
	assert_non_null(global);
	assert_int_equal(qh_cmacros_define(global, "NAME", NULL, "\"global\""), 0);
	assert_int_equal(qh_cmacros_define(global, "ONLY_GLOBAL", NULL, "\"g\""), 0);
	assert_int_equal(qh_cmacros_define(global, "NAME", NULL, "\"second\""), 0);
	local = qh_cmacros_new(global);
	assert_non_null(local);
	assert_int_equal(qh_cmacros_define(local, "NAME", NULL, "\"local\""), 0);
	r = qh_cmacros_expand(local, "NAME ONLY_GLOBAL");
	assert_string_equal(r, "\"local\" \"g\"");
	free(r);
	r = qh_cmacros_expand(global, "NAME");
	assert_string_equal(r, "\"global\""); /* the first definition wins */
	free(r);
	assert_int_equal(qh_cmacros_count(global), 2);
	/* a malformed parameter list is refused */
	assert_int_equal(qh_cmacros_define(local, "BAD", "a,,b", "a"), -1);
	assert_int_equal(qh_cmacros_define(local, "BAD", "a, ..., b", "a"), -1);
	qh_cmacros_free(local);
	qh_cmacros_free(global);
}

/* Recursion ends where the C preprocessor's does. */
static void test_no_self_expansion(void **state)
{
	char *r;

	(void)state;
	r = expand("#define foo foo\n#define a b\n#define b a\n#define f(x) f(x)\n"
		   "#define g(x) x g\n", "foo a b f(f(1)) g(g)(2)");
	assert_non_null(r);
	assert_same_tokens(r, "foo a b f(f(1)) g g(2)");
	free(r);
}

/* Hostile input: exponential growth and broken calls fail, quickly. */
static void test_bounds(void **state)
{
	char defs[4096];
	size_t n = 0;
	char *r;

	(void)state;
	/* a0 -> a1 a1 -> a2 a2 a2 a2 ... 2^40 tokens */
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(defs + n, sizeof(defs) - n, "#define a%d a%d a%d\n",
				      i, i + 1, i + 1);
	r = expand(defs, "a0");
	assert_null(r);
	/* a call without its closing parenthesis, too many arguments */
	r = expand("#define f(x) x\n#define g(x, y) x\n", "f(1");
	assert_null(r);
	r = expand("#define g(x, y) x\n", "g(1, 2, 3)");
	assert_null(r);
	/* a function-like name without arguments is just a name */
	r = expand("#define f(x) x\n", "f + 1");
	assert_string_equal(r, "f + 1");
	free(r);
	/* empty arguments and an empty parameter list */
	r = expand("#define e() E\n#define one(x) [x]\n", "e() one() one( )");
	assert_same_tokens(r, "E [] []");
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_example_3),
		cmocka_unit_test(test_standard_example_4),
		cmocka_unit_test(test_variadic),
		cmocka_unit_test(test_qemu_versioned_machines),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_no_self_expansion),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
