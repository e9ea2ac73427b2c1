/* report.h - the one report model every subcommand fills and every emitter
 * reads (see ../shared/CONTRACT.md for the JSON shape).
 *
 *   report
 *    └─ results[]      one per subject: an ELF file, a config file, "host", ...
 *        └─ checks[]   one per check id: status, value, evidence, ...
 *    └─ extra          free-form top-level sections (build: profile, devices...)
 *
 * A check's `value` is a jansson json_t (string, array or object) because the
 * contract's vocabularies are JSON values; emitters render it per format.
 * The report owns everything added to it.
 */
#ifndef QHARD_REPORT_H
#define QHARD_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qh.h"

/* Ordered by how bad it is, so "worst" is a max(). */
enum qh_status {
	QH_SKIP = 0, /* not applicable to this subject */
	QH_PASS,
	QH_WARN,
	QH_FAIL,
};

const char *qh_status_name(enum qh_status s);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int qh_status_parse(const char *name, enum qh_status *out);

/* Where a finding points at: a function and/or source file:line. */
struct qh_location {
	char *function; /* NULL when unknown */
	char *file;     /* source file (deep checks) or config file (audit) */
	unsigned line;  /* 0 when unknown */
	uint64_t address; /* 0 when unknown */
};

struct qh_check {
	char *id;              /* contract check id: "relro", "canary", ... */
	enum qh_status status; /* after policy */
	enum qh_status raw_status; /* what the check itself found */
	json_t *value;         /* owned; may be NULL */
	char *evidence;        /* few words: what proved the verdict */
	char *reason;          /* optional: why it matters (audit, gate) */
	char *fix;             /* optional: how to fix */
	char *severity;        /* optional: "high" / "medium" / "low" / "info" */
	char *waived_by;       /* optional: waiver reason when a waiver applied */
	struct qh_location *locations;
	size_t nlocations;
	size_t locations_cap;
};

struct qh_result {
	char *path;    /* subject; for files: the path as given/walked */
	char *type;    /* contract type vocabulary; NULL for non-ELF subjects */
	char *machine; /* "x86_64", "aarch64", ...; NULL when n/a */
	int elf_class; /* 32 / 64; 0 when n/a */
	char *endian;  /* "little" / "big"; NULL when n/a */
	/* NULL, or why `type` alone would mislead (qhard-report(5)):
	 * {"kind": "uncertain"|"separate-debug", "candidates": [types],
	 * "evidence": "..."}; candidates only for "uncertain". Owned. */
	json_t *type_note;
	/* NULL, or an array of strings: what the analysis accepted although
	 * odd (a bad EI_VERSION) and what a library said (libbfd). Owned. */
	json_t *warnings;
	char *error;   /* non-NULL: could not be analysed; no checks */
	/* Where the subject lives, for reports that point into it (SARIF
	 * regions, artifacts); neither is in the JSON report. */
	uint64_t size;   /* bytes of the analysed file; 0 when unknown */
	char *container; /* the package (.deb, .rpm, tar) path was read from,
			  * path then being the member's path; NULL for a
			  * file on disk */
	struct qh_check *checks;
	size_t nchecks;
	size_t checks_cap;
};

struct qh_summary {
	size_t files;
	size_t pass;  /* results with no failing check and no error */
	size_t fail;  /* results with at least one failing check */
	size_t error; /* results with error set */
	size_t warn;  /* results with a warn but no fail (informational) */
};

struct qh_report {
	char *command; /* "checksec", "audit", "build", "gate", ... */
	struct qh_result **results;
	size_t nresults;
	size_t results_cap;
	json_t *extra; /* object of extra top-level sections; owned, never NULL */
};

struct qh_report *qh_report_new(const char *command, struct qh_error *err);
void qh_report_free(struct qh_report *r);

/* Results are created standalone (so workers can fill them in parallel and
 * emitters can stream them) and then handed to a report, which owns them. */
struct qh_result *qh_result_new(const char *path, struct qh_error *err);
void qh_result_free(struct qh_result *res);
int qh_result_set_error(struct qh_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Adds a check; `value` is stolen (may be NULL). Evidence is printf-style and
 * may be NULL. Returns the new check or NULL on ENOMEM. */
struct qh_check *qh_result_add_check(struct qh_result *res, const char *id,
				     enum qh_status status, json_t *value,
				     const char *evidence_fmt, ...)
	__attribute__((format(printf, 5, 6)));
struct qh_check *qh_result_find_check(const struct qh_result *res,
				      const char *id);
/* Append a warning line (printf-style). Returns 0, or -1 on ENOMEM. */
int qh_result_add_warning(struct qh_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Set type_note: kind "uncertain" (with the candidate types, NULL-ended)
 * or "separate-debug" (candidates NULL). Returns 0, or -1 on ENOMEM. */
int qh_result_set_type_note(struct qh_result *res, const char *kind,
			    const char *const *candidates,
			    const char *evidence);
int qh_check_add_location(struct qh_check *c, const char *function,
			  const char *file, unsigned line, uint64_t address);
/* Set a string field of a check (reason, fix, severity...): frees the old. */
int qh_check_set_str(char **field, const char *value);

int qh_report_add(struct qh_report *r, struct qh_result *res,
		  struct qh_error *err);

/* The subject audit calls "host": the machine (or image root) itself, no
 * file. Its findings point at files through their locations, if at all. */
#define QH_SUBJECT_HOST "host"
bool qh_result_is_host(const struct qh_result *res);

/* Worst status over the result's checks (QH_SKIP when none). */
enum qh_status qh_result_worst(const struct qh_result *res);
void qh_summary_add(struct qh_summary *s, const struct qh_result *res);
void qh_report_summary(const struct qh_report *r, struct qh_summary *out);

/* Contract exit code for a summary: 3 if any error, else 1 if any fail,
 * else 0 (the highest applicable wins; 2 is the caller's usage error). */
int qh_summary_exit_code(const struct qh_summary *s);

#endif
