/* progress.c - a status line on a terminal (see progress.h). */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

double qh_progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void qh_progress_init(struct qh_progress *p, bool wanted)
{
	const char *term = getenv("TERM");

	memset(p, 0, sizeof(*p));
	p->on = wanted && isatty(STDERR_FILENO) &&
		!(term && strcmp(term, "dumb") == 0);
}

static int terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

void qh_progress_show(struct qh_progress *p, bool force, const char *fmt, ...)
{
	char line[512];
	double now;
	va_list ap;
	int width;

	if (!p->on)
		return;
	now = qh_progress_now();
	if (!force && p->shown && now - p->last < 0.1)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Control characters from file names would move the cursor. */
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	width = terminal_width() - 1;
	fflush(stdout);
	fprintf(stderr, "\r\033[K%.*s", width < (int)sizeof(line) ? width :
		(int)sizeof(line), line);
	fflush(stderr);
	p->shown = true;
	p->last = now;
}

void qh_progress_clear(struct qh_progress *p)
{
	if (!p->on || !p->shown)
		return;
	fflush(stdout);
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = false;
}
