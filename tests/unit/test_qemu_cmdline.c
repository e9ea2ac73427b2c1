/* test_qemu_cmdline.c - disk images and the VM name from QEMU command
 * lines (qemu_cmdline.h): what libvirt starts, what people type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/qemu_cmdline.h"

/* argv as /proc/PID/cmdline has it: NUL after each argument */
static size_t join(char *buf, size_t size, const char *const *argv)
{
	size_t n = 0;

	for (; *argv; argv++) {
		size_t l = strlen(*argv) + 1;

		assert_true(n + l <= size);
		memcpy(buf + n, *argv, l);
		n += l;
	}
	return n;
}

static void test_libvirt_blockdev(void **state)
{
	static const char *const argv[] = {
		"/usr/bin/qemu-system-x86_64", "-name", "guest=vm1,debug-threads=on",
		"-S", "-machine", "pc-q35-7.2,usb=off",
		"-blockdev", "{\"driver\":\"file\",\"filename\":\"/var/lib/libvirt/images/base.qcow2\","
		"\"node-name\":\"libvirt-2-storage\",\"auto-read-only\":true,\"discard\":\"unmap\"}",
		"-blockdev", "{\"node-name\":\"libvirt-2-format\",\"read-only\":true,"
		"\"driver\":\"qcow2\",\"file\":\"libvirt-2-storage\"}",
		"-blockdev", "{\"driver\":\"file\",\"filename\":\"/var/lib/libvirt/images/vm1.qcow2\","
		"\"node-name\":\"libvirt-1-storage\",\"auto-read-only\":true,\"discard\":\"unmap\"}",
		"-blockdev", "{\"node-name\":\"libvirt-1-format\",\"read-only\":false,"
		"\"driver\":\"qcow2\",\"file\":\"libvirt-1-storage\",\"backing\":\"libvirt-2-format\"}",
		"-blockdev", "{\"driver\":\"rbd\",\"pool\":\"p\",\"image\":\"i\",\"node-name\":\"n\"}",
		"-device", "virtio-blk-pci,drive=libvirt-1-format,id=virtio-disk0",
		"-append", "console=ttyS0 -hda /etc/shadow",
		NULL,
	};
	char buf[4096];
	struct qh_qemu_cmdline c;
	struct qh_error err;

	(void)state;
	if (qh_qemu_cmdline_parse(buf, join(buf, sizeof(buf), argv), &c, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(c.name, "vm1");
	assert_int_equal(c.ndisks, 2);
	assert_string_equal(c.disks[0].path, "/var/lib/libvirt/images/base.qcow2");
	assert_true(c.disks[0].readonly);  /* its format node is read-only */
	assert_string_equal(c.disks[1].path, "/var/lib/libvirt/images/vm1.qcow2");
	assert_false(c.disks[1].readonly);
	qh_qemu_cmdline_free(&c);
}

static void test_drive_and_plain_options(void **state)
{
	static const char *const argv[] = {
		"qemu-system-x86_64", "-name", "hand made",
		"-drive", "file=/srv/a,,b.img,if=none,id=d0,format=raw",
		"-drive", "if=ide,media=cdrom,file=/srv/iso/x.iso",
		"-drive", "file=/srv/ro.img,readonly=on",
		"-drive", "file=nbd://host/export",
		"-hda", "/srv/hda.img", "-cdrom", "/srv/cd.iso",
		"-blockdev", "driver=file,filename=/srv/kv.img,node-name=kv,read-only=on",
		"-hdb", /* no argument: not a disk */
		NULL,
	};
	char buf[4096];
	struct qh_qemu_cmdline c;
	struct qh_error err;

	(void)state;
	if (qh_qemu_cmdline_parse(buf, join(buf, sizeof(buf), argv), &c, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(c.name, "hand made"); /* -name NAME: guest= implied */
	assert_int_equal(c.ndisks, 6);
	assert_string_equal(c.disks[0].path, "/srv/a,b.img");
	assert_false(c.disks[0].readonly);
	assert_string_equal(c.disks[1].path, "/srv/iso/x.iso");
	assert_true(c.disks[1].readonly);
	assert_string_equal(c.disks[2].path, "/srv/ro.img");
	assert_true(c.disks[2].readonly);
	assert_string_equal(c.disks[3].path, "/srv/hda.img");
	assert_false(c.disks[3].readonly);
	assert_string_equal(c.disks[4].path, "/srv/cd.iso");
	assert_true(c.disks[4].readonly);
	assert_string_equal(c.disks[5].path, "/srv/kv.img");
	assert_true(c.disks[5].readonly);
	qh_qemu_cmdline_free(&c);
}

static void test_broken(void **state)
{
	static const char *const argv[] = { "qemu", "-blockdev", "{\"driver\":", NULL };
	char buf[256];
	struct qh_qemu_cmdline c;
	struct qh_error err;

	(void)state;
	assert_int_equal(qh_qemu_cmdline_parse(buf, join(buf, sizeof(buf), argv), &c, &err), -1);
	assert_non_null(strstr(err.msg, "-blockdev"));
	/* no NUL at all, or nothing: no disks, no error */
	assert_int_equal(qh_qemu_cmdline_parse("qemu -hda /x", 12, &c, &err), 0);
	assert_int_equal(c.ndisks, 0);
	qh_qemu_cmdline_free(&c);
	assert_int_equal(qh_qemu_cmdline_parse("", 0, &c, &err), 0);
	assert_null(c.name);
	qh_qemu_cmdline_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libvirt_blockdev),
		cmocka_unit_test(test_drive_and_plain_options),
		cmocka_unit_test(test_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
