/* ninja.c - read the link and archive statements of a build.ninja (see
 * ninja.h). */
#include "ninja.h"

#include <stdlib.h>
#include <string.h>

#include "fileio.h"

static void stmt_clear(struct qh_ninja_stmt *st)
{
	free(st->out);
	free(st->rule);
	qh_strlist_free(&st->inputs);
	for (size_t i = 0; i < st->nvars; i++) {
		free(st->vars[i].name);
		free(st->vars[i].value);
	}
	free(st->vars);
	memset(st, 0, sizeof(*st));
}

void qh_ninja_free(struct qh_ninja_graph *g)
{
	for (size_t i = 0; i < g->nstmts; i++)
		stmt_clear(&g->stmts[i]);
	free(g->stmts);
	for (size_t i = 0; i < g->nrules; i++) {
		free(g->rules[i].name);
		free(g->rules[i].command);
		free(g->rules[i].rspfile_content);
	}
	free(g->rules);
	memset(g, 0, sizeof(*g));
}

const struct qh_ninja_stmt *qh_ninja_find(const struct qh_ninja_graph *g,
					  const char *out)
{
	for (size_t i = 0; i < g->nstmts; i++)
		if (strcmp(g->stmts[i].out, out) == 0)
			return &g->stmts[i];
	return NULL;
}

/* ---- expansion -------------------------------------------------------- */

static const char *rule_command(const struct qh_ninja_graph *g,
				const char *rule)
{
	for (size_t i = 0; i < g->nrules; i++)
		if (strcmp(g->rules[i].name, rule) == 0)
			return g->rules[i].command;
	return NULL;
}

static const char *var_lookup(const struct qh_ninja_var *vars, size_t n,
			      const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len &&
		    strncmp(vars[i].name, name, len) == 0)
			return vars[i].value;
	return NULL;
}

static bool is_varchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Expand a rule command with the build statement's variables. $in is
 * dropped (object files carry no flags); $out is the output. Values are
 * expanded recursively once (meson's ARGS/LINK_ARGS hold no references). */
static int expand(struct qh_buf *b, const char *s,
		  const struct qh_ninja_var *vars, size_t nvars,
		  const char *out, int depth)
{
	while (*s) {
		if (*s != '$') {
			if (qh_buf_putc(b, *s++) < 0)
				return -1;
			continue;
		}
		s++;
		if (*s == '$' || *s == ' ' || *s == ':') {
			if (qh_buf_putc(b, *s++) < 0)
				return -1;
		} else if (*s == '{' || is_varchar(*s)) {
			bool brace = *s == '{';
			const char *name = brace ? s + 1 : s, *end = name;
			const char *val;

			while (is_varchar(*end) || (brace && *end == '.'))
				end++;
			if (brace && *end != '}')
				return -1;
			if ((size_t)(end - name) == 3 && strncmp(name, "out", 3) == 0)
				val = out;
			else if ((size_t)(end - name) == 2 && strncmp(name, "in", 2) == 0)
				val = "";
			else
				val = var_lookup(vars, nvars, name, (size_t)(end - name));
			if (val && depth < 2 &&
			    expand(b, val, vars, nvars, out, depth + 1) < 0)
				return -1;
			s = brace ? end + 1 : end;
		} else if (*s) {
			s++; /* "$\n" was joined already; anything else: drop */
		}
	}
	return 0;
}

int qh_ninja_command(const struct qh_ninja_graph *g,
		     const struct qh_ninja_stmt *st, char **cmd,
		     struct qh_error *err)
{
	const char *text = rule_command(g, st->rule);
	struct qh_buf b = QH_BUF_INIT;

	*cmd = NULL;
	if (!text)
		return qh_error_set(err, "link of %s uses undefined rule %s",
				    st->out, st->rule);
	if (expand(&b, text, st->vars, st->nvars, st->out, 0) < 0 || !b.data) {
		qh_buf_free(&b);
		return qh_error_set(err, "link of %s: cannot expand its command",
				    st->out);
	}
	*cmd = qh_buf_detach(&b);
	return 0;
}

static int collect_objects(const struct qh_ninja_graph *g,
			   const struct qh_ninja_stmt *st,
			   struct qh_strlist *objs, int depth)
{
	if (depth > 16)
		return 0;
	for (size_t i = 0; i < st->inputs.n; i++) {
		const char *in = st->inputs.items[i];
		const struct qh_ninja_stmt *sub = qh_ninja_find(g, in);

		if (sub && sub->is_archive) {
			if (collect_objects(g, sub, objs, depth + 1) < 0)
				return -1;
		} else if (qh_strlist_add(objs, in) < 0) {
			return -1;
		}
	}
	return 0;
}

int qh_ninja_collect_objects(const struct qh_ninja_graph *g,
			     const struct qh_ninja_stmt *st,
			     struct qh_strlist *objs)
{
	return collect_objects(g, st, objs, 0);
}

/* ---- reading ---------------------------------------------------------- */

/* Read the whole file joining "$\n" continuations. */
static char *read_ninja(const char *path, struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;

	if (qh_read_file(path, 0, &b, err) < 0)
		return NULL;
	/* "$" + newline + leading spaces continue the line. A "$$" before the
	 * newline is an escaped dollar, so count the run of '$'. */
	char *w = b.data;
	for (char *r = b.data; *r;) {
		if (r[0] == '$' && r[1] == '\n') {
			size_t run = 0;

			for (char *q = w; q > b.data && q[-1] == '$'; q--)
				run++;
			if (run % 2 == 0) {
				r += 2;
				while (*r == ' ')
					r++;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return qh_buf_detach(&b);
}

/* The word in w ends: it goes to words (w is emptied). */
static int push_word(struct qh_strlist *words, struct qh_buf *w)
{
	int rc = qh_strlist_add(words, w->data ? w->data : "");

	qh_buf_free(w);
	return rc;
}

/* Split a "build" line (after "build ") into words honouring ninja's "$ ",
 * "$:" and "$$" escapes. An unescaped ':' ends the outputs and becomes the
 * word ":"; "|" and "||" are words of their own already. */
static int build_words(const char *line, struct qh_strlist *words)
{
	struct qh_buf w = QH_BUF_INIT;
	const char *p = line;

	for (;;) {
		bool end = *p == '\0';

		if (end || *p == ' ' || *p == ':') {
			if (w.data && push_word(words, &w) < 0)
				goto nomem;
			if (end)
				break;
			if (*p == ':') {
				if (qh_buf_puts(&w, ":") < 0 ||
				    push_word(words, &w) < 0)
					goto nomem;
			}
			p++;
			continue;
		}
		if (*p == '$' && p[1])
			p++;
		if (qh_buf_putc(&w, *p++) < 0)
			goto nomem;
	}
	return 0;
nomem:
	qh_buf_free(&w);
	qh_strlist_free(words);
	return -1;
}

static bool is_exe_link_rule(const char *rule)
{
	size_t len = strlen(rule);

	/* c_LINKER, cpp_LINKER, and their response-file forms *_LINKER_RSP */
	if (len > 4 && strcmp(rule + len - 4, "_RSP") == 0)
		len -= 4;
	return len > 7 && strncmp(rule + len - 7, "_LINKER", 7) == 0 &&
	       !strstr(rule, "STATIC_LINKER") && !strstr(rule, "_FOR_BUILD");
}

static bool is_archive_rule(const char *rule)
{
	return strstr(rule, "STATIC_LINKER") != NULL;
}

/* Turn the words of a build line into a statement when its rule is a link
 * or an archive; st->out == NULL means "not interesting". */
static int parse_build_line(const char *line, struct qh_ninja_stmt *st)
{
	struct qh_strlist w = { 0 };
	size_t i = 0;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (build_words(line, &w) < 0)
		return -1;
	while (i < w.n && strcmp(w.items[i], ":") != 0)
		i++;
	if (i == 0 || i + 1 >= w.n) {
		rc = 0; /* malformed or empty: nothing to audit */
		goto done;
	}
	if (!is_exe_link_rule(w.items[i + 1]) && !is_archive_rule(w.items[i + 1])) {
		rc = 0;
		goto done;
	}
	st->is_archive = is_archive_rule(w.items[i + 1]);
	if (!(st->out = strdup(w.items[0])) ||
	    !(st->rule = strdup(w.items[i + 1])))
		goto done;
	for (size_t k = i + 2; k < w.n && strcmp(w.items[k], "||") != 0; k++) {
		if (strcmp(w.items[k], "|") == 0)
			continue;
		if (qh_strlist_add(&st->inputs, w.items[k]) < 0)
			goto done;
	}
	rc = 0;
done:
	qh_strlist_free(&w);
	if (rc < 0)
		stmt_clear(st);
	return rc;
}

/* A rule that passes its arguments in a response file (meson switches to
 * c_LINKER_RSP, STATIC_LINKER_RSP for long lines: QEMU 10's emulator
 * link) says "cc -m64 @$out.rsp" and keeps the flags in rspfile_content:
 * put them back where the compiler reads them. */
static int inline_rspfiles(struct qh_ninja_graph *g)
{
	static const char *const refs[] = { "@$out.rsp", "@${out}.rsp", "@$rspfile" };

	for (size_t i = 0; i < g->nrules; i++) {
		struct qh_ninja_rule *r = &g->rules[i];

		if (!r->command || !r->rspfile_content)
			continue;
		for (size_t k = 0; k < QH_ARRAY_LEN(refs); k++) {
			char *at = strstr(r->command, refs[k]);
			struct qh_buf b = QH_BUF_INIT;

			if (!at)
				continue;
			qh_buf_append(&b, r->command, (size_t)(at - r->command));
			qh_buf_puts(&b, r->rspfile_content);
			qh_buf_puts(&b, at + strlen(refs[k]));
			if (!b.data)
				return -1;
			free(r->command);
			r->command = qh_buf_detach(&b);
			break;
		}
	}
	return 0;
}

/* "  name = value" (indented, inside a rule or build block): cut line into
 * name and value; false when it has no '='. */
static bool split_binding(char *line, char **name, char **value)
{
	char *p = line, *eq, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	eq = strchr(p, '=');
	if (!eq)
		return false;
	*name = p;
	*value = eq + 1;
	while (**value == ' ')
		(*value)++;
	for (e = eq; e > p && e[-1] == ' '; e--)
		;
	*e = '\0';
	return true;
}

/* A rule keeps only the bindings the audit needs. */
static int rule_binding(struct qh_ninja_rule *r, const char *name,
			const char *value)
{
	char **field = strcmp(name, "command") == 0 ? &r->command :
		       strcmp(name, "rspfile_content") == 0 ?
		       &r->rspfile_content : NULL;

	if (!field)
		return 0;
	free(*field);
	return (*field = strdup(value)) ? 0 : -1;
}

static int stmt_binding(struct qh_ninja_stmt *st, const char *name,
			const char *value)
{
	struct qh_ninja_var *v;

	if (qh_array_reserve((void **)&st->vars, &st->cap, st->nvars + 1,
			     sizeof(*st->vars)) < 0)
		return -1;
	v = &st->vars[st->nvars];
	v->name = strdup(name);
	v->value = strdup(value);
	if (!v->name || !v->value) {
		free(v->name);
		free(v->value);
		return -1;
	}
	st->nvars++;
	return 0;
}

static struct qh_ninja_rule *add_rule(struct qh_ninja_graph *g,
				      const char *name)
{
	struct qh_ninja_rule *r;

	if (qh_array_reserve((void **)&g->rules, &g->rules_cap, g->nrules + 1,
			     sizeof(*g->rules)) < 0)
		return NULL;
	r = &g->rules[g->nrules];
	r->command = NULL;
	r->rspfile_content = NULL;
	if (!(r->name = strdup(name)))
		return NULL;
	g->nrules++;
	return r;
}

/* A "build" line: *cur is the new statement, NULL when it is not a link
 * or an archive (its bindings are then skipped). */
static int add_stmt(struct qh_ninja_graph *g, const char *line,
		    struct qh_ninja_stmt **cur)
{
	struct qh_ninja_stmt st;

	*cur = NULL;
	if (parse_build_line(line, &st) < 0)
		return -1;
	if (!st.out)
		return 0;
	if (qh_array_reserve((void **)&g->stmts, &g->cap, g->nstmts + 1,
			     sizeof(*g->stmts)) < 0) {
		stmt_clear(&st);
		return -1;
	}
	g->stmts[g->nstmts] = st;
	*cur = &g->stmts[g->nstmts++];
	return 0;
}

int qh_ninja_load(const char *path, struct qh_ninja_graph *g,
		  struct qh_error *err)
{
	struct qh_ninja_stmt *cur = NULL;
	struct qh_ninja_rule *cur_rule = NULL;
	char *text, *save = NULL;

	memset(g, 0, sizeof(*g));
	text = read_ninja(path, err);
	if (!text)
		return -1;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			char *name, *value;

			if ((!cur && !cur_rule) ||
			    !split_binding(line, &name, &value))
				continue;
			if ((cur_rule ? rule_binding(cur_rule, name, value) :
					stmt_binding(cur, name, value)) < 0)
				goto nomem;
			continue;
		}
		cur = NULL;
		cur_rule = NULL;
		if (strncmp(line, "rule ", 5) == 0) {
			if (!(cur_rule = add_rule(g, line + 5)))
				goto nomem;
		} else if (strncmp(line, "build ", 6) == 0) {
			if (add_stmt(g, line + 6, &cur) < 0)
				goto nomem;
		}
	}
	free(text);
	if (inline_rspfiles(g) < 0) {
		qh_ninja_free(g);
		return qh_error_set(err, "out of memory");
	}
	return 0;
nomem:
	free(text);
	qh_ninja_free(g);
	return qh_error_set(err, "out of memory");
}
