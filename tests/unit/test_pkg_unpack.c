/* test_pkg_unpack.c - package recognition by magic, and the ELF members of
 * tarballs written here with libarchive: non-ELF files, symlinks and
 * directories are skipped, names become installed paths, an oversized
 * member and a corrupt archive are errors, a callback can stop the walk;
 * each budget stops the walk after what came before; every name of a hard
 * link gets the bytes; a sparse member comes as a sparse file. The .deb and
 * .rpm containers are tested on packages dpkg-deb and rpmbuild make, in
 * tests/cli/t0809-t0811. */
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pkg/pkg.h"
#include "pkg/pkg_internal.h"

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

/* A tar written by `fill`, gzip'd or not. */
static char *write_tar(void (*fill)(struct archive *), bool gzip)
{
	char *path = strdup("/tmp/test_pkg.XXXXXX");
	struct archive *a = archive_write_new();
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	fill(a);
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

/* Two ELF members among other entries. */
static void fill_mixed(struct archive *a)
{
	add(a, "./usr/", AE_IFDIR, NULL, 0);
	add(a, "./usr/bin/qemu-img", AE_IFREG, elf_bytes, sizeof(elf_bytes));
	add(a, "./usr/bin/alias", AE_IFLNK, "qemu-img", 0);
	add(a, "./usr/share/doc/README", AE_IFREG, "hello\n", 6);
	add(a, "usr/lib/libx.so.1", AE_IFREG, elf_bytes, sizeof(elf_bytes));
	add(a, "./tiny", AE_IFREG, "\x7f" "E", 2);
}

static char *write_tarball(void)
{
	return write_tar(fill_mixed, true);
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

/* 50 ELF members */
static void fill_fifty(struct archive *a)
{
	for (int i = 0; i < 50; i++) {
		char name[32];

		snprintf(name, sizeof(name), "./usr/lib/m%02d", i);
		add(a, name, AE_IFREG, elf_bytes, sizeof(elf_bytes));
	}
}

/* 50 ELF members of 8 KiB */
static void fill_big_members(struct archive *a)
{
	static char body[8192];

	memcpy(body, elf_bytes, sizeof(elf_bytes));
	for (int i = 0; i < 50; i++) {
		char name[32];

		snprintf(name, sizeof(name), "./usr/lib/b%02d", i);
		add(a, name, AE_IFREG, body, sizeof(body));
	}
}

/* a small ELF member, then one of 1 MiB */
static void fill_one_mib(struct archive *a)
{
	char *body = calloc(1, 1 << 20);

	assert_non_null(body);
	memcpy(body, elf_bytes, sizeof(elf_bytes));
	add(a, "./usr/bin/small", AE_IFREG, elf_bytes, sizeof(elf_bytes));
	add(a, "./usr/bin/big", AE_IFREG, body, 1 << 20);
	free(body);
}

static int count_and_sleep(void *user, const struct qh_pkg_member *m,
			   struct qh_error *err)
{
	struct seen *s = user;
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };

	(void)m;
	(void)err;
	s->n++;
	if (s->stop_after)
		nanosleep(&ms20, NULL);
	return 0;
}

static void test_budgets(void **state)
{
	char *path = write_tar(fill_fifty, true);
	struct qh_pkg_limits lim = test_limits;
	struct qh_pkg_stats st;
	struct seen s = { .n = 0 };
	struct qh_error err = { "" };

	(void)state;
	assert_int_equal(qh_pkg_foreach_elf(path, &lim, count_and_sleep, &s,
					    &st, &err), 50);
	assert_int_equal(st.members, 50);
	/* decompressed bytes: each member's header and padded data */
	assert_true(st.unpacked >= 50 * 1024 && st.unpacked < 64 * 1024);

	/* members: the ten before the budget ran out are handed over */
	lim.max_members = 10;
	memset(&s, 0, sizeof(s));
	assert_int_equal(qh_pkg_foreach_elf(path, &lim, count_and_sleep, &s,
					    &st, &err), -1);
	assert_int_equal(s.n, 10);
	assert_non_null(strstr(err.msg, "more than 10 members (the "
				"--max-members budget)"));
	assert_non_null(strstr(err.msg, "/usr/lib/m10"));

	/* time: 20 ms per member against a budget of 100 ms (the budget is
	 * checked between members, so some, never all, are handed over) */
	lim = test_limits;
	lim.max_ms = 100;
	memset(&s, 0, sizeof(s));
	s.stop_after = 1; /* here: sleep */
	assert_int_equal(qh_pkg_foreach_elf(path, &lim, count_and_sleep, &s,
					    &st, &err), -1);
	assert_true(s.n >= 1 && s.n < 50);
	assert_non_null(strstr(err.msg, "--max-seconds"));

	/* unpacked bytes: the decompressed stream passes the budget (in
	 * blocks, so somewhere among the members), or a member's header says
	 * it would (then before its bytes are read) */
	unlink(path);
	free(path);
	path = write_tar(fill_big_members, false);
	lim = test_limits;
	lim.max_unpacked = 100 << 10;
	memset(&s, 0, sizeof(s));
	assert_int_equal(qh_pkg_foreach_elf(path, &lim, count_and_sleep, &s,
					    &st, &err), -1);
	assert_true(s.n > 0 && s.n < 50);
	assert_non_null(strstr(err.msg, "unpacks past 102400 bytes (the "
				"--max-unpacked budget)"));
	unlink(path);
	free(path);
	path = write_tar(fill_one_mib, false);
	lim.max_unpacked = 512 << 10;
	memset(&s, 0, sizeof(s));
	assert_int_equal(qh_pkg_foreach_elf(path, &lim, count_and_sleep, &s,
					    &st, &err), -1);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(err.msg, "member /usr/bin/big is 1048576 bytes: "
				"the payload would unpack past 524288"));

	unlink(path);
	free(path);
}

static void add_hardlink(struct archive *a, const char *name,
			 const char *target)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_hardlink(e, target);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0755);
	archive_entry_set_size(e, 0);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	archive_entry_free(e);
}

static void fill_links(struct archive *a)
{
	add(a, "./usr/lib/qemu/helper", AE_IFREG, elf_bytes, sizeof(elf_bytes));
	add(a, "./usr/share/doc/README", AE_IFREG, "hello\n", 6);
	add_hardlink(a, "./usr/bin/qemu-system-x86_64", "./usr/lib/qemu/helper");
	add_hardlink(a, "./usr/share/doc/README.txt", "./usr/share/doc/README");
	add_hardlink(a, "./usr/libexec/kvm", "./usr/bin/qemu-system-x86_64");
}

static void test_hardlinks(void **state)
{
	char *path = write_tar(fill_links, false);
	struct seen s = { .n = 0 };
	struct qh_error err = { "" };

	(void)state;
	/* the bytes came first: the links get them in a second pass, and a
	 * link to a link joins its target */
	if (qh_pkg_foreach_elf(path, &test_limits, collect, &s, NULL, &err) != 3)
		fail_msg("%s", err.msg);
	assert_string_equal(s.names[0], "/usr/lib/qemu/helper");
	assert_string_equal(s.names[1], "/usr/bin/qemu-system-x86_64");
	assert_string_equal(s.names[2], "/usr/libexec/kvm");
	assert_int_equal(s.sizes[1], sizeof(elf_bytes));
	assert_int_equal(s.sizes[2], sizeof(elf_bytes));
	unlink(path);
	free(path);
}

#define SPARSE_SIZE ((la_int64_t)4 << 20)

/* 4 MiB of which two 4 KiB pages are stored: the ELF head, and "TAIL" at
 * 3 MiB */
static void fill_sparse(struct archive *a)
{
	struct archive_entry *e = archive_entry_new();
	static char page[4096];

	archive_entry_set_pathname(e, "./usr/bin/sparse");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0755);
	archive_entry_set_size(e, SPARSE_SIZE);
	archive_entry_sparse_add_entry(e, 0, sizeof(page));
	archive_entry_sparse_add_entry(e, 3 << 20, sizeof(page));
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	/* the pax writer takes the whole file and stores the listed regions */
	for (la_int64_t off = 0; off < SPARSE_SIZE; off += sizeof(page)) {
		memset(page, 0, sizeof(page));
		if (off == 0)
			memcpy(page, elf_bytes, sizeof(elf_bytes));
		if (off == 3 << 20)
			memcpy(page, "TAIL", 4);
		assert_int_equal(archive_write_data(a, page, sizeof(page)),
				 sizeof(page));
	}
	archive_entry_free(e);
}

struct sparse_seen {
	int n, fd;
	size_t size;
	bool head, hole, tail;
};

static int check_sparse(void *user, const struct qh_pkg_member *m,
			struct qh_error *err)
{
	struct sparse_seen *s = user;
	const unsigned char *d = m->data;

	(void)err;
	s->n++;
	s->fd = m->fd;
	s->size = m->size;
	s->head = memcmp(d, "\x7f" "ELF", 4) == 0;
	s->hole = d[1 << 20] == 0 && d[(3 << 20) - 1] == 0;
	s->tail = memcmp(d + (3 << 20), "TAIL", 4) == 0;
	return 0;
}

static void test_sparse_member(void **state)
{
	char *path = write_tar(fill_sparse, false);
	struct qh_pkg_limits lim = test_limits;
	struct sparse_seen s = { 0 };
	struct qh_pkg_stats st;
	struct qh_error err = { "" };
	struct stat sb;

	(void)state;
	lim.max_member = 16 << 20;
	if (qh_pkg_foreach_elf(path, &lim, check_sparse, &s, &st, &err) != 1)
		fail_msg("%s", err.msg);
	assert_int_equal(s.size, SPARSE_SIZE);
	assert_true(s.fd >= 0); /* over 1 MiB: handed over as a file too */
		assert_true(s.head && s.hole && s.tail);
	/* the bytes decompressed are the stored ones, not the holes */
	assert_true(st.unpacked < 64 * 1024);
	/* the archive itself stores only the two pages (and headers) */
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size < 64 * 1024);
	unlink(path);
	free(path);
}

static void test_install_path(void **state)
{
	static const struct {
		const char *name, *want; /* want NULL: refused */
	} cases[] = {
		{ "./usr/bin/x", "/usr/bin/x" }, { "usr/bin/x", "/usr/bin/x" },
		{ "/usr/bin/x", "/usr/bin/x" }, { "./usr/share/", "/usr/share" },
		{ "./", "/" }, { ".", "/" }, { "././usr/x", "/usr/x" },
		{ "usr/../bin/x", NULL }, { "usr/./bin/x", NULL },
		{ "usr//bin/x", NULL }, { "usr/bin/..", NULL },
		{ "usr/share/doc/../../bin/qemu", NULL }, { "..", NULL },
	};
	struct qh_buf b = QH_BUF_INIT;
	struct qh_error err = { "" };

	(void)state;
	for (size_t i = 0; i < QH_ARRAY_LEN(cases); i++) {
		int rc = pkg_install_path(cases[i].name, &b, &err);

		if (!cases[i].want) {
			if (rc == 0)
				fail_msg("%s accepted as %s", cases[i].name, b.data);
			assert_non_null(strstr(err.msg, "component"));
		} else {
			if (rc < 0)
				fail_msg("%s: %s", cases[i].name, err.msg);
			assert_string_equal(b.data, cases[i].want);
		}
	}
	qh_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_elf_members),
		cmocka_unit_test(test_corrupt_and_missing),
		cmocka_unit_test(test_budgets),
		cmocka_unit_test(test_hardlinks),
		cmocka_unit_test(test_sparse_member),
		cmocka_unit_test(test_install_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
