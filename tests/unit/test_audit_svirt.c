/* test_audit_svirt.c - sVirt on disk: an SELinux host with two running
 * VMs and a stopped one, built in a temp dir, the images labelled with
 * real security.selinux attributes. Setting those needs CAP_SYS_ADMIN
 * (and, on an SELinux kernel, contexts its policy knows): where the
 * kernel refuses, the tests are skipped. qhard reads only
 * security.selinux; no other attribute stands in for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/xattr.h>

#include "audit_root.h"

#define IMG "var/lib/libvirt/images/"

/* argv joined with NULs, as /proc/PID/cmdline */
static void put_cmdline(const char *rel, const char *const *argv)
{
	FILE *f;

	mkdirs(rel);
	f = fopen(at(rel), "w");
	assert_non_null(f);
	for (; *argv; argv++)
		fwrite(*argv, 1, strlen(*argv) + 1, f);
	fclose(f);
}

static bool label(const char *rel, const char *context)
{
	return setxattr(at(rel), "security.selinux", context, strlen(context) + 1, 0) == 0;
}

static void domain_xml(const char *name, const char *disks)
{
	char rel[128], xml[2048];

	snprintf(rel, sizeof(rel), "etc/libvirt/qemu/%s.xml", name);
	snprintf(xml, sizeof(xml), "<domain type='kvm'>\n  <name>%s</name>\n"
		 "  <devices>\n%s  </devices>\n"
		 "  <seclabel type='dynamic' model='selinux' relabel='yes'/>\n"
		 "</domain>\n", name, disks);
	put(rel, xml);
}

static const char *const vm1_argv[] = {
	"/usr/bin/qemu-system-x86_64", "-name", "guest=vm1,debug-threads=on",
	"-blockdev", "{\"driver\":\"file\",\"filename\":\"/var/lib/libvirt/images/base.qcow2\","
	"\"node-name\":\"libvirt-2-storage\"}",
	"-blockdev", "{\"node-name\":\"libvirt-2-format\",\"read-only\":true,"
	"\"driver\":\"qcow2\",\"file\":\"libvirt-2-storage\"}",
	"-blockdev", "{\"driver\":\"file\",\"filename\":\"/var/lib/libvirt/images/vm1.qcow2\","
	"\"node-name\":\"libvirt-1-storage\"}",
	"-blockdev", "{\"node-name\":\"libvirt-1-format\",\"driver\":\"qcow2\","
	"\"file\":\"libvirt-1-storage\",\"backing\":\"libvirt-2-format\"}",
	NULL,
};

static const char *const vm2_argv[] = {
	"/usr/bin/qemu-system-x86_64", "-name", "guest=vm2",
	"-drive", "file=/var/lib/libvirt/images/vm2.raw,format=raw,if=none,id=d0",
	NULL,
};

/* vm1 and vm2 run (c1,c2 and c3,c4), vm3 is stopped; vm1 has a read-only
 * backing file and an ISO, vm1 and vm2 share a disk. False when the
 * kernel will not set security.selinux here. */
static bool selinux_host(void)
{
	new_root();
	put("etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n");
	put("sys/fs/selinux/enforce", "1");
	put("proc/100/comm", "qemu-system-x86\n");
	put("proc/100/attr/current", "system_u:system_r:svirt_t:s0:c1,c2");
	put_cmdline("proc/100/cmdline", vm1_argv);
	put("proc/200/comm", "qemu-system-x86\n");
	put("proc/200/attr/current", "system_u:system_r:svirt_t:s0:c3,c4");
	put_cmdline("proc/200/cmdline", vm2_argv);
	domain_xml("vm1",
		   "    <disk type='file'><source file='/" IMG "vm1.qcow2'/></disk>\n"
		   "    <disk type='file' device='cdrom'><readonly/>"
		   "<source file='/srv/iso/debian.iso'/></disk>\n"
		   "    <disk type='file'><source file='/" IMG "shared.img'/><shareable/></disk>\n");
	domain_xml("vm2",
		   "    <disk type='file'><source file='/" IMG "vm2.raw'/></disk>\n"
		   "    <disk type='file'><source file='/" IMG "shared.img'/><shareable/></disk>\n");
	domain_xml("vm3", "    <disk type='file'><source file='/" IMG "vm3.qcow2'/></disk>\n");
	put(IMG "base.qcow2", "QFI\xfb");
	put(IMG "vm1.qcow2", "QFI\xfb");
	put(IMG "vm2.raw", "");
	put(IMG "vm3.qcow2", "QFI\xfb");
	put(IMG "shared.img", "");
	put("srv/iso/debian.iso", "");
	if (!label(IMG "vm1.qcow2", "system_u:object_r:svirt_image_t:s0:c1,c2")) {
		assert_true(errno == EPERM || errno == ENOTSUP || errno == EINVAL ||
			    errno == EACCES);
		rm_root();
		return false;
	}
	assert_true(label(IMG "base.qcow2", "system_u:object_r:virt_content_t:s0"));
	assert_true(label("srv/iso/debian.iso", "system_u:object_r:virt_content_t:s0"));
	assert_true(label(IMG "vm2.raw", "system_u:object_r:svirt_image_t:s0:c3,c4"));
	assert_true(label(IMG "shared.img", "system_u:object_r:svirt_image_t:s0"));
	assert_true(label(IMG "vm3.qcow2", "system_u:object_r:virt_image_t:s0"));
	return true;
}

static void need_selinux_host(void)
{
	if (!selinux_host())
		skip(); /* security.selinux cannot be set here */
}

static void test_good_labels(void **state)
{
	static const char *const images[] = {
		"/" IMG "vm1.qcow2", "/" IMG "base.qcow2", "/srv/iso/debian.iso",
		"/" IMG "vm2.raw", "/" IMG "shared.img",
	};
	struct qh_report *r;

	(void)state;
	need_selinux_host();
	r = audit_root(false);
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		expect_finding(r, images[i], "svirt-image-label", QH_PASS, NULL);
	expect_finding(r, "/" IMG "vm1.qcow2", "svirt-image-label", QH_PASS,
		       "the pair of domain vm1 (pid 100)");
	expect_finding(r, "/" IMG "base.qcow2", "svirt-image-label", QH_PASS, "read-only in");
	expect_finding(r, "/" IMG "shared.img", "svirt-image-label", QH_PASS, "shared by");
	expect_finding(r, "/" IMG "vm3.qcow2", "svirt-stale-label", QH_PASS, "virt_image_t:s0");
	expect_finding(r, "host", "svirt-label", QH_PASS, NULL);
	/* located where the domain XML names the image */
	assert_string_equal(finding(r, "/" IMG "vm2.raw", "svirt-image-label")->locations[0].file,
			    "/etc/libvirt/qemu/vm2.xml");
	qh_report_free(r);
	rm_root();
}

static void test_running_image_with_another_vms_pair(void **state)
{
	struct qh_report *r;

	(void)state;
	need_selinux_host();
	assert_true(label(IMG "vm1.qcow2", "system_u:object_r:svirt_image_t:s0:c3,c4"));
	assert_true(label("srv/iso/debian.iso", "system_u:object_r:svirt_image_t:s0:c3,c4"));
	assert_true(label(IMG "vm2.raw", "system_u:object_r:virt_image_t:s0"));
	r = audit_root(false);
	expect_finding(r, "/" IMG "vm1.qcow2", "svirt-image-label", QH_FAIL,
		       "the categories of domain vm2 (pid 200); domain vm1 (pid 100) "
		       "needs svirt_image_t:s0:c1,c2");
	expect_finding(r, "/srv/iso/debian.iso", "svirt-image-label", QH_FAIL,
		       "needs virt_content_t:s0 (read-only)");
	expect_finding(r, "/" IMG "vm2.raw", "svirt-image-label", QH_FAIL,
		       "label system_u:object_r:virt_image_t:s0; domain vm2");
	qh_report_free(r);
	rm_root();
}

static void test_unlabelled_and_shared_without_shareable(void **state)
{
	struct qh_report *r;

	(void)state;
	need_selinux_host();
	assert_int_equal(removexattr(at(IMG "vm2.raw"), "security.selinux"), 0);
	/* vm1 opens vm2's image as well, read-write, not <shareable/> */
	domain_xml("vm1",
		   "    <disk type='file'><source file='/" IMG "vm1.qcow2'/></disk>\n"
		   "    <disk type='file'><source file='/" IMG "vm2.raw'/></disk>\n");
	r = audit_root(false);
	expect_finding(r, "/" IMG "vm2.raw", "svirt-image-label", QH_FAIL,
		       "opened by domain vm1 (pid 100) and by domain vm2 (pid 200) "
		       "without <shareable/>");
	qh_report_free(r);
	domain_xml("vm1", "    <disk type='file'><source file='/" IMG "vm1.qcow2'/></disk>\n");
	r = audit_root(false);
	expect_finding(r, "/" IMG "vm2.raw", "svirt-image-label", QH_FAIL,
		       "no SELinux label (security.selinux)");
	qh_report_free(r);
	rm_root();
}

static void test_stopped_vm_images(void **state)
{
	struct qh_report *r;

	(void)state;
	need_selinux_host();
	assert_true(label(IMG "vm3.qcow2", "system_u:object_r:svirt_image_t:s0:c3,c4"));
	r = audit_root(false);
	expect_finding(r, "/" IMG "vm3.qcow2", "svirt-stale-label", QH_FAIL,
		       "the categories of running domain vm2 (pid 200), whose QEMU can "
		       "open this image of stopped domain vm3");
	assert_string_equal(finding(r, "/" IMG "vm3.qcow2", "svirt-stale-label")->severity,
			    "high");
	qh_report_free(r);
	assert_true(label(IMG "vm3.qcow2", "system_u:object_r:svirt_image_t:s0:c9,c10"));
	r = audit_root(false);
	expect_finding(r, "/" IMG "vm3.qcow2", "svirt-stale-label", QH_WARN,
		       "categories left from an earlier run");
	qh_report_free(r);
	/* vm2 stopped too: its pair is nobody's now, so a warning */
	del("proc/200/comm");
	r = audit_root(false);
	expect_finding(r, "/" IMG "vm2.raw", "svirt-stale-label", QH_WARN, "domain vm2 is stopped");
	qh_report_free(r);
	rm_root();
}

static void test_relabel_no_and_escapes(void **state)
{
	struct qh_report *r;

	(void)state;
	need_selinux_host();
	domain_xml("vm2", "    <disk type='file'><source file='/" IMG "vm2.raw'>"
		   "<seclabel model='selinux' relabel='no'/></source></disk>\n");
	/* vm3's image is a link out of the root */
	del(IMG "vm3.qcow2");
	assert_int_equal(symlink("../../../../../../../../etc/shadow", at(IMG "vm3.qcow2")), 0);
	put("etc/libvirt/qemu/broken.xml", "<domain><name>broken</name>");
	r = audit_root(false);
	expect_finding(r, "/" IMG "vm2.raw", "svirt-image-label", QH_SKIP, "relabel='no'");
	expect_finding(r, "/" IMG "vm3.qcow2", "symlink-escape", QH_FAIL, NULL);
	assert_null(qh_result_find_check(subject(r, "/" IMG "vm3.qcow2"), "svirt-stale-label"));
	assert_non_null(subject(r, "/etc/libvirt/qemu/broken.xml")->error);
	expect_finding(r, "/" IMG "vm1.qcow2", "svirt-image-label", QH_PASS, NULL);
	qh_report_free(r);
	rm_root();
}

/* AppArmor confines by path: image labels are not looked at. */
static void test_no_selinux_no_image_checks(void **state)
{
	struct qh_report *r;

	(void)state;
	need_selinux_host();
	del("etc/selinux/config");
	del("sys/fs/selinux/enforce");
	put("proc/100/attr/current", "libvirt-6f0c2b7e-1c1d-4a5b-9f3e-0a1b2c3d4e5f (enforce)");
	put("proc/200/attr/current", "libvirt-0f0c2b7e-1c1d-4a5b-9f3e-0a1b2c3d4e5f (enforce)");
	r = audit_root(false);
	assert_null(subject(r, "/" IMG "vm1.qcow2"));
	assert_null(subject(r, "/" IMG "vm3.qcow2"));
	qh_report_free(r);
	rm_root();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_labels),
		cmocka_unit_test(test_running_image_with_another_vms_pair),
		cmocka_unit_test(test_unlabelled_and_shared_without_shareable),
		cmocka_unit_test(test_stopped_vm_images),
		cmocka_unit_test(test_relabel_no_and_escapes),
		cmocka_unit_test(test_no_selinux_no_image_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
