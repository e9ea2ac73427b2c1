/* test_qom_index.c - QOM type and machine names from sources, through
 * header macros (tests/fixtures/qemu-mini). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "qemu/meson_scan.h"
#include "qemu/qom_index.h"

#define MINI "tests/fixtures/qemu-mini"

static struct qh_qom_index *build(void)
{
	struct qh_error err = { { 0 } };
	struct qh_meson_scan *ms = qh_meson_scan_tree(MINI, "hw", &err);
	struct qh_strlist files = { 0 };
	struct qh_qom_index *q;

	assert_non_null(ms);
	assert_int_equal(qh_meson_all_files(ms, &files), 0);
	q = qh_qom_index_build(MINI, &files, &err);
	assert_non_null(q);
	qh_strlist_free(&files);
	qh_meson_scan_free(ms);
	return q;
}

static void test_macro_resolution(void **state)
{
	struct qh_qom_index *q = qh_qom_index_new(NULL);
	char *s;

	(void)state;
	assert_int_equal(qh_qom_define(q, "TYPE_PREFIX", "\"ide-\""), 0);
	assert_int_equal(qh_qom_define(q, "TYPE_HD", "TYPE_PREFIX \"hd\""), 0);
	assert_int_equal(qh_qom_define(q, "TYPE_ALIAS", "TYPE_HD"), 0);
	assert_int_equal(qh_qom_define(q, "TYPE_LOOP", "TYPE_LOOP"), 0);
	s = qh_qom_resolve(q, "TYPE_ALIAS");
	assert_string_equal(s, "ide-hd");
	free(s);
	s = qh_qom_resolve(q, "MACHINE_TYPE_NAME(\"virt\")");
	assert_string_equal(s, "virt-machine");
	free(s);
	assert_null(qh_qom_resolve(q, "TYPE_UNKNOWN"));
	assert_null(qh_qom_resolve(q, "TYPE_LOOP"));      /* bounded, not a hang */
	assert_null(qh_qom_resolve(q, "info->name"));
	qh_qom_index_free(q);
}

static void test_types_from_fixture(void **state)
{
	struct qh_qom_index *q = build();

	(void)state;
	/* VirtioPCIDeviceTypeInfo: generic and base names */
	assert_string_equal(qh_qom_type_file(q, "virtio-net-pci"), "hw/virtio/virtio-net-pci.c");
	assert_string_equal(qh_qom_type_file(q, "virtio-net-pci-base"), "hw/virtio/virtio-net-pci.c");
	/* TYPE_ from a header under include/ */
	assert_string_equal(qh_qom_type_file(q, "virtio-gpu-pci"), "hw/virtio/virtio-gpu-pci.c");
	/* a chain with string concatenation */
	assert_string_equal(qh_qom_type_file(q, "ide-hd"), "hw/ide/qdev.c");
	assert_string_equal(qh_qom_type_file(q, "ide-cd"), "hw/ide/qdev.c");
	/* a device-specific *Info array (e1000 registers at run time) */
	assert_string_equal(qh_qom_type_file(q, "e1000"), "hw/net/e1000.c");
	/* VMState names are not QOM types */
	assert_null(qh_qom_type_file(q, "e1000-vmstate-not-a-type"));
	assert_null(qh_qom_type_file(q, "vmstate-info-not-a-type"));
	assert_null(qh_qom_type_file(q, "IDE_CTRL_REG"));
	/* a runtime .name is a diagnostic with file:line */
	assert_int_equal(qh_qom_ndiags(q), 1);
	assert_non_null(strstr(qh_qom_diag(q, 0), "hw/ide/qdev.c:10:"));
	qh_qom_index_free(q);
}

static void test_machines(void **state)
{
	struct qh_qom_index *q = build();
	struct qh_strlist files = { 0 }, types = { 0 };

	(void)state;
	assert_string_equal(qh_qom_machine_file(q, "q35"), "hw/i386/pc_q35.c");   /* alias */
	assert_string_equal(qh_qom_machine_file(q, "microvm"), "hw/i386/microvm.c"); /* -machine */
	assert_string_equal(qh_qom_machine_file(q, "pc-q35-7.2"), "hw/i386/pc_q35.c");
	assert_null(qh_qom_machine_file(q, "virt"));
	assert_int_equal(qh_strlist_add(&files, "hw/i386/pc_q35.c"), 0);
	assert_int_equal(qh_qom_types_in_files(q, &files, &types), 0);
	assert_int_equal(types.n, 1);
	assert_string_equal(types.items[0], "pc-q35-7.2-machine");
	qh_strlist_free(&files);
	qh_strlist_free(&types);
	qh_qom_index_free(q);
}

/* QEMU 10: every q35 version, and the alias, only through macros with
 * arguments (tests/fixtures/qemu-mini-10/hw/i386/pc_q35.c). */
static void test_versioned_machine_macros(void **state)
{
	struct qh_error err = { { 0 } };
	struct qh_meson_scan *ms = qh_meson_scan_tree("tests/fixtures/qemu-mini-10", "hw", &err);
	struct qh_strlist files = { 0 }, types = { 0 };
	struct qh_qom_index *q;

	(void)state;
	assert_non_null(ms);
	assert_int_equal(qh_meson_all_files(ms, &files), 0);
	q = qh_qom_index_build("tests/fixtures/qemu-mini-10", &files, &err);
	assert_non_null(q);
	assert_string_equal(qh_qom_machine_file(q, "q35"), "hw/i386/pc_q35.c");
	assert_string_equal(qh_qom_machine_file(q, "pc-q35-10.0"), "hw/i386/pc_q35.c");
	assert_string_equal(qh_qom_machine_file(q, "pc-q35-9.2"), "hw/i386/pc_q35.c");
	assert_string_equal(qh_qom_machine_file(q, "pc-q35-9.1.1"), "hw/i386/pc_q35.c");
	/* the macro's NULL alias of older versions names nothing */
	assert_null(qh_qom_machine_file(q, "NULL"));
	qh_strlist_free(&files);
	assert_int_equal(qh_strlist_add(&files, "hw/i386/pc_q35.c"), 0);
	assert_int_equal(qh_qom_types_in_files(q, &files, &types), 0);
	assert_int_equal(types.n, 3);
	assert_string_equal(types.items[0], "pc-q35-10.0-machine");
	qh_strlist_free(&files);
	qh_strlist_free(&types);
	qh_qom_index_free(q);
	qh_meson_scan_free(ms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macro_resolution),
		cmocka_unit_test(test_types_from_fixture),
		cmocka_unit_test(test_machines),
		cmocka_unit_test(test_versioned_machine_macros),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
