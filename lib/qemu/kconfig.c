/* kconfig.c - parser and evaluator for QEMU's minikconf dialect.
 * See kconfig.h for the grammar and the semantics (both follow
 * scripts/minikconf.py so that our closure is QEMU's closure). */
#include "kconfig.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs.h"

#define KC_MAX_DEPTH 64          /* source nesting */
#define KC_MAX_FILE (16u << 20)  /* a Kconfig file larger than this is hostile */
#define KC_MAX_EXPR_DEPTH 200

/* The tree every file is read from (see kconfig.h). */
struct kc_tree {
	struct qh_rootfs *fs;
	char *dir;               /* as the caller spelt it */
	struct qh_file_ids seen; /* files read */
};

/* ---- storage ---------------------------------------------------------- */

static unsigned long hash_name(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static int rehash(struct qh_kconfig *kc)
{
	size_t cap = kc->hash_cap ? kc->hash_cap * 2 : 1024;
	int *h = malloc(cap * sizeof(*h));

	if (!h)
		return -1;
	for (size_t i = 0; i < cap; i++)
		h[i] = -1;
	for (size_t i = 0; i < kc->nsyms; i++) {
		size_t j = hash_name(kc->syms[i].name) & (cap - 1);

		while (h[j] >= 0)
			j = (j + 1) & (cap - 1);
		h[j] = (int)i;
	}
	free(kc->hash);
	kc->hash = h;
	kc->hash_cap = cap;
	return 0;
}

int qh_kconfig_find(const struct qh_kconfig *kc, const char *name)
{
	size_t j;

	if (!kc->hash_cap || !name)
		return -1;
	if (strncmp(name, "CONFIG_", 7) == 0)
		name += 7;
	j = hash_name(name) & (kc->hash_cap - 1);
	while (kc->hash[j] >= 0) {
		if (strcmp(kc->syms[kc->hash[j]].name, name) == 0)
			return kc->hash[j];
		j = (j + 1) & (kc->hash_cap - 1);
	}
	return -1;
}

/* Find or create; -1 on ENOMEM. */
static int intern(struct qh_kconfig *kc, const char *name, size_t len)
{
	char tmp[256];
	struct qh_ksym *s;
	size_t j;
	int idx;

	if (len >= sizeof(tmp))
		len = sizeof(tmp) - 1;
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	idx = qh_kconfig_find(kc, tmp);
	if (idx >= 0)
		return idx;
	if ((kc->nsyms + 1) * 2 > kc->hash_cap && rehash(kc) < 0)
		return -1;
	if (qh_array_reserve((void **)&kc->syms, &kc->syms_cap, kc->nsyms + 1,
			     sizeof(*kc->syms)) < 0)
		return -1;
	s = &kc->syms[kc->nsyms];
	memset(s, 0, sizeof(*s));
	s->name = qh_strdup(tmp);
	if (!s->name)
		return -1;
	s->def_file = -1;
	s->value = -1;
	s->set_by = -1;
	idx = (int)kc->nsyms++;
	j = hash_name(tmp) & (kc->hash_cap - 1);
	while (kc->hash[j] >= 0)
		j = (j + 1) & (kc->hash_cap - 1);
	kc->hash[j] = idx;
	return idx;
}

static int new_expr(struct qh_kconfig *kc, enum qh_kexpr_op op, int sym,
		    int lhs, int rhs)
{
	struct qh_kexpr *e;

	if (qh_array_reserve((void **)&kc->exprs, &kc->exprs_cap,
			     kc->nexprs + 1, sizeof(*kc->exprs)) < 0)
		return -1;
	e = &kc->exprs[kc->nexprs];
	e->op = op;
	e->sym = sym;
	e->lhs = lhs;
	e->rhs = rhs;
	e->value = false;
	return (int)kc->nexprs++;
}

static struct qh_kclause *new_clause(struct qh_kconfig *kc,
				     enum qh_kclause_kind kind, int dest)
{
	struct qh_kclause *c;

	if (qh_array_reserve((void **)&kc->clauses, &kc->clauses_cap,
			     kc->nclauses + 1, sizeof(*kc->clauses)) < 0)
		return NULL;
	c = &kc->clauses[kc->nclauses++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->dest = dest;
	c->owner = -1;
	c->cond = -1;
	c->file = -1;
	return c;
}

static int add_diag(struct qh_kconfig *kc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int add_diag(struct qh_kconfig *kc, const char *fmt, ...)
{
	struct qh_buf b = QH_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	qh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.data || qh_array_reserve((void **)&kc->diags, &kc->diags_cap,
					kc->ndiags + 1, sizeof(char *)) < 0) {
		qh_buf_free(&b);
		return -1;
	}
	kc->diags[kc->ndiags++] = qh_buf_detach(&b);
	return 0;
}

struct qh_kconfig *qh_kconfig_new(struct qh_error *err)
{
	struct qh_kconfig *kc = calloc(1, sizeof(*kc));

	if (!kc || rehash(kc) < 0) {
		free(kc);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	return kc;
}

void qh_kconfig_free(struct qh_kconfig *kc)
{
	if (!kc)
		return;
	for (size_t i = 0; i < kc->nsyms; i++)
		free(kc->syms[i].name);
	for (size_t i = 0; i < kc->nfiles; i++)
		free(kc->files[i]);
	for (size_t i = 0; i < kc->ndiags; i++)
		free(kc->diags[i]);
	free(kc->syms);
	free(kc->exprs);
	free(kc->clauses);
	free(kc->files);
	free(kc->diags);
	free(kc->hash);
	if (kc->tree) {
		qh_rootfs_free(kc->tree->fs);
		qh_file_ids_free(&kc->tree->seen);
		free(kc->tree->dir);
		free(kc->tree);
	}
	free(kc);
}

/* ---- lexer ------------------------------------------------------------ */

enum tok {
	T_EOF, T_LPAREN, T_RPAREN, T_EQUAL, T_NE, T_AND, T_OR, T_NOT,
	T_DEPENDS, T_ON, T_SELECT, T_IMPLY, T_CONFIG, T_DEFAULT, T_Y, T_N,
	T_SOURCE, T_BOOL, T_IF, T_ID, T_BAD,
};

static const char *const tok_names[] = {
	"end of file", "\"(\"", "\")\"", "\"=\"", "\"!=\"", "\"&&\"", "\"||\"",
	"\"!\"", "\"depends\"", "\"on\"", "\"select\"", "\"imply\"",
	"\"config\"", "\"default\"", "\"y\"", "\"n\"", "\"source\"", "\"bool\"",
	"\"if\"", "identifier", "invalid input",
};

struct lexer {
	struct qh_kconfig *kc;
	const char *src;
	size_t len, pos;
	unsigned line;     /* line of the current token */
	unsigned cur_line; /* line at pos */
	enum tok tok;
	const char *val;   /* identifier / source path start */
	size_t vlen;
	int file;          /* index in kc->files */
	const char *dir;   /* for `source` */
	int errors;
};

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool keyword(struct lexer *lx, size_t start, const char *kw)
{
	size_t n = strlen(kw);

	if (lx->len - start < n || memcmp(lx->src + start, kw, n) != 0)
		return false;
	if (start + n < lx->len && is_word(lx->src[start + n]))
		return false;
	lx->pos = start + n;
	return true;
}

static void next(struct lexer *lx)
{
	static const struct { const char *kw; enum tok t; } kws[] = {
		{ "depends", T_DEPENDS }, { "on", T_ON }, { "select", T_SELECT },
		{ "imply", T_IMPLY }, { "config", T_CONFIG },
		{ "default", T_DEFAULT }, { "bool", T_BOOL }, { "if", T_IF },
		{ "y", T_Y }, { "n", T_N },
	};

	for (;;) {
		size_t p = lx->pos;
		char c;

		if (p >= lx->len) {
			lx->tok = T_EOF;
			lx->line = lx->cur_line;
			return;
		}
		c = lx->src[p];
		if (c == '\n') {
			lx->cur_line++;
			lx->pos++;
			continue;
		}
		if (isspace((unsigned char)c)) {
			lx->pos++;
			continue;
		}
		if (c == '#') {
			while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
				lx->pos++;
			continue;
		}
		lx->line = lx->cur_line;
		lx->val = lx->src + p;
		lx->vlen = 1;
		lx->pos = p + 1;
		switch (c) {
		case '(': lx->tok = T_LPAREN; return;
		case ')': lx->tok = T_RPAREN; return;
		case '=': lx->tok = T_EQUAL; return;
		case '!':
			if (p + 1 < lx->len && lx->src[p + 1] == '=') {
				lx->pos++;
				lx->tok = T_NE;
			} else {
				lx->tok = T_NOT;
			}
			return;
		case '&':
		case '|':
			if (p + 1 < lx->len && lx->src[p + 1] == c) {
				lx->pos++;
				lx->tok = c == '&' ? T_AND : T_OR;
			} else {
				lx->tok = T_BAD;
			}
			return;
		default:
			break;
		}
		if (keyword(lx, p, "source") || keyword(lx, p, "include")) {
			size_t s = lx->pos;

			while (s < lx->len && (lx->src[s] == ' ' || lx->src[s] == '\t'))
				s++;
			lx->pos = s;
			while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
				lx->pos++;
			lx->val = lx->src + s;
			lx->vlen = lx->pos - s;
			while (lx->vlen && isspace((unsigned char)lx->val[lx->vlen - 1]))
				lx->vlen--;
			lx->tok = T_SOURCE;
			return;
		}
		for (size_t i = 0; i < QH_ARRAY_LEN(kws); i++)
			if (keyword(lx, p, kws[i].kw)) {
				lx->tok = kws[i].t;
				return;
			}
		if (isalnum((unsigned char)c)) {
			while (lx->pos < lx->len && is_word(lx->src[lx->pos]))
				lx->pos++;
			lx->vlen = lx->pos - p;
			lx->tok = T_ID;
			return;
		}
		lx->tok = T_BAD;
		return;
	}
}

static void diag(struct lexer *lx, const char *what)
{
	add_diag(lx->kc, "%s:%u: %s before %s", lx->kc->files[lx->file],
		 lx->line, what, tok_names[lx->tok]);
	lx->errors++;
}

/* Error recovery: drop the rest of the current line. */
static void skip_line(struct lexer *lx)
{
	unsigned l = lx->line;

	while (lx->tok != T_EOF && lx->line == l)
		next(lx);
}

/* ---- parser ----------------------------------------------------------- */

static int parse_expr(struct lexer *lx, int depth);

static int parse_primary(struct lexer *lx, int depth)
{
	int e, s;

	if (depth > KC_MAX_EXPR_DEPTH) {
		diag(lx, "expression nested too deeply");
		return -1;
	}
	if (lx->tok == T_NOT) {
		next(lx);
		e = parse_primary(lx, depth + 1);
		return e < 0 ? -1 : new_expr(lx->kc, QH_KE_NOT, -1, e, -1);
	}
	if (lx->tok == T_LPAREN) {
		next(lx);
		e = parse_expr(lx, depth + 1);
		if (e < 0)
			return -1;
		if (lx->tok != T_RPAREN) {
			diag(lx, "expected \")\"");
			return -1;
		}
		next(lx);
		return e;
	}
	if (lx->tok == T_ID) {
		s = intern(lx->kc, lx->val, lx->vlen);
		if (s < 0)
			return -1;
		lx->kc->syms[s].referenced = true;
		next(lx);
		e = new_expr(lx->kc, QH_KE_SYM, s, -1, -1);
		if (e >= 0 && (lx->tok == T_EQUAL || lx->tok == T_NE)) {
			/* SYM = y|n|SYM: not in minikconf, accepted for trees
			 * that grow it; compares truth values. */
			enum qh_kexpr_op op = lx->tok == T_EQUAL ? QH_KE_EQ : QH_KE_NE;
			int r;

			next(lx);
			if (lx->tok == T_Y || lx->tok == T_N) {
				r = new_expr(lx->kc, QH_KE_CONST, -1, -1, -1);
				if (r >= 0)
					lx->kc->exprs[r].value = lx->tok == T_Y;
				next(lx);
			} else if (lx->tok == T_ID) {
				r = parse_primary(lx, depth + 1);
			} else {
				diag(lx, "expected \"y\", \"n\" or identifier");
				return -1;
			}
			if (r < 0)
				return -1;
			e = new_expr(lx->kc, op, -1, e, r);
		}
		return e;
	}
	diag(lx, "expected \"!\" or \"(\" or identifier");
	return -1;
}

/* disj: primary ('||' primary)* -- binds tighter than '&&' in QEMU. */
static int parse_disj(struct lexer *lx, int depth)
{
	int lhs = parse_primary(lx, depth);

	while (lhs >= 0 && lx->tok == T_OR) {
		int rhs;

		next(lx);
		rhs = parse_primary(lx, depth);
		if (rhs < 0)
			return -1;
		lhs = new_expr(lx->kc, QH_KE_OR, -1, lhs, rhs);
	}
	return lhs;
}

static int parse_expr(struct lexer *lx, int depth)
{
	int lhs = parse_disj(lx, depth);

	while (lhs >= 0 && lx->tok == T_AND) {
		int rhs;

		next(lx);
		rhs = parse_disj(lx, depth);
		if (rhs < 0)
			return -1;
		lhs = new_expr(lx->kc, QH_KE_AND, -1, lhs, rhs);
	}
	return lhs;
}

/* Returns true/false for y/n, or -1 after a diagnostic. */
static int parse_yn(struct lexer *lx)
{
	if (lx->tok == T_Y || lx->tok == T_N) {
		int v = lx->tok == T_Y;

		next(lx);
		return v;
	}
	diag(lx, "expected \"y\" or \"n\"");
	return -1;
}

static int parse_condition(struct lexer *lx, int *cond)
{
	*cond = -1;
	if (lx->tok != T_IF)
		return 0;
	next(lx);
	*cond = parse_expr(lx, 0);
	return *cond < 0 ? -1 : 0;
}

static int and_owner(struct qh_kconfig *kc, int cond, int owner)
{
	int o = new_expr(kc, QH_KE_SYM, owner, -1, -1);

	if (o < 0 || cond < 0)
		return o;
	return new_expr(kc, QH_KE_AND, -1, cond, o);
}

/* One property of config `var`. Returns 0, or -1 after a diagnostic. */
static int parse_property(struct lexer *lx, int var)
{
	struct qh_kconfig *kc = lx->kc;
	unsigned line = lx->line;
	struct qh_kclause *c;
	int v, sym, cond;
	enum tok t = lx->tok;

	next(lx);
	switch (t) {
	case T_BOOL:
		return 0;
	case T_DEFAULT:
		if ((v = parse_yn(lx)) < 0 || parse_condition(lx, &cond) < 0)
			return -1;
		c = new_clause(kc, QH_KC_DEFAULT, var);
		if (!c)
			return -1;
		c->value = v;
		c->cond = cond;
		break;
	case T_DEPENDS:
		if (lx->tok != T_ON) {
			diag(lx, "expected \"on\"");
			return -1;
		}
		next(lx);
		if ((cond = parse_expr(lx, 0)) < 0)
			return -1;
		c = new_clause(kc, QH_KC_DEPENDS, var);
		if (!c)
			return -1;
		c->cond = cond;
		break;
	case T_SELECT:
	case T_IMPLY:
		if (lx->tok != T_ID) {
			diag(lx, "expected identifier");
			return -1;
		}
		sym = intern(kc, lx->val, lx->vlen);
		if (sym < 0)
			return -1;
		kc->syms[sym].referenced = true;
		next(lx);
		if (parse_condition(lx, &cond) < 0)
			return -1;
		/* select X if C == X forced y when C && var; imply X if C ==
		 * "default y if C && var" on X (minikconf's do_select/do_imply) */
		c = new_clause(kc, t == T_SELECT ? QH_KC_SELECT : QH_KC_DEFAULT, sym);
		if (!c)
			return -1;
		c->owner = var;
		c->cond = and_owner(kc, cond, var);
		c->value = true;
		c->imply = t == T_IMPLY;
		break;
	default:
		return -1;
	}
	c->file = lx->file;
	c->line = line;
	return 0;
}

static int parse_text(struct qh_kconfig *kc, const char *name, const char *dir,
		      const char *text, size_t len, struct qh_error *err);

static int do_source(struct lexer *lx, const char *path, size_t plen,
		     unsigned line, struct qh_error *err)
{
	struct qh_buf full = QH_BUF_INIT;
	int rc = 0;

	if (plen == 0) {
		add_diag(lx->kc, "%s:%u: source without a file name",
			 lx->kc->files[lx->file], line);
		return 0;
	}
	if (path[0] == '/')
		return qh_error_set(err, "%s:%u: source %.*s: an absolute path "
				    "leads out of the tree", lx->kc->files[lx->file],
				    line, (int)plen, path);
	if (lx->dir && *lx->dir)
		qh_buf_printf(&full, "%s/", lx->dir);
	qh_buf_append(&full, path, plen);
	if (!full.data)
		return qh_error_set(err, "out of memory");
	/* minikconf includes each file once; an include loop is caught by
	 * the same rule (and by device and inode in qh_kconfig_parse_file). */
	for (size_t i = 0; i < lx->kc->nfiles; i++)
		if (strcmp(lx->kc->files[i], full.data) == 0)
			goto out;
	if (lx->kc->depth >= KC_MAX_DEPTH) {
		add_diag(lx->kc, "%s:%u: source nested too deeply: %s",
			 lx->kc->files[lx->file], line, full.data);
		goto out;
	}
	/* a file that cannot be read leaves the closure incomplete: fail */
	if (qh_kconfig_parse_file(lx->kc, full.data, err) < 0) {
		qh_error_prefix(err, "%s:%u: ", lx->kc->files[lx->file], line);
		lx->errors++;
		rc = -1;
	}
out:
	qh_buf_free(&full);
	return rc;
}

static int parse_text(struct qh_kconfig *kc, const char *name, const char *dir,
		      const char *text, size_t len, struct qh_error *err)
{
	struct lexer lx = { 0 };
	int var = -1, rc = 0;

	if (qh_array_reserve((void **)&kc->files, &kc->files_cap, kc->nfiles + 1,
			     sizeof(char *)) < 0 ||
	    !(kc->files[kc->nfiles] = qh_strdup(name)))
		return qh_error_set(err, "out of memory");
	lx.file = (int)kc->nfiles++;
	lx.kc = kc;
	lx.src = text;
	lx.len = len;
	lx.cur_line = 1;
	lx.dir = dir;
	kc->depth++;
	next(&lx);
	while (lx.tok != T_EOF) {
		if (var >= 0 && (lx.tok == T_DEFAULT || lx.tok == T_DEPENDS ||
				 lx.tok == T_SELECT || lx.tok == T_IMPLY ||
				 lx.tok == T_BOOL)) {
			unsigned start = lx.line;

			/* resync: drop the rest of the broken line, unless the
			 * error was found at the first token of a new line
			 * (an unclosed "(" before the next "config") */
			if (parse_property(&lx, var) < 0 && lx.line == start)
				skip_line(&lx);
			continue;
		}
		var = -1;
		if (lx.tok == T_SOURCE) {
			char path[4096];
			size_t n = lx.vlen < sizeof(path) ? lx.vlen : sizeof(path) - 1;
			unsigned line = lx.line;

			memcpy(path, lx.val, n);
			path[n] = '\0';
			next(&lx);
			if (do_source(&lx, path, n, line, err) < 0) {
				rc = -1;
				break;
			}
		} else if (lx.tok == T_CONFIG) {
			unsigned line = lx.line;

			next(&lx);
			if (lx.tok != T_ID) {
				diag(&lx, "expected identifier");
				skip_line(&lx);
				continue;
			}
			var = intern(kc, lx.val, lx.vlen);
			if (var < 0)
				break;
			/* A second `config X` adds its clauses to the first
			 * (QEMU 7.2's CXL, 10.x's CXL and NIOS2): minikconf
			 * means to refuse it but never does, so the closure
			 * QEMU computes has the clauses of both. */
			if (!kc->syms[var].defined) {
				kc->syms[var].defined = true;
				kc->syms[var].def_file = lx.file;
				kc->syms[var].def_line = line;
			}
			next(&lx);
		} else if (lx.tok == T_ID) {
			/* assignment: CONFIG_X=y|n */
			unsigned line = lx.line;
			int sym, v;
			struct qh_kclause *c;

			if (lx.vlen <= 7 || strncmp(lx.val, "CONFIG_", 7) != 0) {
				diag(&lx, "expected identifier starting with \"CONFIG_\"");
				skip_line(&lx);
				continue;
			}
			sym = intern(kc, lx.val + 7, lx.vlen - 7);
			if (sym < 0)
				break;
			kc->syms[sym].referenced = true;
			next(&lx);
			if (lx.tok != T_EQUAL) {
				diag(&lx, "expected \"=\"");
				skip_line(&lx);
				continue;
			}
			next(&lx);
			if ((v = parse_yn(&lx)) < 0) {
				skip_line(&lx);
				continue;
			}
			c = new_clause(kc, QH_KC_ASSIGN, sym);
			if (!c)
				break;
			c->value = v;
			c->file = lx.file;
			c->line = line;
		} else {
			diag(&lx, var >= 0 ? "expected \"source\", \"config\", identifier, \"default\", \"depends on\", \"imply\" or \"select\""
					   : "expected \"source\", \"config\" or identifier");
			skip_line(&lx);
		}
	}
	kc->depth--;
	return rc;
}

static int tree_open(struct qh_kconfig *kc, const char *dir,
		     struct qh_error *err)
{
	struct kc_tree *t;

	if (kc->tree)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->dir = qh_strdup(*dir ? dir : "."))) {
		free(t);
		return qh_error_set(err, "out of memory");
	}
	t->fs = qh_rootfs_open_tree(t->dir, err);
	if (!t->fs) {
		free(t->dir);
		free(t);
		return -1;
	}
	kc->tree = t;
	return 0;
}

/* path below the tree's directory, as the tree sees it; NULL outside */
static const char *tree_path(const struct kc_tree *t, const char *path)
{
	size_t n = strlen(t->dir);

	if (strcmp(t->dir, ".") == 0 && path[0] != '/')
		return path;
	if (strncmp(path, t->dir, n) == 0 &&
	    (path[n] == '/' || t->dir[n - 1] == '/'))
		return path + n;
	return NULL;
}

int qh_kconfig_parse_text(struct qh_kconfig *kc, const char *name,
			  const char *dir, const char *text,
			  struct qh_error *err)
{
	if (dir && *dir && tree_open(kc, dir, err) < 0)
		return -1;
	return parse_text(kc, name, dir, text, strlen(text), err);
}

int qh_kconfig_parse_file(struct qh_kconfig *kc, const char *path,
			  struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	char *dir, *slash;
	const char *rel;
	int rc;

	dir = qh_strdup(path);
	if (!dir)
		return qh_error_set(err, "out of memory");
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0'; /* "/Kconfig": the tree is "/" */
	else
		dir[0] = '\0';
	if (tree_open(kc, dir, err) < 0) {
		free(dir);
		return -1;
	}
	rel = tree_path(kc->tree, path);
	if (!rel) {
		free(dir);
		return qh_error_set(err, "%s: outside the tree %s", path,
				    kc->tree->dir);
	}
	rc = qh_rootfs_read_new(kc->tree->fs, rel, KC_MAX_FILE, &b,
				&kc->tree->seen, err);
	if (rc == EEXIST) {
		free(dir); /* read already, under another name */
		return 0;
	}
	if (rc) {
		free(dir);
		qh_buf_free(&b);
		if (rc != ENOMEM && strcmp(kc->tree->dir, ".") != 0)
			qh_error_prefix(err, "%s%s", kc->tree->dir,
					rel[0] == '/' ? "" : "/");
		return -1;
	}
	if (b.data && memchr(b.data, '\0', b.len))
		add_diag(kc, "%s:1: contains NUL bytes", path);
	rc = parse_text(kc, path, dir, b.data ? b.data : "", b.len, err);
	free(dir);
	qh_buf_free(&b);
	return rc;
}

int qh_kconfig_assign(struct qh_kconfig *kc, const char *name, bool value,
		      bool external, const char *origin, struct qh_error *err)
{
	struct qh_kclause *c;
	int sym;

	if (strncmp(name, "CONFIG_", 7) == 0)
		name += 7;
	if (!*name)
		return qh_error_set(err, "empty symbol name");
	for (const char *p = name; *p; p++)
		if (!is_word(*p))
			return qh_error_set(err, "bad symbol name '%s'", name);
	sym = intern(kc, name, strlen(name));
	if (sym < 0 || !(c = new_clause(kc, QH_KC_ASSIGN, sym)))
		return qh_error_set(err, "out of memory");
	kc->syms[sym].referenced = true;
	c->value = value;
	c->external = external;
	c->origin = origin;
	return 0;
}

void qh_kconfig_drop_assignments(struct qh_kconfig *kc)
{
	size_t j = 0;

	for (size_t i = 0; i < kc->nclauses; i++)
		if (kc->clauses[i].kind != QH_KC_ASSIGN)
			kc->clauses[j++] = kc->clauses[i];
	kc->nclauses = j;
	qh_kconfig_reset_values(kc);
}

/* ---- evaluation ------------------------------------------------------- */

bool qh_kexpr_eval(const struct qh_kconfig *kc, int e)
{
	const struct qh_kexpr *x;

	if (e < 0 || (size_t)e >= kc->nexprs)
		return false;
	x = &kc->exprs[e];
	switch (x->op) {
	case QH_KE_SYM:
		return kc->syms[x->sym].value == 1;
	case QH_KE_NOT:
		return !qh_kexpr_eval(kc, x->lhs);
	case QH_KE_AND:
		return qh_kexpr_eval(kc, x->lhs) && qh_kexpr_eval(kc, x->rhs);
	case QH_KE_OR:
		return qh_kexpr_eval(kc, x->lhs) || qh_kexpr_eval(kc, x->rhs);
	case QH_KE_EQ:
		return qh_kexpr_eval(kc, x->lhs) == qh_kexpr_eval(kc, x->rhs);
	case QH_KE_NE:
		return qh_kexpr_eval(kc, x->lhs) != qh_kexpr_eval(kc, x->rhs);
	case QH_KE_CONST:
		return x->value;
	}
	return false;
}

bool qh_kexpr_reads(const struct qh_kconfig *kc, int e, int sym)
{
	int stack[KC_MAX_EXPR_DEPTH * 4];
	size_t sp = 0;

	if (e >= 0 && (size_t)e < kc->nexprs)
		stack[sp++] = e;
	while (sp) {
		const struct qh_kexpr *x = &kc->exprs[stack[--sp]];

		if (x->op == QH_KE_SYM) {
			if (x->sym == sym)
				return true;
			continue;
		}
		if (sp + 2 > QH_ARRAY_LEN(stack))
			return false;
		if (x->lhs >= 0)
			stack[sp++] = x->lhs;
		if (x->rhs >= 0)
			stack[sp++] = x->rhs;
	}
	return false;
}

static int fmt_expr(const struct qh_kconfig *kc, int e, bool values,
		    struct qh_buf *b, int parent)
{
	const struct qh_kexpr *x;
	bool paren;

	if (e < 0 || (size_t)e >= kc->nexprs)
		return qh_buf_puts(b, "?");
	x = &kc->exprs[e];
	switch (x->op) {
	case QH_KE_SYM:
		qh_buf_puts(b, kc->syms[x->sym].name);
		if (values)
			qh_buf_puts(b, kc->syms[x->sym].value == 1 ? "(y)" :
				    kc->syms[x->sym].value == 0 ? "(n)" : "(?)");
		return 0;
	case QH_KE_CONST:
		return qh_buf_puts(b, x->value ? "y" : "n");
	case QH_KE_NOT:
		qh_buf_putc(b, '!');
		return fmt_expr(kc, x->lhs, values, b, QH_KE_NOT);
	default:
		break;
	}
	/* QEMU's || binds tighter than && (the reverse of C): parenthesise
	 * every mix so nobody has to remember which */
	paren = parent == QH_KE_NOT ||
		(x->op == QH_KE_AND && parent == QH_KE_OR) ||
		(x->op == QH_KE_OR && parent == QH_KE_AND);
	if (paren)
		qh_buf_putc(b, '(');
	fmt_expr(kc, x->lhs, values, b, x->op);
	qh_buf_puts(b, x->op == QH_KE_AND ? " && " : x->op == QH_KE_OR ? " || " :
		    x->op == QH_KE_EQ ? " = " : " != ");
	fmt_expr(kc, x->rhs, values, b, x->op);
	if (paren)
		qh_buf_putc(b, ')');
	return 0;
}

int qh_kexpr_format(const struct qh_kconfig *kc, int expr, bool values,
		    struct qh_buf *buf)
{
	return fmt_expr(kc, expr, values, buf, -1);
}

void qh_kconfig_reset_values(struct qh_kconfig *kc)
{
	for (size_t i = 0; i < kc->nsyms; i++) {
		kc->syms[i].value = -1;
		kc->syms[i].set_by = -1;
	}
}

static void clause_where(const struct qh_kconfig *kc,
			 const struct qh_kclause *c, struct qh_buf *b)
{
	if (c->origin)
		qh_buf_printf(b, "%s", c->origin);
	else if (c->file >= 0)
		qh_buf_printf(b, "%s:%u", kc->files[c->file], c->line);
	else
		qh_buf_puts(b, "command line");
}

/* Symbols an expression reads, appended to out (dups allowed). */
static int expr_syms(const struct qh_kconfig *kc, int e, int **out, size_t *n,
		     size_t *cap)
{
	int stack[KC_MAX_EXPR_DEPTH * 4];
	size_t sp = 0;

	if (e < 0)
		return 0;
	stack[sp++] = e;
	while (sp) {
		const struct qh_kexpr *x = &kc->exprs[stack[--sp]];

		if (x->op == QH_KE_SYM) {
			if (qh_array_reserve((void **)out, cap, *n + 1, sizeof(int)) < 0)
				return -1;
			(*out)[(*n)++] = x->sym;
			continue;
		}
		if (sp + 2 > QH_ARRAY_LEN(stack))
			return -1;
		if (x->lhs >= 0)
			stack[sp++] = x->lhs;
		if (x->rhs >= 0)
			stack[sp++] = x->rhs;
	}
	return 0;
}

static int contradiction(struct qh_kconfig *kc, size_t ci, int want,
			 struct qh_error *err)
{
	const struct qh_kclause *c = &kc->clauses[ci];
	struct qh_ksym *s = &kc->syms[c->dest];
	const struct qh_kclause *yes, *no;
	struct qh_buf b = QH_BUF_INIT;

	yes = want ? c : &kc->clauses[s->set_by];
	no = want ? &kc->clauses[s->set_by] : c;
	qh_buf_printf(&b, "%s cannot be enabled: ", s->name);
	if (no->kind == QH_KC_DEPENDS) {
		qh_buf_printf(&b, "it depends on ");
		qh_kexpr_format(kc, no->cond, true, &b);
		qh_buf_puts(&b, " (");
		clause_where(kc, no, &b);
		qh_buf_puts(&b, ")");
	} else {
		qh_buf_puts(&b, "it is set to n (");
		clause_where(kc, no, &b);
		qh_buf_puts(&b, ")");
	}
	qh_buf_puts(&b, "; but it is wanted by:\n");
	/* the chain that wanted it */
	s->value = 1;
	s->set_by = (int)(yes - kc->clauses);
	qh_kconfig_explain(kc, c->dest, &b);
	qh_error_set(err, "%s", b.data ? b.data : "contradiction");
	qh_buf_free(&b);
	return -1;
}

static int set_value(struct qh_kconfig *kc, size_t ci, int v,
		     struct qh_error *err)
{
	struct qh_ksym *s = &kc->syms[kc->clauses[ci].dest];

	if (s->value >= 0 && s->value != v)
		return contradiction(kc, ci, v, err);
	if (s->value < 0) {
		s->value = v;
		s->set_by = (int)ci;
	}
	return 0;
}

/* Name a cycle among the symbols Kahn's algorithm could not order. */
static void report_cycle(struct qh_kconfig *kc, const int *indeg,
			 const size_t *pstart, const int *preds,
			 struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	int *seen = calloc(kc->nsyms, sizeof(int));
	int cur = -1, steps = 0;

	for (size_t i = 0; i < kc->nsyms && cur < 0; i++)
		if (indeg[i] > 0)
			cur = (int)i;
	if (!seen || cur < 0) {
		free(seen);
		qh_error_set(err, "cycle in the Kconfig dependency graph");
		return;
	}
	/* walk back through unordered predecessors until a node repeats */
	while (!seen[cur]) {
		int nxt = -1;

		seen[cur] = ++steps;
		for (size_t k = pstart[cur]; k < pstart[cur + 1]; k++)
			if (indeg[preds[k]] > 0) {
				nxt = preds[k];
				break;
			}
		if (nxt < 0)
			break;
		cur = nxt;
	}
	/* cur starts the cycle; print it forwards (reverse of the walk) */
	{
		int start = cur, len = 0, path[64];

		do {
			int nxt = -1;

			if (len < 64)
				path[len++] = cur;
			for (size_t k = pstart[cur]; k < pstart[cur + 1]; k++)
				if (indeg[preds[k]] > 0 && seen[preds[k]]) {
					nxt = preds[k];
					break;
				}
			cur = nxt;
		} while (cur >= 0 && cur != start && len < 64);
		qh_buf_puts(&b, "cycle in the Kconfig dependency graph: ");
		for (int i = len - 1; i >= 0; i--)
			qh_buf_printf(&b, "%s -> ", kc->syms[path[i]].name);
		qh_buf_puts(&b, kc->syms[path[len - 1]].name);
	}
	qh_error_set(err, "%s", b.data ? b.data : "cycle");
	qh_buf_free(&b);
	free(seen);
}

/* Every symbol a clause reads that no Kconfig file defines: an error
 * naming up to 20 of them. */
static int check_undefined(const struct qh_kconfig *kc, struct qh_error *err)
{
	struct qh_buf undef = QH_BUF_INIT;
	size_t nundef = 0;

	for (size_t i = 0; i < kc->nsyms; i++)
		if (kc->syms[i].referenced && !kc->syms[i].defined) {
			if (nundef++ < 20)
				qh_buf_printf(&undef, "%s%s", nundef > 1 ? ", " : "",
					      kc->syms[i].name);
		}
	if (!nundef)
		return 0;
	qh_error_set(err, "%zu undefined symbol%s: %s%s", nundef,
		     nundef > 1 ? "s" : "", undef.data,
		     nundef > 20 ? ", ..." : "");
	qh_buf_free(&undef);
	return -1;
}

/* The dependency graph: an edge from every symbol a clause's condition
 * reads to the clause's dest, kept as predecessor and successor lists
 * (node i's are [pstart[i], pstart[i + 1]) of preds, same for succs). */
struct kgraph {
	size_t *pstart, *sstart;
	int *preds, *succs;
	int *indeg;
};

static void kgraph_free(struct kgraph *g)
{
	free(g->pstart);
	free(g->sstart);
	free(g->preds);
	free(g->succs);
	free(g->indeg);
}

static int collect_edges(const struct qh_kconfig *kc, int **esrc, int **edst,
			 size_t *nedges)
{
	size_t ecap = 0, dcap = 0, tn = 0, tcap = 0;
	int *tmp = NULL;
	int rc = -1;

	*esrc = *edst = NULL;
	*nedges = 0;
	for (size_t ci = 0; ci < kc->nclauses; ci++) {
		const struct qh_kclause *c = &kc->clauses[ci];

		tn = 0;
		if (expr_syms(kc, c->cond, &tmp, &tn, &tcap) < 0)
			goto out;
		if (qh_array_reserve((void **)esrc, &ecap, *nedges + tn, sizeof(int)) < 0 ||
		    qh_array_reserve((void **)edst, &dcap, *nedges + tn, sizeof(int)) < 0)
			goto out;
		for (size_t k = 0; k < tn; k++) {
			(*esrc)[*nedges + k] = tmp[k];
			(*edst)[*nedges + k] = c->dest;
		}
		*nedges += tn;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

/* -1 on out-of-memory. */
static int kgraph_build(const struct qh_kconfig *kc, struct kgraph *g)
{
	size_t n = kc->nsyms, nedges = 0;
	int *esrc = NULL, *edst = NULL;
	size_t *pf = NULL, *sf = NULL;
	int rc = -1;

	memset(g, 0, sizeof(*g));
	if (collect_edges(kc, &esrc, &edst, &nedges) < 0)
		goto out;
	g->pstart = calloc(n + 1, sizeof(size_t));
	g->sstart = calloc(n + 1, sizeof(size_t));
	g->preds = malloc((nedges + 1) * sizeof(int));
	g->succs = malloc((nedges + 1) * sizeof(int));
	g->indeg = calloc(n + 1, sizeof(int));
	pf = calloc(n + 1, sizeof(size_t));
	sf = calloc(n + 1, sizeof(size_t));
	if (!g->pstart || !g->sstart || !g->preds || !g->succs || !g->indeg ||
	    !pf || !sf)
		goto out;
	for (size_t k = 0; k < nedges; k++) {
		g->pstart[edst[k] + 1]++;
		g->sstart[esrc[k] + 1]++;
	}
	for (size_t i = 0; i < n; i++) {
		g->pstart[i + 1] += g->pstart[i];
		g->sstart[i + 1] += g->sstart[i];
	}
	for (size_t k = 0; k < nedges; k++) {
		g->preds[g->pstart[edst[k]] + pf[edst[k]]++] = esrc[k];
		g->succs[g->sstart[esrc[k]] + sf[esrc[k]]++] = edst[k];
		g->indeg[edst[k]]++;
	}
	rc = 0;
out:
	free(esrc);
	free(edst);
	free(pf);
	free(sf);
	return rc;
}

/* Kahn's algorithm in symbol order (deterministic): order gets every
 * symbol after all it depends on; -1 + err naming a cycle when there is
 * one. Consumes g->indeg. */
static int topo_order(struct qh_kconfig *kc, struct kgraph *g, int *order,
		      struct qh_error *err)
{
	size_t n = kc->nsyms, norder = 0, head = 0;

	for (size_t i = 0; i < n; i++)
		if (g->indeg[i] == 0)
			order[norder++] = (int)i;
	while (head < norder) {
		int v = order[head++];

		for (size_t k = g->sstart[v]; k < g->sstart[v + 1]; k++)
			if (--g->indeg[g->succs[k]] == 0)
				order[norder++] = g->succs[k];
	}
	if (norder < n) {
		report_cycle(kc, g->indeg, g->pstart, g->preds, err);
		return -1;
	}
	return 0;
}

/* The clauses of each dest, in source order: symbol i's are
 * cl[cstart[i]] .. cl[cstart[i + 1] - 1]. -1 on out-of-memory. */
static int clauses_by_dest(const struct qh_kconfig *kc, size_t **cstart_out,
			   int **cl_out)
{
	size_t n = kc->nsyms;
	size_t *cstart = calloc(n + 1, sizeof(size_t));
	size_t *f = calloc(n + 1, sizeof(size_t));
	int *cl = malloc((kc->nclauses + 1) * sizeof(int));

	if (!cstart || !f || !cl) {
		free(cstart);
		free(f);
		free(cl);
		return -1;
	}
	for (size_t ci = 0; ci < kc->nclauses; ci++)
		cstart[kc->clauses[ci].dest + 1]++;
	for (size_t i = 0; i < n; i++)
		cstart[i + 1] += cstart[i];
	for (size_t ci = 0; ci < kc->nclauses; ci++) {
		int d = kc->clauses[ci].dest;

		cl[cstart[d] + f[d]++] = (int)ci;
	}
	free(f);
	*cstart_out = cstart;
	*cl_out = cl;
	return 0;
}

/* Decide symbol v, whose inputs are all decided: its clauses are
 * cl[first..last). */
static int decide_symbol(struct qh_kconfig *kc, enum qh_kconfig_mode mode,
			 int v, const int *cl, size_t first, size_t last,
			 struct qh_error *err)
{
	struct qh_ksym *s = &kc->syms[v];

	/* assignments, depends on and selects first ... */
	for (size_t k = first; k < last; k++) {
		const struct qh_kclause *c = &kc->clauses[cl[k]];

		if (c->kind == QH_KC_ASSIGN) {
			if (set_value(kc, (size_t)cl[k], c->value, err) < 0)
				return -1;
		} else if (c->kind == QH_KC_DEPENDS) {
			if (!qh_kexpr_eval(kc, c->cond) &&
			    set_value(kc, (size_t)cl[k], 0, err) < 0)
				return -1;
		} else if (c->kind == QH_KC_SELECT) {
			if (qh_kexpr_eval(kc, c->cond) &&
			    set_value(kc, (size_t)cl[k], 1, err) < 0)
				return -1;
		}
	}
	/* ... then defaults; allnoconfig turns every default into n */
	for (size_t k = first; k < last && s->value < 0; k++) {
		const struct qh_kclause *c = &kc->clauses[cl[k]];

		if (c->kind == QH_KC_DEFAULT &&
		    (c->cond < 0 || qh_kexpr_eval(kc, c->cond))) {
			s->value = mode == QH_KCONFIG_ALLNO ? 0 : c->value;
			s->set_by = cl[k];
		}
	}
	if (s->value < 0)
		s->value = 0;
	return 0;
}

int qh_kconfig_evaluate(struct qh_kconfig *kc, enum qh_kconfig_mode mode,
			struct qh_error *err)
{
	struct kgraph g = { 0 };
	size_t *cstart = NULL;
	int *order = NULL, *cl = NULL;
	int rc = -1;

	qh_kconfig_reset_values(kc);
	if (check_undefined(kc, err) < 0)
		return -1;
	if (kgraph_build(kc, &g) < 0 ||
	    !(order = malloc((kc->nsyms + 1) * sizeof(int))))
		goto oom;
	if (topo_order(kc, &g, order, err) < 0)
		goto out;
	if (clauses_by_dest(kc, &cstart, &cl) < 0)
		goto oom;
	for (size_t oi = 0; oi < kc->nsyms; oi++) {
		int v = order[oi];

		if (decide_symbol(kc, mode, v, cl, cstart[v], cstart[v + 1],
				  err) < 0)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	qh_error_set(err, "out of memory");
out:
	kgraph_free(&g);
	free(order);
	free(cstart);
	free(cl);
	return rc;
}

/* ---- explanation ------------------------------------------------------ */

int qh_kconfig_explain(const struct qh_kconfig *kc, int sym, struct qh_buf *b)
{
	int depth = 0;

	while (sym >= 0 && depth++ < 64) {
		const struct qh_ksym *s = &kc->syms[sym];
		const struct qh_kclause *c;

		if (s->set_by < 0) {
			qh_buf_printf(b, "  %s=%s (nothing decided it)\n", s->name,
				      s->value == 1 ? "y" : "n");
			return 0;
		}
		c = &kc->clauses[s->set_by];
		qh_buf_printf(b, "  %s=%s: ", s->name, s->value == 1 ? "y" : "n");
		switch (c->kind) {
		case QH_KC_ASSIGN:
			qh_buf_printf(b, "assigned CONFIG_%s=%s at ", s->name,
				      c->value ? "y" : "n");
			clause_where(kc, c, b);
			qh_buf_putc(b, '\n');
			return 0;
		case QH_KC_SELECT:
		case QH_KC_DEFAULT:
			if (c->owner >= 0) {
				qh_buf_printf(b, "%s by %s (", c->imply ? "implied" :
					      c->kind == QH_KC_SELECT ? "selected" :
					      "default", kc->syms[c->owner].name);
				clause_where(kc, c, b);
				qh_buf_puts(b, ")\n");
				sym = c->owner;
				continue;
			}
			qh_buf_printf(b, "default %s", c->value && s->value ? "y" : "n");
			if (c->cond >= 0) {
				qh_buf_puts(b, " if ");
				qh_kexpr_format(kc, c->cond, true, b);
			}
			qh_buf_puts(b, " (");
			clause_where(kc, c, b);
			qh_buf_puts(b, ")\n");
			return 0;
		case QH_KC_DEPENDS:
			qh_buf_puts(b, "depends on ");
			qh_kexpr_format(kc, c->cond, true, b);
			qh_buf_puts(b, " is false (");
			clause_where(kc, c, b);
			qh_buf_puts(b, ")\n");
			return 0;
		}
		return 0;
	}
	return 0;
}
