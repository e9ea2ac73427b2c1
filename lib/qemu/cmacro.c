/* cmacro.c - bounded C macro expansion (see cmacro.h). The expansion is
 * Prosser's algorithm: each token carries the set of macros it came out
 * of (its hide set) and is never expanded by one of them again. */
#include "cmacro.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qh.h"
#include "strindex.h"

#define MAX_PARAMS 64
#define MAX_HIDESETS 4096

/* ---- tokens ----------------------------------------------------------- */

enum tkind { TK_IDENT, TK_NUMBER, TK_STRING, TK_PUNCT };

struct tok {
	char *s;
	unsigned char kind;
	bool space; /* white space before it */
	int hs;     /* hide set id (0 = empty) */
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

static void toks_free(struct toks *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int toks_push(struct toks *t, const char *s, size_t len, int kind,
		     bool space, int hs)
{
	char *d;

	if (qh_array_reserve((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)) < 0)
		return -1;
	d = malloc(len + 1);
	if (!d)
		return -1;
	memcpy(d, s, len);
	d[len] = '\0';
	t->v[t->n].s = d;
	t->v[t->n].kind = (unsigned char)kind;
	t->v[t->n].space = space;
	t->v[t->n].hs = hs;
	t->n++;
	return 0;
}

static int toks_copy(struct toks *t, const struct tok *x)
{
	return toks_push(t, x->s, strlen(x->s), x->kind, x->space, x->hs);
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool is_punct(const struct tok *t, const char *p)
{
	return t->kind == TK_PUNCT && strcmp(t->s, p) == 0;
}

/* Tokenize s[0..len): identifiers, pp-numbers, string and character
 * literals, punctuators (the multi-character ones that matter to us kept
 * whole). Comments count as white space. */
static int tokenize(const char *s, size_t len, struct toks *out)
{
	static const char *const multi[] = { "...", "##", "->", "<<", ">>", "<=",
					     ">=", "==", "!=", "&&", "||", "++",
					     "--" };
	size_t i = 0;
	bool space = false;

	while (i < len) {
		size_t st = i;
		int kind;

		if (isspace((unsigned char)s[i]) || (s[i] == '\\' && i + 1 < len && s[i + 1] == '\n')) {
			i += s[i] == '\\' ? 2 : 1;
			space = true;
			continue;
		}
		if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *e = NULL;

			for (size_t k = i + 2; k + 1 < len; k++)
				if (s[k] == '*' && s[k + 1] == '/') {
					e = s + k + 2;
					break;
				}
			i = e ? (size_t)(e - s) : len;
			space = true;
			continue;
		}
		if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
			while (i < len && s[i] != '\n')
				i++;
			space = true;
			continue;
		}
		if (is_ident_start(s[i])) {
			while (i < len && is_ident_char(s[i]))
				i++;
			kind = TK_IDENT;
		} else if (isdigit((unsigned char)s[i]) ||
			   (s[i] == '.' && i + 1 < len && isdigit((unsigned char)s[i + 1]))) {
			while (i < len && (is_ident_char(s[i]) || s[i] == '.' ||
					   ((s[i] == '+' || s[i] == '-') &&
					    strchr("eEpP", s[i - 1]))))
				i++;
			kind = TK_NUMBER;
		} else if (s[i] == '"' || s[i] == '\'') {
			char q = s[i++];

			while (i < len && s[i] != q && s[i] != '\n')
				i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
			if (i < len && s[i] == q)
				i++;
			kind = TK_STRING;
		} else {
			size_t n = 1;

			for (size_t k = 0; k < QH_ARRAY_LEN(multi); k++) {
				size_t ml = strlen(multi[k]);

				if (len - i >= ml && memcmp(s + i, multi[k], ml) == 0) {
					n = ml;
					break;
				}
			}
			i += n;
			kind = TK_PUNCT;
		}
		if (toks_push(out, s + st, i - st, kind, space, 0) < 0)
			return -1;
		space = false;
	}
	return 0;
}

/* ---- macro tables ----------------------------------------------------- */

struct macro {
	char *name;
	bool function, variadic;
	char **params;
	size_t nparams;
	char *body_text;
	struct toks body;
	bool tokenized;
	int relevant; /* 0 unknown, 1 being computed, 2 yes, 3 no */
	struct qh_cmacros *owner;
};

struct qh_cmacros {
	struct macro **v;
	size_t n, cap;
	struct qh_strindex index;
	struct qh_cmacros *parent;
};

static const char *macro_key(const void *items, size_t i)
{
	return ((struct macro *const *)items)[i]->name;
}

struct qh_cmacros *qh_cmacros_new(struct qh_cmacros *parent)
{
	struct qh_cmacros *m = calloc(1, sizeof(*m));

	if (m)
		m->parent = parent;
	return m;
}

static void macro_free(struct macro *x)
{
	if (!x)
		return;
	free(x->name);
	for (size_t i = 0; i < x->nparams; i++)
		free(x->params[i]);
	free(x->params);
	free(x->body_text);
	toks_free(&x->body);
	free(x);
}

void qh_cmacros_free(struct qh_cmacros *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		macro_free(m->v[i]);
	free(m->v);
	qh_strindex_free(&m->index);
	free(m);
}

size_t qh_cmacros_count(const struct qh_cmacros *m)
{
	return m ? m->n : 0;
}

static struct macro *find_here(const struct qh_cmacros *m, const char *name)
{
	int i = qh_strindex_find(&m->index, name, macro_key, m->v);

	return i < 0 ? NULL : m->v[i];
}

static struct macro *lookup(const struct qh_cmacros *m, const char *name)
{
	for (; m; m = m->parent) {
		struct macro *x = find_here(m, name);

		if (x)
			return x;
	}
	return NULL;
}

/* "a, b, ..." / "fmt, args..." / "" -> names; -1 when malformed. */
static int parse_params(struct macro *x, const char *params)
{
	struct toks t = { 0 };
	size_t cap = 0;
	int rc = -1;

	if (tokenize(params, strlen(params), &t) < 0)
		return -1;
	for (size_t i = 0; i < t.n; i++) {
		const char *name = NULL;

		if (x->variadic || x->nparams >= MAX_PARAMS)
			goto out;
		if (t.v[i].kind == TK_IDENT) {
			name = t.v[i].s;
			if (i + 1 < t.n && is_punct(&t.v[i + 1], "...")) {
				x->variadic = true; /* GNU named variadic: args... */
				i++;
			}
		} else if (is_punct(&t.v[i], "...")) {
			name = "__VA_ARGS__";
			x->variadic = true;
		} else {
			goto out;
		}
		if (qh_array_reserve((void **)&x->params, &cap, x->nparams + 1,
				     sizeof(char *)) < 0 ||
		    !(x->params[x->nparams] = qh_strdup(name)))
			goto out;
		x->nparams++;
		if (i + 1 < t.n) {
			if (!is_punct(&t.v[i + 1], ","))
				goto out;
			i++;
			if (i + 1 == t.n)
				goto out; /* trailing comma */
		}
	}
	rc = 0;
out:
	toks_free(&t);
	return rc;
}

int qh_cmacros_define(struct qh_cmacros *m, const char *name,
		      const char *params, const char *body)
{
	struct macro *x;

	if (!name || !is_ident_start(*name))
		return -1;
	if (find_here(m, name))
		return 0;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -1;
	x->owner = m;
	x->name = qh_strdup(name);
	x->body_text = qh_strdup(body ? body : "");
	x->function = params != NULL;
	if (!x->name || !x->body_text || (params && parse_params(x, params) < 0)) {
		macro_free(x);
		return -1;
	}
	if (qh_array_reserve((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v)) < 0) {
		macro_free(x);
		return -1;
	}
	m->v[m->n] = x;
	if (qh_strindex_add(&m->index, m->n, macro_key, m->v) < 0) {
		macro_free(x);
		return -1;
	}
	m->n++;
	return 0;
}

static int body_tokens(struct macro *x)
{
	if (!x->tokenized) {
		if (tokenize(x->body_text, strlen(x->body_text), &x->body) < 0) {
			toks_free(&x->body);
			return -1;
		}
		x->tokenized = true;
	}
	return 0;
}

/* One logical line starting at p (after the '#'): its end, with
 * backslash-newline continuations inside. */
static const char *line_end(const char *p)
{
	while (*p && *p != '\n') {
		if (*p == '\\' && p[1] == '\n')
			p++;
		p++;
	}
	return p;
}

int qh_cmacros_scan_defines(struct qh_cmacros *m, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *s = p, *end, *name, *params = NULL, *pend = NULL;
		struct qh_buf pb = QH_BUF_INIT, bb = QH_BUF_INIT;
		size_t nlen;
		int rc;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '#') {
			p = strchr(p, '\n');
			if (!p)
				break;
			p++;
			continue;
		}
		end = line_end(s);
		p = *end ? end + 1 : end;
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncmp(s, "define", 6) != 0 || (s[6] != ' ' && s[6] != '\t'))
			continue;
		s += 6;
		while (*s == ' ' || *s == '\t')
			s++;
		name = s;
		while (s < end && is_ident_char(*s))
			s++;
		nlen = (size_t)(s - name);
		if (!nlen || !is_ident_start(*name) || nlen > 255)
			continue;
		if (*s == '(') {
			params = s + 1;
			pend = memchr(params, ')', (size_t)(end - params));
			if (!pend)
				continue;
			s = pend + 1;
		}
		/* body with continuations turned into spaces */
		for (const char *c = s; c < end; c++) {
			if (*c == '\\' && c + 1 < end && c[1] == '\n') {
				qh_buf_putc(&bb, ' ');
				c++;
			} else {
				qh_buf_putc(&bb, *c);
			}
		}
		qh_buf_append(&pb, name, nlen);
		if (params) {
			qh_buf_putc(&pb, '\0');
			qh_buf_append(&pb, params, (size_t)(pend - params));
		}
		if (!pb.data || (s < end && !bb.data)) {
			qh_buf_free(&pb);
			qh_buf_free(&bb);
			return -1;
		}
		rc = qh_cmacros_define(m, pb.data, params ? pb.data + nlen + 1 : NULL,
				       bb.data ? bb.data : "");
		qh_buf_free(&pb);
		qh_buf_free(&bb);
		/* a malformed parameter list is skipped like a bad line */
		(void)rc;
	}
	return 0;
}

/* ---- hide sets -------------------------------------------------------- */

struct hideset {
	const struct macro **m; /* sorted by address */
	size_t n;
};

struct ctx {
	struct qh_cmacros *table;
	struct hideset *hs;
	size_t nhs, hscap;
	size_t ntokens, ncalls;
	int depth;
	bool failed;
};

static bool hs_has(const struct ctx *c, int h, const struct macro *x)
{
	const struct hideset *s = &c->hs[h];

	for (size_t i = 0; i < s->n; i++)
		if (s->m[i] == x)
			return true;
	return false;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const struct macro *const *)a;
	uintptr_t y = (uintptr_t)*(const struct macro *const *)b;

	return x < y ? -1 : x > y;
}

/* Intern a sorted, duplicate-free set; takes ownership of `m`. */
static int hs_intern(struct ctx *c, const struct macro **m, size_t n)
{
	for (size_t i = 0; i < c->nhs; i++)
		if (c->hs[i].n == n && (n == 0 || memcmp(c->hs[i].m, m, n * sizeof(*m)) == 0)) {
			free(m);
			return (int)i;
		}
	if (c->nhs >= MAX_HIDESETS ||
	    qh_array_reserve((void **)&c->hs, &c->hscap, c->nhs + 1, sizeof(*c->hs)) < 0) {
		free(m);
		c->failed = true;
		return 0;
	}
	c->hs[c->nhs].m = m;
	c->hs[c->nhs].n = n;
	return (int)c->nhs++;
}

/* Union (or intersection) of two hide sets. */
static int hs_combine(struct ctx *c, int a, int b, bool intersect)
{
	const struct hideset *x = &c->hs[a], *y = &c->hs[b];
	const struct macro **m;
	size_t n = 0;

	if (a == b)
		return a;
	m = malloc((x->n + y->n + 1) * sizeof(*m));
	if (!m) {
		c->failed = true;
		return 0;
	}
	for (size_t i = 0; i < x->n; i++) {
		bool in_y = false;

		for (size_t k = 0; k < y->n; k++)
			if (y->m[k] == x->m[i])
				in_y = true;
		if (!intersect || in_y)
			m[n++] = x->m[i];
	}
	if (!intersect)
		for (size_t k = 0; k < y->n; k++)
			if (!hs_has(c, a, y->m[k]))
				m[n++] = y->m[k];
	qsort(m, n, sizeof(*m), cmp_ptr);
	return hs_intern(c, m, n);
}

static int hs_add(struct ctx *c, int h, const struct macro *x)
{
	const struct macro **m = malloc((c->hs[h].n + 1) * sizeof(*m));

	if (!m) {
		c->failed = true;
		return 0;
	}
	if (hs_has(c, h, x)) {
		free(m);
		return h;
	}
	if (c->hs[h].n)
		memcpy(m, c->hs[h].m, c->hs[h].n * sizeof(*m));
	m[c->hs[h].n] = x;
	qsort(m, c->hs[h].n + 1, sizeof(*m), cmp_ptr);
	return hs_intern(c, m, c->hs[h].n + 1);
}

static void ctx_free(struct ctx *c)
{
	for (size_t i = 0; i < c->nhs; i++)
		free(c->hs[i].m);
	free(c->hs);
}

/* ---- expansion -------------------------------------------------------- */

static bool budget(struct ctx *c, size_t more)
{
	c->ntokens += more;
	if (c->ntokens > QH_CMACRO_MAX_TOKENS)
		c->failed = true;
	return !c->failed;
}

static int param_index(const struct macro *x, const struct tok *t)
{
	if (!x->function || t->kind != TK_IDENT)
		return -1;
	for (size_t i = 0; i < x->nparams; i++)
		if (strcmp(x->params[i], t->s) == 0)
			return (int)i;
	return -1;
}

static int expand(struct ctx *c, const struct toks *in, struct toks *out);

/* "#arg": the argument's spelling as a string literal. */
static int stringify(const struct toks *arg, bool space, struct toks *os)
{
	struct qh_buf b = QH_BUF_INIT;
	int rc;

	qh_buf_putc(&b, '"');
	for (size_t i = 0; i < arg->n; i++) {
		if (i && arg->v[i].space)
			qh_buf_putc(&b, ' ');
		for (const char *p = arg->v[i].s; *p; p++) {
			if (arg->v[i].kind == TK_STRING && (*p == '"' || *p == '\\'))
				qh_buf_putc(&b, '\\');
			qh_buf_putc(&b, *p);
		}
	}
	qh_buf_putc(&b, '"');
	rc = b.data ? toks_push(os, b.data, b.len, TK_STRING, space, 0) : -1;
	qh_buf_free(&b);
	return rc;
}

/* a ## b: one token spelled as both (its kind from its first character). */
static int paste(struct tok *left, const struct tok *right)
{
	size_t a = strlen(left->s), b = strlen(right->s);
	char *s = malloc(a + b + 1);

	if (!s)
		return -1;
	memcpy(s, left->s, a);
	memcpy(s + a, right->s, b + 1);
	free(left->s);
	left->s = s;
	if (left->kind == TK_PUNCT && right->kind != TK_PUNCT)
		left->kind = right->kind;
	return 0;
}

struct call {
	const struct macro *m;
	struct toks *args;     /* raw arguments, m->nparams of them */
	struct toks *expanded; /* pre-expanded, filled on first use */
	bool *have_expanded;
};

static const struct toks *expanded_arg(struct ctx *c, struct call *k, int p)
{
	if (!k->have_expanded[p]) {
		c->depth++;
		if (c->depth > QH_CMACRO_MAX_DEPTH)
			c->failed = true;
		else if (expand(c, &k->args[p], &k->expanded[p]) < 0)
			c->failed = true;
		c->depth--;
		k->have_expanded[p] = true;
	}
	return &k->expanded[p];
}

/* The replacement list of one call with parameters substituted (C11
 * 6.10.3.1-3), each token's hide set joined with `hs`. */
static int substitute(struct ctx *c, struct call *k, int hs, struct toks *os)
{
	const struct macro *x = k->m;
	const struct toks *body = &x->body;
	bool placemarker = false; /* an empty argument is the left of ## */

	for (size_t i = 0; i < body->n && !c->failed; i++) {
		const struct tok *t = &body->v[i];
		int p = param_index(x, t);

		if (x->function && is_punct(t, "#") && i + 1 < body->n &&
		    (p = param_index(x, &body->v[i + 1])) >= 0) {
			if (stringify(&k->args[p], t->space, os) < 0)
				return -1;
			i++;
			placemarker = false;
			continue;
		}
		if (is_punct(t, "##") && i > 0 && i + 1 < body->n) {
			const struct tok *r = &body->v[++i];
			int pr = param_index(x, r);
			struct toks one = { (struct tok *)r, 1, 1 };
			const struct toks *rt = pr >= 0 ? &k->args[pr] : &one;

			if (rt->n == 0) {
				/* GNU: `, ## __VA_ARGS__` drops the comma when
				 * there are no variable arguments */
				if (x->variadic && pr == (int)x->nparams - 1 && !placemarker &&
				    os->n && is_punct(&os->v[os->n - 1], ",")) {
					free(os->v[os->n - 1].s);
					os->n--;
				}
				continue;
			}
			if (!budget(c, rt->n))
				break;
			if (placemarker || os->n == 0) {
				for (size_t j = 0; j < rt->n; j++)
					if (toks_copy(os, &rt->v[j]) < 0)
						return -1;
			} else {
				if (paste(&os->v[os->n - 1], &rt->v[0]) < 0)
					return -1;
				for (size_t j = 1; j < rt->n; j++)
					if (toks_copy(os, &rt->v[j]) < 0)
						return -1;
			}
			placemarker = false;
			continue;
		}
		if (p >= 0) {
			bool raw = i + 1 < body->n && is_punct(&body->v[i + 1], "##");
			const struct toks *src = raw ? &k->args[p] : expanded_arg(c, k, p);
			size_t first = os->n;

			if (c->failed || !budget(c, src->n))
				break;
			for (size_t j = 0; j < src->n; j++)
				if (toks_copy(os, &src->v[j]) < 0)
					return -1;
			if (os->n > first)
				os->v[first].space = t->space;
			placemarker = raw && src->n == 0;
			continue;
		}
		if (!budget(c, 1) || toks_copy(os, t) < 0)
			return c->failed ? 0 : -1;
		os->v[os->n - 1].hs = 0;
		placemarker = false;
	}
	for (size_t i = 0; i < os->n && !c->failed; i++)
		os->v[i].hs = hs_combine(c, os->v[i].hs, hs, false);
	return 0;
}

/* Move the tokens of `v` (in order) on top of the stack `st` (whose top
 * is its end). */
static int push_front(struct toks *st, struct toks *v)
{
	if (qh_array_reserve((void **)&st->v, &st->cap, st->n + v->n, sizeof(*st->v)) < 0)
		return -1;
	for (size_t i = v->n; i-- > 0;)
		st->v[st->n++] = v->v[i];
	free(v->v);
	memset(v, 0, sizeof(*v));
	return 0;
}

static struct tok pop(struct toks *st)
{
	return st->v[--st->n];
}

/* Arguments of a call whose '(' is on top of `st`. Returns 1 with the
 * arguments and the hide set of the ')', 0 when this is not a complete
 * call, -1 on ENOMEM. */
static int collect_args(struct ctx *c, const struct macro *x, struct toks *st,
			struct toks **args_out, int *rparen_hs)
{
	struct toks *args = calloc(x->nparams + 1, sizeof(*args));
	size_t na = 0, depth = 0, i = st->n;
	bool any = false;

	if (!args)
		return -1;
	/* find the matching ')' first, so nothing is consumed on failure */
	while (i-- > 0) {
		const struct tok *t = &st->v[i];

		if (is_punct(t, "("))
			depth++;
		else if (is_punct(t, ")") && --depth == 0)
			break;
	}
	if (depth != 0) {
		free(args);
		return 0;
	}
	free(pop(st).s); /* '(' */
	depth = 0;
	for (;;) {
		struct tok t = pop(st);

		if (depth == 0 && is_punct(&t, ")")) {
			*rparen_hs = t.hs;
			free(t.s);
			break;
		}
		if (is_punct(&t, "("))
			depth++;
		else if (is_punct(&t, ")"))
			depth--;
		if (depth == 0 && is_punct(&t, ",") &&
		    !(x->variadic && na + 1 >= x->nparams)) {
			free(t.s);
			na++;
			any = true;
			if (na >= x->nparams)
				goto bad; /* too many arguments */
			continue;
		}
		any = true;
		if (qh_array_reserve((void **)&args[na].v, &args[na].cap, args[na].n + 1,
				     sizeof(struct tok)) < 0) {
			free(t.s);
			goto oom;
		}
		args[na].v[args[na].n++] = t;
	}
	/* F() names one empty argument; F(a) with `a, ...` leaves the
	 * variable part empty */
	if (any || x->nparams)
		na++;
	if (!(na == x->nparams || (x->variadic && na + 1 == x->nparams) ||
	      (x->nparams == 0 && !any)))
		goto bad;
	(void)c;
	*args_out = args;
	return 1;
bad:
	for (size_t k = 0; k <= x->nparams; k++)
		toks_free(&args[k]);
	free(args);
	c->failed = true;
	return 0;
oom:
	for (size_t k = 0; k <= x->nparams; k++)
		toks_free(&args[k]);
	free(args);
	return -1;
}

static int expand(struct ctx *c, const struct toks *in, struct toks *out)
{
	struct toks st = { 0 }, copy = { 0 };
	int rc = -1;

	for (size_t i = 0; i < in->n; i++)
		if (toks_copy(&copy, &in->v[i]) < 0)
			goto out;
	if (!budget(c, in->n) || push_front(&st, &copy) < 0)
		goto out;
	while (st.n && !c->failed) {
		struct tok t = pop(&st);
		struct macro *x = t.kind == TK_IDENT ? lookup(c->table, t.s) : NULL;
		struct toks os = { 0 };
		int hs;

		if (!x || hs_has(c, t.hs, x) || (x->function && (!st.n ||
		    !is_punct(&st.v[st.n - 1], "(")))) {
			if (qh_array_reserve((void **)&out->v, &out->cap, out->n + 1,
					     sizeof(*out->v)) < 0) {
				free(t.s);
				goto out;
			}
			out->v[out->n++] = t;
			continue;
		}
		if (++c->ncalls > QH_CMACRO_MAX_CALLS || body_tokens(x) < 0) {
			c->failed = true;
			free(t.s);
			break;
		}
		if (!x->function) {
			struct call k = { x, NULL, NULL, NULL };

			hs = hs_add(c, t.hs, x);
			if (substitute(c, &k, hs, &os) < 0) {
				free(t.s);
				toks_free(&os);
				goto out;
			}
		} else {
			struct toks *args = NULL, *exp;
			bool *have;
			int rhs = 0, got = collect_args(c, x, &st, &args, &rhs);
			struct call k;

			if (got <= 0) {
				free(t.s);
				if (got < 0)
					goto out;
				c->failed = true;
				break;
			}
			exp = calloc(x->nparams + 1, sizeof(*exp));
			have = calloc(x->nparams + 1, sizeof(*have));
			k = (struct call){ x, args, exp, have };
			hs = hs_add(c, hs_combine(c, t.hs, rhs, true), x);
			got = exp && have ? substitute(c, &k, hs, &os) : -1;
			for (size_t a = 0; a <= x->nparams; a++) {
				toks_free(&args[a]);
				if (exp)
					toks_free(&exp[a]);
			}
			free(args);
			free(exp);
			free(have);
			if (got < 0) {
				free(t.s);
				toks_free(&os);
				goto out;
			}
		}
		if (os.n)
			os.v[0].space = t.space;
		free(t.s);
		if (push_front(&st, &os) < 0) {
			toks_free(&os);
			goto out;
		}
	}
	rc = 0;
out:
	toks_free(&st);
	toks_free(&copy);
	return rc;
}

static char *join(const struct toks *t)
{
	struct qh_buf b = QH_BUF_INIT;

	for (size_t i = 0; i < t->n; i++) {
		bool glue_words = i && !t->v[i].space &&
				  t->v[i - 1].kind != TK_PUNCT && t->v[i].kind != TK_PUNCT &&
				  t->v[i - 1].kind != TK_STRING && t->v[i].kind != TK_STRING;

		if (i && (t->v[i].space || glue_words))
			qh_buf_putc(&b, ' ');
		qh_buf_puts(&b, t->v[i].s);
	}
	return b.data ? qh_buf_detach(&b) : qh_strdup("");
}

static char *expand_span(struct qh_cmacros *m, const char *s, size_t len)
{
	struct ctx c = { 0 };
	struct toks in = { 0 }, out = { 0 };
	char *r = NULL;

	c.table = m;
	if (hs_intern(&c, NULL, 0) != 0 || c.failed)
		return NULL;
	if (tokenize(s, len, &in) == 0 && expand(&c, &in, &out) == 0 && !c.failed)
		r = join(&out);
	toks_free(&in);
	toks_free(&out);
	ctx_free(&c);
	return r;
}

char *qh_cmacros_expand(struct qh_cmacros *m, const char *text)
{
	return expand_span(m, text, strlen(text));
}

/* ---- expanding the calls in a file ------------------------------------ */

/* Does the replacement of x, through the macros it names, contain one of
 * `words`? Memoized per macro; a cycle counts as no. */
static bool relevant(struct macro *x, const char *const *words, int depth)
{
	if (x->relevant >= 2)
		return x->relevant == 2;
	if (x->relevant == 1 || depth > QH_CMACRO_MAX_DEPTH || body_tokens(x) < 0)
		return false;
	x->relevant = 1;
	for (size_t i = 0; i < x->body.n; i++) {
		const struct tok *t = &x->body.v[i];
		struct macro *y;

		if (t->kind != TK_IDENT)
			continue;
		for (const char *const *w = words; *w; w++)
			if (strcmp(t->s, *w) == 0) {
				x->relevant = 2;
				return true;
			}
		y = lookup(x->owner, t->s);
		if (y && y != x && relevant(y, words, depth + 1)) {
			x->relevant = 2;
			return true;
		}
	}
	x->relevant = 3;
	return false;
}

/* End of a string or character literal starting at p. */
static const char *skip_literal(const char *p)
{
	char q = *p++;

	while (*p && *p != q && *p != '\n')
		p += (*p == '\\' && p[1]) ? 2 : 1;
	return *p == q ? p + 1 : p;
}

/* The ')' closing the '(' at p, or NULL. */
static const char *matching_paren(const char *p)
{
	size_t depth = 0;

	for (; *p; p++) {
		if (*p == '"' || *p == '\'') {
			p = skip_literal(p) - 1;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p;
	}
	return NULL;
}

char *qh_cmacros_expand_calls(struct qh_cmacros *m, const char *text,
			      const char *const *words, size_t *skipped)
{
	struct qh_buf b = QH_BUF_INIT;
	const char *p = text;
	bool line_start = true;

	if (skipped)
		*skipped = 0;
	while (*p) {
		const char *s = p;

		if (line_start) {
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s == '#') {
				const char *e = line_end(s);

				qh_buf_append(&b, p, (size_t)(e - p));
				p = e;
				continue;
			}
		}
		if (*p == '\n') {
			qh_buf_putc(&b, '\n');
			p++;
			line_start = true;
			continue;
		}
		line_start = false;
		if (*p == '"' || *p == '\'') {
			s = skip_literal(p);
			qh_buf_append(&b, p, (size_t)(s - p));
			p = s;
			continue;
		}
		if (is_ident_start(*p) && (p == text || !is_ident_char(p[-1]))) {
			const char *e = p, *open, *close;
			char name[256];
			struct macro *x;
			char *exp;

			while (is_ident_char(*e))
				e++;
			if ((size_t)(e - p) >= sizeof(name)) {
				qh_buf_append(&b, p, (size_t)(e - p));
				p = e;
				continue;
			}
			memcpy(name, p, (size_t)(e - p));
			name[e - p] = '\0';
			x = lookup(m, name);
			open = e;
			while (isspace((unsigned char)*open))
				open++;
			if (!x || !x->function || *open != '(' || !relevant(x, words, 0) ||
			    !(close = matching_paren(open))) {
				qh_buf_append(&b, p, (size_t)(e - p));
				p = e;
				continue;
			}
			exp = expand_span(m, p, (size_t)(close + 1 - p));
			if (!exp) {
				if (skipped)
					(*skipped)++;
				qh_buf_append(&b, p, (size_t)(e - p));
				p = e;
				continue;
			}
			qh_buf_puts(&b, exp);
			free(exp);
			for (const char *c = p; c <= close; c++)
				if (*c == '\n')
					qh_buf_putc(&b, '\n');
			p = close + 1;
			continue;
		}
		qh_buf_putc(&b, *p++);
	}
	return b.data ? qh_buf_detach(&b) : qh_strdup("");
}
