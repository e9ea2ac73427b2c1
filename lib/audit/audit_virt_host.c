/* audit_virt_host.c - what libvirt's virt-host-validate checks for QEMU,
 * as findings with a severity and a fix: hardware virtualisation in the
 * CPU flags, /dev/kvm present and open to QEMU's user, vhost-net, tun, the
 * IOMMU (firmware tables, then the kernel's groups) and memory-encrypted
 * guests (AMD SEV, Intel TDX, IBM Secure Execution). The cgroup
 * controllers are in audit_cgroups.c.
 *
 * These are facts of the running kernel: on a root that is not the live
 * host (an image) each is skipped, with the reason in its evidence. Where
 * virt-host-validate asks whether the user running it can open /dev/kvm
 * (root always can), the audit asks whether QEMU's user can. */
#include "audit_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CPUINFO "/proc/cpuinfo"

static const char *const kernel_ids[] = {
	"kvm-hw-virt", "kvm-available", "vhost-net", "tun-device",
	"iommu-hardware", "iommu-kernel", "secure-guest", "cgroup-controllers",
};

static bool is_intel(const struct audit_cpu *cpu)
{
	return cpu->vmx || (!cpu->svm && strcmp(cpu->vendor, "GenuineIntel") == 0);
}

static bool is_amd(const struct audit_cpu *cpu)
{
	return cpu->svm || (!cpu->vmx && (strcmp(cpu->vendor, "AuthenticAMD") == 0 ||
					  strcmp(cpu->vendor, "HygonGenuine") == 0));
}

static void hw_virt(struct audit_ctx *c, const struct audit_cpu *cpu)
{
	switch (cpu->arch) {
	case AUDIT_CPU_X86:
		if (cpu->vmx || cpu->svm)
			audit_check(c, "host", "kvm-hw-virt", QH_PASS, CPUINFO, 0,
				    "%s in the CPU flags", cpu->vmx ? "vmx (Intel VT-x)" :
				    "svm (AMD-V)");
		else
			audit_check(c, "host", "kvm-hw-virt", QH_FAIL, CPUINFO, 0,
				    "no vmx or svm in the CPU flags (%s): no hardware "
				    "virtualisation, QEMU can only emulate guests (TCG)",
				    cpu->vendor[0] ? cpu->vendor : "vendor not named");
		break;
	case AUDIT_CPU_S390:
		audit_check(c, "host", "kvm-hw-virt", cpu->sie ? QH_PASS : QH_FAIL,
			    CPUINFO, 0, cpu->sie ? "sie in the CPU features" :
			    "no sie in the CPU features: QEMU can only emulate guests (TCG)");
		break;
	case AUDIT_CPU_PPC64:
		audit_check(c, "host", "kvm-hw-virt", QH_PASS, CPUINFO, 0,
			    "POWER: hardware virtualisation needs no CPU flag");
		break;
	default:
		audit_check(c, "host", "kvm-hw-virt", QH_SKIP, CPUINFO, 0,
			    "%s shows no virtualisation flag in /proc/cpuinfo; "
			    "/dev/kvm decides (kvm-available)", audit_cpu_arch_name(cpu));
	}
}

/* The user libvirt runs QEMU as: qemu.conf's user, else the distribution's
 * (Debian libvirt-qemu, Fedora and SUSE qemu). Returns 0 and *u. */
static int qemu_user(struct audit_ctx *c, struct audit_user *u)
{
	static const char *const defaults[] = { "libvirt-qemu", "qemu" };
	const struct qh_lvconf_entry *e = c->qemu_conf ?
		qh_lvconf_get(c->qemu_conf, "user") : NULL;

	if (e && e->value.type == QH_LVCONF_STRING) {
		const char *v = e->value.str;
		char *end;

		if (v[0] == '+' && isdigit((unsigned char)v[1])) {
			/* "+107": a uid; its groups are unknown */
			memset(u, 0, sizeof(*u));
			u->uid = (unsigned)strtoul(v + 1, &end, 10);
			u->gid = (unsigned)-1;
			snprintf(u->name, sizeof(u->name), "%s", v);
			return *end ? -1 : 0;
		}
		return audit_user_find(c, v, u);
	}
	for (size_t i = 0; i < QH_ARRAY_LEN(defaults); i++)
		if (audit_user_find(c, defaults[i], u) == 0)
			return 0;
	return -1;
}

static bool may_open_rw(struct audit_ctx *c, const struct audit_user *u,
			const struct stat *st)
{
	unsigned mode = st->st_mode & 0777;

	return u->uid == 0 || ((mode & 0006) == 0006) ||
	       (st->st_uid == u->uid && (mode & 0600) == 0600) ||
	       ((mode & 0060) == 0060 && audit_user_in_group(c, u, st->st_gid));
}

static void kvm_available(struct audit_ctx *c, const struct audit_cpu *cpu)
{
	struct qh_error err = { "" };
	struct audit_user u;
	struct stat st;
	char *grp;
	int rc = qh_rootfs_stat(c->fs, "/dev/kvm", QH_ROOTFS_NOFOLLOW, &st, NULL, &err);

	if (rc == ENOENT) {
		audit_check(c, "host", "kvm-available", QH_FAIL, "/dev/kvm", 0,
			    "/dev/kvm missing%s: no KVM, QEMU can only emulate guests (TCG)",
			    cpu->arch == AUDIT_CPU_X86 && !cpu->vmx && !cpu->svm ?
			    " (and no vmx or svm in the CPU flags)" : "");
		return;
	}
	if (rc) {
		audit_unreadable(c, "/dev/kvm", err.msg);
		return;
	}
	if (!S_ISCHR(st.st_mode)) {
		audit_check(c, "host", "kvm-available", QH_FAIL, "/dev/kvm", 0,
			    "/dev/kvm is not a character device (mode %06o)",
			    (unsigned)st.st_mode);
		return;
	}
	grp = audit_group_name(c, st.st_gid);
	if (!grp) {
		c->oom = true;
		return;
	}
	if (qemu_user(c, &u) != 0)
		audit_check(c, "host", "kvm-available", QH_PASS, "/dev/kvm", 0,
			    "character device, mode %04o, group %s; no QEMU user "
			    "(qemu.conf user, libvirt-qemu, qemu) to judge access for",
			    (unsigned)(st.st_mode & 07777), grp);
	else if (may_open_rw(c, &u, &st))
		audit_check(c, "host", "kvm-available", QH_PASS, "/dev/kvm", 0,
			    "character device, mode %04o, group %s: QEMU's user %s can "
			    "open it", (unsigned)(st.st_mode & 07777), grp, u.name);
	else
		audit_check(c, "host", "kvm-available", QH_FAIL, "/dev/kvm", 0,
			    "character device, mode %04o, owner uid %u, group %s: "
			    "QEMU's user %s cannot open it read-write",
			    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, grp, u.name);
	free(grp);
}

/* Device nodes whose absence virt-host-validate reports, and how loudly. */
static const struct {
	const char *id, *path, *what;
	enum qh_status missing;
} nodes[] = {
	{ "vhost-net", "/dev/vhost-net", "virtio-net falls back to QEMU's own "
	  "(slower) data path", QH_WARN },
	{ "tun-device", "/dev/net/tun", "guests get no tap network devices", QH_FAIL },
};

static void device_nodes(struct audit_ctx *c)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(nodes); i++) {
		struct qh_error err = { "" };
		struct stat st;
		int rc = qh_rootfs_stat(c->fs, nodes[i].path, QH_ROOTFS_NOFOLLOW,
					&st, NULL, &err);

		if (rc == ENOENT)
			audit_check(c, "host", nodes[i].id, nodes[i].missing,
				    nodes[i].path, 0, "%s missing: %s", nodes[i].path,
				    nodes[i].what);
		else if (rc)
			audit_unreadable(c, nodes[i].path, err.msg);
		else
			audit_check(c, "host", nodes[i].id,
				    S_ISCHR(st.st_mode) ? QH_PASS : QH_FAIL, nodes[i].path, 0,
				    "%s %s", nodes[i].path, S_ISCHR(st.st_mode) ?
				    "present" : "is not a character device");
	}
}

static bool exists(struct audit_ctx *c, const char *path)
{
	struct stat st;

	return qh_rootfs_stat(c->fs, path, 0, &st, NULL, NULL) == 0;
}

/* Entries of a directory of the root; -1 when it cannot be listed. */
static long count_entries(struct audit_ctx *c, const char *dir)
{
	char **names;
	size_t n;

	if (qh_rootfs_list(c->fs, dir, &names, &n, NULL) != 0)
		return -1;
	qh_rootfs_names_free(names, n);
	return (long)n;
}

/* Platforms whose IOMMU shows as entries of a sysfs directory. */
static const struct iommu_listing {
	enum audit_cpu_arch arch;
	const char *dir, *found, *none;
	enum qh_status if_none;
} listings[] = {
	/* s390x: PCI devices sit behind the platform's IOMMU; most hosts have none */
	{ AUDIT_CPU_S390, "/sys/bus/pci/devices", "PCI devices, behind the "
	  "platform's IOMMU", "no PCI devices to assign", QH_SKIP },
	{ AUDIT_CPU_ARM64, "/sys/class/iommu", "IOMMU (SMMU) instances registered",
	  "no IOMMU registered (/sys/class/iommu is empty)", QH_WARN },
};

static const struct iommu_listing *listing_row(enum audit_cpu_arch arch)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(listings); i++)
		if (listings[i].arch == arch)
			return &listings[i];
	return NULL;
}

static void iommu_hardware(struct audit_ctx *c, const struct audit_cpu *cpu)
{
	const struct iommu_listing *row;
	const char *id = "iommu-hardware";

	if (cpu->arch == AUDIT_CPU_X86 && (is_intel(cpu) || is_amd(cpu))) {
		const char *table = is_intel(cpu) ? "DMAR" : "IVRS";
		char path[64];

		snprintf(path, sizeof(path), "/sys/firmware/acpi/tables/%s", table);
		if (exists(c, path))
			audit_check(c, "host", id, QH_PASS, path, 0,
				    "ACPI %s table present (%s)", table,
				    is_intel(cpu) ? "Intel VT-d" : "AMD-Vi");
		else
			audit_check(c, "host", id, QH_WARN, path, 0,
				    "no ACPI %s table: the IOMMU is off in the firmware "
				    "or this platform has none", table);
	} else if (cpu->arch == AUDIT_CPU_PPC64) {
		audit_check(c, "host", id, QH_PASS, NULL, 0,
			    "POWER: the IOMMU is part of the platform");
	} else if ((row = listing_row(cpu->arch))) {
		long n = count_entries(c, row->dir);

		if (n > 0)
			audit_check(c, "host", id, QH_PASS, row->dir, 0, "%ld %s", n,
				    row->found);
		else
			audit_check(c, "host", id, row->if_none, row->dir, 0, "%s",
				    row->none);
	} else {
		audit_check(c, "host", id, QH_WARN, CPUINFO, 0,
			    "unknown whether this platform (%s, vendor %s) has an IOMMU",
			    audit_cpu_arch_name(cpu), cpu->vendor[0] ? cpu->vendor : "not named");
	}
}

/* The IOMMU settings on the running kernel's command line, for evidence. */
static char *iommu_args(struct audit_ctx *c)
{
	char *line = audit_read_line(c, "/proc/cmdline");
	struct qh_buf b = QH_BUF_INIT;

	char *save = NULL;

	for (char *t = line ? strtok_r(line, " \t", &save) : NULL; t;
	     t = strtok_r(NULL, " \t", &save))
		if (strncmp(t, "intel_iommu=", 12) == 0 || strncmp(t, "amd_iommu=", 10) == 0 ||
		    strncmp(t, "iommu=", 6) == 0 || strncmp(t, "iommu.", 6) == 0)
			qh_buf_printf(&b, "%s%s", b.len ? " " : "", t);
	free(line);
	if (!b.len)
		qh_buf_puts(&b, "no IOMMU setting");
	return qh_buf_detach(&b);
}

static void iommu_kernel(struct audit_ctx *c, const struct audit_cpu *cpu)
{
	const char *dir = "/sys/kernel/iommu_groups";
	long n = count_entries(c, dir);
	char *args;

	if (n < 0) {
		audit_check(c, "host", "iommu-kernel", QH_SKIP, dir, 0,
			    "%s missing: the kernel has no IOMMU support built in", dir);
		return;
	}
	if (n > 0) {
		audit_check(c, "host", "iommu-kernel", QH_PASS, dir, 0,
			    "%ld IOMMU groups", n);
		return;
	}
	args = iommu_args(c);
	audit_check(c, "host", "iommu-kernel", QH_WARN, dir, 0,
		    "no IOMMU groups: the kernel has not enabled the IOMMU "
		    "(command line: %s%s)", args ? args : "unread",
		    cpu->arch == AUDIT_CPU_X86 && is_intel(cpu) ?
		    "; Intel needs intel_iommu=on" : "");
	free(args);
}

/* A module parameter that reads "1" or "Y"; -1 when absent. */
static int param_on(struct audit_ctx *c, const char *path, char *val, size_t valsz)
{
	char *v = audit_read_line(c, path);
	int on;

	if (!v)
		return -1;
	snprintf(val, valsz, "%s", v);
	on = v[0] == '1' || v[0] == 'Y' || v[0] == 'y';
	free(v);
	return on;
}

#define AMD_PARAMS "/sys/module/kvm_amd/parameters/"

static bool amd_sev(struct audit_ctx *c, const struct audit_cpu *cpu)
{
	char sev[16], es[16] = "absent", snp[16] = "absent";
	int on = param_on(c, AMD_PARAMS "sev", sev, sizeof(sev));

	if (on < 0 && !cpu->sev)
		return false;
	if (on < 0) {
		audit_check(c, "host", "secure-guest", QH_WARN, AMD_PARAMS "sev", 0,
			    "AMD SEV in the CPU flags, but kvm_amd has no sev parameter "
			    "(module not loaded, or built without SEV)");
		return true;
	}
	if (!on) {
		audit_check(c, "host", "secure-guest", QH_WARN, AMD_PARAMS "sev", 1,
			    "AMD SEV off in the kernel (kvm_amd sev=%s): add kvm_amd.sev=1 "
			    "to the kernel command line", sev);
		return true;
	}
	param_on(c, AMD_PARAMS "sev_es", es, sizeof(es));
	param_on(c, AMD_PARAMS "sev_snp", snp, sizeof(snp));
	if (!exists(c, "/dev/sev"))
		audit_check(c, "host", "secure-guest", QH_WARN, "/dev/sev", 0,
			    "kvm_amd sev=%s but no /dev/sev: SEV is off in the firmware", sev);
	else
		audit_check(c, "host", "secure-guest", QH_PASS, AMD_PARAMS "sev", 1,
			    "AMD SEV offered: kvm_amd sev=%s sev_es=%s sev_snp=%s, "
			    "/dev/sev present", sev, es, snp);
	return true;
}

static bool intel_tdx(struct audit_ctx *c)
{
	const char *path = "/sys/module/kvm_intel/parameters/tdx";
	char v[16];
	int on = param_on(c, path, v, sizeof(v));

	if (on < 0)
		return false;
	audit_check(c, "host", "secure-guest", on ? QH_PASS : QH_WARN, path, 1,
		    on ? "Intel TDX offered: kvm_intel tdx=%s" :
		    "Intel TDX off in the kernel (kvm_intel tdx=%s): add "
		    "kvm_intel.tdx=1 (TDX also needs the firmware's TDX module)", v);
	return true;
}

/* IBM Secure Execution: facility 158, the ultravisor, prot_virt=1. */
static bool s390_pv(struct audit_ctx *c, const struct audit_cpu *cpu)
{
	char *line, *save = NULL;
	bool on = false;

	if (!cpu->fac158)
		return false;
	if (!exists(c, "/sys/firmware/uv")) {
		audit_check(c, "host", "secure-guest", QH_WARN, "/sys/firmware/uv", 0,
			    "IBM Secure Execution: facility 158, but the kernel has "
			    "no ultravisor support");
		return true;
	}
	line = audit_read_line(c, "/proc/cmdline");
	/* the kernel takes the first one, by prefix (prot_virt=yes is on) */
	for (char *t = line ? strtok_r(line, " \t", &save) : NULL; t;
	     t = strtok_r(NULL, " \t", &save))
		if (strncmp(t, "prot_virt=", 10) == 0) {
			on = t[10] == '1' || t[10] == 'y' || t[10] == 'Y' ||
			     strncasecmp(t + 10, "on", 2) == 0;
			break;
		}
	free(line);
	audit_check(c, "host", "secure-guest", on ? QH_PASS : QH_WARN, "/proc/cmdline", 1,
		    on ? "IBM Secure Execution offered (prot_virt on)" :
		    "IBM Secure Execution off in the kernel: add prot_virt=1 to "
		    "the kernel command line");
	return true;
}

static void secure_guest(struct audit_ctx *c, const struct audit_cpu *cpu)
{
	if (amd_sev(c, cpu) || intel_tdx(c) || s390_pv(c, cpu))
		return;
	audit_check(c, "host", "secure-guest", QH_WARN, NULL, 0,
		    "no memory-encrypted guests: no sev in the CPU flags or "
		    "kvm_amd parameters, no kvm_intel tdx parameter, no s390 "
		    "facility 158");
}

void audit_virt_host(struct audit_ctx *c)
{
	struct audit_cpu cpu;
	struct qh_error err = { "" };

	if (!c->live) {
		for (size_t i = 0; i < QH_ARRAY_LEN(kernel_ids); i++)
			audit_check(c, "host", kernel_ids[i], QH_SKIP, NULL, 0, "%s",
				    AUDIT_NOT_LIVE);
		return;
	}
	/* the running kernel always has it: not reading it is an error */
	if (audit_cpu_read(c, &cpu, &err) != 0)
		audit_unreadable(c, CPUINFO, err.msg);
	else
		hw_virt(c, &cpu);
	kvm_available(c, &cpu);
	device_nodes(c);
	audit_cgroups(c);
	iommu_hardware(c, &cpu);
	iommu_kernel(c, &cpu);
	secure_guest(c, &cpu);
}
