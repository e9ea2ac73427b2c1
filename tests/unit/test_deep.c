/* test_deep.c - the deep checks on a program compiled here, now: hard.c and
 * main.c with every hardening flag, weak.c without (tests/fixtures/deep).
 * The checks must name exactly weak.c's functions, and the FORTIFY sites
 * must come back with weak.c and the lines marked in it, also through a
 * separate debug file (.gnu_debuglink, build-id) and from a stripped copy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze.h"
#include "deep/deep.h"

#define FIX "tests/fixtures/deep"
#define HARD_FLAGS "-O2 -g -fstack-protector-strong " \
	"-fstack-clash-protection -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3"
#define WEAK_FLAGS "-O2 -g -fno-stack-protector " \
	"-fno-stack-clash-protection -U_FORTIFY_SOURCE"
#define X86_HARD "-fcf-protection=full"
#define X86_WEAK "-fcf-protection=none"

static char tmp[256];
static const char *cc;

static int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Build the three-unit program into TMP/SUBDIR/fx with compiler XCC;
 * hard/weak: the architecture's extra flags for each kind of unit. */
static int build_prog(const char *subdir, const char *xcc, const char *hard,
		      const char *weak, const char *ldflags)
{
	return run("mkdir -p %s/%s && cd %s/%s && "
		   "%s " HARD_FLAGS " %s -c $OLDPWD/" FIX "/hard.c -o hard.o && "
		   "%s " HARD_FLAGS " %s -c $OLDPWD/" FIX "/main.c -o main.o && "
		   "%s " WEAK_FLAGS " %s -c $OLDPWD/" FIX "/weak.c -o weak.o && "
		   "%s -pie %s -o fx hard.o main.o weak.o 2>/dev/null",
		   tmp, subdir, tmp, subdir, xcc, hard, xcc, hard, xcc, weak,
		   xcc, ldflags);
}

static bool have(const char *prog)
{
	return run("command -v %s >/dev/null 2>&1", prog) == 0;
}

static int build_fixture(void **state)
{
	(void)state;
	cc = getenv("CC_UNDER_TEST");
	if (!cc || !*cc)
		cc = "cc";
	snprintf(tmp, sizeof(tmp), "%s/qhard-deep.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		return -1;
	if (build_prog(".", cc, X86_HARD, X86_WEAK, "-Wl,--build-id"))
		return -1;
	/* Separate debug file next to the binary, found by .gnu_debuglink. */
	if (run("cd %s && cp fx fx-link && objcopy --only-keep-debug fx fx-link.debug && "
		"objcopy --strip-debug --add-gnu-debuglink=fx-link.debug fx-link", tmp))
		return -1;
	/* Separate debug file under a debug root, found by build-id. */
	if (run("cd %s && cp fx fx-bid && objcopy --only-keep-debug fx bid.debug && "
		"objcopy --strip-debug fx-bid && id=$(readelf -n fx | sed -n 's/.*Build ID: //p') && "
		"mkdir -p root/.build-id/$(echo $id | cut -c1-2) && "
		"mv bid.debug root/.build-id/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-).debug",
		tmp))
		return -1;
	/* No symbols at all: functions come from .eh_frame. */
	return run("cd %s && cp fx fx-stripped && strip --strip-all fx-stripped", tmp) ? -1 : 0;
}

static int remove_fixture(void **state)
{
	(void)state;
	if (tmp[0])
		run("rm -rf %s", tmp);
	return 0;
}

static struct qh_result *deep(const char *name, const char *root)
{
	char path[512];
	struct qh_analyze_options o = { .deep = true, .debug_root = root };
	struct qh_error err = { { 0 } };
	struct qh_result *r;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	(void)err;
	r = qh_analyze_path(path, &o);
	assert_non_null(r);
	if (r->error)
		fail_msg("deep run on %s: %s", path, r->error);
	return r;
}

static json_t *value_of(struct qh_result *r, const char *id)
{
	struct qh_check *c = qh_result_find_check(r, id);

	if (!c)
		fail_msg("no %s check", id);
	return c->value;
}

/* The JSON array of strings `arr` holds exactly the names (any order). */
static void assert_names(json_t *arr, const char *const *names, size_t n)
{
	assert_true(json_is_array(arr));
	if (json_array_size(arr) != n)
		fail_msg("%zu names (%s), wanted %zu", json_array_size(arr),
			 json_dumps(arr, JSON_COMPACT), n);
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < json_array_size(arr); j++)
			found |= strcmp(json_string_value(json_array_get(arr, j)), names[i]) == 0;
		if (!found)
			fail_msg("%s not in %s", names[i], json_dumps(arr, JSON_COMPACT));
	}
}

static void test_canary_names_weak_unit(void **state)
{
	static const char *const want[] = { "weak_copy", "weak_vla", "weak_ptr" };
	struct qh_result *r = deep("fx", NULL);
	struct qh_check *c = qh_result_find_check(r, "canary-coverage");

	(void)state;
	assert_non_null(c);
	assert_names(json_object_get(c->value, "unprotected"), want, 3);
	assert_int_equal(json_integer_value(json_object_get(c->value, "protected")), 3);
	assert_int_equal(c->status, QH_FAIL);
	assert_int_equal(c->nlocations, 3);
	assert_non_null(c->locations[0].file);
	assert_non_null(strstr(c->locations[0].file, "weak.c"));
	qh_result_free(r);
}

static void test_ibt_names_weak_unit(void **state)
{
	/* weak_cb is static but address-taken: it needs a landing pad too. */
	static const char *const want[] = { "weak_copy", "weak_big", "weak_vla",
					    "weak_ptr", "weak_indirect", "weak_cb" };
	struct qh_result *r = deep("fx", NULL);
	json_t *v = value_of(r, "ibt-coverage");

	(void)state;
	assert_names(json_object_get(v, "missing"), want, 6);
	/* One unit without -fcf-protection: the linker drops the claim. */
	assert_false(json_is_true(json_object_get(v, "claimed")));
	assert_int_equal(qh_result_find_check(r, "ibt-coverage")->status, QH_WARN);
	qh_result_free(r);
}

static void test_stack_clash_names_weak_unit(void **state)
{
	static const char *const want[] = { "weak_big", "weak_vla" };
	struct qh_result *r = deep("fx", NULL);
	json_t *v = value_of(r, "stack-clash-coverage");

	(void)state;
	assert_names(json_object_get(v, "unprobed"), want, 2);
	assert_int_equal(json_integer_value(json_object_get(v, "probed")), 2);
	/* The contract's yes/no id comes from the same pass. */
	assert_string_equal(json_string_value(value_of(r, "stack-clash")), "no");
	assert_int_equal(qh_result_find_check(r, "stack-clash")->status, QH_FAIL);
	qh_result_free(r);
}

/* Lines of weak.c marked FORTIFY-SITE. */
static size_t marked_lines(unsigned *lines, size_t max)
{
	FILE *f = fopen(FIX "/weak.c", "r");
	char buf[512];
	unsigned ln = 0;
	size_t n = 0;

	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f)) {
		ln++;
		if (strstr(buf, "FORTIFY-SITE") && n < max)
			lines[n++] = ln;
	}
	fclose(f);
	return n;
}

static void check_fortify_sites(const char *bin, const char *root)
{
	struct qh_result *r = deep(bin, root);
	json_t *v = value_of(r, "fortify-sites"), *sites = json_object_get(v, "sites");
	unsigned lines[8];
	size_t n = marked_lines(lines, 8);

	assert_true(n >= 3);
	if (json_array_size(sites) != n)
		fail_msg("%s: %zu sites, %zu marked: %s", bin, json_array_size(sites), n,
			 json_dumps(sites, JSON_COMPACT));
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < json_array_size(sites); j++) {
			json_t *s = json_array_get(sites, j);
			const char *file = json_string_value(json_object_get(s, "file"));

			if (file && strstr(file, "weak.c") &&
			    json_integer_value(json_object_get(s, "line")) == lines[i] &&
			    strncmp(json_string_value(json_object_get(s, "function")), "weak_", 5) == 0)
				found = true;
		}
		if (!found)
			fail_msg("%s: weak.c:%u not among %s", bin, lines[i],
				 json_dumps(sites, JSON_COMPACT));
	}
	/* printf unfortified while other units call __*_chk: fail. */
	assert_int_equal(qh_result_find_check(r, "fortify-sites")->status, QH_FAIL);
	qh_result_free(r);
}

static void test_fortify_sites_file_line(void **state)
{
	(void)state;
	check_fortify_sites("fx", NULL);
}

static void test_fortify_sites_debuglink(void **state)
{
	(void)state;
	check_fortify_sites("fx-link", "/nonexistent");
}

static void test_fortify_sites_build_id(void **state)
{
	char root[512];

	(void)state;
	snprintf(root, sizeof(root), "%s/root", tmp);
	check_fortify_sites("fx-bid", root);
}

static void test_cu_flags_names_weak_unit(void **state)
{
	struct qh_result *r = deep("fx", NULL);
	json_t *v = value_of(r, "cu-flags"), *lack;

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(v, "cus")), 3);
	if (json_integer_value(json_object_get(v, "unknown")) == 3) {
		/* clang records no switches in DW_AT_producer */
		qh_result_free(r);
		skip();
	}
	lack = json_object_get(v, "lacking");
	assert_int_equal(json_array_size(lack), 1);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(lack, 0), "cu")),
			       "weak.c"));
	qh_result_free(r);
}

/* Without any symbol the same functions are found through their FDEs. */
static void test_stripped_uses_eh_frame(void **state)
{
	struct qh_result *full = deep("fx", NULL), *r = deep("fx-stripped", NULL);
	json_t *want = json_object_get(value_of(full, "canary-coverage"), "unprotected");
	json_t *got = json_object_get(value_of(r, "canary-coverage"), "unprotected");
	struct qh_check *fc = qh_result_find_check(full, "canary-coverage");
	char name[64];

	(void)state;
	assert_int_equal(json_array_size(got), json_array_size(want));
	for (size_t i = 0; i < fc->nlocations; i++) {
		bool found = false;

		snprintf(name, sizeof(name), "fn_%llx",
			 (unsigned long long)fc->locations[i].address);
		for (size_t j = 0; j < json_array_size(got); j++)
			found |= strcmp(json_string_value(json_array_get(got, j)), name) == 0;
		if (!found)
			fail_msg("%s not in %s", name, json_dumps(got, JSON_COMPACT));
	}
	assert_non_null(strstr(qh_result_find_check(r, "canary-coverage")->evidence,
			       ".eh_frame"));
	qh_result_free(full);
	qh_result_free(r);
}

/* Hostile input: every prefix of the binary gives a result or an error,
 * never a crash (run under ASan by `make asan`). */
static void test_truncated_inputs(void **state)
{
	char path[512];
	FILE *f;
	struct stat st;
	unsigned char *buf;

	(void)state;
	snprintf(path, sizeof(path), "%s/fx-stripped", tmp);
	assert_int_equal(stat(path, &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	for (size_t len = 0; len < (size_t)st.st_size; len += 997) {
		struct qh_error err = { { 0 } };
		struct qh_result *r = qh_result_new("t", &err);

		assert_non_null(r);
		(void)qh_deep_run_buffer(buf, len, NULL, r, NULL, &err);
		qh_result_free(r);
	}
	/* Flip bytes in the headers and tables too. */
	for (size_t i = 0; i < (size_t)st.st_size; i += 61) {
		struct qh_error err = { { 0 } };
		struct qh_result *r = qh_result_new("t", &err);
		unsigned char old = buf[i];

		buf[i] ^= 0xa5;
		(void)qh_deep_run_buffer(buf, (size_t)st.st_size, NULL, r, NULL, &err);
		buf[i] = old;
		qh_result_free(r);
	}
	free(buf);
}

static const char *const weak_canary[] = { "weak_copy", "weak_vla", "weak_ptr" };
static const char *const weak_all[] = { "weak_copy", "weak_big", "weak_vla", "weak_ptr",
					"weak_indirect", "weak_cb" };
static const char *const weak_clash[] = { "weak_big", "weak_vla" };

static void test_aarch64_bti_pac(void **state)
{
	struct qh_result *r;

	(void)state;
	if (!have("aarch64-linux-gnu-gcc"))
		skip();
	assert_int_equal(build_prog("aarch64", "aarch64-linux-gnu-gcc",
				    "-mbranch-protection=standard",
				    "-mbranch-protection=none", ""), 0);
	r = deep("aarch64/fx", NULL);
	assert_names(json_object_get(value_of(r, "canary-coverage"), "unprotected"),
		     weak_canary, 3);
	assert_names(json_object_get(value_of(r, "ibt-coverage"), "missing"), weak_all, 6);
	/* weak_big is a leaf: it never saves x30, so PAC has nothing to sign. */
	assert_names(json_object_get(value_of(r, "pac-coverage"), "missing"),
		     weak_canary, 3);
	assert_names(json_object_get(value_of(r, "stack-clash-coverage"), "unprobed"),
		     weak_clash + 1, 1); /* 16 KiB is below AArch64's 64 KiB guard */
	assert_int_equal(json_array_size(json_object_get(value_of(r, "fortify-sites"), "sites")), 3);
	qh_result_free(r);

	/* Force the BTI claim at link time: now the same functions break it. */
	assert_int_equal(run("cd %s/aarch64 && aarch64-linux-gnu-gcc -pie -Wl,-z,force-bti "
			     "-o fx-bti hard.o main.o weak.o 2>/dev/null", tmp), 0);
	r = deep("aarch64/fx-bti", NULL);
	assert_true(json_is_true(json_object_get(value_of(r, "ibt-coverage"), "claimed")));
	assert_names(json_object_get(value_of(r, "ibt-coverage"), "missing"), weak_all, 6);
	assert_int_equal(qh_result_find_check(r, "ibt-coverage")->status, QH_FAIL);
	qh_result_free(r);
}

static void test_i386(void **state)
{
	struct qh_result *r;

	(void)state;
	if (!have("i686-linux-gnu-gcc"))
		skip();
	assert_int_equal(build_prog("i386", "i686-linux-gnu-gcc", X86_HARD, X86_WEAK, ""), 0);
	r = deep("i386/fx", NULL);
	assert_names(json_object_get(value_of(r, "canary-coverage"), "unprotected"),
		     weak_canary, 3);
	assert_names(json_object_get(value_of(r, "ibt-coverage"), "missing"), weak_all, 6);
	assert_names(json_object_get(value_of(r, "stack-clash-coverage"), "unprobed"),
		     weak_clash, 2);
	assert_int_equal(json_array_size(json_object_get(value_of(r, "fortify-sites"), "sites")), 3);
	qh_result_free(r);
}

/* s390x and ppc64: the canary pattern is known, the other checks skip
 * with a reason. */
static void canary_only_arch(const char *subdir, const char *xcc)
{
	struct qh_result *r;
	char name[64];

	if (!have(xcc))
		skip();
	assert_int_equal(build_prog(subdir, xcc, "", "", ""), 0);
	snprintf(name, sizeof(name), "%s/fx", subdir);
	r = deep(name, NULL);
	assert_names(json_object_get(value_of(r, "canary-coverage"), "unprotected"),
		     weak_canary, 3);
	assert_int_equal(qh_result_find_check(r, "ibt-coverage")->status, QH_SKIP);
	assert_int_equal(qh_result_find_check(r, "stack-clash-coverage")->status, QH_SKIP);
	assert_non_null(qh_result_find_check(r, "stack-clash-coverage")->evidence);
	qh_result_free(r);
}

static void test_s390x(void **state)
{
	(void)state;
	canary_only_arch("s390x", "s390x-linux-gnu-gcc");
}

static void test_ppc64le(void **state)
{
	(void)state;
	canary_only_arch("ppc64le", "powerpc64le-linux-gnu-gcc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canary_names_weak_unit),
		cmocka_unit_test(test_ibt_names_weak_unit),
		cmocka_unit_test(test_stack_clash_names_weak_unit),
		cmocka_unit_test(test_fortify_sites_file_line),
		cmocka_unit_test(test_fortify_sites_debuglink),
		cmocka_unit_test(test_fortify_sites_build_id),
		cmocka_unit_test(test_cu_flags_names_weak_unit),
		cmocka_unit_test(test_stripped_uses_eh_frame),
		cmocka_unit_test(test_truncated_inputs),
		cmocka_unit_test(test_aarch64_bti_pac),
		cmocka_unit_test(test_i386),
		cmocka_unit_test(test_s390x),
		cmocka_unit_test(test_ppc64le),
	};

	return cmocka_run_group_tests(tests, build_fixture, remove_fixture);
}
