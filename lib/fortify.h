/* fortify.h - glibc's list of FORTIFY_SOURCE entry points.
 *
 * With -D_FORTIFY_SOURCE=N the compiler turns a call to `memcpy` whose
 * object size it knows into `__memcpy_chk` (and `open` into `__open_2`).
 * The table is glibc's own list of those exported symbols (glibc 2.36,
 * libc.so.6 of Debian 12), so a name is either fortifiable or not; no
 * guessing by prefix or substring.
 */
#ifndef QHARD_FORTIFY_H
#define QHARD_FORTIFY_H

#include <stdbool.h>
#include <stddef.h>

struct qh_fortify_fn {
	const char *checked; /* "__memcpy_chk" */
	const char *plain;   /* "memcpy": the name the program would import
				unfortified (for __fdelt_chk, the FD_SET
				helper, "fdelt", which nothing imports) */
};

/* The table, sorted by `checked`; *n gets the number of rows. */
const struct qh_fortify_fn *qh_fortify_table(size_t *n);
/* Row whose checked name is exactly `name`, or NULL. */
const struct qh_fortify_fn *qh_fortify_by_checked(const char *name);
/* Row whose plain name is exactly `name` (a fortifiable function), or NULL. */
const struct qh_fortify_fn *qh_fortify_by_plain(const char *name);
/* Either of the two in one lookup: the row naming `name`, *checked telling
 * which of its names it is; NULL when `name` is neither. */
const struct qh_fortify_fn *qh_fortify_lookup(const char *name, bool *checked);

#endif
