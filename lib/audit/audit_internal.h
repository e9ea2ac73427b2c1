/* audit_internal.h - what the audit collectors share (not installed). */
#ifndef QHARD_AUDIT_INTERNAL_H
#define QHARD_AUDIT_INTERNAL_H

#include "audit.h"
#include "libvirt_conf.h"
#include "qemu_cmdline.h"
#include "rootfs.h"

#define AUDIT_MAX_CONFIG (4u << 20)  /* config files read whole */
#define AUDIT_MAX_BINARY (1u << 30)  /* binaries and libraries mapped */

/* Library search directories (audit_ldso.c). */
struct ldso_dirs {
	char **dirs;
	size_t n, cap;
};

/* A running QEMU (audit_procs.c). */
struct audit_qemu_proc {
	char pid[16];
	char *comm;
	char *label;                /* /proc/PID/attr/current; NULL if empty */
	struct qh_qemu_cmdline cmd; /* -name and disk images */
};

struct audit_procs {
	struct audit_qemu_proc *v;
	size_t n, cap;
	bool loaded;
};

struct audit_ctx {
	const struct qh_audit_options *opts;
	struct qh_rootfs *fs;
	struct qh_result **subjects; /* in creation order; owned */
	size_t nsubjects, subjects_cap;
	/* state shared between collectors */
	struct qh_lvconf *qemu_conf; /* /etc/libvirt/qemu.conf, NULL if absent */
	bool selinux_enforcing;      /* config (and runtime, if live) */
	bool apparmor_confines;      /* libvirt profiles present, enforcing */
	size_t nbinaries;            /* QEMU executables found */
	struct ldso_dirs conf_dirs;  /* from ld.so.conf, read once per audit */
	bool conf_loaded;
	/* /proc, /sys and /dev of the root are the running kernel's (the
	 * root is "/", or --live): only then are kernel facts judged */
	bool live;
	struct audit_procs procs;    /* read on first use */
	bool oom;
};

/* The result for a subject, created on first use. NULL on ENOMEM. */
struct qh_result *audit_subject(struct audit_ctx *c, const char *path);
/* Hand a result built elsewhere (checksec) to the audit; NULL on ENOMEM. */
struct qh_result *audit_adopt(struct audit_ctx *c, struct qh_result *res);

/* Add a check to subject: status is the raw status (pass, warn, fail,
 * skip); reason, fix and severity come from the rule row; file:line (file
 * may be NULL) is the evidence's location. */
struct qh_check *audit_check(struct audit_ctx *c, const char *subject,
			     const char *id, enum qh_status status,
			     const char *file, unsigned line,
			     const char *evidence_fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Same on a result the caller holds. */
struct qh_check *audit_check_res(struct audit_ctx *c, struct qh_result *res,
				 const char *id, enum qh_status status,
				 const char *file, unsigned line,
				 const char *evidence_fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Read a small text file of the root; 0, ENOENT... (see rootfs.h). */
int audit_read(struct audit_ctx *c, const char *path, struct qh_buf *out);
/* First line of a file, trimmed; NULL when absent. Caller frees. */
char *audit_read_line(struct audit_ctx *c, const char *path);

/* Collectors. */
void audit_binaries(struct audit_ctx *c);
void audit_libvirt(struct audit_ctx *c);
void audit_mac(struct audit_ctx *c);
void audit_host(struct audit_ctx *c);
void audit_virt_host(struct audit_ctx *c); /* what virt-host-validate checks */
void audit_cgroups(struct audit_ctx *c);
void audit_svirt_images(struct audit_ctx *c);

/* Evidence of a kernel fact's check on a root that is not the running
 * host (an image: its /proc, /sys and /dev say nothing about the machine
 * it will boot on). */
#define AUDIT_NOT_LIVE "not the running host: its /proc, /sys and /dev are " \
	"not the kernel's (audit the host itself, or add --live when they are)"

/* The running QEMU processes of the root's /proc, read once. */
const struct audit_procs *audit_qemu_procs(struct audit_ctx *c);
void audit_procs_free(struct audit_procs *p);

/* audit_account.c: the root's /etc/passwd and /etc/group. */
struct audit_user {
	char name[64];
	unsigned uid, gid;
};
/* 0 and *out, or -1 when the root has no such user. */
int audit_user_find(struct audit_ctx *c, const char *name, struct audit_user *out);
/* The group's name, or its number as text; caller frees (NULL on ENOMEM). */
char *audit_group_name(struct audit_ctx *c, unsigned gid);
/* Primary group or listed as a member in /etc/group. */
bool audit_user_in_group(struct audit_ctx *c, const struct audit_user *u,
			 unsigned gid);

/* audit_cpuinfo.c: /proc/cpuinfo of the running kernel. */
enum audit_cpu_arch {
	AUDIT_CPU_UNKNOWN, AUDIT_CPU_X86, AUDIT_CPU_S390, AUDIT_CPU_PPC64,
	AUDIT_CPU_ARM64,
};
struct audit_cpu {
	enum audit_cpu_arch arch;
	char vendor[32];     /* x86 vendor_id: GenuineIntel, AuthenticAMD */
	bool vmx, svm, sev;  /* x86 flags */
	bool sie, fac158;    /* s390 features / facilities */
};
/* 0, or the rootfs error (ENOENT...) reading /proc/cpuinfo, in err. */
int audit_cpu_read(struct audit_ctx *c, struct audit_cpu *cpu,
		   struct qh_error *err);
const char *audit_cpu_arch_name(const struct audit_cpu *cpu);

/* PATH (or a symlink on the way to it) leads out of the root: a
 * symlink-escape finding on the link (why: the rootfs message). */
void audit_escape(struct audit_ctx *c, const char *path, const char *why);
/* What could not be read is an error for that subject (exit 3), never an
 * input quietly missing from the report. */
void audit_unreadable(struct audit_ctx *c, const char *path, const char *why);

/* audit_ldso.c: search dirs of the root (ld.so.conf + includes, read once
 * per audit, + default dirs for the ELF class/machine), and
 * DT_NEEDED/RUNPATH of an image. */
int ldso_dirs_load(struct audit_ctx *c, int elf_class, int machine,
		   struct ldso_dirs *out);
void ldso_dirs_free(struct ldso_dirs *d);

struct elf_deps {
	int elf_class, machine;
	char **needed;
	size_t nneeded;
	char **runpath; /* DT_RUNPATH, else DT_RPATH entries ($ORIGIN kept) */
	size_t nrunpath;
};
/* 0, or -1 when the image is not a dynamic ELF file we can read. */
int elf_deps_read(const void *data, size_t size, struct elf_deps *out);
void elf_deps_free(struct elf_deps *d);

#endif
