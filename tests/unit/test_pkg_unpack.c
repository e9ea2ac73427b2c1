/* test_pkg_unpack.c - package recognition by magic, and the ELF members of
 * a tarball written here with libarchive: non-ELF files, symlinks and
 * directories are skipped, names become installed paths, an oversized
 * member and a corrupt archive are errors, a callback can stop the walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkg_unpack.h"

static const char elf_bytes[] = "\x7f" "ELF\x02\x01\x01 pretend the rest is there";

static void add(struct archive *a, const char *name, int type,
		const char *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, (unsigned)type);
	archive_entry_set_perm(e, 0755);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, data);
	else
		archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)len : 0);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (type == AE_IFREG && len)
		assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
	archive_entry_free(e);
}

/* A gzip'd tar with two ELF members among other entries. */
static char *write_tarball(void)
{
	char *path = strdup("/tmp/test_pkg.XXXXXX");
	struct archive *a = archive_write_new();
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	add(a, "./usr/", AE_IFDIR, NULL, 0);
	add(a, "./usr/bin/qemu-img", AE_IFREG, elf_bytes, sizeof(elf_bytes));
	add(a, "./usr/bin/alias", AE_IFLNK, "qemu-img", 0);
	add(a, "./usr/share/doc/README", AE_IFREG, "hello\n", 6);
	add(a, "usr/lib/libx.so.1", AE_IFREG, elf_bytes, sizeof(elf_bytes));
	add(a, "./tiny", AE_IFREG, "\x7f" "E", 2);
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

struct seen {
	char names[4][64];
	size_t sizes[4];
	int n;
	int stop_after;
};

static int collect(void *user, const struct qh_pkg_member *m,
		   struct qh_error *err)
{
	struct seen *s = user;

	assert_memory_equal(m->data, "\x7f" "ELF", 4);
	if (s->n < 4) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", m->path);
		s->sizes[s->n] = m->size;
	}
	s->n++;
	if (s->stop_after && s->n >= s->stop_after)
		return qh_error_set(err, "stop");
	return 0;
}

static void test_detect(void **state)
{
	unsigned char tar[512] = { 0 };

	(void)state;
	assert_int_equal(qh_pkg_detect("!<arch>\ndebian-binary   ", 24), QH_PKG_DEB);
	assert_int_equal(qh_pkg_detect("!<arch>\nfoo.o", 13), QH_PKG_NONE);
	assert_int_equal(qh_pkg_detect("\xed\xab\xee\xdb\x03", 5), QH_PKG_RPM);
	assert_int_equal(qh_pkg_detect("\x1f\x8b\x08", 3), QH_PKG_TAR);
	memcpy(tar + 257, "ustar", 5);
	assert_int_equal(qh_pkg_detect(tar, sizeof(tar)), QH_PKG_TAR);
	assert_int_equal(qh_pkg_detect(tar, 200), QH_PKG_NONE);
	assert_int_equal(qh_pkg_detect("\x7f" "ELF", 4), QH_PKG_NONE);
	assert_int_equal(qh_pkg_detect("", 0), QH_PKG_NONE);
	assert_string_equal(qh_pkg_kind_name(QH_PKG_RPM), "rpm");
}

static const struct qh_pkg_limits test_limits = {
	.max_unpacked = 1 << 30, .max_members = 1000, .max_ms = 600000,
	.max_member = 1 << 20,
};

static void test_elf_members(void **state)
{
	struct qh_pkg_limits limits = test_limits;
	char *path = write_tarball();
	struct seen s = { .n = 0 };
	struct qh_error err = { "" };
	long n;

	(void)state;
	n = qh_pkg_foreach_elf(path, &limits, collect, &s, NULL, &err);
	if (n < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(n, 2);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "/usr/bin/qemu-img");
	assert_string_equal(s.names[1], "/usr/lib/libx.so.1");
	assert_int_equal(s.sizes[0], sizeof(elf_bytes));

	/* a member larger than the limit is refused, not truncated */
	memset(&s, 0, sizeof(s));
	limits.max_member = 8;
	assert_int_equal(qh_pkg_foreach_elf(path, &limits, collect, &s, NULL,
					    &err), -1);
	assert_non_null(strstr(err.msg, "more than the 8 bytes"));
	limits.max_member = 1 << 20;

	/* the callback can stop the walk */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	assert_int_equal(qh_pkg_foreach_elf(path, &limits, collect, &s, NULL,
					    &err), -1);
	assert_int_equal(s.n, 1);
	assert_string_equal(err.msg, "stop");
	unlink(path);
	free(path);
}

static void test_corrupt_and_missing(void **state)
{
	char *path = write_tarball();
	struct qh_error err = { "" };
	struct seen s = { .n = 0 };
	FILE *f;
	long size;

	(void)state;
	/* cut the compressed stream in the middle */
	f = fopen(path, "r+");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	assert_int_equal(truncate(path, size / 2), 0);
	assert_int_equal(qh_pkg_foreach_elf(path, &test_limits, collect, &s,
					    NULL, &err), -1);
	assert_non_null(strstr(err.msg, "gzip"));
	unlink(path);
	free(path);
	assert_int_equal(qh_pkg_foreach_elf("/nonexistent.deb", &test_limits,
					    collect, &s, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_elf_members),
		cmocka_unit_test(test_corrupt_and_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
