/* gate.h - pieces of qhard gate shared by the files in ci/ (tool code). */
#ifndef QHARD_CI_GATE_H
#define QHARD_CI_GATE_H

#include <stdbool.h>

#include "pkg/pkg.h"
#include "report.h"

/* Where each result goes: the gate judges, writes and frees it at once,
 * so memory does not grow with the number of files. The sink owns res
 * (frees it, also on failure); -1 only for out-of-memory or a write
 * error. */
typedef int (*gate_sink_fn)(void *ctx, struct qh_result *res,
			    struct qh_error *err);

struct gate_inputs {
	bool deep;          /* run the deep checks on ELF files */
	struct qh_pkg_limits limits; /* per package (--max-*) */
	json_t *devices;    /* device names from build reports (array) */
	json_t *inputs;     /* what each operand was: [{path, kind, files}] */
	json_t *builds;     /* qhard build reports read: [{path, profile}] */
	gate_sink_fn sink;
	void *sink_ctx;
	size_t nresults;    /* results handed to the sink so far */
};

/* Hand the results for one operand (ELF file, directory, .deb/.rpm/tar, or
 * a saved JSON report) to in->sink. Problems with the input itself become
 * results with `error` set (exit 3); returns -1 only when the sink or an
 * allocation failed. */
int gate_add_input(const char *operand, struct gate_inputs *in,
		   struct qh_error *err);

#endif
