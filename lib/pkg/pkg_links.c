/* pkg_links.c - hard links in a payload, so that each name of a linked
 * file is judged with its bytes under its own path rules.
 *
 * A tar stores the bytes with the first name and later names as links to
 * it ("hardlink" members without bytes); the bytes came before the link,
 * so the archive is read a second time for them, and each link takes the
 * bytes its target had at the link's position (a target written again
 * later does not change them; when it was written more than once before,
 * the link is judged with each version). An rpm's cpio (newc) stores the
 * names first, without bytes, and the bytes with the last name, whose
 * libarchive entry links to the first: those names get the bytes in the
 * same pass.
 *
 * Only waiting links are kept, with their names; the names kept are held
 * to a budget so that a package of links cannot take the memory.
 */
#include "pkg_internal.h"

#include <stdlib.h>
#include <string.h>

#define LINKS_MAX_BYTES ((size_t)64 << 20)

struct link_group {
	char *root;         /* the target every name links to */
	char **names;       /* names waiting for its bytes, archive order */
	uint64_t *index;    /* each name's member index */
	bool *root_before;  /* second pass: the target came before it */
	size_t n, names_cap, index_cap;
	bool first;         /* cpio: the root is a name without bytes too */
	bool done;          /* the bytes came (first pass) */
};

struct slot {
	const char *key;
	size_t group;
};

struct strmap {
	struct slot *v;
	size_t cap, n;
};

struct pkg_links {
	struct link_group *groups;
	size_t ngroups, cap;
	struct strmap by_root, by_name;
	size_t bytes;
	const char **out;
	size_t out_cap;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static struct slot *map_find(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t s = str_hash(key) & (m->cap - 1); m->v[s].key;
	     s = (s + 1) & (m->cap - 1))
		if (strcmp(m->v[s].key, key) == 0)
			return &m->v[s];
	return NULL;
}

static int map_put(struct strmap *m, const char *key, size_t group)
{
	struct slot *slot;

	if (2 * (m->n + 1) > m->cap) {
		size_t ncap = m->cap ? 2 * m->cap : 64;
		struct slot *nv = calloc(ncap, sizeof(*nv));

		if (!nv)
			return -1;
		for (size_t i = 0; i < m->cap; i++) {
			size_t s;

			if (!m->v[i].key)
				continue;
			for (s = str_hash(m->v[i].key) & (ncap - 1); nv[s].key;
			     s = (s + 1) & (ncap - 1))
				;
			nv[s] = m->v[i];
		}
		free(m->v);
		m->v = nv;
		m->cap = ncap;
	}
	if ((slot = map_find(m, key))) {
		slot->group = group;
		return 0;
	}
	for (size_t s = str_hash(key) & (m->cap - 1);; s = (s + 1) & (m->cap - 1))
		if (!m->v[s].key) {
			m->v[s] = (struct slot){ key, group };
			m->n++;
			return 0;
		}
}

struct pkg_links *pkg_links_new(void)
{
	return calloc(1, sizeof(struct pkg_links));
}

void pkg_links_free(struct pkg_links *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->ngroups; i++) {
		struct link_group *g = &l->groups[i];

		for (size_t k = 0; k < g->n; k++)
			free(g->names[k]);
		free(g->names);
		free(g->index);
		free(g->root_before);
		free(g->root);
	}
	free(l->groups);
	free(l->by_root.v);
	free(l->by_name.v);
	free(l->out);
	free(l);
}

static int budget(struct pkg_links *l, const char *s, struct qh_error *err)
{
	l->bytes += strlen(s) + 1 + sizeof(struct slot) + 2 * sizeof(void *);
	if (l->bytes > LINKS_MAX_BYTES)
		return qh_error_set(err, "more hard links than qhard keeps track "
				    "of (%zu MiB of their names)",
				    LINKS_MAX_BYTES >> 20);
	return 0;
}

/* The group of links to `root`, made when new; SIZE_MAX on ENOMEM. */
static size_t group_of(struct pkg_links *l, const char *root,
		       struct qh_error *err)
{
	struct slot *s = map_find(&l->by_root, root);
	struct link_group *g;

	if (s)
		return s->group;
	if (budget(l, root, err) < 0)
		return SIZE_MAX;
	if (qh_array_reserve((void **)&l->groups, &l->cap, l->ngroups + 1,
			     sizeof(*l->groups)) < 0)
		goto oom;
	g = &l->groups[l->ngroups];
	memset(g, 0, sizeof(*g));
	if (!(g->root = strdup(root)))
		goto oom;
	if (map_put(&l->by_root, g->root, l->ngroups) < 0) {
		free(g->root);
		goto oom;
	}
	return l->ngroups++;
oom:
	qh_error_set(err, "out of memory");
	return SIZE_MAX;
}

int pkg_links_add(struct pkg_links *l, const char *name, const char *target,
		  uint64_t index, struct qh_error *err)
{
	/* a link to a waiting link shares its target */
	struct slot *chain = map_find(&l->by_name, target);
	size_t gi = chain ? chain->group : group_of(l, target, err);
	struct link_group *g;

	if (gi == SIZE_MAX || budget(l, name, err) < 0)
		return -1;
	g = &l->groups[gi];
	if (g->done)
		return qh_error_set(err, "hard link %.300s to %.300s comes after "
				    "the member that carried its bytes", name,
				    target);
	if (qh_array_reserve((void **)&g->names, &g->names_cap, g->n + 1,
			     sizeof(*g->names)) < 0 ||
	    qh_array_reserve((void **)&g->index, &g->index_cap, g->n + 1,
			     sizeof(*g->index)) < 0 ||
	    !(g->names[g->n] = strdup(name)))
		return qh_error_set(err, "out of memory");
	/* root_before is allocated with the second pass's first use */
	g->index[g->n] = index;
	if (map_put(&l->by_name, g->names[g->n], gi) < 0) {
		free(g->names[g->n]);
		return qh_error_set(err, "out of memory");
	}
	g->n++;
	return 0;
}

int pkg_links_add_first(struct pkg_links *l, const char *name,
			struct qh_error *err)
{
	size_t gi = group_of(l, name, err);

	if (gi == SIZE_MAX)
		return -1;
	l->groups[gi].first = true;
	return 0;
}

static int out_list(struct pkg_links *l, size_t need, struct qh_error *err)
{
	if (qh_array_reserve((void **)&l->out, &l->out_cap, need ? need : 1,
			     sizeof(*l->out)) < 0)
		return qh_error_set(err, "out of memory");
	return 0;
}

int pkg_links_take(struct pkg_links *l, const char *target,
		   const char *const **names, size_t *n, struct qh_error *err)
{
	struct slot *s = map_find(&l->by_root, target);
	struct link_group *g;

	*n = 0;
	*names = NULL;
	if (!s || l->groups[s->group].done)
		return 0;
	g = &l->groups[s->group];
	g->done = true;
	if (out_list(l, g->n + 1, err) < 0)
		return -1;
	if (g->first)
		l->out[(*n)++] = g->root;
	for (size_t i = 0; i < g->n; i++)
		l->out[(*n)++] = g->names[i];
	*names = l->out;
	return 0;
}

int pkg_links_after(struct pkg_links *l, const char *name, uint64_t index,
		    const char *const **names, size_t *n,
		    struct qh_error *err)
{
	struct slot *s = map_find(&l->by_root, name);
	struct link_group *g;

	*n = 0;
	*names = NULL;
	if (!s || l->groups[s->group].done || l->groups[s->group].first)
		return 0;
	g = &l->groups[s->group];
	if (!g->root_before && !(g->root_before = calloc(g->n ? g->n : 1,
							  sizeof(bool))))
		return qh_error_set(err, "out of memory");
	if (out_list(l, g->n, err) < 0)
		return -1;
	for (size_t i = 0; i < g->n; i++)
		if (g->index[i] > index) {
			g->root_before[i] = true;
			l->out[(*n)++] = g->names[i];
		}
	*names = l->out;
	return 0;
}

bool pkg_links_pending(const struct pkg_links *l)
{
	for (size_t i = 0; i < l->ngroups; i++)
		if (!l->groups[i].done && !l->groups[i].first)
			return true;
	return false;
}

int pkg_links_finish(const struct pkg_links *l, struct qh_error *err)
{
	for (size_t i = 0; i < l->ngroups; i++) {
		const struct link_group *g = &l->groups[i];

		if (g->done || g->first)
			continue;
		for (size_t k = 0; k < g->n; k++)
			if (!g->root_before || !g->root_before[k])
				return qh_error_set(err, "hard link %.300s: its "
						    "target %.300s is not before "
						    "it in the package",
						    g->names[k], g->root);
	}
	return 0;
}
