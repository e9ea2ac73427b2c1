/* test_audit_virt_host.c - what virt-host-validate checks, on fake live
 * hosts: /proc, /sys and /dev trees built in a temp dir and audited with
 * .live set, a good KVM host first, then one thing broken at a time. The
 * device nodes are real (mknod): without CAP_MKNOD the tests that need
 * them are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit_root.h"

static const char intel_cpuinfo[] =
	"processor\t: 0\n"
	"vendor_id\t: GenuineIntel\n"
	"model name\t: Intel(R) Xeon(R) Gold 6338\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic vmx smx est tm2 ssse3\n"
	"vmx flags\t: vnmi preemption_timer invvpid ept_x_only\n"
	"\n";

static const char amd_cpuinfo[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"model name\t: AMD EPYC 7763 64-Core Processor\n"
	"flags\t\t: fpu vme de pse tsc msr pae svm extapic cr8_legacy sev sev_es\n"
	"\n";

/* An Intel KVM host with libvirt's QEMU user in group kvm, cgroup v2, the
 * IOMMU on and TDX offered. False when device nodes cannot be made. */
static bool good_host(void)
{
	new_root();
	put("proc/cpuinfo", intel_cpuinfo);
	put("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on\n");
	put("proc/mounts",
	    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
	    "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n");
	put("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	put("sys/firmware/acpi/tables/DMAR", "DMAR");
	mkdirs("sys/kernel/iommu_groups/0/devices/x");
	mkdirs("sys/kernel/iommu_groups/1/devices/x");
	put("sys/module/kvm_intel/parameters/tdx", "Y\n");
	put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
	    "libvirt-qemu:x:64055:108:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n");
	put("etc/group", "root:x:0:\nkvm:x:104:libvirt-qemu\nlibvirt-qemu:x:108:\n");
	if (!chardev("dev/kvm", 0660, 10, 232) || chown(at("dev/kvm"), 0, 104) != 0 ||
	    !chardev("dev/vhost-net", 0600, 10, 238) ||
	    !chardev("dev/net/tun", 0666, 10, 200)) {
		rm_root();
		return false;
	}
	return true;
}

static void need_good_host(void)
{
	if (!good_host())
		skip(); /* no CAP_MKNOD */
}

static void rm(const char *rel)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", at(rel));
	assert_int_equal(system(cmd), 0);
}

static void test_good_host_passes(void **state)
{
	static const char *const ids[] = {
		"kvm-hw-virt", "kvm-available", "vhost-net", "tun-device",
		"cgroup-controllers", "iommu-hardware", "iommu-kernel", "secure-guest",
	};
	struct qh_report *r;

	(void)state;
	need_good_host();
	r = audit_root(true);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		expect_finding(r, "host", ids[i], QH_PASS, NULL);
	expect_finding(r, "host", "kvm-hw-virt", QH_PASS, "vmx");
	expect_finding(r, "host", "kvm-available", QH_PASS, "libvirt-qemu can open it");
	expect_finding(r, "host", "cgroup-controllers", QH_PASS,
		       "cgroup v2 at /sys/fs/cgroup (devices by BPF program): cpu, "
		       "cpuacct, cpuset, memory, devices, blkio");
	expect_finding(r, "host", "iommu-hardware", QH_PASS, "DMAR");
	expect_finding(r, "host", "iommu-kernel", QH_PASS, "2 IOMMU groups");
	expect_finding(r, "host", "secure-guest", QH_PASS, "Intel TDX");
	qh_report_free(r);
	rm_root();
}

/* The "done when": a host without /dev/kvm is reported. */
static void test_missing_dev_kvm_is_reported(void **state)
{
	struct qh_report *r;

	(void)state;
	need_good_host();
	del("dev/kvm");
	r = audit_root(true);
	expect_finding(r, "host", "kvm-available", QH_FAIL, "/dev/kvm missing");
	assert_string_equal(finding(r, "host", "kvm-available")->severity, "high");
	assert_non_null(finding(r, "host", "kvm-available")->fix);
	expect_finding(r, "host", "kvm-hw-virt", QH_PASS, NULL);
	qh_report_free(r);
	rm_root();
	/* nor KVM in the CPU: both say so */
	need_good_host();
	del("dev/kvm");
	put("proc/cpuinfo", "vendor_id\t: AuthenticAMD\nflags\t\t: fpu vme de pse\n");
	r = audit_root(true);
	expect_finding(r, "host", "kvm-hw-virt", QH_FAIL, "no vmx or svm");
	expect_finding(r, "host", "kvm-available", QH_FAIL,
		       "/dev/kvm missing (and no vmx or svm in the CPU flags)");
	qh_report_free(r);
	rm_root();
}

static void test_dev_kvm_access(void **state)
{
	struct qh_report *r;

	(void)state;
	need_good_host();
	assert_true(chardev("dev/kvm", 0600, 10, 232));
	r = audit_root(true);
	expect_finding(r, "host", "kvm-available", QH_FAIL,
		       "QEMU's user libvirt-qemu cannot open it read-write");
	qh_report_free(r);
	/* QEMU as root (a libvirt-user finding of its own) opens anything */
	put("etc/libvirt/qemu.conf", "user = \"root\"\n");
	put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
	r = audit_root(true);
	expect_finding(r, "host", "kvm-available", QH_PASS, "QEMU's user root can open it");
	qh_report_free(r);
	/* a regular file where the node should be */
	del("dev/kvm");
	put("dev/kvm", "");
	r = audit_root(true);
	expect_finding(r, "host", "kvm-available", QH_FAIL, "not a character device");
	qh_report_free(r);
	rm_root();
}

static void test_vhost_and_tun(void **state)
{
	struct qh_report *r;

	(void)state;
	need_good_host();
	del("dev/vhost-net");
	del("dev/net/tun");
	r = audit_root(true);
	expect_finding(r, "host", "vhost-net", QH_WARN, "/dev/vhost-net missing");
	expect_finding(r, "host", "tun-device", QH_FAIL, "/dev/net/tun missing");
	qh_report_free(r);
	rm_root();
}

static void test_cgroups(void **state)
{
	struct qh_report *r;

	(void)state;
	need_good_host();
	put("sys/fs/cgroup/cgroup.controllers", "cpu io memory pids\n");
	r = audit_root(true);
	expect_finding(r, "host", "cgroup-controllers", QH_WARN, "missing: cpuset");
	qh_report_free(r);
	/* hybrid: v1 hierarchies, the v2 one holding none of ours */
	put("proc/mounts",
	    "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n"
	    "cgroup /sys/fs/cgroup/freezer cgroup rw,relatime,freezer 0 0\n"
	    "cgroup /sys/fs/cgroup/cpu\\040acct cgroup rw,relatime,cpuacct 0 0\n"
	    "cgroup /sys/fs/cgroup/cpuset cgroup rw,relatime,cpuset 0 0\n"
	    "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\n"
	    "cgroup /sys/fs/cgroup/blkio cgroup rw,relatime,blkio 0 0\n"
	    "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n");
	put("sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
	r = audit_root(true);
	expect_finding(r, "host", "cgroup-controllers", QH_WARN,
		       "cgroup v1: cpuacct, cpuset, memory, blkio; missing: cpu, devices");
	qh_report_free(r);
	/* the kernel's mount table is the source: unreadable is an error */
	del("proc/mounts");
	r = audit_root(true);
	assert_non_null(subject(r, "/proc/mounts"));
	assert_non_null(subject(r, "/proc/mounts")->error);
	qh_report_free(r);
	rm_root();
}

static void test_amd_iommu_and_sev(void **state)
{
	struct qh_report *r;

	(void)state;
	need_good_host();
	put("proc/cpuinfo", amd_cpuinfo);
	put("proc/cmdline", "root=/dev/sda1 amd_iommu=off quiet\n");
	rm("sys/kernel/iommu_groups/0");
	rm("sys/kernel/iommu_groups/1");
	rm("sys/module/kvm_intel");
	put("sys/module/kvm_amd/parameters/sev", "Y\n");
	put("sys/module/kvm_amd/parameters/sev_es", "Y\n");
	put("sys/module/kvm_amd/parameters/sev_snp", "N\n");
	put("dev/sev", "");
	r = audit_root(true);
	expect_finding(r, "host", "kvm-hw-virt", QH_PASS, "svm (AMD-V)");
	expect_finding(r, "host", "iommu-hardware", QH_WARN, "no ACPI IVRS table");
	expect_finding(r, "host", "iommu-kernel", QH_WARN, "amd_iommu=off");
	expect_finding(r, "host", "secure-guest", QH_PASS,
		       "AMD SEV offered: kvm_amd sev=Y sev_es=Y sev_snp=N, /dev/sev present");
	qh_report_free(r);
	put("sys/module/kvm_amd/parameters/sev", "N\n");
	r = audit_root(true);
	expect_finding(r, "host", "secure-guest", QH_WARN, "add kvm_amd.sev=1");
	qh_report_free(r);
	put("sys/module/kvm_amd/parameters/sev", "1\n");
	del("dev/sev");
	r = audit_root(true);
	expect_finding(r, "host", "secure-guest", QH_WARN, "SEV is off in the firmware");
	qh_report_free(r);
	del("sys/module/kvm_amd/parameters/sev");
	put("proc/cpuinfo", "vendor_id\t: AuthenticAMD\nflags\t\t: fpu svm\n");
	r = audit_root(true);
	expect_finding(r, "host", "secure-guest", QH_WARN, "no memory-encrypted guests");
	qh_report_free(r);
	rm_root();
}

/* The CPU line that tells hardware virtualisation, per architecture. */
static void test_other_architectures(void **state)
{
	static const struct {
		const char *cpuinfo;
		enum qh_status want;
		const char *evidence;
	} cases[] = {
		{ "vendor_id\t: IBM/S390\nfeatures\t: esan3 zarch stfle msa ldisp sie\n"
		  "facilities\t: 0 1 2 3 158\n", QH_PASS, "sie" },
		{ "vendor_id\t: IBM/S390\nfeatures\t: esan3 zarch stfle msa ldisp\n",
		  QH_FAIL, "no sie" },
		{ "processor\t: 0\ncpu\t\t: POWER9 (raw), altivec supported\n", QH_PASS,
		  "POWER" },
		{ "processor\t: 0\nFeatures\t: fp asimd evtstrm aes pmull sha1\n"
		  "CPU implementer\t: 0x41\n", QH_SKIP, "arm64 shows no virtualisation flag" },
	};
	struct qh_report *r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		need_good_host();
		put("proc/cpuinfo", cases[i].cpuinfo);
		r = audit_root(true);
		expect_finding(r, "host", "kvm-hw-virt", cases[i].want, cases[i].evidence);
		qh_report_free(r);
		rm_root();
	}
	/* s390 Secure Execution: facility 158, the ultravisor, prot_virt */
	need_good_host();
	put("proc/cpuinfo", cases[0].cpuinfo);
	rm("sys/module/kvm_intel");
	mkdirs("sys/firmware/uv/x");
	put("proc/cmdline", "root=/dev/dasda1 prot_virt=1\n");
	r = audit_root(true);
	expect_finding(r, "host", "secure-guest", QH_PASS, "IBM Secure Execution offered");
	expect_finding(r, "host", "iommu-hardware", QH_SKIP, "no PCI devices");
	qh_report_free(r);
	rm_root();
	/* arm64: the SMMUs registered with the kernel */
	need_good_host();
	put("proc/cpuinfo", cases[3].cpuinfo);
	r = audit_root(true);
	expect_finding(r, "host", "iommu-hardware", QH_WARN, "no IOMMU registered");
	qh_report_free(r);
	mkdirs("sys/class/iommu/smmu3.0x0000000009050000/x");
	r = audit_root(true);
	expect_finding(r, "host", "iommu-hardware", QH_PASS, "1 IOMMU (SMMU) instances");
	qh_report_free(r);
	rm_root();
}

/* An image is not the machine it will run on: every kernel fact is
 * skipped, and the report says why. */
static void test_image_root_skips_kernel_facts(void **state)
{
	static const char *const ids[] = {
		"kvm-hw-virt", "kvm-available", "vhost-net", "tun-device",
		"cgroup-controllers", "iommu-hardware", "iommu-kernel", "secure-guest",
	};
	struct qh_report *r;

	(void)state;
	need_good_host();
	del("dev/kvm");
	r = audit_root(false);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		expect_finding(r, "host", ids[i], QH_SKIP, "not the running host");
	qh_report_free(r);
	rm_root();
}

static void test_live_root_without_cpuinfo_is_an_error(void **state)
{
	struct qh_report *r;

	(void)state;
	need_good_host();
	del("proc/cpuinfo");
	r = audit_root(true);
	assert_non_null(subject(r, "/proc/cpuinfo"));
	assert_non_null(strstr(subject(r, "/proc/cpuinfo")->error, "/proc/cpuinfo"));
	/* the rest is still judged */
	expect_finding(r, "host", "kvm-available", QH_PASS, NULL);
	qh_report_free(r);
	rm_root();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_host_passes),
		cmocka_unit_test(test_missing_dev_kvm_is_reported),
		cmocka_unit_test(test_dev_kvm_access),
		cmocka_unit_test(test_vhost_and_tun),
		cmocka_unit_test(test_cgroups),
		cmocka_unit_test(test_amd_iommu_and_sev),
		cmocka_unit_test(test_other_architectures),
		cmocka_unit_test(test_image_root_skips_kernel_facts),
		cmocka_unit_test(test_live_root_without_cpuinfo_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
