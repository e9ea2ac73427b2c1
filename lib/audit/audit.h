/* audit.h - pre-deployment audit of a virtualization host or an image root.
 *
 * Reads files only, through rootfs.h (never leaves the root, never runs a
 * binary of it). Collectors, one file each:
 *   audit_binaries.c  QEMU executables + the libraries they load: checksec,
 *                     setuid/setgid/world-writable, symlinks out of the root
 *   audit_ldso.c      DT_NEEDED resolution with the root's ld.so.conf
 *   audit_qom.c       QOM type names compiled into a binary, vs allow-list
 *   audit_mac.c       SELinux mode and sVirt booleans, AppArmor, MCS labels
 *   audit_libvirt.c   /etc/libvirt/qemu.conf settings, hostdev passthrough
 *   audit_host.c      IOMMU, /dev/kvm, unprivileged userfaultfd, KSM
 *   audit_virt_host.c what virt-host-validate checks: KVM (CPU flags,
 *                     /dev/kvm), vhost-net, tun, IOMMU, SEV/TDX
 *   audit_cgroups.c   the cgroup controllers libvirt needs
 *   audit_svirt.c     sVirt on disk: image labels of running and stopped VMs
 * Each finding is a qh_check (id from rules_audit.c, raw_status fail/warn,
 * severity, evidence, reason, fix, file:line location) in the qh_result of
 * its subject: a binary path, a config file, or "host". Passing checks are
 * recorded too, so the report says what was looked at.
 */
#ifndef QHARD_AUDIT_H
#define QHARD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

struct qh_audit_options {
	const char *root;          /* "/" for the running host */
	/* Device allow-list (QOM type names) from --allow-list; NULL = no
	 * comparison, only counts. */
	const char *const *allow;
	size_t nallow;
	const char *allow_name;    /* profile name for evidence */
	bool deep;                 /* deep checks on binaries (deep.h) */
	/* The root's /proc, /sys and /dev are the running kernel's although
	 * the root is not this machine's "/" (a host's root mounted into a
	 * container with its /proc, /sys and /dev; a test tree). When the
	 * root is "/" this is implied. Otherwise the kernel facts (/dev/kvm,
	 * CPU flags, cgroups, IOMMU groups, SEV/TDX) are skipped, and the
	 * report says why. */
	bool live;
};

/* Run every collector and add its results to r (raw statuses; the caller
 * applies the policy). Returns -1 + err only when the root itself cannot be
 * opened or memory runs out; anything unreadable inside the root becomes a
 * result error or a finding. */
int qh_audit_run(const struct qh_audit_options *opts, struct qh_report *r,
		 struct qh_error *err);

/* The device allow-list of a profile file (--allow-list): the QOM names of
 * [devices] allow and machines. */
struct qh_audit_allow {
	char **names;
	size_t n;
	char *profile; /* [profile] name, NULL when absent */
};
int qh_audit_allow_load(const char *path, struct qh_audit_allow *out,
			struct qh_error *err);
void qh_audit_allow_free(struct qh_audit_allow *a);

/* --- QOM type extraction (audit_qom.c), public for tests ------------------ */

struct qh_qom_type {
	char *name;
	char *parent;  /* NULL for the roots "object" and "interface" */
	bool abstract; /* only when the TypeInfo layout could be confirmed */
	bool device;   /* "device" is an ancestor */
};

struct qh_qom_types {
	struct qh_qom_type *types; /* sorted by name */
	size_t n, cap;
};

/* Find the TypeInfo records of an ELF image without running it: pairs of
 * string pointers {name, parent} in its data (resolved through RELATIVE /
 * RELR relocations for PIE, raw words otherwise) followed by a non-pointer
 * instance_size, kept only when the parent chain reaches QOM's roots
 * "object" or "interface". Types registered at run time with computed names
 * (CPU models) are not seen. */
int qh_qom_scan_binary(const void *data, size_t size, struct qh_qom_types *out,
		struct qh_error *err);
/* Same over a binary and the QEMU modules it can load (hw-*.so): the
 * modules' types chain up through the binary's. data[0] must be ELF; a
 * module that is not is skipped. */
int qh_qom_scan_many(const void *const *data, const size_t *size, size_t n,
		     struct qh_qom_types *out, struct qh_error *err);
void qh_qom_types_free(struct qh_qom_types *t);
size_t qh_qom_device_count(const struct qh_qom_types *t);

/* Reference: device types of Debian's full build of a binary (by file
 * name), measured with qh_qom_scan_binary. Returns 0 when unknown. */
size_t qh_qom_debian_devices(const char *binary_name, const char **release);

#endif
