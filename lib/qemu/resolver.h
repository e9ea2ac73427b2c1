/* resolver.h - allow-list words -> Kconfig symbols, the closure QEMU will
 * compute from them, and why a symbol or device is (not) in it.
 *
 * The closure itself is minikconf's (kconfig.h) in allnoconfig mode, i.e.
 * what `configure --without-default-devices --with-devices-ARCH=...` does:
 * selects are followed (conditionally), `depends on` must hold (else an
 * error with the chain), `imply` is not followed, cycles are errors.
 * This module maps what users write (QOM names, machine names, CONFIG_X,
 * symbols renamed across QEMU versions) onto symbols of the tree at hand.
 */
#ifndef QHARD_RESOLVER_H
#define QHARD_RESOLVER_H

#include <stdbool.h>

#include "kconfig.h"
#include "meson_scan.h"
#include "qom_index.h"
#include "strlist.h"

/* Symbol renames across QEMU versions, as data. */
struct qh_symbol_rename {
	const char *old_name;
	const char *new_names; /* space separated */
	const char *since;     /* first version with the new names */
};
extern const struct qh_symbol_rename qh_symbol_renames[];

struct qh_resolver {
	const struct qh_kconfig *kc;    /* parsed tree (values may be unset) */
	const struct qh_meson_scan *ms;
	const struct qh_qom_index *qom;
	const char *base_arch;          /* "i386", "arm": picks per-arch files */
};

/* Symbols (without CONFIG_) a profile word needs. `machine` selects the
 * machine namespace. A raw symbol unknown to this tree is looked up in the
 * rename table (note goes to *note, malloc'ed). -1 + err for a name
 * nothing in the tree defines. */
int qh_resolve_word(const struct qh_resolver *r, const char *word, bool machine,
		    struct qh_strlist *syms, char **note, struct qh_error *err);

/* Machine symbols of this architecture (boards): the symbols of every
 * source file that defines a machine type for base_arch. */
int qh_resolve_boards(const struct qh_resolver *r, struct qh_strlist *syms);

/* Explain a symbol or device against an evaluated kconfig. Appends text. */
int qh_resolve_explain(const struct qh_resolver *r, const char *what,
		       struct qh_buf *out, struct qh_error *err);

#endif
