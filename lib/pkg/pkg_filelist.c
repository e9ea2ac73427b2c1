/* pkg_filelist.c - the files a package's metadata says it installs (an
 * .rpm's header, a .deb's md5sums), which its payload must then hold: how
 * a package whose payload lost its files is told from one that has none.
 * A hash index over the installed paths; each payload member marks its
 * entry as it comes.
 */
#include "pkg_internal.h"

#include <stdlib.h>
#include <string.h>

static uint64_t path_hash(const char *dir, const char *base)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (const char *s = dir; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	for (const char *s = base; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static const char *dir_of(const struct pkg_filelist *l, size_t i)
{
	return l->dirs ? l->dirs[i] : "";
}

static bool path_is(const char *path, const char *dir, const char *base)
{
	size_t dl = strlen(dir);

	return strncmp(path, dir, dl) == 0 && strcmp(path + dl, base) == 0;
}

int pkg_filelist_alloc(struct pkg_ctx *c, struct pkg_filelist *l, size_t n,
		       bool dirs)
{
	l->n = n;
	l->bases = calloc(n ? n : 1, sizeof(*l->bases));
	l->dirs = dirs ? calloc(n ? n : 1, sizeof(*l->dirs)) : NULL;
	l->state = calloc(n ? n : 1, 1);
	if (!l->bases || (dirs && !l->dirs) || !l->state)
		return pkg_fail(c, "out of memory");
	return 0;
}

int pkg_filelist_index(struct pkg_ctx *c, struct pkg_filelist *l)
{
	for (l->nslots = 16; l->nslots < 2 * l->n; l->nslots *= 2)
		;
	l->slots = calloc(l->nslots, sizeof(*l->slots));
	if (!l->slots)
		return pkg_fail(c, "out of memory");
	for (size_t i = 0; i < l->n; i++) {
		size_t s = path_hash(dir_of(l, i), l->bases[i]) & (l->nslots - 1);

		if (i % 65536 == 0 && pkg_check_time(c) < 0)
			return -1;
		if (!(l->state[i] & PKG_FILE_GHOST))
			l->expected++;
		while (l->slots[s])
			s = (s + 1) & (l->nslots - 1);
		l->slots[s] = (uint32_t)i + 1;
	}
	return 0;
}

int pkg_filelist_member(struct pkg_ctx *c, const char *path, bool file)
{
	struct pkg_filelist *l = c->files;
	size_t s = path_hash(path, "") & (l->nslots - 1);

	if (!file && !l->every_member)
		return 0; /* md5sums lists plain files only */
	for (; l->slots[s]; s = (s + 1) & (l->nslots - 1)) {
		size_t i = l->slots[s] - 1;

		if (!path_is(path, dir_of(l, i), l->bases[i]))
			continue;
		if (l->state[i] & PKG_FILE_SEEN)
			continue; /* a second entry of the same name */
		l->state[i] |= PKG_FILE_SEEN;
		if (!(l->state[i] & PKG_FILE_GHOST))
			l->seen++;
		return 0;
	}
	if (!l->every_member)
		return 0;
	return pkg_fail(c, "payload member %.300s is not in %s's file list (or "
			"comes twice)", path, l->source);
}

int pkg_filelist_finish(struct pkg_ctx *c, const char *payload)
{
	const struct pkg_filelist *l = c->files;

	if (l->seen == l->expected)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (!l->state[i])
			return pkg_fail(c, "truncated or incomplete: %s holds %zu "
					"of the %zu files %s lists; %.200s%.200s "
					"is missing", payload, l->seen,
					l->expected, l->source, dir_of(l, i),
					l->bases[i]);
	return pkg_fail(c, "%s holds %zu of the %zu files %s lists", payload,
			l->seen, l->expected, l->source);
}

void pkg_filelist_free(struct pkg_filelist *l)
{
	if (!l)
		return;
	free(l->dirs);
	free(l->bases);
	free(l->state);
	free(l->slots);
	free(l->names);
	free(l);
}
