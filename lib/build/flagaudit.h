/* flagaudit.h - verify the hardening flags a build really used, like blhc
 * does for Debian build logs.
 *
 * Flags get lost inside build systems: a subdirectory resets CFLAGS, a
 * default adds -U_FORTIFY_SOURCE after our -D, a helper links with -no-pie.
 * So we read what meson wrote down: every compile command in
 * compile_commands.json and every executable link in build.ninja, replay
 * each argv left to right (the last flag wins, as in gcc), and report every
 * unit whose final state misses a required protection or cancels one.
 */
#ifndef QHARD_FLAGAUDIT_H
#define QHARD_FLAGAUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"

/* What a knob must look like after the whole argv is replayed. */
enum qh_flag_need {
	QH_NEED_ANY = 0, /* not audited */
	QH_NEED_NOT_OFF, /* absent is fine (compiler default), cancelled is not */
	QH_NEED_ON,      /* must be explicitly on */
};

struct qh_flag_requirements {
	int fortify_level;                /* minimum _FORTIFY_SOURCE; 0 = any */
	enum qh_flag_need stack_protector; /* -strong or -all count as on */
	enum qh_flag_need stack_clash;
	enum qh_flag_need cf_protection;  /* full (=branch/=return are partial) */
	enum qh_flag_need pie;            /* -fPIE/-fPIC; -pie at link */
	enum qh_flag_need relro;          /* -z relro */
	enum qh_flag_need bind_now;       /* -z now */
	enum qh_flag_need noexecstack;    /* -z noexecstack / never execstack */
};

/* Debian/OpenStack baseline: FORTIFY >= 2 and -fstack-protector-strong
 * required in every unit, -z relro -z now required at every link, nothing
 * may cancel PIE, stack-clash, CET or the non-executable stack. */
void qh_flag_requirements_default(struct qh_flag_requirements *req);
/* Raise to QH_NEED_ON every knob the given flags turn on (the plan's probed
 * hardening flags: what was asked for must be what was used). */
void qh_flag_requirements_from_flags(struct qh_flag_requirements *req,
				     const char *const *flags, size_t n);

/* One unit (a source file, or a link output) with what is wrong with it. */
struct qh_flag_offender {
	char *subject;   /* source file as meson names it, or link output */
	bool is_link;
	char **problems; /* one sentence each, naming the flag and position */
	size_t nproblems;
};

struct qh_flag_audit {
	size_t units;     /* compile commands checked */
	size_t links;     /* executable/module links checked */
	struct qh_flag_offender *offenders;
	size_t noffenders;
	size_t cap;
};

/* Audit every C/C++ entry of a compile_commands.json ("command" or
 * "arguments" form). Entries for other languages are skipped. */
int qh_flagaudit_compile_db(const char *path,
			    const struct qh_flag_requirements *req,
			    struct qh_flag_audit *out, struct qh_error *err);
/* Audit the host links in a build.ninja: build statements whose rule is a
 * *_LINKER (not STATIC_LINKER, not *_FOR_BUILD tools). When `targets` is
 * non-NULL only those outputs are audited; a target that has no link
 * statement is an error (the audit must not silently check nothing). */
int qh_flagaudit_ninja_links(const char *path, const char *const *targets,
			     size_t ntargets,
			     const struct qh_flag_requirements *req,
			     struct qh_flag_audit *out, struct qh_error *err);
/* The whole job on a meson build dir: audit the links of `targets` (NULL:
 * every host link) and every C/C++ unit compiled into them, following
 * archives (libqemuutil.a, libqom.fa...) through build.ninja. Units of
 * build-machine generators and of tests that are not linked into the
 * targets are out of scope. */
int qh_flagaudit_build_dir(const char *dir, const char *const *targets,
			   size_t ntargets,
			   const struct qh_flag_requirements *req,
			   struct qh_flag_audit *out, struct qh_error *err);
void qh_flag_audit_free(struct qh_flag_audit *a);

/* The sources of the units linked into `target` of a meson build dir
 * (build.ninja's link, archives followed; compile_commands.json maps each
 * object to its source), relative to `src_root`; units whose source is
 * outside it (generated ones, in the build dir) are left out. Sorted.
 * QEMU 10 lists every source of libcommon in the compile database, built
 * or not: this is what the emulator really links. */
struct qh_strlist;
int qh_build_linked_sources(const char *dir, const char *target,
			    const char *src_root, struct qh_strlist *out,
			    struct qh_error *err);

/* Building blocks, exposed for the unit tests. */

/* Append to `problems` (a NULL-terminated malloc'd array, *n entries) one
 * sentence per failed requirement of a compile argv / link argv. */
int qh_flagaudit_check_compile(const char *const *argv, size_t argc,
			       const struct qh_flag_requirements *req,
			       char ***problems, size_t *n);
int qh_flagaudit_check_link(const char *const *argv, size_t argc,
			    const struct qh_flag_requirements *req,
			    char ***problems, size_t *n);

#endif
