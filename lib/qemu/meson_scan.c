/* meson_scan.c - CONFIG symbol -> source files, from meson.build source
 * sets. A tokenizer plus a statement matcher: we read the few statement
 * shapes QEMU uses for source sets and skip everything else. */
#include "meson_scan.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_tree.h" /* qh_tree_read_text */

#define MS_MAX_FILE (4u << 20)
#define MS_MAX_DEPTH 32
/* QEMU 7.2 has ~10k; a list built from itself line after line
 * (`a = files(a, a)`) would otherwise double with each line */
#define MS_MAX_ENTRIES (1u << 20)
#define MS_MAX_IF 64
/* QEMU 7.2 has ~600 meson.build files; directory symlinks could otherwise
 * make a tree of distinct paths that grows with each level */
#define MS_MAX_FILES 4096u

struct cond {
	struct qh_strlist syms; /* conjunction of CONFIG_ symbols */
};

struct entry {
	char *file;
	int set;
	struct cond block; /* enclosing if has_key(...) */
	struct cond when;
	bool negate;       /* if_false: compiled when `when` is false */
};

struct edge {
	int child, parent;
	struct cond block, when;
};

struct named_files {
	char *name;
	struct qh_strlist files;
};

struct qh_meson_scan {
	char *root;
	struct qh_rootfs *tree;  /* every file is read through it */
	struct qh_file_ids read; /* (dev, inode) of the files read */
	char *only;
	struct qh_strlist sets;
	struct entry *entries;
	size_t nentries, entries_cap;
	struct edge *edges;
	size_t nedges, edges_cap;
	struct named_files *nf;
	size_t nnf, nf_cap;
	struct qh_strlist seen; /* meson.build files read */
	struct qh_strlist diags;
	int depth;
	bool too_many; /* MS_MAX_ENTRIES reached: an error, not ENOMEM */
	bool too_many_files; /* MS_MAX_FILES reached: an error too */
	bool unreadable_file; /* a meson.build that is there but cannot be
				 read (a FIFO, a link out of the tree...) */
	struct qh_error unreadable; /* ...and the subdir() that led to it */
};

enum mtok { M_EOF, M_NL, M_ID, M_STR, M_PUNCT };

struct tok {
	enum mtok t;
	char *s;       /* ID / STR text (owned), PUNCT: one char */
	char c;
	unsigned line;
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

static void toks_free(struct toks *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		free(ts->v[i].s);
	free(ts->v);
	ts->v = NULL;
	ts->n = ts->cap = 0;
}

static int push_tok(struct toks *ts, enum mtok t, const char *s, size_t n,
		    char c, unsigned line)
{
	struct tok *k;

	if (qh_array_reserve((void **)&ts->v, &ts->cap, ts->n + 1, sizeof(*ts->v)) < 0)
		return -1;
	k = &ts->v[ts->n];
	k->t = t;
	k->c = c;
	k->line = line;
	k->s = NULL;
	if (s && !(k->s = strndup(s, n)))
		return -1;
	ts->n++;
	return 0;
}

/* Newlines inside (), [] or {} do not end a statement. */
static int tokenize(const char *src, size_t len, struct toks *ts)
{
	unsigned line = 1;
	int depth = 0;
	size_t i = 0;

	while (i < len) {
		char c = src[i];

		if (c == '\n') {
			if (depth == 0 && push_tok(ts, M_NL, NULL, 0, 0, line) < 0)
				return -1;
			line++;
			i++;
		} else if (c == '#') {
			while (i < len && src[i] != '\n')
				i++;
		} else if (isspace((unsigned char)c)) {
			i++;
		} else if (c == '\'' || ((c == 'f') && i + 1 < len && src[i + 1] == '\'')) {
			size_t s;
			bool triple;

			if (c == 'f')
				i++;
			triple = i + 2 < len && src[i + 1] == '\'' && src[i + 2] == '\'';
			i += triple ? 3 : 1;
			s = i;
			while (i < len) {
				if (src[i] == '\\' && i + 1 < len) {
					i += 2;
					continue;
				}
				if (src[i] == '\n')
					line++;
				if (triple ? (i + 2 < len && src[i] == '\'' && src[i + 1] == '\'' &&
					      src[i + 2] == '\'')
					   : src[i] == '\'')
					break;
				if (!triple && src[i] == '\n')
					break;
				i++;
			}
			if (push_tok(ts, M_STR, src + s, i - s, 0, line) < 0)
				return -1;
			i += triple ? 3 : 1;
		} else if (isalpha((unsigned char)c) || c == '_') {
			size_t s = i;

			while (i < len && (isalnum((unsigned char)src[i]) || src[i] == '_'))
				i++;
			if (push_tok(ts, M_ID, src + s, i - s, 0, line) < 0)
				return -1;
		} else {
			if (c == '(' || c == '[' || c == '{')
				depth++;
			else if ((c == ')' || c == ']' || c == '}') && depth > 0)
				depth--;
			if (push_tok(ts, M_PUNCT, NULL, 0, c, line) < 0)
				return -1;
			i++;
		}
	}
	return push_tok(ts, M_NL, NULL, 0, 0, line) < 0 ||
	       push_tok(ts, M_EOF, NULL, 0, 0, line) < 0 ? -1 : 0;
}

static bool is_id(const struct tok *k, const char *s)
{
	return k->t == M_ID && strcmp(k->s, s) == 0;
}

static bool is_p(const struct tok *k, char c)
{
	return k->t == M_PUNCT && k->c == c;
}

/* Meson variables can be reassigned (hw/s390x has its own virtio_ss): the
 * latest `X = ss.source_set()` is the set X names from then on. */
static int set_index(struct qh_meson_scan *ms, const char *name, bool create)
{
	if (!create) {
		for (size_t i = ms->sets.n; i-- > 0;)
			if (strcmp(ms->sets.items[i], name) == 0)
				return (int)i;
		return -1;
	}
	if (qh_strlist_add(&ms->sets, name) < 0)
		return -1;
	return (int)ms->sets.n - 1;
}

/* hw_arch += {'i386': i386_ss}: the set only counts for that target
 * architecture; modelled as an edge to the root that needs "ARCH_i386". */
static int add_arch_edge(struct qh_meson_scan *ms, const char *set,
			 const char *arch)
{
	struct edge *ed;
	int child = set_index(ms, set, false);

	if (child < 0)
		return 0;
	if (qh_array_reserve((void **)&ms->edges, &ms->edges_cap,
			     ms->nedges + 1, sizeof(*ms->edges)) < 0)
		return -1;
	ed = &ms->edges[ms->nedges];
	memset(ed, 0, sizeof(*ed));
	ed->child = child;
	ed->parent = -1;
	if (qh_strlist_addf(&ed->when.syms, "ARCH_%s", arch) < 0)
		return -1;
	ms->nedges++;
	return 0;
}

static struct named_files *find_nf(struct qh_meson_scan *ms, const char *name)
{
	for (size_t i = 0; i < ms->nnf; i++)
		if (strcmp(ms->nf[i].name, name) == 0)
			return &ms->nf[i];
	return NULL;
}

static int cond_copy(struct cond *dst, const struct cond *src)
{
	for (size_t i = 0; i < src->syms.n; i++)
		if (qh_strlist_add(&dst->syms, src->syms.items[i]) < 0)
			return -1;
	return 0;
}

/* Range [b, e) of one argument's value tokens. */
static int read_when(const struct toks *ts, size_t b, size_t e, struct cond *c)
{
	for (size_t i = b; i < e; i++)
		if (ts->v[i].t == M_STR && strncmp(ts->v[i].s, "CONFIG_", 7) == 0 &&
		    qh_strlist_add(&c->syms, ts->v[i].s) < 0)
			return -1;
	return 0;
}

static char *join_path(const char *dir, const char *name)
{
	struct qh_buf b = QH_BUF_INIT;

	if (dir && *dir)
		qh_buf_printf(&b, "%s/%s", dir, name);
	else
		qh_buf_puts(&b, name);
	return b.data ? qh_buf_detach(&b) : NULL;
}

/* files('a.c', 'b.c') and named file lists inside [b, e) */
static int read_files(struct qh_meson_scan *ms, const struct toks *ts, size_t b,
		      size_t e, const char *dir, struct qh_strlist *files,
		      struct qh_strlist *sets)
{
	for (size_t i = b; i < e; i++) {
		const struct tok *k = &ts->v[i];

		if (is_id(k, "files") && i + 1 < e && is_p(&ts->v[i + 1], '(')) {
			size_t j = i + 2;

			for (; j < e && !is_p(&ts->v[j], ')'); j++)
				if (ts->v[j].t == M_STR) {
					char *p = join_path(dir, ts->v[j].s);

					/* a file is compiled once however often
					 * it is listed */
					if (!p || (!qh_strlist_has(files, p) &&
						   qh_strlist_add(files, p) < 0)) {
						free(p);
						return -1;
					}
					free(p);
				}
			i = j;
		} else if (k->t == M_ID && (i == 0 || !is_p(&ts->v[i - 1], '.'))) {
			struct named_files *nf = find_nf(ms, k->s);

			if (nf) {
				for (size_t f = 0; f < nf->files.n; f++)
					if (!qh_strlist_has(files, nf->files.items[f]) &&
					    qh_strlist_add(files, nf->files.items[f]) < 0)
						return -1;
			} else if (sets && set_index(ms, k->s, false) >= 0) {
				if (qh_strlist_add(sets, k->s) < 0)
					return -1;
			}
		}
	}
	return 0;
}

static int add_entries(struct qh_meson_scan *ms, int set, const struct cond *block,
		       const struct cond *when, bool negate,
		       const struct qh_strlist *files)
{
	for (size_t i = 0; i < files->n; i++) {
		struct entry *en;

		if (ms->nentries >= MS_MAX_ENTRIES) {
			ms->too_many = true;
			return -1;
		}
		if (qh_array_reserve((void **)&ms->entries, &ms->entries_cap,
				     ms->nentries + 1, sizeof(*ms->entries)) < 0)
			return -1;
		en = &ms->entries[ms->nentries];
		memset(en, 0, sizeof(*en));
		en->file = qh_strdup(files->items[i]);
		en->set = set;
		en->negate = negate;
		if (!en->file || cond_copy(&en->block, block) < 0 ||
		    cond_copy(&en->when, when) < 0)
			return -1;
		ms->nentries++;
	}
	return 0;
}

static void cond_free(struct cond *c)
{
	qh_strlist_free(&c->syms);
}

/* X.add(...) / X.add_all(...) over tokens [b, e) = the inside of the parens */
static int do_add(struct qh_meson_scan *ms, const struct toks *ts, int set,
		  bool all, size_t b, size_t e, const char *dir,
		  const struct cond *block)
{
	struct cond when = { { 0 } };
	struct qh_strlist t_files = { 0 }, f_files = { 0 }, t_sets = { 0 };
	size_t i = b;
	int rc = -1;

	while (i < e) {
		size_t s = i;
		int depth = 0;
		bool kw_when = false, kw_false = false;

		while (i < e && !(depth == 0 && is_p(&ts->v[i], ','))) {
			if (is_p(&ts->v[i], '(') || is_p(&ts->v[i], '['))
				depth++;
			else if (is_p(&ts->v[i], ')') || is_p(&ts->v[i], ']'))
				depth--;
			i++;
		}
		if (s + 1 < i && ts->v[s].t == M_ID && is_p(&ts->v[s + 1], ':')) {
			kw_when = is_id(&ts->v[s], "when");
			kw_false = is_id(&ts->v[s], "if_false");
			s += 2;
		}
		if (kw_when) {
			if (read_when(ts, s, i, &when) < 0)
				goto out;
		} else if (read_files(ms, ts, s, i, dir, kw_false ? &f_files : &t_files,
				      all && !kw_false ? &t_sets : NULL) < 0) {
			goto out;
		}
		i++; /* the comma */
	}
	if (add_entries(ms, set, block, &when, false, &t_files) < 0 ||
	    add_entries(ms, set, block, &when, true, &f_files) < 0)
		goto out;
	for (size_t k = 0; k < t_sets.n; k++) {
		struct edge *ed;

		if (qh_array_reserve((void **)&ms->edges, &ms->edges_cap,
				     ms->nedges + 1, sizeof(*ms->edges)) < 0)
			goto out;
		ed = &ms->edges[ms->nedges];
		memset(ed, 0, sizeof(*ed));
		ed->child = set_index(ms, t_sets.items[k], false);
		ed->parent = set;
		if (cond_copy(&ed->block, block) < 0 || cond_copy(&ed->when, &when) < 0)
			goto out;
		ms->nedges++;
	}
	rc = 0;
out:
	cond_free(&when);
	qh_strlist_free(&t_files);
	qh_strlist_free(&f_files);
	qh_strlist_free(&t_sets);
	return rc;
}

static int scan_text(struct qh_meson_scan *ms, const char *relpath,
		     const char *text, size_t len);

/* meson itself refuses ".." and entering a directory twice;
 * "." or "a//b" would give the same meson.build a new name each time. */
static bool plain_subdir(const char *sub)
{
	const char *c = sub;

	if (!*sub || *sub == '/')
		return false;
	while (*c) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false; /* trailing slash */
	}
	return true;
}

/* A limit reached anywhere below ends the whole scan, and so does a
 * meson.build that is there but cannot be read (the sets it defines would
 * be missing); a missing subdir is a diagnostic and the scan goes on. */
static int do_subdir(struct qh_meson_scan *ms, const char *dir, const char *sub)
{
	struct qh_error err = { { 0 } };
	struct qh_buf p = QH_BUF_INIT;
	char *d;
	int rc = 0;

	if (!plain_subdir(sub)) {
		return qh_strlist_addf(&ms->diags, "%s: subdir('%s') is not a plain "
				       "relative path: skipped", dir && *dir ? dir : ".",
				       sub) < 0 ? -1 : 0;
	}
	d = join_path(dir, sub);
	if (!d)
		return -1;
	if (ms->only && strncmp(d, ms->only, strlen(ms->only)) != 0) {
		free(d);
		return 0;
	}
	qh_buf_printf(&p, "%s/meson.build", d);
	rc = p.data ? qh_meson_scan_file(ms, p.data, &err) : -1;
	qh_buf_free(&p);
	free(d);
	if (rc < 0 && (ms->too_many || ms->too_many_files || !err.msg[0]))
		return -1;
	if (rc < 0 && ms->unreadable_file) {
		if (!ms->unreadable.msg[0])
			qh_error_set(&ms->unreadable, "%s: subdir('%s'): %s",
				     dir && *dir ? dir : ".", sub, err.msg);
		return -1;
	}
	if (rc < 0 && qh_strlist_addf(&ms->diags, "%s: subdir('%s'): %s",
				      dir && *dir ? dir : ".", sub, err.msg) < 0)
		return -1;
	return 0;
}

static int scan_text(struct qh_meson_scan *ms, const char *relpath,
		     const char *text, size_t len)
{
	struct toks ts = { 0 };
	struct cond ifs[MS_MAX_IF];
	int nif = 0, rc = -1;
	char *dir = qh_strdup(relpath), *slash;
	size_t i = 0;

	memset(ifs, 0, sizeof(ifs));
	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	if (tokenize(text, len, &ts) < 0)
		goto out;
	while (i < ts.n && ts.v[i].t != M_EOF) {
		size_t s = i, e;
		struct cond block = { { 0 } };

		while (i < ts.n && ts.v[i].t != M_NL && ts.v[i].t != M_EOF)
			i++;
		e = i;
		if (i < ts.n && ts.v[i].t == M_NL)
			i++;
		if (s == e)
			continue;
		/* the block condition = every enclosing if has_key() */
		for (int k = 0; k < nif; k++)
			if (cond_copy(&block, &ifs[k]) < 0)
				goto out;
		if (is_id(&ts.v[s], "if") || is_id(&ts.v[s], "elif") ||
		    is_id(&ts.v[s], "else")) {
			struct cond c = { { 0 } };
			size_t nkeys = 0;
			bool complex = false;

			for (size_t k = s + 1; k < e; k++) {
				if (is_id(&ts.v[k], "has_key") && k + 2 < e &&
				    ts.v[k + 2].t == M_STR) {
					nkeys++;
					if (qh_strlist_add(&c.syms, ts.v[k + 2].s) < 0)
						goto out;
				}
				if (is_id(&ts.v[k], "or") || is_id(&ts.v[k], "not"))
					complex = true;
			}
			/* only a plain `if has_key('CONFIG_X')` narrows the
			 * block; elif/else/or/not are taken as "maybe" */
			if (complex || nkeys == 0 || !is_id(&ts.v[s], "if"))
				cond_free(&c);
			if (is_id(&ts.v[s], "if")) {
				if (nif >= MS_MAX_IF) {
					qh_strlist_addf(&ms->diags, "%s:%u: if nested too deeply",
							relpath, ts.v[s].line);
					cond_free(&c);
				} else {
					ifs[nif++] = c;
				}
			} else if (nif > 0) {
				cond_free(&ifs[nif - 1]);
			}
		} else if (is_id(&ts.v[s], "endif")) {
			if (nif > 0)
				cond_free(&ifs[--nif]);
		} else if (is_id(&ts.v[s], "subdir") && e - s >= 4 &&
			   ts.v[s + 2].t == M_STR) {
			if (do_subdir(ms, dir, ts.v[s + 2].s) < 0)
				goto out;
		} else if (ts.v[s].t == M_ID && e - s >= 6 && is_p(&ts.v[s + 1], '=') &&
			   is_id(&ts.v[s + 4], "source_set")) {
			if (set_index(ms, ts.v[s].s, true) < 0)
				goto out;
		} else if (ts.v[s].t == M_ID && e - s >= 8 && is_p(&ts.v[s + 1], '+') &&
			   is_p(&ts.v[s + 2], '=') && is_p(&ts.v[s + 3], '{') &&
			   strstr(ts.v[s].s, "arch")) {
			for (size_t k = s + 4; k + 2 < e; k++)
				if (ts.v[k].t == M_STR && is_p(&ts.v[k + 1], ':') &&
				    ts.v[k + 2].t == M_ID &&
				    add_arch_edge(ms, ts.v[k + 2].s, ts.v[k].s) < 0)
					goto out;
		} else if (ts.v[s].t == M_ID && e - s >= 4 && is_p(&ts.v[s + 1], '=') &&
			   is_id(&ts.v[s + 2], "files")) {
			struct named_files *nf;

			if (qh_array_reserve((void **)&ms->nf, &ms->nf_cap, ms->nnf + 1,
					     sizeof(*ms->nf)) < 0)
				goto out;
			nf = &ms->nf[ms->nnf++];
			memset(nf, 0, sizeof(*nf));
			nf->name = qh_strdup(ts.v[s].s);
			if (!nf->name || read_files(ms, &ts, s + 2, e, dir, &nf->files, NULL) < 0)
				goto out;
		} else if (ts.v[s].t == M_ID && e - s >= 4 && is_p(&ts.v[s + 1], '.') &&
			   (is_id(&ts.v[s + 2], "add") || is_id(&ts.v[s + 2], "add_all")) &&
			   is_p(&ts.v[s + 3], '(')) {
			int set = set_index(ms, ts.v[s].s, false);
			size_t close = e;

			while (close > s + 3 && !is_p(&ts.v[close - 1], ')'))
				close--;
			if (set < 0) {
				/* .add() on something that is not a source set
				 * (e.g. a configuration_data): not ours */
			} else if (close <= s + 4) {
				qh_strlist_addf(&ms->diags, "%s:%u: cannot read %s.%s(...)",
						relpath, ts.v[s].line, ts.v[s].s, ts.v[s + 2].s);
			} else if (do_add(ms, &ts, set, is_id(&ts.v[s + 2], "add_all"),
					  s + 4, close - 1, dir, &block) < 0) {
				cond_free(&block);
				goto out;
			}
		}
		cond_free(&block);
	}
	rc = 0;
out:
	while (nif > 0)
		cond_free(&ifs[--nif]);
	toks_free(&ts);
	free(dir);
	return rc;
}

/* Set where the limit is hit and again by each file above it on the way
 * out, so the caller of the top-level scan gets it. */
static int files_limit_error(struct qh_error *err)
{
	return qh_error_set(err, "more than %u meson.build files: not a tree "
			    "qhard can follow", MS_MAX_FILES);
}

int qh_meson_scan_file(struct qh_meson_scan *ms, const char *relpath,
		       struct qh_error *err)
{
	size_t len = 0;
	char *text;
	int rc;

	if (qh_strlist_has(&ms->seen, relpath))
		return 0;
	if (ms->depth >= MS_MAX_DEPTH)
		return qh_error_set(err, "%s: subdir nesting too deep", relpath);
	if (ms->seen.n >= MS_MAX_FILES) {
		ms->too_many_files = true;
		return files_limit_error(err);
	}
	if (qh_strlist_add(&ms->seen, relpath) < 0)
		return qh_error_set(err, "out of memory");
	/* a directory symlink (hw/x -> .) leads to a file read already */
	rc = qh_tree_read_text(ms->tree, relpath, MS_MAX_FILE, &ms->read, &text,
			       &len, err);
	if (rc == EEXIST)
		return 0;
	if (rc && rc != ENOENT && rc != ENOTDIR && rc != ENOMEM)
		ms->unreadable_file = true;
	if (rc)
		return rc == ENOMEM ? -1 : qh_error_prefix(err, "%s/", ms->root);
	ms->depth++;
	rc = scan_text(ms, relpath, text, len);
	ms->depth--;
	free(text);
	if (rc < 0 && ms->too_many)
		return qh_error_set(err, "%s: more than %u source entries: not a "
				    "meson.build qhard can follow", relpath,
				    MS_MAX_ENTRIES);
	if (rc < 0 && ms->too_many_files)
		return files_limit_error(err);
	if (rc < 0 && ms->unreadable.msg[0])
		return qh_error_set(err, "%s", ms->unreadable.msg);
	if (rc < 0)
		return qh_error_set(err, "out of memory");
	return 0;
}

struct qh_meson_scan *qh_meson_scan_tree(const char *root, const char *only,
					 struct qh_error *err)
{
	struct qh_meson_scan *ms = calloc(1, sizeof(*ms));

	if (!ms || !(ms->root = qh_strdup(root)) ||
	    (only && !(ms->only = qh_strdup(only)))) {
		qh_meson_scan_free(ms);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	ms->tree = qh_rootfs_open_tree(root, err);
	if (!ms->tree) {
		qh_meson_scan_free(ms);
		return NULL;
	}
	/* The root file defines the top-level sets and subdir()s the rest. */
	if (qh_meson_scan_file(ms, "meson.build", err) < 0) {
		qh_meson_scan_free(ms);
		return NULL;
	}
	return ms;
}

void qh_meson_scan_free(struct qh_meson_scan *ms)
{
	if (!ms)
		return;
	for (size_t i = 0; i < ms->nentries; i++) {
		free(ms->entries[i].file);
		cond_free(&ms->entries[i].block);
		cond_free(&ms->entries[i].when);
	}
	for (size_t i = 0; i < ms->nedges; i++) {
		cond_free(&ms->edges[i].block);
		cond_free(&ms->edges[i].when);
	}
	for (size_t i = 0; i < ms->nnf; i++) {
		free(ms->nf[i].name);
		qh_strlist_free(&ms->nf[i].files);
	}
	free(ms->nf);
	free(ms->entries);
	free(ms->edges);
	qh_strlist_free(&ms->sets);
	qh_strlist_free(&ms->seen);
	qh_strlist_free(&ms->diags);
	qh_rootfs_free(ms->tree);
	qh_file_ids_free(&ms->read);
	free(ms->root);
	free(ms->only);
	free(ms);
}

size_t qh_meson_ndiags(const struct qh_meson_scan *ms)
{
	return ms->diags.n;
}

const char *qh_meson_diag(const struct qh_meson_scan *ms, size_t i)
{
	return i < ms->diags.n ? ms->diags.items[i] : NULL;
}

static bool cond_true(const struct cond *c, qh_meson_sym_fn f, void *ctx)
{
	for (size_t i = 0; i < c->syms.n; i++)
		if (!f(c->syms.items[i], ctx))
			return false;
	return true;
}

/* active[set]: -1 unknown, 0, 1, 2 = being computed (cycle: inactive) */
static int set_active(const struct qh_meson_scan *ms, int set, signed char *active,
		      qh_meson_sym_fn f, void *ctx)
{
	bool has_parent = false, on = false;

	if (active[set] >= 0)
		return active[set] == 1;
	active[set] = 2;
	for (size_t i = 0; i < ms->nedges && !on; i++) {
		const struct edge *e = &ms->edges[i];

		if (e->child != set)
			continue;
		has_parent = true;
		if (cond_true(&e->block, f, ctx) && cond_true(&e->when, f, ctx) &&
		    (e->parent < 0 || set_active(ms, e->parent, active, f, ctx) == 1))
			on = true;
	}
	/* a set never add_all()ed anywhere is a top-level one */
	active[set] = (!has_parent || on) ? 1 : 0;
	return active[set];
}

static bool entry_conditional(const struct qh_meson_scan *ms, const struct entry *en)
{
	if (en->block.syms.n || en->when.syms.n)
		return true;
	for (size_t i = 0; i < ms->nedges; i++)
		if (ms->edges[i].child == en->set &&
		    (ms->edges[i].when.syms.n || ms->edges[i].block.syms.n))
			return true;
	return false;
}

int qh_meson_compiled(const struct qh_meson_scan *ms, qh_meson_sym_fn is_true,
		      void *ctx, const char *prefix, bool conditional_only,
		      struct qh_strlist *out)
{
	signed char *active = malloc(ms->sets.n + 1);

	if (!active)
		return -1;
	memset(active, -1, ms->sets.n + 1);
	for (size_t i = 0; i < ms->nentries; i++) {
		const struct entry *en = &ms->entries[i];
		bool w;

		if (prefix && strncmp(en->file, prefix, strlen(prefix)) != 0)
			continue;
		if (conditional_only && !entry_conditional(ms, en))
			continue;
		if (!cond_true(&en->block, is_true, ctx))
			continue;
		w = cond_true(&en->when, is_true, ctx);
		if (en->negate ? w : !w)
			continue;
		if (!set_active(ms, en->set, active, is_true, ctx))
			continue;
		if (qh_strlist_add(out, en->file) < 0) {
			free(active);
			return -1;
		}
	}
	free(active);
	qh_strlist_sort(out);
	return 0;
}

int qh_meson_all_files(const struct qh_meson_scan *ms, struct qh_strlist *out)
{
	for (size_t i = 0; i < ms->nentries; i++)
		if (qh_strlist_add(out, ms->entries[i].file) < 0)
			return -1;
	qh_strlist_sort(out);
	return 0;
}

static int add_set_chain(const struct qh_meson_scan *ms, int set,
			 struct qh_strlist *out, int depth)
{
	if (depth > 32)
		return 0;
	for (size_t i = 0; i < ms->nedges; i++) {
		const struct edge *e = &ms->edges[i];

		if (e->child != set)
			continue;
		for (size_t k = 0; k < e->block.syms.n; k++)
			if (qh_strlist_add(out, e->block.syms.items[k]) < 0)
				return -1;
		for (size_t k = 0; k < e->when.syms.n; k++)
			if (qh_strlist_add(out, e->when.syms.items[k]) < 0)
				return -1;
		return e->parent < 0 ? 0 : add_set_chain(ms, e->parent, out, depth + 1);
	}
	return 0;
}

int qh_meson_file_symbols(const struct qh_meson_scan *ms, const char *file,
			  struct qh_strlist *out)
{
	for (size_t i = 0; i < ms->nentries; i++) {
		const struct entry *en = &ms->entries[i];

		if (en->negate || strcmp(en->file, file) != 0)
			continue;
		for (size_t k = 0; k < en->block.syms.n; k++)
			if (qh_strlist_add(out, en->block.syms.items[k]) < 0)
				return -1;
		for (size_t k = 0; k < en->when.syms.n; k++)
			if (qh_strlist_add(out, en->when.syms.items[k]) < 0)
				return -1;
		if (add_set_chain(ms, en->set, out, 0) < 0)
			return -1;
		qh_strlist_sort(out);
		return 0;
	}
	return 0;
}

int qh_meson_symbol_files(const struct qh_meson_scan *ms, const char *sym,
			  struct qh_strlist *out)
{
	for (size_t i = 0; i < ms->nentries; i++) {
		const struct entry *en = &ms->entries[i];

		if (en->negate)
			continue;
		if (qh_strlist_has(&en->when.syms, sym) ||
		    qh_strlist_has(&en->block.syms, sym))
			if (qh_strlist_add(out, en->file) < 0)
				return -1;
	}
	qh_strlist_sort(out);
	return 0;
}
