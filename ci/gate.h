/* gate.h - pieces of qhard gate shared by the files in ci/ (tool code). */
#ifndef QHARD_CI_GATE_H
#define QHARD_CI_GATE_H

#include <stdbool.h>

#include "report.h"

struct gate_inputs {
	bool deep;          /* run the deep checks on ELF files */
	json_t *devices;    /* device names from build reports (array) */
	json_t *inputs;     /* what each operand was: [{path, kind, files}] */
	json_t *builds;     /* qhard build reports read: [{path, profile}] */
};

/* Add the results for one operand (ELF file, directory, .deb/.rpm/tar, or a
 * saved JSON report) to r. Problems with the input itself become results
 * with `error` set (exit 3); returns -1 only for out-of-memory. */
int gate_add_input(struct qh_report *r, const char *operand,
		   struct gate_inputs *in, struct qh_error *err);

#endif
