/* devices_check.c - parse QEMU's help listings and diff them against the
 * profile's expectations (see devices_check.h). */
#include "devices_check.h"

#include <stdlib.h>
#include <string.h>

#include "strlist.h"

void qh_device_list_free(struct qh_device_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].alias);
		free(l->items[i].bus);
		free(l->items[i].category);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* The quoted value after `key "` in line (up to the closing quote). */
static char *quoted_after(const char *line, const char *key)
{
	const char *p = strstr(line, key), *end;

	if (!p)
		return NULL;
	p += strlen(key);
	end = strchr(p, '"');
	if (!end)
		return NULL;
	return strndup(p, (size_t)(end - p));
}

/* The unquoted value after ", bus " (up to the next comma). */
static char *bus_of(const char *line)
{
	const char *p = strstr(line, ", bus ");
	size_t len;

	if (!p)
		return NULL;
	p += 6;
	len = strcspn(p, ",");
	return strndup(p, len);
}

static char *dup_line(const char *s, size_t len)
{
	while (len && (s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	return strndup(s, len);
}

int qh_devices_parse_help(const char *text, struct qh_device_list *out,
			  struct qh_error *err)
{
	char *category = NULL;
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = dup_line(p, len);

		if (!line)
			goto nomem;
		if (strncmp(line, "name \"", 6) == 0) {
			struct qh_device *d;

			if (qh_array_reserve((void **)&out->items, &out->cap,
					     out->n + 1, sizeof(*out->items)) < 0) {
				free(line);
				goto nomem;
			}
			d = &out->items[out->n];
			memset(d, 0, sizeof(*d));
			d->name = quoted_after(line, "name \"");
			if (d->name && d->name[0]) {
				char *alias = quoted_after(line, ", alias \"");

				d->alias = alias;
				d->bus = bus_of(line);
				d->category = qh_strdup(category ? category : "");
				if (!d->category) {
					free(line);
					free(d->name);
					free(d->alias);
					free(d->bus);
					goto nomem;
				}
				out->n++;
			} else {
				free(d->name); /* a line we do not understand */
			}
		} else if (len > 1 && line[strlen(line) - 1] == ':' &&
			   line[0] != ' ') {
			free(category);
			category = strndup(line, strlen(line) - 1);
			if (!category) {
				free(line);
				goto nomem;
			}
		}
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
	free(category);
	return 0;
nomem:
	free(category);
	return qh_error_set(err, "out of memory");
}

size_t qh_device_list_count(const struct qh_device_list *l,
			    const char *skip_category)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!skip_category || strcmp(l->items[i].category, skip_category))
			n++;
	return n;
}

const struct qh_device *qh_device_list_find(const struct qh_device_list *l,
					    const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0 ||
		    (l->items[i].alias && strcmp(l->items[i].alias, name) == 0))
			return &l->items[i];
	return NULL;
}

static int push_name(char ***arr, size_t *n, size_t *cap, const char *s)
{
	if (qh_array_reserve((void **)arr, cap, *n + 2, sizeof(**arr)) < 0)
		return -1;
	if (!((*arr)[*n] = strdup(s)))
		return -1;
	(*arr)[++(*n)] = NULL;
	return 0;
}

static int finish_names(char ***arr)
{
	if (!*arr && !(*arr = calloc(1, sizeof(**arr))))
		return -1;
	return 0;
}

int qh_machines_parse_help(const char *text, char ***names, size_t *n,
			   struct qh_error *err)
{
	const char *p = text;
	bool listing = false;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	while (*p) {
		size_t len = strcspn(p, "\n");

		if (!listing) {
			listing = strncmp(p, "Supported machines are:", 23) == 0;
		} else if (len && p[0] != ' ') {
			size_t wl = strcspn(p, " \t\n");
			char *word = strndup(p, wl);

			if (!word || push_name(names, n, &cap, word) < 0) {
				free(word);
				goto nomem;
			}
			free(word);
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	if (finish_names(names) < 0)
		goto nomem;
	return 0;
nomem:
	qh_strv_free(*names);
	*names = NULL;
	return qh_error_set(err, "out of memory");
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

int qh_names_missing(const char *const *want, size_t nwant,
		     const char *const *have, size_t nhave, char ***missing,
		     size_t *nmissing, struct qh_error *err)
{
	size_t cap = 0;

	*missing = NULL;
	*nmissing = 0;
	for (size_t i = 0; i < nwant; i++)
		if (!in_list(have, nhave, want[i]) &&
		    !in_list((const char *const *)*missing, *nmissing, want[i]) &&
		    push_name(missing, nmissing, &cap, want[i]) < 0)
			goto nomem;
	if (finish_names(missing) < 0)
		goto nomem;
	qsort(*missing, *nmissing, sizeof(**missing), qh_strcmp_ptr);
	return 0;
nomem:
	qh_strv_free(*missing);
	*missing = NULL;
	return qh_error_set(err, "out of memory");
}

int qh_devices_compare(const struct qh_device_list *present,
		       const char *skip_category,
		       const char *const *allowed, size_t nallowed,
		       const char *const *required, size_t nrequired,
		       struct qh_devices_diff *out, struct qh_error *err)
{
	size_t ecap = 0, mcap = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < present->n; i++) {
		const struct qh_device *d = &present->items[i];

		if (skip_category && strcmp(d->category, skip_category) == 0)
			continue;
		if (in_list(allowed, nallowed, d->name) ||
		    (d->alias && in_list(allowed, nallowed, d->alias)))
			continue;
		if (push_name(&out->extra, &out->nextra, &ecap, d->name) < 0)
			goto nomem;
	}
	for (size_t i = 0; i < nrequired; i++)
		if (!qh_device_list_find(present, required[i]) &&
		    push_name(&out->missing, &out->nmissing, &mcap,
			      required[i]) < 0)
			goto nomem;
	if (finish_names(&out->extra) < 0 || finish_names(&out->missing) < 0)
		goto nomem;
	qsort(out->extra, out->nextra, sizeof(char *), qh_strcmp_ptr);
	qsort(out->missing, out->nmissing, sizeof(char *), qh_strcmp_ptr);
	return 0;
nomem:
	qh_devices_diff_free(out);
	return qh_error_set(err, "out of memory");
}

void qh_devices_diff_free(struct qh_devices_diff *d)
{
	if (!d)
		return;
	qh_strv_free(d->extra);
	qh_strv_free(d->missing);
	memset(d, 0, sizeof(*d));
}
