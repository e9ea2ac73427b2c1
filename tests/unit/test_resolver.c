/* test_resolver.c - profile words -> symbols, closures, explanations, on
 * the synthetic tree tests/fixtures/qemu-mini. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "qemu/resolver.h"

#define MINI "tests/fixtures/qemu-mini"

struct world {
	struct qh_kconfig *kc;
	struct qh_meson_scan *ms;
	struct qh_qom_index *qom;
	struct qh_resolver r;
};

static int setup(void **state)
{
	struct qh_error err = { { 0 } };
	struct world *w = calloc(1, sizeof(*w));
	struct qh_strlist files = { 0 };

	w->kc = qh_kconfig_new(&err);
	if (qh_kconfig_parse_file(w->kc, MINI "/Kconfig", &err) < 0)
		return -1;
	w->ms = qh_meson_scan_tree(MINI, "hw", &err);
	qh_meson_all_files(w->ms, &files);
	w->qom = qh_qom_index_build(MINI, &files, &err);
	qh_strlist_free(&files);
	w->r.kc = w->kc;
	w->r.ms = w->ms;
	w->r.qom = w->qom;
	w->r.base_arch = "i386";
	*state = w;
	return w->ms && w->qom ? 0 : -1;
}

static int teardown(void **state)
{
	struct world *w = *state;

	qh_kconfig_free(w->kc);
	qh_meson_scan_free(w->ms);
	qh_qom_index_free(w->qom);
	free(w);
	return 0;
}

static void test_device_and_machine_words(void **state)
{
	struct world *w = *state;
	struct qh_strlist syms = { 0 };
	struct qh_error err = { { 0 } };
	char *note = NULL;

	assert_int_equal(qh_resolve_word(&w->r, "virtio-net-pci", false, &syms, &note, &err), 0);
	assert_int_equal(syms.n, 3);
	assert_true(qh_strlist_has(&syms, "VIRTIO_NET"));
	assert_true(qh_strlist_has(&syms, "VIRTIO_PCI"));
	assert_true(qh_strlist_has(&syms, "VIRTIO"));
	qh_strlist_free(&syms);
	assert_int_equal(qh_resolve_word(&w->r, "q35", true, &syms, &note, &err), 0);
	assert_int_equal(syms.n, 1);
	assert_string_equal(syms.items[0], "Q35");
	qh_strlist_free(&syms);
	/* raw symbols, with or without CONFIG_ */
	assert_int_equal(qh_resolve_word(&w->r, "CONFIG_E1000_PCI", false, &syms, &note, &err), 0);
	assert_int_equal(qh_resolve_word(&w->r, "IDE_QDEV", false, &syms, &note, &err), 0);
	assert_int_equal(syms.n, 2);
	qh_strlist_free(&syms);
	free(note);
}

static void test_unknown_words_are_errors(void **state)
{
	struct world *w = *state;
	struct qh_strlist syms = { 0 };
	struct qh_error err = { { 0 } };
	char *note = NULL;

	assert_int_equal(qh_resolve_word(&w->r, "sb16", false, &syms, &note, &err), -1);
	assert_non_null(strstr(err.msg, "device 'sb16'"));
	assert_int_equal(qh_resolve_word(&w->r, "CONFIG_NOPE", false, &syms, &note, &err), -1);
	assert_non_null(strstr(err.msg, "CONFIG_NOPE"));
	/* the machine exists, but only for i386: not for an arm target */
	w->r.base_arch = "arm";
	assert_int_equal(qh_resolve_word(&w->r, "q35", true, &syms, &note, &err), -1);
	assert_non_null(strstr(err.msg, "not for arm"));
	w->r.base_arch = "i386";
	assert_int_equal(syms.n, 0);
}

/* IDE_QDEV became IDE_BUS + IDE_DEV in later QEMU: the new names map back
 * onto this (old) tree, with a note. */
static void test_renamed_symbols(void **state)
{
	struct world *w = *state;
	struct qh_strlist syms = { 0 };
	struct qh_error err = { { 0 } };
	char *note = NULL;

	assert_int_equal(qh_resolve_word(&w->r, "CONFIG_IDE_DEV", false, &syms, &note, &err), 0);
	assert_int_equal(syms.n, 1);
	assert_string_equal(syms.items[0], "IDE_QDEV");
	assert_non_null(note);
	assert_non_null(strstr(note, "renamed in 8.2"));
	free(note);
	qh_strlist_free(&syms);
	/* a rename whose names this tree has neither of stays an error */
	assert_int_equal(qh_resolve_word(&w->r, "ACPI_ICH9", false, &syms, &note, &err), -1);
	free(note);
}

static void test_closure_and_explain(void **state)
{
	struct world *w = *state;
	struct qh_error err = { { 0 } };
	struct qh_buf b = QH_BUF_INIT;

	qh_kconfig_assign(w->kc, "Q35", true, false, "p.ini:6 q35", &err);
	qh_kconfig_assign(w->kc, "VIRTIO_NET", true, false, "p.ini:7 virtio-net-pci", &err);
	qh_kconfig_assign(w->kc, "VIRTIO_PCI", true, false, "p.ini:7 virtio-net-pci", &err);
	qh_kconfig_assign(w->kc, "KVM", true, true, NULL, &err);
	qh_kconfig_assign(w->kc, "X86_64", true, true, NULL, &err);
	assert_int_equal(qh_kconfig_evaluate(w->kc, QH_KCONFIG_ALLNO, &err), 0);
	/* conditional select followed: Q35 selects IDE_QDEV if ISA_BUS */
	assert_int_equal(w->kc->syms[qh_kconfig_find(w->kc, "IDE_QDEV")].value, 1);
	/* imply not followed under --without-default-devices */
	assert_int_equal(w->kc->syms[qh_kconfig_find(w->kc, "E1000_PCI")].value, 0);
	assert_int_equal(qh_resolve_explain(&w->r, "ide-hd", &b, &err), 0);
	assert_non_null(strstr(b.data, "device 'ide-hd' (hw/ide/qdev.c) is built in"));
	assert_non_null(strstr(b.data, "IDE_QDEV=y: selected by Q35"));
	assert_non_null(strstr(b.data, "p.ini:6 q35"));
	qh_buf_reset(&b);
	assert_int_equal(qh_resolve_explain(&w->r, "e1000", &b, &err), 0);
	assert_non_null(strstr(b.data, "NOT built in"));
	assert_non_null(strstr(b.data, "implied by PC"));
	assert_non_null(strstr(b.data, "imply is not followed"));
	qh_buf_reset(&b);
	assert_int_equal(qh_resolve_explain(&w->r, "CONFIG_VIRTIO_GPU", &b, &err), 0);
	assert_non_null(strstr(b.data, "not in the closure"));
	assert_non_null(strstr(b.data, "depends on (VIRTIO(y) || VIRTIO_MMIO(n)) && PCI_DEVICES(n)"));
	qh_buf_free(&b);
	assert_int_equal(qh_resolve_explain(&w->r, "no-such-thing", &b, &err), -1);
	qh_kconfig_drop_assignments(w->kc);
}

static void test_boards(void **state)
{
	struct world *w = *state;
	struct qh_strlist boards = { 0 };

	assert_int_equal(qh_resolve_boards(&w->r, &boards), 0);
	assert_true(qh_strlist_has(&boards, "Q35"));
	assert_true(qh_strlist_has(&boards, "MICROVM"));
	assert_true(qh_strlist_has(&boards, "PC")); /* generic-pc-machine in pc.c */
	assert_false(qh_strlist_has(&boards, "VIRTIO"));
	qh_strlist_free(&boards);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_device_and_machine_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_words_are_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renamed_symbols, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closure_and_explain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boards, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
