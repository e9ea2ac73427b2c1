/* test_rootfs.c - path resolution confined to a root: symlinks are resolved
 * inside it, escapes and loops are refused, only regular files are read.
 * Every test runs twice: with openat2(2) when the kernel has it, and with
 * the fallback walk (QHARD_TEST_NO_OPENAT2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "rootfs.h"

struct fixture {
	char top[64];   /* temp dir holding root/ and outside/ */
	char root[128];
	struct qh_rootfs *fs;
};

static void put(const char *dir, const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *dir, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void ln(const char *dir, const char *rel, const char *target)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state, bool fallback)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char p[512];

	strcpy(f->top, "/tmp/qh-rootfs.XXXXXX");
	if (!mkdtemp(f->top))
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/root", f->top);
	mk(f->top, "root");
	mk(f->top, "outside");
	put(f->top, "outside/secret", "host secret\n");
	put(f->top, "secret", "top secret\n");
	mk(f->root, "etc");
	mk(f->root, "usr");
	mk(f->root, "usr/bin");
	mk(f->root, "usr/lib");
	put(f->root, "etc/hostname", "image\n");
	put(f->root, "secret", "image secret\n");
	put(f->root, "usr/bin/qemu-img", "ELF?");
	ln(f->root, "bin", "usr/bin");                     /* merged /usr */
	ln(f->root, "usr/bin/rel", "../lib");              /* relative inside */
	ln(f->root, "usr/bin/abs", "/etc/hostname");       /* absolute: re-anchored */
	ln(f->root, "usr/bin/escape", "../../../outside/secret");
	ln(f->root, "usr/bin/escape-abs", "/../../secret");
	ln(f->root, "usr/bin/loop1", "loop2");
	ln(f->root, "usr/bin/loop2", "loop1");
	ln(f->root, "usr/bin/dangling", "/nonexistent");
	put(f->root, "usr/lib/a.conf", "a");
	put(f->root, "usr/lib/b.conf", "b");
	put(f->root, "usr/lib/.hidden.conf", "h");
	put(f->root, "usr/lib/c.txt", "c");
	snprintf(p, sizeof(p), "%s/usr/lib/fifo", f->root);
	assert_int_equal(mkfifo(p, 0600), 0);
	if (fallback)
		setenv("QHARD_TEST_NO_OPENAT2", "1", 1);
	else
		unsetenv("QHARD_TEST_NO_OPENAT2");
	f->fs = qh_rootfs_open(f->root, NULL);
	assert_non_null(f->fs);
	if (fallback)
		assert_false(qh_rootfs_uses_openat2(f->fs));
	*state = f;
	return 0;
}

static int setup_openat2(void **state)
{
	return setup(state, false);
}

static int setup_fallback(void **state)
{
	return setup(state, true);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	qh_rootfs_free(f->fs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->top);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void test_read_plain_and_through_symlinks(void **state)
{
	struct fixture *f = *state;
	struct qh_buf b = QH_BUF_INIT;
	char *canon = NULL;

	assert_int_equal(qh_rootfs_read(f->fs, "/etc/hostname", 4096, &b, NULL), 0);
	assert_string_equal(b.data, "image\n");
	/* absolute target is taken inside the root, never the host's file */
	assert_int_equal(qh_rootfs_read(f->fs, "/usr/bin/abs", 4096, &b, NULL), 0);
	assert_string_equal(b.data, "image\n");
	assert_int_equal(qh_rootfs_stat(f->fs, "/bin/rel/a.conf", 0, NULL,
					&canon, NULL), 0);
	assert_string_equal(canon, "/usr/lib/a.conf");
	free(canon);
	assert_int_equal(qh_rootfs_stat(f->fs, "/bin/qemu-img", 0, NULL,
					&canon, NULL), 0);
	assert_string_equal(canon, "/usr/bin/qemu-img");
	free(canon);
	qh_buf_free(&b);
}

static void test_escape_is_refused(void **state)
{
	struct fixture *f = *state;
	struct qh_buf b = QH_BUF_INIT;
	struct qh_error err = { "" };

	assert_int_equal(qh_rootfs_read(f->fs, "/usr/bin/escape", 4096, &b, &err),
			 EXDEV);
	assert_non_null(strstr(err.msg, "out of the root"));
	assert_int_equal(qh_rootfs_read(f->fs, "/usr/bin/escape-abs", 4096, &b,
					NULL), EXDEV);
	/* ".." of the caller's own path stays at the root (chroot semantics) */
	assert_int_equal(qh_rootfs_read(f->fs, "/../../secret", 4096, &b, NULL), 0);
	assert_string_equal(b.data, "image secret\n");
	qh_buf_free(&b);
}

static void test_loops_dangling_and_nofollow(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	char *canon = NULL, *target = NULL;

	assert_int_equal(qh_rootfs_stat(f->fs, "/usr/bin/loop1", 0, &st, NULL,
					NULL), ELOOP);
	assert_int_equal(qh_rootfs_stat(f->fs, "/usr/bin/dangling", 0, &st, NULL,
					NULL), ENOENT);
	assert_int_equal(qh_rootfs_stat(f->fs, "/usr/bin/escape",
					QH_ROOTFS_NOFOLLOW, &st, &canon, NULL), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(canon, "/usr/bin/escape");
	free(canon);
	assert_int_equal(qh_rootfs_readlink(f->fs, "/bin/escape", &target, NULL), 0);
	assert_string_equal(target, "../../../outside/secret");
	free(target);
	assert_int_equal(qh_rootfs_stat(f->fs, "/etc/hostname/x", 0, &st, NULL,
					NULL), ENOTDIR);
	assert_int_equal(qh_rootfs_stat(f->fs, "/", 0, &st, &canon, NULL), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_string_equal(canon, "/");
	free(canon);
}

static void test_only_regular_files_are_opened(void **state)
{
	struct fixture *f = *state;
	struct qh_buf b = QH_BUF_INIT;
	void *data;
	size_t size, got;
	char *canon = NULL;
	unsigned char head[16];

	/* a FIFO would block a naive reader */
	assert_int_equal(qh_rootfs_read(f->fs, "/usr/lib/fifo", 4096, &b, NULL),
			 EINVAL);
	assert_int_equal(qh_rootfs_read(f->fs, "/usr/lib", 4096, &b, NULL), EINVAL);
	assert_int_equal(qh_rootfs_read(f->fs, "/etc/hostname", 3, &b, NULL), EFBIG);
	assert_int_equal(qh_rootfs_load(f->fs, "/bin/qemu-img", 1 << 20, &data,
					&size, NULL, &canon, NULL), 0);
	assert_int_equal(size, 4);
	assert_memory_equal(data, "ELF?", 4);
	assert_string_equal(canon, "/usr/bin/qemu-img");
	free(canon);
	free(data);
	assert_int_equal(qh_rootfs_load(f->fs, "/usr/lib/fifo", 1 << 20, &data,
					&size, NULL, NULL, NULL), EINVAL);
	assert_int_equal(qh_rootfs_load(f->fs, "/bin/qemu-img", 3, &data,
					&size, NULL, NULL, NULL), EFBIG);
	assert_int_equal(qh_rootfs_read_head(f->fs, "/bin/rel/a.conf", head,
					     sizeof(head), &got, NULL, NULL), 0);
	assert_int_equal(got, 1);
	assert_int_equal(head[0], 'a');
	qh_buf_free(&b);
}

/* ".." is taken against the canonical path: from /usr/bin/rel (= /usr/lib)
 * two levels up is /, never the host */
static void test_dotdot_after_symlinks(void **state)
{
	struct fixture *f = *state;
	struct qh_buf b = QH_BUF_INIT;
	char *canon = NULL;

	assert_int_equal(qh_rootfs_read(f->fs, "/bin/rel/../../etc/hostname",
					4096, &b, NULL), 0);
	assert_string_equal(b.data, "image\n");
	assert_int_equal(qh_rootfs_stat(f->fs, "/usr/bin/rel/..", 0, NULL, &canon,
					NULL), 0);
	assert_string_equal(canon, "/usr");
	free(canon);
	assert_int_equal(qh_rootfs_stat(f->fs, "usr/bin/../../../..", 0, NULL,
					&canon, NULL), 0);
	assert_string_equal(canon, "/");
	free(canon);
	qh_buf_free(&b);
}

/* A source tree: absolute targets and any climb above it are refused. */
static void test_tree_is_beneath(void **state)
{
	struct fixture *f = *state;
	struct qh_rootfs *t = qh_rootfs_open_tree(f->root, NULL);
	struct qh_buf b = QH_BUF_INIT;
	struct qh_error err = { "" };

	assert_non_null(t);
	assert_int_equal(qh_rootfs_uses_openat2(t), qh_rootfs_uses_openat2(f->fs));
	assert_int_equal(qh_rootfs_read(t, "usr/bin/abs", 4096, &b, &err), EXDEV);
	assert_non_null(strstr(err.msg, "/usr/bin/abs (-> /etc/hostname) leads "
				   "out of the tree"));
	assert_int_equal(qh_rootfs_read(t, "../secret", 4096, &b, NULL), EXDEV);
	assert_int_equal(qh_rootfs_read(t, "usr/../../root/secret", 4096, &b,
					NULL), EXDEV);
	assert_int_equal(qh_rootfs_read(t, "usr/bin/escape", 4096, &b, NULL),
			 EXDEV);
	assert_int_equal(qh_rootfs_read(t, "/bin/rel/../../secret", 4096, &b,
					NULL), 0);
	assert_string_equal(b.data, "image secret\n");
	qh_rootfs_free(t);
	qh_buf_free(&b);
}

/* Each file once, whatever name leads to it. */
static void test_read_new_once(void **state)
{
	struct fixture *f = *state;
	struct qh_file_ids seen = { 0 };
	struct qh_buf b = QH_BUF_INIT;

	assert_int_equal(qh_rootfs_read_new(f->fs, "/usr/bin/qemu-img", 4096, &b,
					    &seen, NULL), 0);
	assert_string_equal(b.data, "ELF?");
	assert_int_equal(qh_rootfs_read_new(f->fs, "/bin/qemu-img", 4096, &b,
					    &seen, NULL), EEXIST);
	assert_int_equal(b.len, 0);
	assert_int_equal(qh_rootfs_read_new(f->fs, "/usr/bin/abs", 4096, &b,
					    &seen, NULL), 0);
	assert_int_equal(qh_rootfs_read_new(f->fs, "/etc/hostname", 4096, &b,
					    &seen, NULL), EEXIST);
	assert_int_equal(seen.n, 2);
	qh_file_ids_free(&seen);
	qh_buf_free(&b);
}

static void test_list_and_glob(void **state)
{
	struct fixture *f = *state;
	char **names;
	size_t n;

	assert_int_equal(qh_rootfs_list(f->fs, "/bin", &names, &n, NULL), 0);
	assert_int_equal(n, 8);
	assert_string_equal(names[0], "abs");
	assert_string_equal(names[7], "rel");
	qh_rootfs_names_free(names, n);
	assert_int_equal(qh_rootfs_glob(f->fs, "/usr/lib/*.conf", &names, &n,
					NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "/usr/lib/a.conf");
	assert_string_equal(names[1], "/usr/lib/b.conf");
	qh_rootfs_names_free(names, n);
	assert_int_equal(qh_rootfs_glob(f->fs, "/no/such/dir/*.conf", &names, &n,
					NULL), 0);
	assert_int_equal(n, 0);
}

static void test_live_root(void **state)
{
	struct fixture *f = *state;
	struct qh_rootfs *slash = qh_rootfs_open("/", NULL);
	struct qh_error err;

	assert_false(qh_rootfs_is_live(f->fs));
	assert_non_null(slash);
	assert_true(qh_rootfs_is_live(slash));
	qh_rootfs_free(slash);
	assert_null(qh_rootfs_open("/nonexistent-root-dir", &err));
	assert_non_null(strstr(err.msg, "nonexistent-root-dir"));
}

/* Attributes are read through the same confined lookup: a symlink is
 * followed inside the root, one out of it is refused, a FIFO is never
 * opened. The user.* namespace stands in for security.selinux, which
 * only a privileged writer may set (test_audit_svirt.c sets that one). */
static void test_getxattr(void **state)
{
	struct fixture *f = *state;
	static const char label[] = "system_u:object_r:svirt_image_t:s0:c1,c2";
	struct qh_error err;
	char p[512], *v;
	size_t n;

	snprintf(p, sizeof(p), "%s/etc/hostname", f->root);
	if (setxattr(p, "user.qhard-test", label, sizeof(label), 0) != 0) {
		if (errno == ENOTSUP)
			skip(); /* no user xattrs on this file system */
		fail_msg("setxattr: %s", strerror(errno));
	}
	assert_int_equal(qh_rootfs_getxattr(f->fs, "/usr/bin/abs", "user.qhard-test",
					    &v, &n, NULL), 0);
	assert_string_equal(v, label); /* the stored NUL is dropped */
	assert_int_equal(n, strlen(label));
	free(v);
	assert_int_equal(qh_rootfs_getxattr(f->fs, "/usr/bin/qemu-img", "user.qhard-test",
					    &v, &n, &err), ENODATA);
	assert_null(v);
	assert_int_equal(qh_rootfs_getxattr(f->fs, "/usr/bin/escape", "user.qhard-test",
					    &v, &n, &err), EXDEV);
	assert_non_null(strstr(err.msg, "leads out"));
	/* a FIFO: O_PATH only, so this returns instead of blocking */
	assert_int_equal(qh_rootfs_getxattr(f->fs, "/usr/lib/fifo", "user.qhard-test",
					    &v, &n, &err), ENODATA);
	assert_int_equal(qh_rootfs_getxattr(f->fs, "/usr/bin/dangling", "user.qhard-test",
					    &v, &n, &err), ENOENT);
}

#define ROOTFS_TESTS(setup)                                                       \
	cmocka_unit_test_setup_teardown(test_read_plain_and_through_symlinks,    \
					setup, teardown),                        \
	cmocka_unit_test_setup_teardown(test_escape_is_refused, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_loops_dangling_and_nofollow, setup,  \
					teardown),                               \
	cmocka_unit_test_setup_teardown(test_only_regular_files_are_opened,      \
					setup, teardown),                        \
	cmocka_unit_test_setup_teardown(test_dotdot_after_symlinks, setup,       \
					teardown),                               \
	cmocka_unit_test_setup_teardown(test_tree_is_beneath, setup, teardown),   \
	cmocka_unit_test_setup_teardown(test_read_new_once, setup, teardown),     \
	cmocka_unit_test_setup_teardown(test_list_and_glob, setup, teardown),     \
	cmocka_unit_test_setup_teardown(test_live_root, setup, teardown),         \
	cmocka_unit_test_setup_teardown(test_getxattr, setup, teardown)

int main(void)
{
	const struct CMUnitTest with_openat2[] = { ROOTFS_TESTS(setup_openat2) };
	const struct CMUnitTest fallback[] = { ROOTFS_TESTS(setup_fallback) };
	int failed = cmocka_run_group_tests_name("openat2 where the kernel has it",
						 with_openat2, NULL, NULL);

	failed += cmocka_run_group_tests_name("fallback walk", fallback, NULL, NULL);
	return failed;
}
