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
/* qh_strlist_has for a list qh_strlist_sort() left sorted: binary search. */
bool qh_strlist_has_sorted(const struct qh_strlist *l, const char *s);
/* qsort/bsearch comparator for arrays of char * (strcmp order). */
int qh_strcmp_ptr(const void *a, const void *b);
void qh_strlist_free(struct qh_strlist *l);

/* Free a NULL-terminated array of malloc'd strings and the array (NULL is
 * fine). */
void qh_strv_free(char **v);

#endif
