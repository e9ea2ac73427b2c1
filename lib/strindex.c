/* strindex.c - hash index over a caller's array (see strindex.h). */
#include "strindex.h"

#include <stdlib.h>
#include <string.h>

static size_t hash_str(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void place(int *slot, size_t cap, const char *key, size_t i)
{
	size_t j = hash_str(key) & (cap - 1);

	while (slot[j] >= 0)
		j = (j + 1) & (cap - 1);
	slot[j] = (int)i;
}

int qh_strindex_find(const struct qh_strindex *x, const char *key,
		     qh_key_of_fn key_of, const void *items)
{
	size_t j;

	if (!x->cap)
		return -1;
	for (j = hash_str(key) & (x->cap - 1); x->slot[j] >= 0;
	     j = (j + 1) & (x->cap - 1))
		if (strcmp(key_of(items, (size_t)x->slot[j]), key) == 0)
			return x->slot[j];
	return -1;
}

/* Twice the size, every item placed again. */
static int grow(struct qh_strindex *x, size_t n, qh_key_of_fn key_of,
		const void *items)
{
	size_t cap = x->cap ? x->cap * 2 : 256;
	int *slot = malloc(cap * sizeof(*slot));

	if (!slot)
		return -1;
	for (size_t i = 0; i < cap; i++)
		slot[i] = -1;
	for (size_t i = 0; i < n; i++)
		place(slot, cap, key_of(items, i), i);
	free(x->slot);
	x->slot = slot;
	x->cap = cap;
	return 0;
}

int qh_strindex_add(struct qh_strindex *x, size_t n, qh_key_of_fn key_of,
		    const void *items)
{
	if ((n + 1) * 2 > x->cap && grow(x, n, key_of, items) < 0)
		return -1;
	place(x->slot, x->cap, key_of(items, n), n);
	return 0;
}

void qh_strindex_free(struct qh_strindex *x)
{
	free(x->slot);
	x->slot = NULL;
	x->cap = 0;
}
