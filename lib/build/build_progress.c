/* build_progress.c - where a build is, from ninja's status lines (see
 * build.h, "Progress"). Pure arithmetic on what the caller passes in: the
 * caller owns the clock and the terminal. */
#include "build.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "[n/total] ..." (ninja's default NINJA_STATUS); anything else is not a
 * status line. */
static bool parse_status(const char *line, unsigned long *n,
			 unsigned long *total)
{
	char *end;

	if (line[0] != '[' || !isdigit((unsigned char)line[1]))
		return false;
	*n = strtoul(line + 1, &end, 10);
	if (*end != '/' || !isdigit((unsigned char)end[1]))
		return false;
	*total = strtoul(end + 1, &end, 10);
	return *end == ']' && *total > 0 && *n <= *total;
}

bool qh_build_progress_line(struct qh_build_progress *p, const char *line,
			    double now)
{
	unsigned long n, total;

	if (!parse_status(line, &n, &total))
		return false;
	if (!p->started)
		p->start = now;
	p->started = true;
	p->done = n;
	p->total = total;
	p->elapsed = now - p->start;
	/* Steps differ a lot in cost (a link takes longer than a compile), so
	 * the estimate is only the average rate so far, and none before 5%
	 * of the steps, where it would be noise. */
	p->remaining = n * 20 >= total && n > 0 ?
		p->elapsed * (double)(total - n) / (double)n : -1;
	return true;
}

unsigned qh_build_progress_percent(const struct qh_build_progress *p)
{
	return p->total ? (unsigned)(p->done * 100 / p->total) : 0;
}

static void put_duration(char *out, size_t size, double seconds)
{
	unsigned long s = seconds > 0 ? (unsigned long)(seconds + 0.5) : 0;

	if (s >= 3600)
		snprintf(out, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, size, "%lu:%02lu", s / 60, s % 60);
}

void qh_build_progress_format(const struct qh_build_progress *p, char *out,
			      size_t size)
{
	char el[32], left[32];

	put_duration(el, sizeof(el), p->elapsed);
	if (p->remaining < 0) {
		snprintf(out, size, "%u%% (%lu/%lu), %s elapsed",
			 qh_build_progress_percent(p), p->done, p->total, el);
		return;
	}
	put_duration(left, sizeof(left), p->remaining);
	snprintf(out, size, "%u%% (%lu/%lu), %s elapsed, about %s left",
		 qh_build_progress_percent(p), p->done, p->total, el, left);
}
