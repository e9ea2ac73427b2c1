/* test_keep_mtime.c - a plan's devices files keep their mtime when only
 * comments changed, and get a new one when a symbol did
 * (lib/build/keep_mtime.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "build/build.h"

static char dir[] = "/tmp/qhard-keep.XXXXXX";

static void write_at(const char *name, const char *text, time_t mtime)
{
	char path[256];
	struct timespec t[2] = { { mtime, 0 }, { mtime, 0 } };
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	if (mtime)
		assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static time_t mtime_of(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	return st.st_mtime;
}

static void test_comments_keep_symbols_do_not(void **state)
{
	struct qh_mtime_keep *k;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_at("x86_64-softmmu.mak", "# profile /a/p.ini\nCONFIG_VIRTIO=y\n", 1000000);
	write_at("aarch64-softmmu.mak", "CONFIG_VIRTIO=y\n", 1000000);
	k = qh_mtime_keep_snapshot(dir);
	assert_non_null(k);
	/* the plan writes both again: one with another checkout's comment,
	 * one with a symbol more */
	write_at("x86_64-softmmu.mak", "# profile /b/p.ini\nCONFIG_VIRTIO=y\n", 0);
	write_at("aarch64-softmmu.mak", "CONFIG_VIRTIO=y\nCONFIG_PCI=y\n", 0);
	qh_mtime_keep_restore(k);
	assert_int_equal(mtime_of("x86_64-softmmu.mak"), 1000000);
	assert_true(mtime_of("aarch64-softmmu.mak") > 1000000);
	qh_mtime_keep_restore(qh_mtime_keep_snapshot("/nonexistent-qhard"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments_keep_symbols_do_not),
	};
	char cmd[64];
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? rc : 1;
}
