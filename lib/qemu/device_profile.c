/* profile.c - load and write device allow-list profiles (libinih through
 * ini_lines.h, like policies and waivers). */
#include "device_profile.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h" /* qh_harden_level_parse */
#include "ini_lines.h"

struct qh_profile *qh_profile_new(const char *name, struct qh_error *err)
{
	struct qh_profile *p = calloc(1, sizeof(*p));

	if (!p || !(p->path = qh_strdup(name))) {
		free(p);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	return p;
}

void qh_profile_free(struct qh_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nmachines; i++) {
		free(p->machines[i].name);
		free(p->machines[i].origin);
	}
	for (size_t i = 0; i < p->nallow; i++) {
		free(p->allow[i].name);
		free(p->allow[i].origin);
	}
	free(p->machines);
	free(p->allow);
	free(p->path);
	free(p->name);
	free(p->description);
	qh_strlist_free(&p->targets);
	qh_strlist_free(&p->enable);
	qh_strlist_free(&p->disable);
	qh_strlist_free(&p->accelerators);
	free(p->level);
	free(p->cflags);
	free(p->ldflags);
	free(p);
}

static int add_item(struct qh_profile *p, struct qh_profile_item **v, size_t *n,
		    size_t *cap, const char *name, unsigned line)
{
	struct qh_profile_item *it;
	struct qh_buf o = QH_BUF_INIT;
	const char *base;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return 0;
	if (qh_array_reserve((void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return -1;
	it = &(*v)[*n];
	/* the file name only: traces in devices files must not depend on
	 * where the profile was read from (build stamps compare them) */
	base = strrchr(p->path, '/');
	base = base ? base + 1 : p->path;
	if (line)
		qh_buf_printf(&o, "%s:%u %s", base, line, name);
	else
		qh_buf_printf(&o, "%s %s", base, name);
	it->name = qh_strdup(name);
	it->line = line;
	it->origin = o.data ? qh_buf_detach(&o) : NULL;
	if (!it->name || !it->origin) {
		free(it->name);
		free(it->origin);
		return -1;
	}
	(*n)++;
	return 0;
}

int qh_profile_add_machine(struct qh_profile *p, const char *name, unsigned line)
{
	return add_item(p, &p->machines, &p->nmachines, &p->machines_cap, name, line);
}

int qh_profile_add_allow(struct qh_profile *p, const char *name, unsigned line)
{
	return add_item(p, &p->allow, &p->nallow, &p->allow_cap, name, line);
}

/* ---- INI loading ------------------------------------------------------ */

/* Read with ini_lines.h, like policies and waivers: libinih with line
 * numbers, a line longer than libinih takes (it would split it and read
 * the rest as a line of its own) or a misspelt empty section is an error
 * naming file:line. */
struct loader {
	struct qh_profile *p;
	unsigned line;      /* of the key being handled */
	struct qh_error *err;
	char *cut;          /* a value with its inline comment cut off */
};

static bool valid_word(const char *w)
{
	for (; *w; w++)
		if (!(('a' <= *w && *w <= 'z') || ('A' <= *w && *w <= 'Z') ||
		      ('0' <= *w && *w <= '9') || *w == '-' || *w == '_' || *w == '.' ||
		      *w == ',' || *w == ':'))
			return false;
	return true;
}

/* Split a list value; each word goes through fn. Returns 0 or -1 with
 * ld->err set. */
static int each_word(struct loader *ld, const char *key, const char *value,
		     int (*fn)(struct loader *, const char *, void *), void *ctx)
{
	char *copy = qh_strdup(value), *save = NULL, *w;
	int rc = 0;

	if (!copy)
		return qh_error_set(ld->err, "out of memory");
	for (w = strtok_r(copy, " \t,", &save); w && rc == 0;
	     w = strtok_r(NULL, " \t,", &save)) {
		if (!valid_word(w))
			rc = qh_error_set(ld->err, "bad word '%s' in %s", w, key);
		else if (fn(ld, w, ctx) < 0)
			rc = qh_error_set(ld->err, "out of memory");
	}
	free(copy);
	return rc;
}

static int to_list(struct loader *ld, const char *w, void *ctx)
{
	(void)ld;
	return qh_strlist_has(ctx, w) ? 0 : qh_strlist_add(ctx, w);
}

static int to_allow(struct loader *ld, const char *w, void *ctx)
{
	(void)ctx;
	return qh_profile_add_allow(ld->p, w, ld->line);
}

static int to_machine(struct loader *ld, const char *w, void *ctx)
{
	(void)ctx;
	return qh_profile_add_machine(ld->p, w, ld->line);
}

static int set_str(char **dst, const char *v)
{
	char *d = qh_strdup(v);

	if (!d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

static int append_str(char **dst, const char *v)
{
	struct qh_buf b = QH_BUF_INIT;

	/* "key =" with nothing after it adds nothing (to_ini writes no line
	 * for an empty value, so "" must read the same as absent) */
	if (!*v)
		return 0;
	if (*dst && **dst)
		qh_buf_printf(&b, "%s %s", *dst, v);
	else
		qh_buf_puts(&b, v);
	if (!b.data)
		return -1;
	free(*dst);
	*dst = qh_buf_detach(&b);
	return 0;
}

static const char *const sections[] = { "profile", "devices", "features",
					"hardening" };

static int on_section(void *user, const char *section, unsigned line,
		      struct qh_error *err)
{
	(void)user;
	(void)line;
	for (size_t i = 0; i < QH_ARRAY_LEN(sections); i++)
		if (strcmp(section, sections[i]) == 0)
			return 0;
	return qh_error_set(err, "unknown section [%s]", section);
}

static int list_key(struct loader *ld, const char *name, const char *value,
		    int (*fn)(struct loader *, const char *, void *), void *ctx)
{
	return each_word(ld, name, value, fn, ctx) < 0 ? -1 : 1;
}

static int on_key(void *user, const char *section, const char *name,
		  const char *value, unsigned line, struct qh_error *err)
{
	struct loader *ld = user;
	struct qh_profile *p = ld->p;
	int rc = 1; /* -1 error (err set), 0 unknown key, 1 ok */

	ld->line = line;
	ld->err = err;
	/* libinih strips "value ; comment" on a key's first line but keeps it
	 * on a continuation line: cut it here too, so a value reads the same
	 * whichever line it came from (and the same after to_ini). */
	for (const char *c = value; *c; c++) {
		if (*c == ';' && c > value && isspace((unsigned char)c[-1])) {
			size_t n = (size_t)(c - value);

			while (n && isspace((unsigned char)value[n - 1]))
				n--;
			free(ld->cut);
			ld->cut = strndup(value, n);
			if (!ld->cut)
				return qh_error_set(err, "out of memory");
			value = ld->cut;
			break;
		}
	}
	/* Control characters (other than tab) have no meaning in a profile and
	 * would not survive qh_profile_to_ini: refuse them, naming the line. */
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			return qh_error_set(err, "control character 0x%02x in the "
					    "value of '%s'", *c, name);
	if (strcmp(section, "profile") == 0) {
		if (strcmp(name, "name") == 0) {
			/* names end up in file names, reports and build
			 * stamps: keep them to a portable set */
			for (const char *c = value; *c; c++)
				if (!isalnum((unsigned char)*c) && !strchr("-_.+", *c))
					return qh_error_set(err, "profile name '%s': only "
							    "letters, digits, '-', '_', '.' "
							    "and '+' are allowed", value);
			rc = set_str(&p->name, value) < 0 ? -2 : 1;
		} else if (strcmp(name, "description") == 0) {
			rc = append_str(&p->description, value) < 0 ? -2 : 1;
		} else if (strcmp(name, "targets") == 0) {
			rc = list_key(ld, name, value, to_list, &p->targets);
		} else {
			rc = 0;
		}
	} else if (strcmp(section, "devices") == 0) {
		if (strcmp(name, "machines") == 0)
			rc = list_key(ld, name, value, to_machine, NULL);
		else if (strcmp(name, "allow") == 0)
			rc = list_key(ld, name, value, to_allow, NULL);
		else
			rc = 0;
	} else if (strcmp(section, "features") == 0) {
		if (strcmp(name, "enable") == 0)
			rc = list_key(ld, name, value, to_list, &p->enable);
		else if (strcmp(name, "disable") == 0)
			rc = list_key(ld, name, value, to_list, &p->disable);
		else if (strcmp(name, "accelerators") == 0)
			rc = list_key(ld, name, value, to_list, &p->accelerators);
		else
			rc = 0;
	} else if (strcmp(section, "hardening") == 0) {
		if (strcmp(name, "level") == 0) {
			enum qh_harden_level l;

			if (qh_harden_level_parse(value, &l) < 0)
				return qh_error_set(err, "level must be none, standard "
						    "or strict, not '%s'", value);
			rc = set_str(&p->level, value) < 0 ? -2 : 1;
		} else if (strcmp(name, "cflags") == 0) {
			rc = append_str(&p->cflags, value) < 0 ? -2 : 1;
		} else if (strcmp(name, "ldflags") == 0) {
			rc = append_str(&p->ldflags, value) < 0 ? -2 : 1;
		} else {
			rc = 0;
		}
	} else {
		/* a key before any section */
		return qh_error_set(err, "unknown section [%s]", section);
	}
	if (rc == 0)
		return qh_error_set(err, "unknown key '%s' in [%s]", name, section);
	if (rc == -2)
		return qh_error_set(err, "out of memory");
	return rc < 0 ? -1 : 0;
}

static const struct qh_ini_callbacks profile_ini = { on_section, on_key };

static struct qh_profile *finish(struct loader *ld, int rc, struct qh_error *err)
{
	struct qh_profile *p = ld->p;

	free(ld->cut);
	ld->cut = NULL;
	if (rc < 0)
		goto fail;
	if (!p->name) {
		const char *base = strrchr(p->path, '/');
		char *dot;

		if (set_str(&p->name, base ? base + 1 : p->path) < 0)
			goto oom;
		dot = strrchr(p->name, '.');
		if (dot && dot != p->name)
			*dot = '\0';
	}
	if (!p->targets.n) {
		qh_error_set(err, "%s: [profile] targets is missing (e.g. targets = x86_64-softmmu)",
			     p->path);
		goto fail;
	}
	for (size_t i = 0; i < p->targets.n; i++) {
		size_t n = strlen(p->targets.items[i]);

		if (n < 9 || strcmp(p->targets.items[i] + n - 8, "-softmmu") != 0) {
			qh_error_set(err, "%s: target '%s' is not a system emulator (NAME-softmmu)",
				     p->path, p->targets.items[i]);
			goto fail;
		}
	}
	if (!p->nallow && !p->nmachines) {
		qh_error_set(err, "%s: [devices] allows nothing (machines/allow are empty)",
			     p->path);
		goto fail;
	}
	if (!p->level && set_str(&p->level, "strict") < 0)
		goto oom;
	return p;
oom:
	qh_error_set(err, "out of memory");
fail:
	qh_profile_free(p);
	return NULL;
}

struct qh_profile *qh_profile_load(const char *path, struct qh_error *err)
{
	struct loader ld = { 0 };

	ld.p = qh_profile_new(path, err);
	if (!ld.p)
		return NULL;
	return finish(&ld, qh_ini_parse_file(path, &profile_ini, &ld, err), err);
}

struct qh_profile *qh_profile_parse(const char *name, const char *text,
				    struct qh_error *err)
{
	struct loader ld = { 0 };

	ld.p = qh_profile_new(name, err);
	if (!ld.p)
		return NULL;
	return finish(&ld, qh_ini_parse_string(text, name, &profile_ini, &ld, err),
		      err);
}

/* ---- writing ---------------------------------------------------------- */

/* libinih (Debian builds it with a 200-byte line limit) rejects longer
 * lines, and every key here may repeat with its values appended (joined by
 * one space), so long values are written as several "key = ..." lines.
 * A break goes at a lone space, which the reader turns back into that one
 * space. In free text (hard = true) a word too long for a line is cut
 * between two non-space bytes (never inside a UTF-8 sequence), which the
 * reader joins with a space; flags and names are never cut (a cut would
 * change their meaning), so a single one too long for libinih stays an
 * error when read back. libinih strips whitespace (any isspace) around
 * values and takes " ;" as the start of a comment, so no piece may start or
 * end with whitespace or start with ';'. */
#define INI_WRAP 100

static size_t wrap_at(const char *t, size_t start, size_t len, bool hard)
{
	/* a joined ";x" line must start its own line again */
	for (size_t i = start + 1; i + 1 < len && i <= start + INI_WRAP; i++)
		if (t[i] == ' ' && t[i + 1] == ';')
			return i;
	if (len - start <= INI_WRAP)
		return len;
	for (size_t i = start + INI_WRAP; i > start; i--)
		if (t[i] == ' ' && !isspace((unsigned char)t[i - 1]) &&
		    t[i + 1] && !isspace((unsigned char)t[i + 1]) &&
		    t[i + 1] != ';')
			return i;
	for (size_t i = start + INI_WRAP; hard && i > start + 1; i--)
		if (!isspace((unsigned char)t[i]) &&
		    !isspace((unsigned char)t[i - 1]) && t[i] != ';' &&
		    ((unsigned char)t[i] & 0xc0) != 0x80)
			return i;
	/* not UTF-8 at all: any cut that keeps the bytes is as good */
	for (size_t i = start + INI_WRAP; hard && i > start + 1; i--)
		if (!isspace((unsigned char)t[i]) &&
		    !isspace((unsigned char)t[i - 1]) && t[i] != ';')
			return i;
	return len;
}

/* A copy with CR, LF and other control characters (not tab) turned into
 * spaces: a line break inside a value (a builder's text, e.g. Glance
 * properties given with a newline) would otherwise inject INI lines of its
 * own, and the reader refuses control characters. With `collapse` (free text only)
 * every run of whitespace (tab, VT, FF too) becomes one space, since a long
 * run would leave wrap_at() no place to break a line under libinih's
 * limit; flags and names keep their spacing. NULL on ENOMEM. */
static char *one_line(const char *s, bool collapse)
{
	char *c = qh_strdup(s);
	char *out = c;
	bool in_space = false;

	for (const char *p = c; p && *p; p++) {
		unsigned char ch = (unsigned char)*p;
		/* the reader refuses control characters: write them as spaces */
		bool space = (ch < 0x20 && ch != '\t') || ch == 0x7f ||
			     (collapse && isspace(ch));

		if (space && collapse && in_space)
			continue;
		*out++ = space ? ' ' : *p;
		in_space = space;
	}
	if (out)
		*out = '\0';
	return c;
}

/* Write text[start, len) as "key = ..." lines of at most INI_WRAP bytes. */
static void put_span(struct qh_buf *b, const char *key, const char *text,
		     size_t start, size_t len, bool hard)
{
	while (start < len) {
		size_t end = wrap_at(text, start, len, hard);

		/* "key =;x" keeps a leading ';' (after a space it is a comment) */
		qh_buf_printf(b, "%s =%s%.*s\n", key,
			      text[start] == ';' ? "" : " ", (int)(end - start),
			      text + start);
		start = end < len && text[end] == ' ' ? end + 1 : end;
	}
}

static void put_wrapped(struct qh_buf *b, const char *key, const char *value,
			bool hard)
{
	char *text = one_line(value, hard);
	size_t len = text ? strlen(text) : 0, start = 0;
	const char *semi;

	/* " ;" would read back as a comment: break the line at that space, so
	 * the ';' starts the next "key =;..." line and the reader puts the
	 * space back when it joins the two */
	while (text && (semi = strstr(text + start, " ;")) != NULL) {
		size_t at = (size_t)(semi - text);

		put_span(b, key, text, start, at, hard);
		start = at + 1;
	}
	put_span(b, key, text, start, len, hard);
	free(text);
}

/* Lists are written space separated, wrapped like any long value. */
static void put_list(struct qh_buf *b, const char *key, const struct qh_strlist *l)
{
	struct qh_buf line = QH_BUF_INIT;

	for (size_t i = 0; i < l->n; i++)
		qh_buf_printf(&line, "%s%s", i ? " " : "", l->items[i]);
	if (line.data)
		put_wrapped(b, key, line.data, false);
	qh_buf_free(&line);
}

static void put_items(struct qh_buf *b, const char *key,
		      const struct qh_profile_item *items, size_t n)
{
	struct qh_buf line = QH_BUF_INIT;

	for (size_t i = 0; i < n; i++)
		qh_buf_printf(&line, "%s%s", i ? " " : "", items[i].name);
	if (line.data)
		put_wrapped(b, key, line.data, false);
	qh_buf_free(&line);
}

char *qh_profile_to_ini(const struct qh_profile *p)
{
	struct qh_buf b = QH_BUF_INIT;
	char *name;

	/* "name =;x": after a space, ';' would start a comment */
	name = one_line(p->name ? p->name : "unnamed", false);
	qh_buf_printf(&b, "[profile]\nname =%s%s\n",
		      name && name[0] == ';' ? "" : " ", name ? name : "");
	free(name);
	if (p->description)
		put_wrapped(&b, "description", p->description, true);
	put_list(&b, "targets", &p->targets);
	qh_buf_puts(&b, "\n[devices]\n");
	put_items(&b, "machines", p->machines, p->nmachines);
	put_items(&b, "allow", p->allow, p->nallow);
	if (p->enable.n || p->disable.n || p->accelerators.n) {
		qh_buf_puts(&b, "\n[features]\n");
		put_list(&b, "enable", &p->enable);
		put_list(&b, "disable", &p->disable);
		put_list(&b, "accelerators", &p->accelerators);
	}
	qh_buf_printf(&b, "\n[hardening]\nlevel = %s\n", p->level ? p->level : "strict");
	if (p->cflags)
		put_wrapped(&b, "cflags", p->cflags, false);
	if (p->ldflags)
		put_wrapped(&b, "ldflags", p->ldflags, false);
	return b.data ? qh_buf_detach(&b) : NULL;
}
