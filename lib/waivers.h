/* waivers.h - accepted findings, each with a reason and an expiry date
 * (INI via libinih). docs/qhard-policy.5.scd describes the format:
 *
 *   [waiver "bridge-helper-fortify"]
 *   path = *\/qemu-bridge-helper        ; glob, as in policy [path "..."]
 *   check = fortify                     ; a check id, or * for every check
 *   reason = upstream builds it with -O0; fixed in 9.1
 *   expires = 2027-03-01                ; YYYY-MM-DD, UTC; expired from then on
 *   ticket = https://bugs.example/123   ; optional
 *
 * A waiver that matches a failing (or warning) check turns it into a warn
 * and records itself in the check's waived_by. An expired waiver waives
 * nothing and fails the gate; a waiver nothing needed is reported unused.
 */
#ifndef QHARD_WAIVERS_H
#define QHARD_WAIVERS_H

#include <stdbool.h>

#include "report.h"

struct qh_waiver {
	char *name;     /* from [waiver "name"] */
	char *path;     /* glob (policy.h qh_policy_glob_matches) */
	char *check;    /* check id or "*" */
	char *reason;
	char *expires;  /* YYYY-MM-DD */
	char *ticket;   /* NULL when none */
	char *file;     /* where it is written: file name and line */
	unsigned line;
	size_t uses;    /* checks it waived so far */
};

struct qh_waivers;

struct qh_waivers *qh_waivers_load(const char *path, struct qh_error *err);
struct qh_waivers *qh_waivers_parse_string(const char *text, const char *name,
					   struct qh_error *err);
void qh_waivers_free(struct qh_waivers *w);

size_t qh_waivers_count(const struct qh_waivers *w);
struct qh_waiver *qh_waivers_at(const struct qh_waivers *w, size_t i);

/* Today's date in UTC as YYYY-MM-DD (buf of at least 11 bytes). */
void qh_today_utc(char buf[11]);
/* Whether `date` (YYYY-MM-DD) is a real calendar date. */
bool qh_date_valid(const char *date);
/* A waiver is expired on and after its expiry date. */
bool qh_waiver_expired(const struct qh_waiver *w, const char *today);

/* Apply the unexpired waivers to res's non-passing checks (after policy).
 * Returns the number of checks waived, or -1 on out-of-memory. */
int qh_waivers_apply(struct qh_waivers *w, struct qh_result *res,
		     const char *today, struct qh_error *err);

/* The waiver file as a subject of its own, for every output format: a
 * result (path = the waiver file) with two checks, "waiver-expired" (fail
 * when any waiver has expired) and "waiver-unused" (warn when a waiver
 * waived nothing); each problem waiver is a location (file:line). Call it
 * after every result has been through qh_waivers_apply. */
struct qh_result *qh_waivers_result(const struct qh_waivers *w,
				    const char *today, struct qh_error *err);

/* A summary of the waivers for the report: {"file": ..., "used": [...],
 * "unused": [...], "expired": [...]}, each entry {"name", "path", "check",
 * "reason", "expires", "ticket", "where", "uses"}. NULL on out-of-memory. */
json_t *qh_waivers_summary(const struct qh_waivers *w, const char *today);

#endif
