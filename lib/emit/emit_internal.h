/* emit_internal.h - what each output format implements (private to the
 * emit_*.c files; callers use emit.h).
 *
 * emit.c owns the emitter object, checks the begin/result/end order, keeps a
 * running summary (used when the caller passes none to end) and turns a
 * stdio write error into a qh_error. A format only renders.
 */
#ifndef QHARD_EMIT_INTERNAL_H
#define QHARD_EMIT_INTERNAL_H

#include "emit.h"
#include "json_util.h"

struct qh_emitter;

struct qh_emit_format {
	const char *name;
	/* state is zeroed memory of state_size bytes, freed by emit.c after
	 * fini (which releases what the state points to; may be NULL) */
	size_t state_size;
	int (*begin)(struct qh_emitter *e, const struct qh_report *r,
		     struct qh_error *err);
	int (*result)(struct qh_emitter *e, const struct qh_result *res,
		      struct qh_error *err);
	int (*end)(struct qh_emitter *e, const struct qh_report *r,
		   const struct qh_summary *s, struct qh_error *err);
	void (*fini)(struct qh_emitter *e);
};

struct qh_emitter {
	const struct qh_emit_format *fmt;
	FILE *out;
	struct qh_emit_options opts;
	void *state;
	int stage;              /* 0 new, 1 begun, 2 ended */
	size_t nresults;        /* results written so far */
	struct qh_summary seen; /* running summary of those results */
	const char *command;    /* r->command from begin (report outlives us) */
	struct qh_emit_output *outputs; /* --output FORMAT=PATH (emit_outputs.c) */
};

/* emit.c's begin/result/end/free pass each call on to the extra outputs. */
int qh_emit_outputs_begin(struct qh_emitter *e, const struct qh_report *r,
			  struct qh_error *err);
int qh_emit_outputs_result(struct qh_emitter *e, const struct qh_result *res,
			   struct qh_error *err);
int qh_emit_outputs_end(struct qh_emitter *e, const struct qh_report *r,
			const struct qh_summary *s, struct qh_error *err);
void qh_emit_outputs_free(struct qh_emitter *e);

extern const struct qh_emit_format qh_emit_text;
extern const struct qh_emit_format qh_emit_json;
extern const struct qh_emit_format qh_emit_sarif;
extern const struct qh_emit_format qh_emit_csv;
extern const struct qh_emit_format qh_emit_junit;
extern const struct qh_emit_format qh_emit_markdown;

/* Helpers shared by the formats. */
/* jansson value -> short human text ("full", "a,b"; fortify "3/4": 3 of
 * its 4 fortifiable imports are fortified; a record "{probed: 0,
 * unprobed: 77 (f, g, h, ...)}"). */
int qh_emit_value_text(struct qh_buf *b, const json_t *v);
/* The contract's fortify value: {"fortified": [...], "unfortified": [...]}. */
bool qh_emit_is_fortify(const json_t *v);
/* Write a json_t with jansson, mapping failure to err. */
int qh_emit_dump(struct qh_emitter *e, const json_t *v, size_t flags,
		 struct qh_error *err);

/* Text format details (emit_text_detail.c). Lines of the detail blocks
 * are wrapped to QH_TEXT_WIDTH columns. */
#define QH_TEXT_WIDTH 160
/* Columns a terminal shows for UTF-8 text (code points, not bytes). */
size_t qh_text_width(const char *s, size_t len);
/* Append s (already escaped: no control characters) at column *col,
 * breaking at spaces before QH_TEXT_WIDTH (a longer word is cut);
 * continuation lines start at column `indent`. Updates *col. */
int qh_text_wrap(struct qh_buf *b, const char *s, size_t *col, size_t indent);
/* A value that is a record (an object other than fortify's): the deep
 * checks' coverage, build's flag-audit counts. */
bool qh_text_is_record(const json_t *v);
/* A record's lists as lines: names (when no location names them) and
 * counts per name, the first few unless `all`. */
int qh_text_record_lists(struct qh_buf *b, const struct qh_check *c, bool all);
/* A check's locations as lines: every one with `all`, else grouped by
 * function, the functions with the most first, and a count of the rest. */
int qh_text_locations(struct qh_buf *b, const struct qh_check *c, bool all);

/* emit_text.c: a subject's line and its detail lines, appended to b; its
 * checks wrap before QH_TEXT_WIDTH when it has records, or always with
 * wrap_always. */
int qh_text_render_result(struct qh_emitter *e, struct qh_buf *b,
			  const struct qh_result *res, bool wrap_always);
/* The extra sections, the legend and the summary line, appended to b. */
int qh_text_tail(struct qh_emitter *e, const struct qh_report *r,
		 const struct qh_summary *s, struct qh_buf *b);

/* emit_text_audit.c: qhard audit's text layout. Subjects are gathered by
 * kind as they stream by (*st is created on the first), then written at
 * the end: the verdict, the findings per severity, the host and
 * configuration findings, the QEMU executables, the libraries summarised
 * per failing check (each on its own line with verbose). */
struct qh_text_audit;
int qh_text_audit_result(struct qh_emitter *e, struct qh_text_audit **st,
			 const struct qh_result *res, struct qh_error *err);
int qh_text_audit_end(struct qh_emitter *e, struct qh_text_audit *st,
		      const struct qh_report *r, const struct qh_summary *s,
		      struct qh_error *err);
void qh_text_audit_free(struct qh_text_audit *st);

#endif
