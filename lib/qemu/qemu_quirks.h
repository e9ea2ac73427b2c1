/* qemu_quirks.h - how QEMU's configure behaves differently across
 * versions, as data: one row per quirk with the version range it applies
 * to. The plan asks "does quirk X apply to this tree?" instead of
 * comparing version numbers in code.
 */
#ifndef QHARD_QEMU_QUIRKS_H
#define QHARD_QEMU_QUIRKS_H

#include <stdbool.h>
#include <stddef.h>

enum qh_quirk_id {
	/* --without-default-features drops the stack protector unless
	 * --enable-stack-protector is given */
	QH_QUIRK_STACK_PROTECTOR_OPT_IN,
	/* configure forces -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 */
	QH_QUIRK_FORTIFY_FORCED_2,
	/* x86 boards are `default y`: unlisted boards must be set to n */
	QH_QUIRK_X86_BOARDS_DEFAULT_Y,
	/* --without-default-features drops seccomp unless --enable-seccomp */
	QH_QUIRK_SECCOMP_OPT_IN,
	/* --enable-pie exists (PIE on request) */
	QH_QUIRK_ENABLE_PIE,
};

struct qh_quirk {
	enum qh_quirk_id id;
	const char *first;  /* first version it applies to; NULL: always */
	const char *last;   /* last version it applies to; NULL: still does */
	const char *what;   /* one line, shown in warnings and --explain */
};

extern const struct qh_quirk qh_quirks[];

/* Does quirk `id` apply to version maj.min.mic? */
bool qh_quirk_applies(enum qh_quirk_id id, int maj, int min, int mic);
const char *qh_quirk_text(enum qh_quirk_id id);

/* A closure QEMU's own Kconfig accepts but whose emulator does not link
 * (an upstream defect of --without-default-devices builds): when the
 * target's closure has `when_on` and lacks `when_off`, the plan adds
 * the symbols in `add`, or, when no symbol short of a board fixes it (`add` NULL), marks
 * the target so that `qhard build` stops before compiling. */
struct qh_link_defect {
	const char *first, *last; /* version range, as in struct qh_quirk */
	const char *base_arch;    /* "arm", "i386"; NULL: every target */
	const char *when_on;      /* Kconfig symbols, without CONFIG_ */
	const char *when_off;
	const char *add;          /* space-separated symbols, or NULL */
	const char *what;         /* the defect and its upstream fix */
};

extern const struct qh_link_defect qh_link_defects[];
extern const size_t qh_link_defects_count;

bool qh_link_defect_applies(const struct qh_link_defect *d, int maj, int min, int mic,
			    const char *base_arch);

/* Features that only mean something with another one (vhost-net needs a
 * vhost backend): "vhost-net" -> "vhost-kernel"; NULL when none. */
const char *qh_feature_needs(const char *feature, int maj, int min, int mic);

#endif
