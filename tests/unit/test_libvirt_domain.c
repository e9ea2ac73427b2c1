/* test_libvirt_domain.c - the disks and seclabels of libvirt domain XMLs
 * (libvirt_domain.h): a domain as virsh dumpxml writes it, its status
 * form, and hostile or broken files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/libvirt_domain.h"

static const char vm1[] =
	"<domain type='kvm' id='3'>\n"
	"  <name>vm1</name>\n"
	"  <uuid>6f0c2b7e-1c1d-4a5b-9f3e-0a1b2c3d4e5f</uuid>\n"
	"  <devices>\n"
	"    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
	"    <disk type='file' device='disk'>\n"
	"      <driver name='qemu' type='qcow2'/>\n"
	"      <source file='/var/lib/libvirt/images/vm1.qcow2' index='2'/>\n"
	"      <backingStore type='file' index='3'>\n"
	"        <format type='qcow2'/>\n"
	"        <source file='/var/lib/libvirt/images/base.qcow2'/>\n"
	"        <backingStore/>\n"
	"      </backingStore>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"    </disk>\n"
	"    <disk type='file' device='cdrom'>\n"
	"      <target dev='sda' bus='sata'/>\n"
	"      <readonly/>\n"
	"      <source file='/srv/iso/debian.iso'/>\n"
	"    </disk>\n"
	"    <disk type='block' device='disk'>\n"
	"      <source dev='/dev/vg0/shared'>\n"
	"        <seclabel model='selinux' relabel='no'/>\n"
	"      </source>\n"
	"      <shareable/>\n"
	"    </disk>\n"
	"    <disk type='network' device='disk'>\n"
	"      <source protocol='rbd' name='pool/image'/>\n"
	"    </disk>\n"
	"    <interface type='network'><source network='default'/></interface>\n"
	"  </devices>\n"
	"  <seclabel type='dynamic' model='dac' relabel='yes'/>\n"
	"  <seclabel type='dynamic' model='selinux' relabel='yes'>\n"
	"    <label>system_u:system_r:svirt_t:s0:c12,c34</label>\n"
	"  </seclabel>\n"
	"</domain>\n";

static struct qh_lvdomain *parse(const char *xml, struct qh_error *err)
{
	return qh_lvdomain_parse(xml, strlen(xml), "vm.xml", err);
}

static void test_disks_and_labels(void **state)
{
	struct qh_error err;
	struct qh_lvdomain *d = parse(vm1, &err);

	(void)state;
	if (!d)
		fail_msg("%s", err.msg);
	assert_string_equal(d->name, "vm1");
	assert_string_equal(d->seclabel_type, "dynamic");
	assert_false(d->relabel_no);
	/* vm1.qcow2, its backing file, the ISO, the block device; no rbd */
	assert_int_equal(d->ndisks, 5);
	assert_string_equal(d->disks[0].source, "/var/lib/libvirt/images/vm1.qcow2");
	assert_false(d->disks[0].readonly);
	assert_int_equal(d->disks[0].line, 8);
	assert_string_equal(d->disks[1].source, "/var/lib/libvirt/images/base.qcow2");
	assert_true(d->disks[1].readonly);
	assert_string_equal(d->disks[2].source, "/srv/iso/debian.iso");
	assert_true(d->disks[2].readonly); /* <readonly/> before <source> too */
	assert_string_equal(d->disks[3].source, "/dev/vg0/shared");
	assert_true(d->disks[3].shareable);
	assert_true(d->disks[3].norelabel);
	assert_false(d->disks[0].norelabel);
	assert_null(d->disks[4].source); /* the network disk */
	qh_lvdomain_free(d);
}

static void test_status_xml_and_relabel_no(void **state)
{
	struct qh_error err;
	struct qh_lvdomain *d = parse(
		"<domstatus state='running' pid='4242'>\n"
		"<domain type='kvm'><name>vm2</name>\n"
		"<seclabel type='static' model='selinux' relabel='no'>\n"
		"<label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>\n"
		"<devices><disk type='file'><source file='/img/vm2.raw'/></disk></devices>\n"
		"</domain></domstatus>\n", &err);

	(void)state;
	if (!d)
		fail_msg("%s", err.msg);
	assert_string_equal(d->name, "vm2");
	assert_string_equal(d->seclabel_type, "static");
	assert_true(d->relabel_no);
	assert_int_equal(d->ndisks, 1);
	assert_string_equal(d->disks[0].source, "/img/vm2.raw");
	qh_lvdomain_free(d);
}

static void test_refused(void **state)
{
	static const struct {
		const char *xml, *msg;
	} cases[] = {
		{ "<?xml version='1.0'?>\n<!DOCTYPE domain [ <!ENTITY a 'aaaa'> ]>\n"
		  "<domain><name>&a;</name></domain>", "vm.xml:2: a DOCTYPE" },
		{ "<domain><name>vm</name>\n<devices>\n</domain>", "vm.xml:3: mismatched tag" },
		{ "<network><name>default</name></network>", "not a libvirt domain" },
		{ "<domain type='kvm'><devices/></domain>", "no <name>" },
		{ "", "vm.xml:1: no element found" },
	};
	struct qh_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(parse(cases[i].xml, &err));
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
	}
}

static void test_deep_nesting(void **state)
{
	struct qh_error err;
	char xml[2048] = "<domain><name>x</name>";

	(void)state;
	for (int i = 0; i < 70; i++)
		strcat(xml, "<a>");
	for (int i = 0; i < 70; i++)
		strcat(xml, "</a>");
	strcat(xml, "</domain>");
	assert_null(parse(xml, &err));
	assert_non_null(strstr(err.msg, "nested too deep"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disks_and_labels),
		cmocka_unit_test(test_status_xml_and_relabel_no),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
