/* libvirt_conf.c - recursive-descent parser for libvirt's conf syntax (see
 * libvirt_conf.h). The grammar and its corner cases follow libvirt's
 * virconf.c; every read is bounded by `end`. */
#include "libvirt_conf.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *cur, *end;
	const char *name;
	unsigned line;
	unsigned depth;
	struct qh_error *err;
};

#define MAX_LIST_DEPTH 32

static bool at_end(const struct parser *p) { return p->cur >= p->end; }
static char peek(const struct parser *p) { return at_end(p) ? '\0' : *p->cur; }
static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_eol(char c) { return c == '\n' || c == '\r'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int syntax(struct parser *p, const char *what)
{
	return qh_error_set(p->err, "%s:%u: %s", p->name, p->line, what);
}

static void skip_blanks(struct parser *p)
{
	while (!at_end(p) && is_blank(*p->cur))
		p->cur++;
}

static void skip_blanks_and_eol(struct parser *p)
{
	while (!at_end(p) && (is_blank(*p->cur) || is_eol(*p->cur))) {
		if (*p->cur == '\n')
			p->line++;
		p->cur++;
	}
}

static void value_free(struct qh_lvconf_value *v)
{
	free(v->str);
	for (size_t i = 0; i < v->nitems; i++)
		value_free(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static int parse_string(struct parser *p, struct qh_lvconf_value *v)
{
	const char *base;
	char quote = *p->cur;

	if (p->end - p->cur >= 3 && memcmp(p->cur, "\"\"\"", 3) == 0) {
		p->cur += 3;
		base = p->cur;
		while (p->end - p->cur >= 3 && memcmp(p->cur, "\"\"\"", 3) != 0) {
			if (*p->cur == '\n')
				p->line++;
			p->cur++;
		}
		if (p->end - p->cur < 3)
			return syntax(p, "unterminated string");
		v->str = strndup(base, (size_t)(p->cur - base));
		p->cur += 3;
	} else {
		p->cur++;
		base = p->cur;
		while (!at_end(p) && *p->cur != quote && !is_eol(*p->cur))
			p->cur++;
		if (peek(p) != quote)
			return syntax(p, "unterminated string");
		v->str = strndup(base, (size_t)(p->cur - base));
		p->cur++;
	}
	if (!v->str)
		return qh_error_set(p->err, "out of memory");
	v->type = QH_LVCONF_STRING;
	return 0;
}

static int parse_number(struct parser *p, struct qh_lvconf_value *v)
{
	bool neg = false;
	unsigned long long n = 0;

	if (peek(p) == '-' || peek(p) == '+') {
		neg = *p->cur == '-';
		p->cur++;
	}
	if (!is_digit(peek(p)))
		return syntax(p, "unterminated number");
	while (is_digit(peek(p))) {
		unsigned d = (unsigned)(*p->cur - '0');

		if (n > (ULLONG_MAX - d) / 10 || n * 10 + d > (unsigned long long)LLONG_MAX)
			return syntax(p, "number out of range");
		n = n * 10 + d;
		p->cur++;
	}
	v->type = QH_LVCONF_NUMBER;
	v->num = neg ? -(long long)n : (long long)n;
	return 0;
}

static int parse_value(struct parser *p, struct qh_lvconf_value *v);

static int list_push(struct qh_lvconf_value *list, size_t *cap,
		     struct qh_lvconf_value *item)
{
	if (qh_array_reserve((void **)&list->items, cap, list->nitems + 1,
			     sizeof(*list->items)) < 0)
		return -1;
	list->items[list->nitems++] = *item;
	return 0;
}

static int parse_list(struct parser *p, struct qh_lvconf_value *v)
{
	size_t cap = 0;
	struct qh_lvconf_value item;

	v->type = QH_LVCONF_LIST;
	if (++p->depth > MAX_LIST_DEPTH)
		return syntax(p, "lists nested too deeply");
	p->cur++; /* '[' */
	skip_blanks_and_eol(p);
	if (!at_end(p) && *p->cur != ']') {
		memset(&item, 0, sizeof(item));
		if (parse_value(p, &item) < 0 || list_push(v, &cap, &item) < 0) {
			value_free(&item);
			return -1;
		}
		skip_blanks_and_eol(p);
	}
	while (!at_end(p) && *p->cur != ']') {
		if (*p->cur != ',')
			return syntax(p, "expecting a separator in list");
		p->cur++;
		skip_blanks_and_eol(p);
		if (peek(p) == ']')
			break;
		memset(&item, 0, sizeof(item));
		if (parse_value(p, &item) < 0 || list_push(v, &cap, &item) < 0) {
			value_free(&item);
			return -1;
		}
		skip_blanks_and_eol(p);
	}
	if (peek(p) != ']')
		return syntax(p, "list is not closed with ]");
	p->cur++;
	p->depth--;
	return 0;
}

static int parse_value(struct parser *p, struct qh_lvconf_value *v)
{
	char c;

	skip_blanks(p);
	if (at_end(p))
		return syntax(p, "expecting a value");
	c = *p->cur;
	if (c == '"' || c == '\'')
		return parse_string(p, v);
	if (c == '[')
		return parse_list(p, v);
	if (is_digit(c) || c == '-' || c == '+')
		return parse_number(p, v);
	return syntax(p, "expecting a value");
}

static int add_entry(struct qh_lvconf *c, char *name, unsigned line,
		     struct qh_lvconf_value *v)
{
	struct qh_lvconf_entry *e;

	if (qh_array_reserve((void **)&c->entries, &c->entries_cap,
			     c->nentries + 1, sizeof(*c->entries)) < 0)
		return -1;
	e = &c->entries[c->nentries++];
	e->name = name;
	e->line = line;
	e->value = *v;
	return 0;
}

static void skip_comment(struct parser *p)
{
	while (!at_end(p) && !is_eol(*p->cur))
		p->cur++;
}

static int parse_statement(struct parser *p, struct qh_lvconf *c)
{
	struct qh_lvconf_value v;
	const char *base;
	unsigned line;
	char *name;

	skip_blanks_and_eol(p);
	if (at_end(p))
		return 0;
	if (*p->cur == '#') {
		skip_comment(p);
		return 0;
	}
	skip_blanks(p);
	if (!is_alpha(peek(p)))
		return syntax(p, "expecting a name");
	base = p->cur;
	line = p->line;
	while (!at_end(p) && (is_alpha(*p->cur) || is_digit(*p->cur) || *p->cur == '_'))
		p->cur++;
	skip_blanks(p);
	if (peek(p) != '=')
		return syntax(p, "expecting an assignment");
	name = strndup(base, (size_t)(p->cur - base));
	if (!name)
		return qh_error_set(p->err, "out of memory");
	/* trim the blanks we skipped before '=' */
	name[strcspn(name, " \t")] = '\0';
	p->cur++;
	memset(&v, 0, sizeof(v));
	p->depth = 0;
	if (parse_value(p, &v) < 0) {
		value_free(&v);
		free(name);
		return -1;
	}
	skip_blanks(p);
	if (peek(p) == '#')
		skip_comment(p);
	if (add_entry(c, name, line, &v) < 0) {
		value_free(&v);
		free(name);
		return qh_error_set(p->err, "out of memory");
	}
	return 0;
}

static int parse_separator(struct parser *p)
{
	skip_blanks(p);
	if (at_end(p))
		return 0;
	if (is_eol(*p->cur)) {
		skip_blanks_and_eol(p);
		return 0;
	}
	if (*p->cur == ';') {
		p->cur++;
		skip_blanks_and_eol(p);
		return 0;
	}
	return syntax(p, "expecting a separator");
}

struct qh_lvconf *qh_lvconf_parse(const char *text, size_t len,
				  const char *name, struct qh_error *err)
{
	struct parser p = { text, text + len, name ? name : "<conf>", 1, 0, err };
	struct qh_lvconf *c;

	if (memchr(text, '\0', len)) {
		qh_error_set(err, "%s: NUL byte in file", p.name);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
	while (!at_end(&p)) {
		if (parse_statement(&p, c) < 0 || parse_separator(&p) < 0) {
			qh_lvconf_free(c);
			return NULL;
		}
	}
	return c;
}

void qh_lvconf_free(struct qh_lvconf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nentries; i++) {
		free(c->entries[i].name);
		value_free(&c->entries[i].value);
	}
	free(c->entries);
	free(c);
}

const struct qh_lvconf_entry *qh_lvconf_get(const struct qh_lvconf *c,
					    const char *name)
{
	for (size_t i = 0; c && i < c->nentries; i++)
		if (strcmp(c->entries[i].name, name) == 0)
			return &c->entries[i];
	return NULL;
}

int qh_lvconf_value_has(const struct qh_lvconf_value *v, const char *s)
{
	if (v->type == QH_LVCONF_STRING)
		return strcmp(v->str, s) == 0;
	if (v->type != QH_LVCONF_LIST)
		return 0;
	for (size_t i = 0; i < v->nitems; i++)
		if (qh_lvconf_value_has(&v->items[i], s))
			return 1;
	return 0;
}
