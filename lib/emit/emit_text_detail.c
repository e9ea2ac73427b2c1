/* emit_text_detail.c - the indented lines under a subject in the text
 * format: wrapped to a width, a deep check's record summarised (lists cut
 * to their first names, counts to the biggest), locations grouped by
 * function with the functions that have the most first. The full lists are
 * for --verbose and the JSON report. See emit_text.c. */
#include "emit_internal.h"

#include <stdlib.h>
#include <string.h>

#define TOP 5 /* names, counts or functions shown without --verbose */
/* at most this many locations are grouped (bounded work on huge lists) */
#define MAX_GROUPED 20000

size_t qh_text_width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* Bytes of s that fit in `cols` columns, cut at a character boundary. */
static size_t fit(const char *s, size_t len, size_t cols)
{
	size_t n = 0, w = 0;

	while (n < len) {
		size_t k = 1;

		while (n + k < len && ((unsigned char)s[n + k] & 0xc0) == 0x80)
			k++;
		/* at least one character, so the caller moves on */
		if (w + 1 > cols && n)
			break;
		n += k;
		w++;
	}
	return n;
}

int qh_text_wrap(struct qh_buf *b, const char *s, size_t *col, size_t indent)
{
	int rc = 0;

	while (s && *s && rc == 0) {
		size_t sp = strspn(s, " "), len = strcspn(s + sp, " ");
		size_t w = qh_text_width(s + sp, len);

		if (*col + (*col > indent ? sp : 0) + w > QH_TEXT_WIDTH &&
		    *col > indent) {
			/* the word starts the next line */
			rc |= qh_buf_printf(b, "\n%*s", (int)indent, "");
			*col = indent;
		} else {
			rc |= qh_buf_append(b, s, sp);
			*col += sp;
		}
		s += sp;
		while (len && rc == 0) {
			/* a word longer than a line is cut */
			size_t n = fit(s, len, *col < QH_TEXT_WIDTH ?
					       QH_TEXT_WIDTH - *col : 1);

			rc |= qh_buf_append(b, s, n);
			*col += qh_text_width(s, n);
			s += n;
			len -= n;
			if (len) {
				rc |= qh_buf_printf(b, "\n%*s", (int)indent, "");
				*col = indent;
			}
		}
	}
	return rc ? -1 : 0;
}

bool qh_text_is_record(const json_t *v)
{
	return json_is_object(v) && !qh_emit_is_fortify(v);
}

/* "      label: a, b, c and N more" (all items with `all`), wrapped. */
static int list_line(struct qh_buf *b, const char *key, const json_t *names,
		     const json_t *counts, bool all)
{
	struct qh_buf text = QH_BUF_INIT;
	size_t n = names ? json_array_size(names) : json_object_size(counts);
	size_t shown = all || n <= TOP ? n : TOP, col = 6;
	int rc = 0;

	if (!n)
		return 0;
	rc |= qh_escape_append(&text, key, QH_ESC_CONTROL);
	rc |= qh_buf_printf(&text, " (%zu): ", n);
	if (names) {
		for (size_t i = 0; i < shown; i++) {
			rc |= qh_buf_puts(&text, i ? ", " : "");
			rc |= qh_emit_value_text(&text, json_array_get(names, i));
		}
	} else {
		/* name -> count, the biggest counts first (ties: as listed) */
		const char **keys = calloc(n, sizeof(*keys));
		const char *k;
		json_t *v;
		size_t i = 0;

		if (!keys) {
			qh_buf_free(&text);
			return -1;
		}
		json_object_foreach((json_t *)counts, k, v)
			keys[i++] = k;
		for (size_t a = 0; a < shown; a++) {
			size_t best = a;

			for (size_t c = a + 1; c < n; c++)
				if (json_integer_value(json_object_get(counts, keys[c])) >
				    json_integer_value(json_object_get(counts, keys[best])))
					best = c;
			k = keys[best];
			memmove(keys + a + 1, keys + a, (best - a) * sizeof(*keys));
			keys[a] = k;
			rc |= qh_buf_puts(&text, a ? ", " : "");
			rc |= qh_escape_append(&text, k, QH_ESC_CONTROL);
			rc |= qh_buf_printf(&text, " %" JSON_INTEGER_FORMAT,
					    json_integer_value(json_object_get(counts, k)));
		}
		free(keys);
	}
	if (shown < n)
		rc |= qh_buf_printf(&text, " and %zu more", n - shown);
	rc |= qh_buf_puts(b, "      ");
	rc |= text.data ? qh_text_wrap(b, text.data, &col, 8) : -1;
	rc |= qh_buf_putc(b, '\n');
	qh_buf_free(&text);
	return rc ? -1 : 0;
}

static bool all_of(const json_t *v, json_type type)
{
	const char *k;
	size_t i;
	json_t *item;

	if (json_is_array(v)) {
		json_array_foreach((json_t *)v, i, item)
			if (json_typeof(item) != type)
				return false;
		return true;
	}
	json_object_foreach((json_t *)v, k, item)
		if (json_typeof(item) != type)
			return false;
	return true;
}

int qh_text_record_lists(struct qh_buf *b, const struct qh_check *c, bool all)
{
	const char *key;
	json_t *v;
	int rc = 0;

	if (!qh_text_is_record(c->value))
		return 0;
	json_object_foreach(c->value, key, v) {
		/* names the locations give better (with file:line) are left
		 * to them; lists of records are the locations themselves */
		if (json_is_array(v) && !c->nlocations && all_of(v, JSON_STRING))
			rc |= list_line(b, key, v, NULL, all);
		else if (json_is_object(v) && all_of(v, JSON_INTEGER))
			rc |= list_line(b, key, NULL, v, all);
	}
	return rc ? -1 : 0;
}

static int location(struct qh_buf *b, const struct qh_location *l)
{
	int rc = qh_buf_puts(b, "      at ");

	if (l->function)
		rc |= qh_escape_append(b, l->function, QH_ESC_CONTROL);
	if (l->file) {
		rc |= qh_buf_puts(b, l->function ? " (" : "");
		rc |= qh_escape_append(b, l->file, QH_ESC_CONTROL);
		if (l->line)
			rc |= qh_buf_printf(b, ":%u", l->line);
		rc |= qh_buf_puts(b, l->function ? ")" : "");
	}
	if (l->address)
		rc |= qh_buf_printf(b, " 0x%llx", (unsigned long long)l->address);
	return rc;
}

static bool same_place(const struct qh_location *a, const struct qh_location *b)
{
	if (a->function || b->function)
		return a->function && b->function &&
		       strcmp(a->function, b->function) == 0;
	return a->file && b->file && strcmp(a->file, b->file) == 0;
}

struct group {
	size_t first, count;
};

static int by_count(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return a->first < b->first ? -1 : a->first > b->first;
}

int qh_text_locations(struct qh_buf *b, const struct qh_check *c, bool all)
{
	size_t n = c->nlocations < MAX_GROUPED ? c->nlocations : MAX_GROUPED;
	struct group *g;
	size_t ng = 0, shown = 0;
	int rc = 0;

	if (all || c->nlocations <= TOP) {
		for (size_t i = 0; i < c->nlocations; i++) {
			rc |= location(b, &c->locations[i]);
			rc |= qh_buf_putc(b, '\n');
		}
		return rc ? -1 : 0;
	}
	g = calloc(n, sizeof(*g));
	if (!g)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < ng && !same_place(&c->locations[g[k].first],
					     &c->locations[i]))
			k++;
		if (k == ng)
			g[ng++].first = i;
		g[k].count++;
	}
	qsort(g, ng, sizeof(*g), by_count);
	for (size_t k = 0; k < ng && k < TOP; k++) {
		const struct qh_location *l = &c->locations[g[k].first];

		rc |= location(b, l);
		if (g[k].count > 1)
			rc |= qh_buf_printf(b, ", %zu more in it", g[k].count - 1);
		rc |= qh_buf_putc(b, '\n');
		shown += g[k].count;
	}
	if (shown < c->nlocations)
		rc |= qh_buf_printf(b, "      ... %zu more (--verbose lists "
				    "them, as does the JSON report)\n",
				    c->nlocations - shown);
	free(g);
	return rc ? -1 : 0;
}
