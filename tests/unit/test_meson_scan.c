/* test_meson_scan.c - CONFIG symbol -> source files from meson.build
 * source sets (tests/fixtures/qemu-mini). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/meson_scan.h"

#define MINI "tests/fixtures/qemu-mini"

static const char *const *on_set;

static bool sym_on(const char *sym, void *ctx)
{
	(void)ctx;
	for (const char *const *s = on_set; *s; s++)
		if (strcmp(*s, sym) == 0)
			return true;
	return false;
}

static struct qh_meson_scan *scan(void)
{
	struct qh_error err = { { 0 } };
	struct qh_meson_scan *ms = qh_meson_scan_tree(MINI, "hw", &err);

	if (!ms)
		fail_msg("%s", err.msg);
	return ms;
}

static void test_nested_add_all_conditions(void **state)
{
	struct qh_meson_scan *ms = scan();
	struct qh_strlist syms = { 0 };

	(void)state;
	/* virtio-net-pci.c: its own when + virtio_pci_ss's + virtio_ss's */
	assert_int_equal(qh_meson_file_symbols(ms, "hw/virtio/virtio-net-pci.c", &syms), 0);
	assert_int_equal(syms.n, 3);
	assert_string_equal(syms.items[0], "CONFIG_VIRTIO");
	assert_string_equal(syms.items[1], "CONFIG_VIRTIO_NET");
	assert_string_equal(syms.items[2], "CONFIG_VIRTIO_PCI");
	qh_strlist_free(&syms);
	/* when: [A, B] is A && B */
	assert_int_equal(qh_meson_file_symbols(ms, "hw/virtio/virtio-gpu-pci.c", &syms), 0);
	assert_true(qh_strlist_has(&syms, "CONFIG_VIRTIO_GPU"));
	assert_true(qh_strlist_has(&syms, "CONFIG_VIRTIO_PCI"));
	qh_strlist_free(&syms);
	/* if has_key('CONFIG_MICROVM') block + the arch the set is for */
	assert_int_equal(qh_meson_file_symbols(ms, "hw/i386/microvm.c", &syms), 0);
	assert_true(qh_strlist_has(&syms, "CONFIG_MICROVM"));
	assert_true(qh_strlist_has(&syms, "ARCH_i386"));
	qh_strlist_free(&syms);
	assert_int_equal(qh_meson_ndiags(ms), 0);
	qh_meson_scan_free(ms);
}

static void test_compiled_sets(void **state)
{
	static const char *const virtio_net[] = { "CONFIG_VIRTIO", "CONFIG_VIRTIO_PCI",
						  "CONFIG_VIRTIO_NET", "ARCH_i386",
						  "CONFIG_Q35", NULL };
	static const char *const nothing[] = { "ARCH_arm", "CONFIG_Q35", NULL };
	struct qh_meson_scan *ms = scan();
	struct qh_strlist out = { 0 };

	(void)state;
	on_set = virtio_net;
	assert_int_equal(qh_meson_compiled(ms, sym_on, NULL, "hw/", false, &out), 0);
	assert_true(qh_strlist_has(&out, "hw/virtio/virtio-net-pci.c"));
	assert_true(qh_strlist_has(&out, "hw/virtio/virtio.c"));
	assert_true(qh_strlist_has(&out, "hw/i386/pc_q35.c"));
	assert_false(qh_strlist_has(&out, "hw/virtio/virtio-gpu-pci.c"));
	assert_false(qh_strlist_has(&out, "hw/virtio/virtio-stub.c")); /* if_false */
	assert_false(qh_strlist_has(&out, "hw/net/e1000.c"));
	assert_false(qh_strlist_has(&out, "hw/i386/pc.c")); /* needs PC && KVM */
	qh_strlist_free(&out);
	on_set = nothing;
	assert_int_equal(qh_meson_compiled(ms, sym_on, NULL, "hw/", false, &out), 0);
	assert_true(qh_strlist_has(&out, "hw/virtio/virtio-stub.c"));
	/* i386_ss only counts for i386 targets */
	assert_false(qh_strlist_has(&out, "hw/i386/pc_q35.c"));
	qh_strlist_free(&out);
	qh_meson_scan_free(ms);
}

static void test_symbol_files_and_all(void **state)
{
	struct qh_meson_scan *ms = scan();
	struct qh_strlist out = { 0 };

	(void)state;
	assert_int_equal(qh_meson_symbol_files(ms, "CONFIG_E1000_PCI", &out), 0);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.items[0], "hw/net/e1000.c");
	qh_strlist_free(&out);
	assert_int_equal(qh_meson_all_files(ms, &out), 0);
	assert_int_equal(out.n, 9); /* every .c the fixture lists */
	qh_strlist_free(&out);
	qh_meson_scan_free(ms);
}

static void test_missing_subdir_is_a_diagnostic(void **state)
{
	struct qh_error err = { { 0 } };
	struct qh_meson_scan *ms = qh_meson_scan_tree(MINI, "hw", &err);

	(void)state;
	assert_non_null(ms);
	assert_int_equal(qh_meson_scan_file(ms, "hw/nonexistent/meson.build", &err), -1);
	assert_non_null(strstr(err.msg, "hw/nonexistent/meson.build"));
	qh_meson_scan_free(ms);
	assert_null(qh_meson_scan_tree("/nonexistent-qemu", NULL, &err));
}

/* A scratch tree: root meson.build with the given text. */
static char *scratch_tree(const char *text)
{
	static char dir[64];
	char path[128];
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/qhard-test-meson-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/meson.build", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return dir;
}

static void remove_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static bool diag_has(const struct qh_meson_scan *ms, const char *part)
{
	for (size_t i = 0; i < qh_meson_ndiags(ms); i++)
		if (strstr(qh_meson_diag(ms, i), part))
			return true;
	return false;
}

/* fuzz_meson_scan: subdir('.') twice per file named the root file anew at
 * each level (./meson.build, ././meson.build, ...): 2^32 scans. */
static void test_subdir_dot_is_refused(void **state)
{
	struct qh_error err = { { 0 } };
	char *dir = scratch_tree("subdir('.')\nsubdir('.')\nsubdir('a/../.')\n"
				 "subdir('/etc')\nsubdir('')\nsubdir('x//y')\n");
	struct qh_meson_scan *ms = qh_meson_scan_tree(dir, NULL, &err);

	(void)state;
	assert_non_null(ms);
	assert_int_equal(qh_meson_ndiags(ms), 6);
	assert_true(diag_has(ms, "subdir('.') is not a plain relative path"));
	assert_true(diag_has(ms, "subdir('/etc') is not a plain relative path"));
	assert_true(diag_has(ms, "subdir('x//y') is not a plain relative path"));
	qh_meson_scan_free(ms);
	remove_tree(dir);
}

/* Two directory symlinks to the root: every path over {a, b} up to the
 * nesting limit is a distinct name for the same file (2^32 scans once).
 * Files are read once by device and inode: the root file, once. */
static void test_symlink_fanout_reads_each_file_once(void **state)
{
	struct qh_error err = { { 0 } };
	char *dir = scratch_tree("subdir('a')\nsubdir('b')\n");
	struct qh_meson_scan *ms;
	char link[128];

	(void)state;
	snprintf(link, sizeof(link), "%s/a", dir);
	assert_int_equal(symlink(".", link), 0);
	snprintf(link, sizeof(link), "%s/b", dir);
	assert_int_equal(symlink(".", link), 0);
	ms = qh_meson_scan_tree(dir, NULL, &err);
	assert_non_null(ms);
	assert_int_equal(qh_meson_ndiags(ms), 0);
	qh_meson_scan_free(ms);
	remove_tree(dir);
}

/* A subdir that leads out of the tree is not read: an error, since the
 * sets it defines would be missing (a missing subdir is a diagnostic). */
static void test_subdir_symlink_out_of_the_tree(void **state)
{
	struct qh_error err = { { 0 } };
	char *dir = scratch_tree("subdir('out')\n");
	char link[128];

	(void)state;
	snprintf(link, sizeof(link), "%s/out", dir);
	assert_int_equal(symlink("../..", link), 0);
	assert_null(qh_meson_scan_tree(dir, NULL, &err));
	assert_non_null(strstr(err.msg, "subdir('out'): "));
	assert_non_null(strstr(err.msg, "leads out of the tree"));
	remove_tree(dir);
	dir = scratch_tree("subdir('abs')\n");
	snprintf(link, sizeof(link), "%s/abs", dir);
	assert_int_equal(symlink("/tmp", link), 0);
	assert_null(qh_meson_scan_tree(dir, NULL, &err));
	assert_non_null(strstr(err.msg, "(-> /tmp) leads out of the tree"));
	remove_tree(dir);
}

static void test_nested_missing_subdir_names_the_cause(void **state)
{
	struct qh_error err = { { 0 } };
	char *dir = scratch_tree("subdir('gone')\n");
	struct qh_meson_scan *ms = qh_meson_scan_tree(dir, NULL, &err);

	(void)state;
	assert_non_null(ms);
	assert_int_equal(qh_meson_ndiags(ms), 1);
	assert_true(diag_has(ms, "subdir('gone'): "));
	assert_true(diag_has(ms, "/gone/meson.build"));
	qh_meson_scan_free(ms);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_add_all_conditions),
		cmocka_unit_test(test_compiled_sets),
		cmocka_unit_test(test_symbol_files_and_all),
		cmocka_unit_test(test_missing_subdir_is_a_diagnostic),
		cmocka_unit_test(test_subdir_dot_is_refused),
		cmocka_unit_test(test_symlink_fanout_reads_each_file_once),
		cmocka_unit_test(test_subdir_symlink_out_of_the_tree),
		cmocka_unit_test(test_nested_missing_subdir_names_the_cause),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
