/* checks.h - the header-level hardening checks, as a table.
 *
 * One row per contract check id: which file types it applies to and the
 * function that decides it. Adding a check is one row plus its function
 * (and a row in rules_checksec.c for its title/help/fix). Files whose type
 * is not in `applies_to` get the check as `skip` with a reason, so every
 * result carries every id and reports line up.
 */
#ifndef QHARD_CHECKS_H
#define QHARD_CHECKS_H

#include "elf.h"
#include "report.h"

/* The contract's `type` vocabulary, as bits so a check can name a set. */
enum qh_file_type {
	QH_TYPE_EXEC = 1u << 0,       /* ET_EXEC with PT_INTERP */
	QH_TYPE_STATIC = 1u << 1,     /* ET_EXEC without PT_INTERP */
	QH_TYPE_PIE = 1u << 2,        /* ET_DYN executable */
	QH_TYPE_STATIC_PIE = 1u << 3, /* ET_DYN executable without PT_INTERP */
	QH_TYPE_DSO = 1u << 4,        /* shared library */
	QH_TYPE_OBJECT = 1u << 5,     /* ET_REL */
	QH_TYPE_CORE = 1u << 6,
	QH_TYPE_OTHER = 1u << 7,
};

#define QH_TYPES_EXECUTABLE \
	(QH_TYPE_EXEC | QH_TYPE_STATIC | QH_TYPE_PIE | QH_TYPE_STATIC_PIE)
#define QH_TYPES_LINKED (QH_TYPES_EXECUTABLE | QH_TYPE_DSO)
#define QH_TYPES_CODE (QH_TYPES_LINKED | QH_TYPE_OBJECT)

/* Classify: a DSO is never a PIE (DF_1_PIE, or PT_INTERP without DT_SONAME,
 * makes an ET_DYN an executable); no PT_INTERP makes it static(-pie). A
 * separate debug file is "other". An ET_DYN with none of PT_INTERP,
 * DF_1_PIE, DT_SONAME and DT_NEEDED is a static-pie when glibc's
 * _dl_relocate_static_pie is there, or when its entry point lies in an
 * executable segment and it has DT_DEBUG or no PT_DYNAMIC at all; else a
 * dso, uncertain when a _start sits at the entry point
 * (docs/qhard-checksec.1.scd, FILE TYPES). */
struct qh_type_info {
	enum qh_file_type type;  /* the type the checks run as */
	const char *note;        /* NULL, "uncertain" or "separate-debug" */
	const char *candidates[3]; /* uncertain: the types it may be */
	char evidence[256];      /* with a note: what was seen */
};

void qh_file_classify(const struct qh_elf *e, struct qh_type_info *out);
enum qh_file_type qh_file_type_of(const struct qh_elf *e);
const char *qh_file_type_name(enum qh_file_type t);
/* The type named `name` ("pie", ...): true and *out set, or false. */
bool qh_file_type_parse(const char *name, enum qh_file_type *out);

/* Facts several checks share, computed once per file. */
struct qh_sym_scan;

struct qh_check_ctx {
	const struct qh_elf *elf;
	enum qh_file_type type;
	bool bind_now;          /* any immediate-binding marker */
	const char *bind_now_by; /* which one, for evidence */
	bool linked_statically; /* no PT_INTERP and no DT_NEEDED */
	struct qh_elf_gnu_props props;
	/* names and FORTIFY functions found in one pass over each symbol
	 * table (checks.c), shared by canary, fortify and sanitizers */
	const struct qh_sym_scan *scan;
};

struct qh_check_def {
	const char *id;      /* contract id, JSON key, policy key */
	unsigned applies_to; /* enum qh_file_type bits */
	/* Adds exactly one check `id` to res. Returns 0, or -1 + err on an
	 * internal failure (out of memory). */
	int (*run)(const struct qh_check_ctx *c, struct qh_result *res,
		   struct qh_error *err);
};

/* The table (in report order). */
const struct qh_check_def *qh_check_table(size_t *n);
const struct qh_check_def *qh_check_find(const char *id);

/* Fill res->type/machine/elf_class/endian and run every check of the table
 * on `e`. Returns 0, or -1 + err (malformed GNU property note, ENOMEM). */
int qh_checks_run(const struct qh_elf *e, struct qh_result *res,
		  struct qh_error *err);

#endif
