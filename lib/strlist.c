/* strlist.c - a growable list of owned strings (see strlist.h). */
#include "strlist.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "qh.h"

/* Append d, which the list then owns (freed here when it cannot). */
static int push_owned(struct qh_strlist *l, char *d)
{
	if (!d || qh_array_reserve((void **)&l->items, &l->cap, l->n + 1,
				   sizeof(char *)) < 0) {
		free(d);
		return -1;
	}
	l->items[l->n++] = d;
	return 0;
}

int qh_strlist_add(struct qh_strlist *l, const char *s)
{
	return push_owned(l, qh_strdup(s));
}

int qh_strlist_addf(struct qh_strlist *l, const char *fmt, ...)
{
	va_list ap;
	char *d;

	va_start(ap, fmt);
	d = qh_vstrdupf(fmt, ap);
	va_end(ap);
	return push_owned(l, d);
}

bool qh_strlist_has(const struct qh_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

int qh_strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool qh_strlist_has_sorted(const struct qh_strlist *l, const char *s)
{
	return l->n && bsearch(&s, l->items, l->n, sizeof(char *),
			       qh_strcmp_ptr);
}

void qh_strlist_sort(struct qh_strlist *l)
{
	size_t j = 0;

	if (l->n < 2)
		return;
	qsort(l->items, l->n, sizeof(char *), qh_strcmp_ptr);
	for (size_t i = 1; i < l->n; i++) {
		if (strcmp(l->items[i], l->items[j]) == 0)
			free(l->items[i]);
		else
			l->items[++j] = l->items[i];
	}
	l->n = j + 1;
}

void qh_strlist_free(struct qh_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

void qh_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}
