/* progress.h - one status line on stderr while long work runs (a
 * recursive checksec, a QEMU build), on a terminal only: redrawn in place
 * at most ten times a second, cleared before anything else is printed, and
 * never written when stderr is a file or a pipe (logs stay clean). */
#ifndef QHARD_TOOL_PROGRESS_H
#define QHARD_TOOL_PROGRESS_H

#include <stdbool.h>

struct qh_progress {
	bool on;      /* stderr is a terminal and the user did not say quiet */
	bool shown;   /* a line is on screen */
	double last;  /* when it was drawn */
};

/* on only if `wanted` and stderr is a terminal (TERM not "dumb"). */
void qh_progress_init(struct qh_progress *p, bool wanted);
/* Draw the line (cut to the terminal's width) unless one was drawn less
 * than 0.1 s ago; `force` draws anyway. */
void qh_progress_show(struct qh_progress *p, bool force, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Erase the line (flushing stdout first, so report lines land below). */
void qh_progress_clear(struct qh_progress *p);
/* Seconds on a monotonic clock. */
double qh_progress_now(void);

#endif
