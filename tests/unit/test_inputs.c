/* test_inputs.c - operand kinds from their first bytes and the ELF files
 * of a directory (lib/inputs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inputs.h"
#include "strlist.h"

static char dir[] = "/tmp/qhard-inputs.XXXXXX";
static char self[4096];

static void put(const char *name, const void *data, size_t len)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void copy_self(const char *name)
{
	FILE *in = fopen(self, "r");
	char buf[4096];
	size_t n;
	char path[4200];
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = fopen(path, "w");
	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
}

static enum qh_input_kind kind_of(const char *name)
{
	char path[4200];
	enum qh_input_kind k = QH_INPUT_OTHER;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(qh_input_kind_of(path, &k, NULL), 0);
	return k;
}

static void test_kinds_from_first_bytes(void **state)
{
	(void)state;
	copy_self("prog.txt"); /* the name says nothing */
	put("report.elf", " \n\t{\"schema\":1}", 15);
	put("pkg.json", "!<arch>\ndebian-binary   ", 24);
	put("empty", "", 0);
	put("text", "hello", 5);
	assert_int_equal(kind_of("prog.txt"), QH_INPUT_ELF);
	assert_int_equal(kind_of("report.elf"), QH_INPUT_REPORT);
	assert_int_equal(kind_of("pkg.json"), QH_INPUT_PACKAGE);
	assert_int_equal(kind_of("empty"), QH_INPUT_OTHER);
	assert_int_equal(kind_of("text"), QH_INPUT_OTHER);
}

static int collect(const char *path, const char *error, void *ctx)
{
	const char *name = strrchr(path, '/') + 1;

	return qh_strlist_addf(ctx, "%s%s", error ? "error:" : "", name);
}

static void test_walk_lists_elf_files_in_name_order(void **state)
{
	struct qh_strlist got = { 0 };
	struct qh_error err = { "" };
	char path[4200];

	(void)state;
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	copy_self("sub/b");
	copy_self("a");
	snprintf(path, sizeof(path), "%s/link-to-a", dir);
	assert_int_equal(symlink("a", path), 0); /* never followed */
	assert_int_equal(qh_inputs_walk_elf(dir, collect, &got, &err), 0);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.items[0], "a");
	assert_string_equal(got.items[1], "prog.txt");
	assert_string_equal(got.items[2], "b");
	qh_strlist_free(&got);
	assert_int_equal(qh_inputs_walk_elf("/nonexistent-qhard", collect, &got,
					    &err), -1);
	assert_non_null(strstr(err.msg, "No such file"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_from_first_bytes),
		cmocka_unit_test(test_walk_lists_elf_files_in_name_order),
	};
	char cmd[256];
	int rc;

	(void)argc;
	if (!realpath(argv[0], self) || !mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
