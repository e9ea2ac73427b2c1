/* report_read.h - read a saved qhard JSON report (../shared/CONTRACT.md, as
 * written by `--format json`) back into the report model.
 *
 * Validation is strict, because a gate decides on what it reads: the schema
 * version, every key's type, status and type vocabularies, no unknown keys
 * inside results and checks, and the summary must agree with the results.
 * Top-level keys other than schema/tool/command/results/summary are extra
 * sections and land in r->extra. Errors name the place:
 *   report.json: results[3].checks.relro.status: unknown status "bad"
 * A check's raw_status is read from "raw_status" when present (the JSON
 * writes it only when policy changed the verdict), else equals status.
 */
#ifndef QHARD_REPORT_READ_H
#define QHARD_REPORT_READ_H

#include <jansson.h>
#include <stddef.h>

#include "report.h"

/* `name` prefixes error messages (the file name; NULL: "report"). */
struct qh_report *qh_report_read_file(const char *path, struct qh_error *err);
struct qh_report *qh_report_read_buffer(const char *data, size_t len,
					const char *name, struct qh_error *err);
struct qh_report *qh_report_from_json(const json_t *doc, const char *name,
				      struct qh_error *err);

#endif
