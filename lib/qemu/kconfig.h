/* kconfig.h - QEMU's Kconfig dialect (scripts/minikconf.py) and its
 * evaluation, in C.
 *
 * Grammar (what minikconf accepts, plus `=`/`!=` comparisons for trees that
 * use them):
 *   config SYM  { bool | default y|n [if EXPR] | depends on EXPR
 *                | select SYM [if EXPR] | imply SYM [if EXPR] }
 *   source PATH | include PATH          (relative to the including file)
 *   CONFIG_SYM=y|n                      (devices files, command line)
 *   EXPR: QEMU's precedence: `&&` binds LOOSER than `||`:
 *     expr := disj ('&&' disj)* ; disj := primary ('||' primary)*
 *     primary := '!' primary | '(' expr ')' | SYM [('='|'!=') SYM]
 * A line the parser cannot understand becomes a "file:line: message"
 * diagnostic and parsing resumes at the next line: nothing is dropped
 * silently.
 *
 * Semantics (minikconf's): every referenced symbol gets a value; clauses are
 * processed in topological order of the dependency graph (edges from every
 * symbol in a condition to the symbol it decides); for each symbol,
 * assignments, `depends on` (false forces n) and `select`s first, then its
 * defaults in source order (`imply X` in config Y == `default y if Y` on X),
 * then an implicit `default n`. In allnoconfig mode (QEMU's
 * --without-default-devices) every default is n, so `imply` is not followed.
 * A symbol that is set both y and n is a contradiction (the chain is in the
 * error); a cycle in the graph is an error naming the cycle.
 */
#ifndef QHARD_KCONFIG_H
#define QHARD_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"

enum qh_kclause_kind {
	QH_KC_ASSIGN,  /* CONFIG_X=y|n */
	QH_KC_DEFAULT, /* default y|n [if cond]; imply becomes one of these */
	QH_KC_DEPENDS, /* depends on cond */
	QH_KC_SELECT,  /* select dest [if cond] (cond includes the selector) */
};

enum qh_kexpr_op { QH_KE_SYM, QH_KE_NOT, QH_KE_AND, QH_KE_OR, QH_KE_EQ,
		   QH_KE_NE, QH_KE_CONST };

struct qh_kexpr {
	enum qh_kexpr_op op;
	int sym;      /* QH_KE_SYM */
	int lhs, rhs; /* expression indexes; NOT uses lhs */
	bool value;   /* QH_KE_CONST */
};

struct qh_kclause {
	enum qh_kclause_kind kind;
	int dest;       /* symbol index the clause decides */
	int owner;      /* config block it was written in (select/imply), -1 */
	int cond;       /* expression index, -1 = none */
	bool value;     /* assignment / default value */
	bool imply;     /* a default that came from `imply` */
	bool external;  /* assignment from the command line (not printed) */
	int file;       /* index into files, -1 for external */
	unsigned line;
	const char *origin; /* caller's tag for assignments (allow-list line) */
};

struct qh_ksym {
	char *name;        /* without CONFIG_ */
	bool defined;      /* has a `config` block */
	int def_file;      /* where, or -1 */
	unsigned def_line;
	bool referenced;
	int value;         /* after qh_kconfig_evaluate: -1 unknown, 0, 1 */
	int set_by;        /* clause index that decided the value, -1 */
};

struct qh_kconfig {
	struct qh_ksym *syms;
	size_t nsyms, syms_cap;
	struct qh_kexpr *exprs;
	size_t nexprs, exprs_cap;
	struct qh_kclause *clauses;
	size_t nclauses, clauses_cap;
	char **files;      /* every file read, as displayed in diagnostics */
	size_t nfiles, files_cap;
	char **diags;      /* "file:line: message" */
	size_t ndiags, diags_cap;
	/* internal: name -> symbol hash */
	int *hash;
	size_t hash_cap;
	int depth;         /* source nesting guard */
	struct kc_tree *tree; /* internal: the tree files are read from */
};

struct qh_kconfig *qh_kconfig_new(struct qh_error *err);
void qh_kconfig_free(struct qh_kconfig *kc);

/* Parse a file (follows `source`). Returns 0, or -1 when the file or one it
 * sources cannot be read (the error names the `source` lines that led
 * there); syntax problems are diagnostics (see ndiags), not errors.
 * Files are read like an audit root (rootfs.h) from one tree: the
 * directory of the first file parsed (or the dir of the first
 * qh_kconfig_parse_text): regular files only, opened without blocking,
 * never outside the tree (an absolute `source`, a ".." above it or a
 * symlink out of it is an error), each file once by device and inode (a
 * file sourced again under another name, e.g. through `x -> .`, is not
 * read again, as minikconf reads each file once). */
int qh_kconfig_parse_file(struct qh_kconfig *kc, const char *path,
			  struct qh_error *err);
/* Parse text; `name` is used in diagnostics, `dir` resolves `source`. */
int qh_kconfig_parse_text(struct qh_kconfig *kc, const char *name,
			  const char *dir, const char *text,
			  struct qh_error *err);
/* A command-line style assignment (CONFIG_ prefix optional). `origin` is a
 * caller-owned tag kept for --explain (e.g. "profile.ini:9 virtio-net-pci");
 * it must outlive kc. */
int qh_kconfig_assign(struct qh_kconfig *kc, const char *name, bool value,
		      bool external, const char *origin, struct qh_error *err);

/* -1 when unknown. */
int qh_kconfig_find(const struct qh_kconfig *kc, const char *name);

enum qh_kconfig_mode { QH_KCONFIG_ALLNO, QH_KCONFIG_DEFCONFIG };

/* Compute every symbol's value. -1 + err on undefined symbols (listed),
 * cycles (named) and contradictions (with the chain that selected the
 * symbol and the failing `depends on`). Can be called again after
 * qh_kconfig_reset_values. */
int qh_kconfig_evaluate(struct qh_kconfig *kc, enum qh_kconfig_mode mode,
			struct qh_error *err);
void qh_kconfig_reset_values(struct qh_kconfig *kc);
/* Remove every assignment clause (keeps the Kconfig rules): to evaluate
 * another devices set on the same parsed tree. */
void qh_kconfig_drop_assignments(struct qh_kconfig *kc);

/* Render an expression in QEMU syntax; with values=true each symbol shows
 * its value, e.g. "VIRTIO(n) && PCI_DEVICES(y)". Appends to buf. */
int qh_kexpr_format(const struct qh_kconfig *kc, int expr, bool values,
		    struct qh_buf *buf);
/* Evaluate with the current values (unknown counts as n). */
bool qh_kexpr_eval(const struct qh_kconfig *kc, int expr);
/* Does the expression read symbol `sym`? */
bool qh_kexpr_reads(const struct qh_kconfig *kc, int expr, int sym);

/* Why a symbol is y: the chain of clauses back to an assignment, one line
 * per step, appended to buf. */
int qh_kconfig_explain(const struct qh_kconfig *kc, int sym,
		       struct qh_buf *buf);

#endif
