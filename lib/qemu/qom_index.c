/* qom_index.c - QOM type / machine names -> defining source file. */
#include "qom_index.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmacro.h"
#include "qemu_tree.h" /* qh_tree_read_text */
#include "strindex.h"

#define QOM_MAX_FILE (8u << 20)
#define QOM_MAX_WALK 12

struct kv {
	char *key, *val;
};

struct map {
	struct kv *v;
	size_t n, cap;
	struct qh_strindex index;
};

struct qh_qom_index {
	struct qh_cmacros *builtin; /* fallbacks for trees without them */
	struct qh_cmacros *macros;  /* #defines of the headers */
	struct qh_cmacros *scope;   /* lookups start here (a file's own table) */
	struct map types;    /* type name -> file */
	struct map machines; /* machine name -> file */
	struct qh_strlist diags;
};

static const char *kv_key(const void *items, size_t i)
{
	return ((const struct kv *)items)[i].key;
}

static const char *map_get(const struct map *m, const char *k)
{
	int i = qh_strindex_find(&m->index, k, kv_key, m->v);

	return i < 0 ? NULL : m->v[i].val;
}

/* First definition wins (keeps the index deterministic); with dups, every
 * distinct (key, value) pair is kept and map_get returns the first. */
static int map_put2(struct map *m, const char *k, const char *v, bool dups)
{
	if (!dups && map_get(m, k))
		return 0;
	if (dups)
		for (size_t i = 0; i < m->n; i++)
			if (strcmp(m->v[i].key, k) == 0 && strcmp(m->v[i].val, v) == 0)
				return 0;
	if (qh_array_reserve((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v)) < 0)
		return -1;
	m->v[m->n].key = qh_strdup(k);
	m->v[m->n].val = qh_strdup(v);
	if (!m->v[m->n].key || !m->v[m->n].val ||
	    qh_strindex_add(&m->index, m->n, kv_key, m->v) < 0) {
		free(m->v[m->n].key);
		free(m->v[m->n].val);
		return -1;
	}
	m->n++;
	return 0;
}

static void map_free(struct map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].val);
	}
	free(m->v);
	qh_strindex_free(&m->index);
	memset(m, 0, sizeof(*m));
}

struct qh_qom_index *qh_qom_index_new(struct qh_error *err)
{
	struct qh_qom_index *q = calloc(1, sizeof(*q));

	/* boards.h spells these; a tree or test without it still names
	 * machines the same way */
	if (q && (!(q->builtin = qh_cmacros_new(NULL)) ||
		  !(q->macros = qh_cmacros_new(q->builtin)) ||
		  qh_cmacros_define(q->builtin, "TYPE_MACHINE_SUFFIX", NULL, "\"-machine\"") < 0 ||
		  qh_cmacros_define(q->builtin, "MACHINE_TYPE_NAME", "machinename",
				    "(machinename TYPE_MACHINE_SUFFIX)") < 0)) {
		qh_qom_index_free(q);
		q = NULL;
	}
	if (!q)
		qh_error_set(err, "out of memory");
	else
		q->scope = q->macros;
	return q;
}

void qh_qom_index_free(struct qh_qom_index *q)
{
	if (!q)
		return;
	qh_cmacros_free(q->macros);
	qh_cmacros_free(q->builtin);
	map_free(&q->types);
	map_free(&q->machines);
	qh_strlist_free(&q->diags);
	free(q);
}

int qh_qom_define(struct qh_qom_index *q, const char *name, const char *body)
{
	return qh_cmacros_define(q->macros, name, NULL, body);
}

/* ---- expression resolution -------------------------------------------- */

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The expansion must be string literals only (parenthesised or not),
 * which C concatenates: "pc-q35" "-" "10" "." "0" "-machine". */
static int concat_literals(const char *p, struct qh_buf *out)
{
	bool any = false;

	while (*p) {
		if (isspace((unsigned char)*p) || *p == '(' || *p == ')') {
			p++;
		} else if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				qh_buf_putc(out, *p++);
			}
			if (*p != '"')
				return -1;
			p++;
			any = true;
		} else {
			return -1; /* an identifier left, arithmetic, member access */
		}
	}
	return any ? 0 : -1;
}

char *qh_qom_resolve(const struct qh_qom_index *q, const char *expr)
{
	struct qh_buf b = QH_BUF_INIT;
	char *x = qh_cmacros_expand(q->scope, expr);

	if (!x || concat_literals(x, &b) < 0 || !b.data || !b.len) {
		free(x);
		qh_buf_free(&b);
		return NULL;
	}
	free(x);
	return qh_buf_detach(&b);
}

/* ---- scanning --------------------------------------------------------- */

/* Copy with comments blanked (newlines kept for line numbers). */
static char *strip_comments(const char *s)
{
	size_t n = strlen(s);
	char *o = malloc(n + 1);
	size_t i = 0;

	if (!o)
		return NULL;
	while (i < n) {
		if (s[i] == '/' && s[i + 1] == '*') {
			o[i] = o[i + 1] = ' ';
			i += 2;
			while (i < n && !(s[i] == '*' && s[i + 1] == '/')) {
				o[i] = s[i] == '\n' ? '\n' : ' ';
				i++;
			}
			if (i < n) {
				o[i] = o[i + 1] = ' ';
				i += 2;
			}
		} else if (s[i] == '/' && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				o[i++] = ' ';
		} else if (s[i] == '"' || s[i] == '\'') {
			char q = s[i];

			o[i] = s[i];
			i++;
			while (i < n && s[i] != q && s[i] != '\n') {
				if (s[i] == '\\' && i + 1 < n) {
					o[i] = s[i];
					i++;
				}
				o[i] = s[i];
				i++;
			}
			if (i < n) {
				o[i] = s[i];
				i++;
			}
		} else {
			o[i] = s[i];
			i++;
		}
	}
	o[n] = '\0';
	return o;
}

static unsigned line_of(const char *text, const char *p)
{
	unsigned l = 1;

	for (const char *c = text; c < p; c++)
		if (*c == '\n')
			l++;
	return l;
}

static bool excluded_info(const char *type, size_t n)
{
	static const char *const skip[] = { "VMStateInfo", "PropertyInfo",
					    "InterfaceInfo", "MemoryRegionInfo" };

	for (size_t i = 0; i < QH_ARRAY_LEN(skip); i++)
		if (strlen(skip[i]) == n && memcmp(type, skip[i], n) == 0)
			return true;
	return false;
}

static int record_type(struct qh_qom_index *q, const char *relpath,
		       const char *name)
{
	size_t n = strlen(name);

	if (map_put2(&q->types, name, relpath, true) < 0)
		return -1;
	if (n > 8 && strcmp(name + n - 8, "-machine") == 0) {
		char m[256];

		if (n - 8 < sizeof(m)) {
			memcpy(m, name, n - 8);
			m[n - 8] = '\0';
			if (map_put2(&q->machines, m, relpath, true) < 0)
				return -1;
		}
	}
	return 0;
}

/* Fields of one initializer block [b, e) */
static int scan_block(struct qh_qom_index *q, const char *relpath,
		      const char *text, const char *b, const char *e)
{
	static const char *const fields[] = { "name", "generic_name", "base_name",
					      "transitional_name",
					      "non_transitional_name" };

	for (const char *p = b; p < e; p++) {
		if (*p != '.' || (p > b && word_char(p[-1])))
			continue;
		for (size_t f = 0; f < QH_ARRAY_LEN(fields); f++) {
			size_t fl = strlen(fields[f]);
			const char *v, *ve;
			char expr[512], *name;
			int depth = 0;

			if ((size_t)(e - p) <= fl + 1 || strncmp(p + 1, fields[f], fl) != 0 ||
			    word_char(p[1 + fl]))
				continue;
			v = p + 1 + fl;
			while (v < e && isspace((unsigned char)*v))
				v++;
			if (v >= e || *v != '=')
				break;
			v++;
			for (ve = v; ve < e; ve++) {
				if (*ve == '(')
					depth++;
				else if (*ve == ')')
					depth--;
				else if (*ve == '"') {
					ve++;
					while (ve < e && *ve != '"')
						ve += *ve == '\\' ? 2 : 1;
				} else if ((*ve == ',' || *ve == '}') && depth <= 0)
					break;
			}
			if ((size_t)(ve - v) >= sizeof(expr))
				break;
			memcpy(expr, v, (size_t)(ve - v));
			expr[ve - v] = '\0';
			name = qh_qom_resolve(q, expr);
			if (!name) {
				char *s = expr;

				while (isspace((unsigned char)*s))
					s++;
				if (*s && strcmp(s, "NULL") != 0 && qh_strlist_addf(&q->diags,
							  "%s:%u: cannot resolve QOM type name '%s'",
							  relpath, line_of(text, p), s) < 0)
					return -1;
				break;
			}
			if (record_type(q, relpath, name) < 0) {
				free(name);
				return -1;
			}
			free(name);
			break;
		}
	}
	return 0;
}

/* Does the file register types from its own table, as e1000 does with
 * `type_info.name = info->name;` (or `= table[i].name`)? Only then do the
 * `.name`s of its non-TypeInfo *Info arrays name QOM types; elsewhere
 * (ARMCPRegInfo, RegisterAccessInfo...) they name registers. */
static bool registers_from_table(const char *text)
{
	for (const char *p = text; (p = strstr(p, ".name")) != NULL; p += 5) {
		const char *s = p + 5;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '=' || s[1] == '=')
			continue;
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!isalpha((unsigned char)*s) && *s != '_')
			continue;
		while (word_char(*s))
			s++;
		if (*s == '[') {
			s = strchr(s, ']');
			if (!s || s[1] != '.')
				continue;
			s += 2;
		} else if (s[0] == '-' && s[1] == '>') {
			s += 2;
		} else {
			continue;
		}
		if (strncmp(s, "name", 4) == 0 && !word_char(s[4]))
			return true;
	}
	return false;
}

int qh_qom_index_scan_source(struct qh_qom_index *q, const char *relpath,
		     const char *raw)
{
	/* identifiers whose macros define types or machine aliases */
	static const char *const words[] = { "TypeInfo", "alias", NULL };
	char *stripped = strip_comments(raw), *text = NULL;
	struct qh_cmacros *local = qh_cmacros_new(q->macros);
	const char *p;
	bool dynamic;
	size_t skipped = 0;
	int rc = -1;

	if (!stripped || !local || qh_cmacros_scan_defines(local, stripped) < 0)
		goto out;
	/* QEMU 9+: DEFINE_Q35_MACHINE_AS_LATEST(10, 0) and friends */
	text = qh_cmacros_expand_calls(local, stripped, words, &skipped);
	if (!text)
		goto out;
	if (skipped && qh_strlist_addf(&q->diags, "%s: %zu macro call%s too large to expand",
				       relpath, skipped, skipped > 1 ? "s" : "") < 0)
		goto out;
	q->scope = local;
	dynamic = registers_from_table(text);
	/* "...Info NAME[] = {" / "...Info NAME = {" */
	for (p = text; (p = strstr(p, "Info")) != NULL; p += 4) {
		const char *t = p, *s = p + 4, *end;
		int depth = 0;

		while (t > text && word_char(t[-1]))
			t--;
		if (word_char(*s) || excluded_info(t, (size_t)(s - t)))
			continue;
		/* TypeInfo and *TypeInfo always; other *Info tables only in
		 * files that register types from them */
		if (!dynamic && !((size_t)(s - t) >= 8 && strncmp(s - 8, "TypeInfo", 8) == 0))
			continue;
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '*')
			s++;
		if (!isalpha((unsigned char)*s) && *s != '_')
			continue;
		while (word_char(*s))
			s++;
		while (*s == ' ' || *s == '\t' || *s == '[' || *s == ']' ||
		       isalnum((unsigned char)*s) || *s == '_')
			s++;
		if (*s != '=')
			continue;
		s++;
		while (isspace((unsigned char)*s))
			s++;
		if (*s != '{')
			continue;
		for (end = s; *end; end++) {
			if (*end == '{')
				depth++;
			else if (*end == '}' && --depth == 0)
				break;
			else if (*end == '"') {
				end++;
				while (*end && *end != '"')
					end += (*end == '\\' && end[1]) ? 2 : 1;
				if (!*end)
					break;
			}
		}
		if (scan_block(q, relpath, text, s, end) < 0)
			goto out;
		if (!*end)
			break;
	}
	/* machine aliases: mc->alias = "q35"; */
	for (p = text; (p = strstr(p, "->alias")) != NULL; p += 7) {
		const char *s = p + 7, *e;
		char m[128];

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '=')
			continue;
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '"' || !(e = strchr(s + 1, '"')) || (size_t)(e - s - 1) >= sizeof(m))
			continue;
		memcpy(m, s + 1, (size_t)(e - s - 1));
		m[e - s - 1] = '\0';
		if (map_put2(&q->machines, m, relpath, true) < 0)
			goto out;
	}
	rc = 0;
out:
	q->scope = q->macros;
	qh_cmacros_free(local);
	free(stripped);
	free(text);
	return rc;
}

/* The headers under dir (a path in the tree): symlinks are not followed (a
 * header is read where it lives), each file is read once. */
struct header_walk {
	struct qh_rootfs *tree;
	struct qh_file_ids seen;
};

static int walk_headers(struct qh_qom_index *q, struct header_walk *w,
			const char *dir, int depth)
{
	char **names;
	size_t nnames;
	int rc = 0;

	if (depth > QOM_MAX_WALK ||
	    qh_rootfs_list(w->tree, dir, &names, &nnames, NULL) != 0)
		return 0;
	for (size_t i = 0; rc == 0 && i < nnames; i++) {
		const char *name = names[i];
		struct qh_buf p = QH_BUF_INIT;
		struct stat st;
		size_t n = strlen(name);

		if (name[0] == '.')
			continue;
		if (qh_buf_printf(&p, "%s/%s", dir, name) < 0) {
			rc = -1;
			break;
		}
		if (qh_rootfs_stat(w->tree, p.data, QH_ROOTFS_NOFOLLOW, &st, NULL,
				   NULL) != 0) {
			qh_buf_free(&p);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = walk_headers(q, w, p.data, depth + 1);
		} else if (S_ISREG(st.st_mode) && n > 2 &&
			   strcmp(name + n - 2, ".h") == 0) {
			char *raw = NULL, *text;

			if (qh_tree_read_text(w->tree, p.data, QOM_MAX_FILE, &w->seen,
					      &raw, NULL, NULL) != 0)
				raw = NULL;
			text = raw ? strip_comments(raw) : NULL;
			if (text)
				rc = qh_cmacros_scan_defines(q->macros, text);
			free(text);
			free(raw);
		}
		qh_buf_free(&p);
	}
	qh_rootfs_names_free(names, nnames);
	return rc;
}

struct qh_qom_index *qh_qom_index_build(const char *root,
					const struct qh_strlist *files,
					struct qh_error *err)
{
	struct qh_qom_index *q = qh_qom_index_new(err);
	static const char *const hdirs[] = { "include", "hw" };
	struct header_walk w = { 0 };

	if (!q)
		return NULL;
	w.tree = qh_rootfs_open_tree(root, err);
	if (!w.tree) {
		qh_qom_index_free(q);
		return NULL;
	}
	for (size_t i = 0; i < QH_ARRAY_LEN(hdirs); i++)
		if (walk_headers(q, &w, hdirs[i], 0) < 0) {
			qh_error_set(err, "out of memory");
			goto fail;
		}
	for (size_t i = 0; i < files->n; i++) {
		size_t n = strlen(files->items[i]);
		struct qh_error ferr = { "" };
		char *text;

		if (n < 2 || strcmp(files->items[i] + n - 2, ".c") != 0)
			continue;
		if (qh_tree_read_text(w.tree, files->items[i], QOM_MAX_FILE, NULL,
				      &text, NULL, &ferr) != 0) {
			qh_strlist_addf(&q->diags, "%s: cannot read (%s)",
					files->items[i], ferr.msg);
			continue;
		}
		if (qh_qom_index_scan_source(q, files->items[i], text) < 0) {
			free(text);
			qh_error_set(err, "out of memory");
			goto fail;
		}
		free(text);
	}
	qh_rootfs_free(w.tree);
	qh_file_ids_free(&w.seen);
	return q;
fail:
	qh_rootfs_free(w.tree);
	qh_file_ids_free(&w.seen);
	qh_qom_index_free(q);
	return NULL;
}

const char *qh_qom_type_file(const struct qh_qom_index *q, const char *type)
{
	return map_get(&q->types, type);
}

const char *qh_qom_machine_file(const struct qh_qom_index *q, const char *machine)
{
	return map_get(&q->machines, machine);
}

int qh_qom_types_in_files(const struct qh_qom_index *q,
			  const struct qh_strlist *files, struct qh_strlist *out)
{
	for (size_t i = 0; i < q->types.n; i++)
		if (qh_strlist_has(files, q->types.v[i].val) &&
		    qh_strlist_add(out, q->types.v[i].key) < 0)
			return -1;
	qh_strlist_sort(out);
	return 0;
}

static int all_files(const struct map *m, const char *key, struct qh_strlist *out)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, key) == 0 && qh_strlist_add(out, m->v[i].val) < 0)
			return -1;
	return 0;
}

int qh_qom_type_files(const struct qh_qom_index *q, const char *type,
		      struct qh_strlist *out)
{
	return all_files(&q->types, type, out);
}

int qh_qom_machine_files(const struct qh_qom_index *q, const char *machine,
			 struct qh_strlist *out)
{
	return all_files(&q->machines, machine, out);
}

size_t qh_qom_ntypes(const struct qh_qom_index *q)
{
	return q->types.n;
}

size_t qh_qom_ndiags(const struct qh_qom_index *q)
{
	return q->diags.n;
}

const char *qh_qom_diag(const struct qh_qom_index *q, size_t i)
{
	return i < q->diags.n ? q->diags.items[i] : NULL;
}
