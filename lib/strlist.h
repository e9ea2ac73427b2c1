/* strlist.h - a growable list of owned strings: the plan's symbol and
 * device lists, flag words, configure arguments.
 *
 * Every function that adds returns -1 on out-of-memory and leaves the list
 * as it was; qh_strlist_free() empties a list for reuse.
 */
#ifndef QHARD_STRLIST_H
#define QHARD_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct qh_strlist {
	char **items;
	size_t n;
	size_t cap;
};

int qh_strlist_add(struct qh_strlist *l, const char *s);
int qh_strlist_addf(struct qh_strlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool qh_strlist_has(const struct qh_strlist *l, const char *s);
void qh_strlist_sort(struct qh_strlist *l); /* sort + drop duplicates */
void qh_strlist_free(struct qh_strlist *l);

#endif
