/* flags.h - hardening compiler/linker flags as data (the OpenSSF Compiler
 * Options Hardening Guide for C and C++), each probed against the real
 * compiler before it is emitted.
 *
 * A probe compiles and links a tiny program in a private temp dir with
 * `$CC -Werror <base> <flag>`; a flag the compiler rejects (or warns about)
 * is dropped with a warning, never emitted blindly. Flags known to break
 * QEMU are refused with a reason, whoever asks for them.
 */
#ifndef QHARD_FLAGS_H
#define QHARD_FLAGS_H

#include <stdbool.h>

#include "qh.h"
#include "strlist.h"

enum qh_flag_kind { QH_FLAG_C, QH_FLAG_LD };

enum qh_harden_level { QH_HARDEN_NONE, QH_HARDEN_STANDARD, QH_HARDEN_STRICT };

struct qh_flag_row {
	const char *flag;     /* may hold several words: "-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3" */
	enum qh_flag_kind kind;
	const char *arch;     /* "x86_64", "aarch64" or NULL for any */
	enum qh_harden_level level; /* lowest level that emits it */
	const char *why;
};

/* The table (terminated by flag == NULL). */
extern const struct qh_flag_row qh_flag_table[];

/* NULL, or why `flag` must not be used to build QEMU. */
const char *qh_flag_refused(const char *flag);

/* Parse a level name: "none", "standard", "strict". */
int qh_harden_level_parse(const char *s, enum qh_harden_level *out);

struct qh_flag_probe {
	const char *cc;   /* NULL: $CC or "cc" */
	const char *cxx;  /* NULL: $CXX or "c++"; skipped when not installed */
	bool no_probe;    /* trust the table (tests without a compiler) */
};

/* Does `cc` compile and link a program with `flags` (space separated)
 * without warnings? On false, *why (malloc'ed, may be NULL) holds the
 * compiler's first diagnostic line. -1 when the probe itself could not run
 * (no temp dir, compiler missing). */
int qh_flag_probe_one(const char *cc, enum qh_flag_kind kind, const char *flags,
		      char **why, struct qh_error *err);

/* The flags for `level` and `arch`, probed, appended to cflags/ldflags;
 * dropped ones become lines in warnings. Then the user's extra flags
 * (space separated; a word not starting with '-' belongs to the flag before
 * it, as in "-arch x86_64"): refused or rejected ones are reported in
 * warnings and not passed on. -1 + err only when no probe can run at all. */
int qh_flags_select(enum qh_harden_level level, const char *arch,
		    const char *user_cflags, const char *user_ldflags,
		    const struct qh_flag_probe *probe, struct qh_strlist *cflags,
		    struct qh_strlist *ldflags, struct qh_strlist *warnings,
		    struct qh_error *err);

/* Split user flags at blanks (space, tab, newline; no quoting) and group
 * each word that does not start with '-' with the option before it
 * ("-arch x86_64" stays one entry). */
int qh_flags_split_words(const char *s, struct qh_strlist *out);

#endif
