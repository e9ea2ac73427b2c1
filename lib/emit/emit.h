/* emit.h - renders the report model in every output format.
 *
 * Emitters stream: begin once, one call per result (in any order the caller
 * likes; checksec -r hands results over as workers finish, one call at a
 * time: an emitter does no locking), end once. The
 * emitter writes to the caller's FILE*; it never prints anywhere else.
 * Formats: text, json, sarif, csv, junit, markdown.
 */
#ifndef QHARD_EMIT_H
#define QHARD_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

struct qh_emit_options {
	bool color;       /* text only: ANSI colors (caller decides tty/NO_COLOR) */
	bool verbose;     /* text: also list passing checks' evidence */
};

struct qh_emitter;

/* NULL + message for an unknown format. */
struct qh_emitter *qh_emitter_new(const char *format, FILE *out,
				  const struct qh_emit_options *opts,
				  struct qh_error *err);
/* The report gives the command name; its results are not read here. */
int qh_emitter_begin(struct qh_emitter *e, const struct qh_report *r,
		     struct qh_error *err);
int qh_emitter_result(struct qh_emitter *e, const struct qh_result *res,
		      struct qh_error *err);
/* r->extra sections and the summary are written here. */
int qh_emitter_end(struct qh_emitter *e, const struct qh_report *r,
		   const struct qh_summary *s, struct qh_error *err);
void qh_emitter_free(struct qh_emitter *e);

/* One more output, "FORMAT=PATH" (`--output sarif=qhard.sarif`), written
 * beside e's own stream with the same calls (no colors). Before begin only.
 * PATH appears at end, when every output ended well (it is written to
 * PATH.tmp-PID until then); a run that fails or is freed before its end
 * leaves no file. Errors: malformed spec, unknown format, "-" or a path
 * named twice, a file that cannot be created. */
int qh_emitter_add_output(struct qh_emitter *e, const char *spec,
			  struct qh_error *err);

/* Convenience: begin + every result of r + end. */
int qh_report_emit(const struct qh_report *r, const char *format, FILE *out,
		   const struct qh_emit_options *opts, struct qh_error *err);

/* NULL-terminated list of known format names: the one list that the
 * emitter, every --help and the completion read. */
extern const char *const qh_emit_format_names[];
const char *const *qh_emit_formats(void);
bool qh_emit_format_known(const char *format);

#endif
