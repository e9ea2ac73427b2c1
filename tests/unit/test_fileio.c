/* test_fileio.c - qh_mkdir_p, qh_resolve_path, qh_relpath, qh_copy_file. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"

static void test_mkdir_resolve(void **state)
{
	char dir[] = "/tmp/qhard-fileio.XXXXXX", p[PATH_MAX + 64], out[PATH_MAX], real[PATH_MAX];
	struct qh_error err = { { 0 } };
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(realpath(dir, real));
	/* a missing tail resolves lexically, and nothing is created */
	snprintf(p, sizeof(p), "%s/a/./b/../c", dir);
	assert_int_equal(qh_resolve_path(p, out, &err), 0);
	snprintf(p, sizeof(p), "%s/a/c", real);
	assert_string_equal(out, p);
	assert_int_not_equal(stat(p, &st), 0);
	/* mkdir -p makes every level; the resolved path is then realpath's */
	assert_int_equal(qh_mkdir_p(p, &err), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(qh_mkdir_p(p, &err), 0); /* exists: fine */
	assert_int_equal(qh_resolve_path(p, out, &err), 0);
	assert_string_equal(out, p);
	/* a file in the way is an error naming the path */
	snprintf(p, sizeof(p), "%s/f", real);
	assert_int_equal(qh_copy_file("/dev/null", p, &err), 0);
	snprintf(p, sizeof(p), "%s/f/x", real);
	assert_int_equal(qh_mkdir_p(p, &err), -1);
	assert_non_null(strstr(err.msg, "/f/x"));
	assert_int_equal(qh_resolve_path(p, out, &err), -1);
	snprintf(p, sizeof(p), "rm -rf '%s'", real);
	assert_int_equal(system(p), 0);
}

static void test_relpath(void **state)
{
	char *r;

	(void)state;
	r = qh_relpath("/src/qemu/configs/devices/x86_64-softmmu", "/out/x86_64-softmmu");
	assert_string_equal(r, "../../../../../out/x86_64-softmmu");
	free(r);
	r = qh_relpath("/a/b", "/a/b/c");
	assert_string_equal(r, "c");
	free(r);
	r = qh_relpath("/a/bc", "/a/b/x"); /* a shared prefix that is no directory */
	assert_string_equal(r, "../b/x");
	free(r);
}

static void test_copy_file(void **state)
{
	char dir[] = "/tmp/qhard-fileio.XXXXXX", a[PATH_MAX + 64], b[PATH_MAX + 64];
	struct qh_error err = { { 0 } };
	struct qh_buf got = QH_BUF_INIT;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	f = fopen(a, "w");
	assert_non_null(f);
	for (int i = 0; i < 20000; i++) /* more than one buffer */
		fprintf(f, "line %d\n", i);
	fclose(f);
	assert_int_equal(qh_copy_file(a, b, &err), 0);
	assert_int_equal(qh_read_file(b, 0, &got, &err), 0);
	{
		struct qh_buf want = QH_BUF_INIT;

		assert_int_equal(qh_read_file(a, 0, &want, &err), 0);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
		qh_buf_free(&want);
	}
	qh_buf_free(&got);
	/* a missing source is an error naming it; the target is untouched */
	snprintf(a, sizeof(a), "%s/missing", dir);
	assert_int_equal(qh_copy_file(a, b, &err), -1);
	assert_non_null(strstr(err.msg, "missing"));
	unlink(b);
	snprintf(a, sizeof(a), "%s/a", dir);
	unlink(a);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mkdir_resolve),
		cmocka_unit_test(test_relpath),
		cmocka_unit_test(test_copy_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
