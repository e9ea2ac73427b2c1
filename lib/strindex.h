/* strindex.h - a hash index over an array the caller keeps: item i's key
 * is whatever key_of(items, i) says (a macro's name, a map entry's key).
 * Open addressing, linear probing, a power-of-two table at most half full.
 * The items never move for the index; it only stores their positions.
 */
#ifndef QHARD_STRINDEX_H
#define QHARD_STRINDEX_H

#include <stddef.h>

typedef const char *(*qh_key_of_fn)(const void *items, size_t i);

struct qh_strindex {
	int *slot;  /* item position, or -1 */
	size_t cap;
};

/* Position of the first item added under key, or -1. */
int qh_strindex_find(const struct qh_strindex *x, const char *key,
		     qh_key_of_fn key_of, const void *items);
/* Index item n (its key must already be readable through key_of); items
 * 0..n-1 are the ones indexed so far. 0, or -1 on out-of-memory (the index
 * is unchanged). */
int qh_strindex_add(struct qh_strindex *x, size_t n, qh_key_of_fn key_of,
		    const void *items);
void qh_strindex_free(struct qh_strindex *x);

#endif
