/* test_audit.c - the audit's MAC, libvirt and host collectors on fixture
 * roots: a good host, then the same host with one thing broken at a time.
 * Each root must give exactly its findings (failing/warning check ids per
 * subject); the binaries are covered by tests/cli/t07*-audit-*.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_root.h"

static const char good_qemu_conf[] =
	"# libvirt QEMU driver\n"
	"security_driver = \"selinux\"\n"
	"security_default_confined = 1\n"
	"user = \"qemu\"\n"
	"group = \"qemu\"\n"
	"cgroup_controllers = [ \"cpu\", \"devices\",\n"
	"                       \"memory\", \"blkio\" ]\n"
	"namespaces = [ \"mount\" ]\n"
	"vnc_listen = \"0.0.0.0\"\n"
	"vnc_tls = 1\n"
	"seccomp_sandbox = 1\n";

/* A live SELinux host with libvirt, two sVirt-labelled VMs, a PCI device
 * passed through behind the IOMMU, KSM and userfaultfd off. */
static void good_host(void)
{
	new_root();
	put("etc/selinux/config", "# SELinux\nSELINUX=enforcing\nSELINUXTYPE=targeted\n");
	put("var/lib/selinux/targeted/active/booleans.local",
	    "virt_use_nfs=0\nvirt_use_usb=0\n");
	put("sys/fs/selinux/enforce", "1");
	put("etc/libvirt/qemu.conf", good_qemu_conf);
	put("etc/libvirt/qemu/vm1.xml",
	    "<domain type='kvm'><name>vm1</name><devices>\n"
	    "<hostdev mode='subsystem' type='pci' managed='yes'/>\n"
	    "</devices></domain>\n");
	put("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommu=pt\n");
	put("proc/sys/vm/unprivileged_userfaultfd", "0\n");
	put("sys/kernel/mm/ksm/run", "0\n");
	put("proc/4242/comm", "qemu-system-x86\n");
	put("proc/4242/attr/current", "system_u:system_r:svirt_t:s0:c12,c34");
	put("proc/4243/comm", "qemu-system-x86\n");
	put("proc/4243/attr/current", "system_u:system_r:svirt_t:s0:c56,c78");
	put("proc/1/comm", "systemd\n");
}

/* "subject: id id; subject: ERROR" for every non-passing check. */
static char *findings(void)
{
	struct qh_report *r = audit_root(false);
	struct qh_buf out = QH_BUF_INIT;
	for (size_t i = 0; i < r->nresults; i++) {
		const struct qh_result *res = r->results[i];
		size_t before = out.len;

		qh_buf_printf(&out, "%s%s:", out.len ? "; " : "", res->path);
		if (res->error)
			qh_buf_puts(&out, " ERROR");
		for (size_t k = 0; k < res->nchecks; k++)
			if (res->checks[k].raw_status >= QH_WARN)
				qh_buf_printf(&out, " %s", res->checks[k].id);
		if (out.data[out.len - 1] == ':') { /* nothing found */
			out.len = before;
			out.data[out.len] = '\0';
		}
	}
	qh_report_free(r);
	return out.data ? out.data : qh_strdup("");
}

static void expect(const char *want)
{
	char *got = findings();

	if (strcmp(got, want) != 0)
		fail_msg("findings\n  got:  \"%s\"\n  want: \"%s\"", got, want);
	free(got);
	rm_root();
}

static void test_good_host_has_no_findings(void **state)
{
	(void)state;
	good_host();
	expect("");
}

static void test_selinux_disabled(void **state)
{
	(void)state;
	good_host();
	put("etc/selinux/config", "SELINUX=disabled\nSELINUXTYPE=targeted\n");
	del("sys/fs/selinux/enforce");
	/* QEMU keeps running, now unconfined */
	put("proc/4242/attr/current", "kernel");
	put("proc/4243/attr/current", "kernel");
	expect("/etc/selinux/config: selinux-mode; host: mac-confinement svirt-label");
}

static void test_selinux_permissive_at_runtime(void **state)
{
	(void)state;
	good_host();
	put("sys/fs/selinux/enforce", "0");
	expect("host: selinux-enforce mac-confinement svirt-label");
}

static void test_booleans_on(void **state)
{
	(void)state;
	good_host();
	put("var/lib/selinux/targeted/active/booleans.local",
	    "virt_use_nfs=1\nvirt_use_usb = on\nvirt_use_samba=0\n");
	expect("host: sebool-virt_use_nfs sebool-virt_use_usb");
	/* live values win over the policy store */
	good_host();
	put("sys/fs/selinux/booleans/virt_use_xserver", "1 1");
	put("sys/fs/selinux/booleans/virt_use_nfs", "0 0");
	put("var/lib/selinux/targeted/active/booleans.local", "virt_use_nfs=1\n");
	expect("host: sebool-virt_use_xserver");
}

static void test_security_driver_none(void **state)
{
	(void)state;
	good_host();
	put("etc/libvirt/qemu.conf", "security_driver = \"none\"\n");
	expect("/etc/libvirt/qemu.conf: libvirt-security-driver");
}

static void test_qemu_as_root_and_weak_settings(void **state)
{
	(void)state;
	good_host();
	put("etc/libvirt/qemu.conf",
	    "user = \"root\"\ngroup = \"root\"\n"
	    "# commented = 0\n"
	    "seccomp_sandbox = 0\nsecurity_default_confined = 0\n"
	    "dynamic_ownership = 0\nclear_emulator_capabilities = 0\n"
	    "cgroup_controllers = [ \"cpu\",\n \"memory\" ]\nnamespaces = []\n"
	    "spice_listen = \"0.0.0.0\"\nvnc_listen = \"127.0.0.1\"\n");
	expect("/etc/libvirt/qemu.conf: libvirt-default-confined libvirt-seccomp "
	       "libvirt-user libvirt-group libvirt-dynamic-ownership "
	       "libvirt-cgroup-devices libvirt-namespaces libvirt-spice-tls "
	       "libvirt-clear-caps");
}

static void test_qemu_conf_syntax_error_is_an_error(void **state)
{
	(void)state;
	good_host();
	put("etc/libvirt/qemu.conf", "user = \"qemu\"\nsecurity_driver = none\n");
	expect("/etc/libvirt/qemu.conf: ERROR");
}

static void test_host_settings(void **state)
{
	(void)state;
	good_host();
	put("proc/cmdline", "root=/dev/sda1 quiet\n");
	put("proc/sys/vm/unprivileged_userfaultfd", "1\n");
	put("sys/kernel/mm/ksm/run", "1\n");
	put("dev/kvm", "not a device");
	expect("host: iommu kvm-device userfaultfd ksm");
	/* no passthrough: no IOMMU finding even without intel_iommu=on */
	good_host();
	put("proc/cmdline", "root=/dev/sda1 quiet\n");
	del("etc/libvirt/qemu/vm1.xml");
	expect("");
}

static void test_image_root_reads_config_files(void **state)
{
	(void)state;
	good_host();
	/* an image: no /proc, no /sys */
	del("proc/cmdline");
	del("proc/sys/vm/unprivileged_userfaultfd");
	del("sys/kernel/mm/ksm/run");
	del("sys/fs/selinux/enforce");
	del("proc/4242/comm");
	del("proc/4243/comm");
	put("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
	put("etc/sysctl.d/99-uffd.conf", "# test\nvm.unprivileged_userfaultfd = 1\n");
	expect("host: iommu userfaultfd");
	good_host();
	del("proc/cmdline");
	put("etc/default/grub", "GRUB_CMDLINE_LINUX=\"intel_iommu=on\"\n");
	expect("");
}

static void test_duplicate_mcs_label(void **state)
{
	(void)state;
	good_host();
	put("proc/4243/attr/current", "system_u:system_r:svirt_t:s0:c12,c34");
	expect("host: svirt-label");
	good_host();
	put("proc/4243/attr/current", "system_u:system_r:unconfined_t:s0");
	expect("host: svirt-label");
}

static void test_apparmor_host(void **state)
{
	(void)state;
	good_host();
	del("etc/selinux/config");
	del("sys/fs/selinux/enforce");
	del("var/lib/selinux/targeted/active/booleans.local");
	put("etc/libvirt/qemu.conf", "security_driver = \"apparmor\"\n");
	put("etc/apparmor.d/usr.sbin.libvirtd", "profile libvirtd /usr/sbin/libvirtd {\n}\n");
	put("etc/apparmor.d/libvirt/TEMPLATE.qemu", "profile LIBVIRT_TEMPLATE {\n}\n");
	put("proc/4242/attr/current", "libvirt-6f0c2b7e-1c1d-4a5b-9f3e-0a1b2c3d4e5f (enforce)");
	put("proc/4243/attr/current", "libvirt-0f0c2b7e-1c1d-4a5b-9f3e-0a1b2c3d4e5f (enforce)");
	expect("");
	good_host();
	del("etc/selinux/config");
	del("sys/fs/selinux/enforce");
	del("proc/4242/comm");
	del("proc/4243/comm");
	put("etc/apparmor.d/usr.sbin.libvirtd",
	    "profile libvirtd /usr/sbin/libvirtd flags=(attach_disconnected, complain) {\n}\n");
	put("etc/apparmor.d/libvirt/TEMPLATE.qemu", "profile LIBVIRT_TEMPLATE {\n}\n");
	expect("/etc/apparmor.d/usr.sbin.libvirtd: apparmor-libvirt; host: mac-confinement");
}

static void test_symlink_out_of_root(void **state)
{
	char link[512];

	(void)state;
	good_host();
	mkdirs("usr/bin/x");
	snprintf(link, sizeof(link), "%s/usr/bin/qemu-system-x86_64", root);
	assert_int_equal(symlink("../../../../../../../../usr/bin/qemu-system-x86_64", link), 0);
	expect("/usr/bin/qemu-system-x86_64: symlink-escape");
}

static void test_missing_root(void **state)
{
	struct qh_audit_options o = { .root = "/nonexistent/qhard/root" };
	struct qh_report *r = qh_report_new("audit", NULL);
	struct qh_error err;

	(void)state;
	assert_int_equal(qh_audit_run(&o, r, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/qhard/root"));
	qh_report_free(r);
}

static void test_qom_scan_hostile_and_foreign_input(void **state)
{
	static const char junk[] = "\x7f" "ELF but not really an ELF file at all";
	struct qh_qom_types t;
	struct qh_error err;
	FILE *f = fopen("/proc/self/exe", "rb");
	char *buf = malloc(8 << 20);
	size_t n;

	(void)state;
	assert_int_equal(qh_qom_scan_binary(junk, sizeof(junk), &t, &err), -1);
	assert_non_null(strstr(err.msg, "not an ELF"));
	assert_int_equal(qh_qom_scan_binary("", 0, &t, &err), -1);
	/* a real program that is not QEMU has no QOM types */
	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 8 << 20, f);
	fclose(f);
	assert_int_equal(qh_qom_scan_binary(buf, n, &t, &err), 0);
	assert_int_equal(t.n, 0);
	qh_qom_types_free(&t);
	/* every truncation of it is read safely */
	for (size_t cut = 64; cut < n; cut += n / 97 + 1) {
		if (qh_qom_scan_binary(buf, cut, &t, &err) == 0)
			qh_qom_types_free(&t);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_host_has_no_findings),
		cmocka_unit_test(test_selinux_disabled),
		cmocka_unit_test(test_selinux_permissive_at_runtime),
		cmocka_unit_test(test_booleans_on),
		cmocka_unit_test(test_security_driver_none),
		cmocka_unit_test(test_qemu_as_root_and_weak_settings),
		cmocka_unit_test(test_qemu_conf_syntax_error_is_an_error),
		cmocka_unit_test(test_host_settings),
		cmocka_unit_test(test_image_root_reads_config_files),
		cmocka_unit_test(test_duplicate_mcs_label),
		cmocka_unit_test(test_apparmor_host),
		cmocka_unit_test(test_symlink_out_of_root),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_qom_scan_hostile_and_foreign_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
