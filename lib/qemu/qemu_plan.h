/* qemu_plan.h - profile + QEMU source tree -> build plan.
 *
 * The plan is everything `qhard build` needs to configure a minimized,
 * hardened QEMU and to verify what came out:
 *   - the configure argv (run it from an empty build dir),
 *   - one devices file per softmmu target, written into out_dir (never into
 *     the QEMU tree) and named on the configure line via
 *     --with-devices-ARCH=<path relative to configs/devices/ARCH-softmmu>,
 *   - the CONFIG_* closure QEMU should compute for each target (compare it
 *     with <build>/<target>-config-devices.mak),
 *   - the QOM type / machine names that must (and must not) be compiled in,
 *   - the hw/ source files the closure compiles,
 *   - the hardening cflags/ldflags, each probed against the real compiler.
 *
 * Everything is derived from the tree itself (VERSION, Kconfig, meson.build,
 * TypeInfo definitions, configure options): no per-release device tables.
 * Stable API: `qhard build` (configure-profiles/build.c) consumes it.
 */
#ifndef QHARD_QEMU_PLAN_H
#define QHARD_QEMU_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "qh.h"
#include "strlist.h"

struct qh_plan_priv;

struct qh_plan_options {
	const char *cc;      /* compiler to probe flags with; NULL: $CC or "cc" */
	const char *cxx;     /* NULL: $CXX or "c++" */
	bool no_probe;       /* trust the flag table, do not run the compiler
			        (unit tests); the default probes */
	const char *extra_cflags;  /* user flags (space separated), checked */
	const char *extra_ldflags; /* user flags, checked */
	const char *host_arch;     /* NULL: uname -m; decides where KVM applies */
	const char *version_override; /* pretend the tree is this QEMU version
					 (tests of version quirks); NULL: VERSION */
};

struct qh_plan_target {
	char *name;          /* "x86_64-softmmu" */
	char *arch;          /* "x86_64" (TARGET_ARCH) */
	char *base_arch;     /* "i386" (TARGET_BASE_ARCH) */
	char *devices_file;  /* absolute path of the written <target>.mak */
	char *devices_arg;   /* "--with-devices-x86_64=../../../out/x86_64-softmmu" */
	/* Expected closure: "CONFIG_X" names, sorted, exactly what QEMU should
	 * print into <build>/<target>-config-devices.mak. */
	struct qh_strlist symbols;
	struct qh_strlist default_symbols; /* same for the distro default set */
	/* QOM names from the profile's allow list (must be compiled in). */
	struct qh_strlist devices;
	/* Machine names the profile asked for ("q35"); must be in -machine help. */
	struct qh_strlist machines;
	/* Every QOM type defined by a hw/ source file the closure compiles. */
	struct qh_strlist qom_types;
	/* QOM types the default build has and this plan must not (e1000...). */
	struct qh_strlist removed_qom_types;
	/* hw/ source files (relative to the QEMU tree) compiled because of a
	 * Kconfig symbol, for this plan and for the default set. */
	struct qh_strlist sources;
	struct qh_strlist default_sources;
	/* libfdt is needed: TARGET_NEED_FDT, or a symbol of the closure
	 * depends on the FDT host symbol (QEMU 10's microvm, ARM virt) */
	bool needs_fdt;
	/* This QEMU cannot link the closure (struct qh_link_defect without
	 * a fix): the defect, for `qhard build` to stop on; NULL normally. */
	char *link_blocker;
};

struct qh_plan {
	char *profile_name;
	char *profile_path;
	char *description;
	char *qemu_src;      /* absolute */
	char *out_dir;       /* absolute */
	char *version;       /* "7.2.22" from VERSION */
	int version_major, version_minor, version_micro;
	struct qh_plan_target *targets;
	size_t ntargets;
	/* argv[0] is the absolute path of <qemu_src>/configure. */
	struct qh_strlist configure_argv;
	struct qh_strlist cflags;   /* hardening cflags that passed the probe */
	struct qh_strlist ldflags;  /* hardening ldflags that passed the probe */
	struct qh_strlist warnings; /* dropped/refused flags, version quirks... */
	struct qh_strlist accelerators; /* "kvm", "tcg" */
	struct qh_plan_priv *priv;  /* internal: tree model for explain */
};

/* Build a plan: a value, nothing is written (qh_plan_write does that).
 * out_dir need not exist; the devices files are named in it. NULL out_dir:
 * a plan for its closure only (no devices files, no --with-devices-*).
 * Returns NULL + err on a bad profile, an unreadable tree, an
 * unknown device, or an allow list whose dependencies cannot be satisfied
 * (the message prints the chain). */
struct qh_plan *qh_plan_create(const char *profile_path, const char *qemu_src,
			       const char *out_dir,
			       const struct qh_plan_options *opts,
			       struct qh_error *err);
/* Same from a profile already in memory (--from-glance); the plan takes
 * ownership of `profile` (freed on failure too). */
struct qh_profile;
struct qh_plan *qh_plan_create_from(struct qh_profile *profile,
				    const char *qemu_src, const char *out_dir,
				    const struct qh_plan_options *opts,
				    struct qh_error *err);
void qh_plan_free(struct qh_plan *p);

/* Write the plan's files: create out_dir and each target's devices file. */
int qh_plan_write(const struct qh_plan *p, struct qh_error *err);

/* The configure line, shell-quoted, one string (no trailing newline). */
char *qh_plan_shell_line(const struct qh_plan *p);
/* The --format json object (version, targets, symbols, devices, sources,
 * configure argv, cflags, ldflags, warnings). New reference. */
json_t *qh_plan_to_json(const struct qh_plan *p);

/* Explain why SYMBOL (CONFIG_X, X) or DEVICE (QOM name) is or is not in the
 * closure of target `target` (NULL: first target). Returns a malloc'ed,
 * multi-line text or NULL + err. */
char *qh_plan_explain(const struct qh_plan *p, const char *target,
		      const char *what, struct qh_error *err);

/* The configure argv of the default-devices build of the same tree with
 * the same features and flags (the plan's, without
 * --without-default-devices and --with-devices-*): the reference the
 * build report counts linked hw/ units against. Appended to out. */
int qh_plan_reference_argv(const struct qh_plan *p, struct qh_strlist *out);
/* Why QOM type `device` is in target ti's closure: the chain of Kconfig
 * steps back to an allow-list line ("AHCI_ICH9=y: selected by Q35
 * (hw/i386/Kconfig:111)", "Q35=y: assigned ... at profile.ini:12 q35"),
 * appended to chain; "needs no device symbol" for always-built ones. */
int qh_plan_device_chain(const struct qh_plan *p, size_t ti, const char *device,
			 struct qh_strlist *chain, struct qh_error *err);

#endif
