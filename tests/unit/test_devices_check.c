/* test_devices_check.c - parsing QEMU 7.2's `-device help` / `-machine help`
 * listings and the expected-vs-present comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "build/devices_check.h"

/* Shape of qemu-system-x86_64 7.2 output (trimmed). */
static const char *device_help =
	"Controller/Bridge/Hub devices:\n"
	"name \"pci-bridge\", bus PCI, desc \"Standard PCI Bridge\"\n"
	"\n"
	"Storage devices:\n"
	"name \"virtio-blk-pci\", bus PCI, alias \"virtio-blk\"\n"
	"name \"virtio-blk-device\", bus virtio-bus\n"
	"name \"floppy\", bus floppy-bus, desc \"virtual floppy drive\"\n"
	"\n"
	"Misc devices:\n"
	"name \"vmgenid\"\n"
	"name \"\"\n"
	"garbage line\n"
	"\n"
	"CPU devices:\n"
	"name \"486-x86_64-cpu\"\n";

static const char *machine_help =
	"Supported machines are:\n"
	"q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)\n"
	"pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)\n"
	"none                 empty machine\n";

static void test_parse_device_help(void **state)
{
	struct qh_device_list l = { 0 };
	const struct qh_device *d;

	(void)state;
	assert_int_equal(qh_devices_parse_help(device_help, &l, NULL), 0);
	assert_int_equal(l.n, 6);
	assert_int_equal(qh_device_list_count(&l, "CPU devices"), 5);
	d = qh_device_list_find(&l, "virtio-blk");
	assert_non_null(d);
	assert_string_equal(d->name, "virtio-blk-pci");
	assert_string_equal(d->bus, "PCI");
	assert_string_equal(d->category, "Storage devices");
	d = qh_device_list_find(&l, "vmgenid");
	assert_non_null(d);
	assert_null(d->bus);
	assert_null(d->alias);
	assert_null(qh_device_list_find(&l, "e1000"));
	qh_device_list_free(&l);
}

static void test_parse_machine_help(void **state)
{
	char **names;
	size_t n;

	(void)state;
	assert_int_equal(qh_machines_parse_help(machine_help, &names, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "q35");
	assert_string_equal(names[2], "none");
	assert_null(names[3]);
	qh_strv_free(names);
	assert_int_equal(qh_machines_parse_help("no heading\nq35 x\n", &names, &n, NULL), 0);
	assert_int_equal(n, 0);
	qh_strv_free(names);
}

static void test_compare(void **state)
{
	struct qh_device_list l = { 0 };
	struct qh_devices_diff d;
	/* The closure allows all but floppy; the allow list wants virtio-blk
	 * (by alias) and virtio-net-pci, which is not built. */
	const char *allowed[] = { "pci-bridge", "virtio-blk-pci", "virtio-blk-device",
				  "vmgenid", "virtio-net-pci" };
	const char *required[] = { "virtio-blk", "virtio-net-pci" };

	(void)state;
	assert_int_equal(qh_devices_parse_help(device_help, &l, NULL), 0);
	assert_int_equal(qh_devices_compare(&l, "CPU devices", allowed, 5, required,
					    2, &d, NULL), 0);
	assert_int_equal(d.nextra, 1);
	assert_string_equal(d.extra[0], "floppy");
	assert_int_equal(d.nmissing, 1);
	assert_string_equal(d.missing[0], "virtio-net-pci");
	qh_devices_diff_free(&d);
	/* Not skipping the CPU category makes the CPU model extra too. */
	assert_int_equal(qh_devices_compare(&l, NULL, allowed, 5, NULL, 0, &d, NULL), 0);
	assert_int_equal(d.nextra, 2);
	assert_string_equal(d.extra[0], "486-x86_64-cpu");
	qh_devices_diff_free(&d);
	qh_device_list_free(&l);
}

static void test_names_missing(void **state)
{
	const char *want[] = { "q35", "pc", "q35" };
	const char *have[] = { "q35", "none" };
	char **missing;
	size_t n;

	(void)state;
	assert_int_equal(qh_names_missing(want, 3, have, 2, &missing, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(missing[0], "pc");
	qh_strv_free(missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_device_help),
		cmocka_unit_test(test_parse_machine_help),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_names_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
