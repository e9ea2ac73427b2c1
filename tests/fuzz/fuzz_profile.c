/* fuzz_profile.c - device allow-list profiles (INI via libinih). A profile
 * that parses must survive what --from-glance relies on: rendered as INI
 * and parsed back, it must load and say the same thing: same name, level,
 * lists, machines and allow list, same flags, and the same description up
 * to spaces (long free text is wrapped over several lines).
 * One limit is accepted: a run of bytes with nowhere to break it (a flag,
 * a name, or text without spaces or UTF-8 character boundaries) longer than
 * libinih's line (200 bytes in Debian's build) makes a line libinih rejects
 * or cuts; such renderings are not compared. */
#include <ctype.h>
#include <stdbool.h>

#include "fuzz_util.h"
#include "qemu/device_profile.h"

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_without_spaces(const char *a, const char *b)
{
	/* an empty description is no description */
	a = a ? a : "";
	b = b ? b : "";
	for (;;) {
		/* to_ini writes each run of whitespace inside a value as one
		 * space */
		while (isspace((unsigned char)*a))
			a++;
		while (isspace((unsigned char)*b))
			b++;
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++, b++;
	}
}

static bool same_list(const struct qh_strlist *a, const struct qh_strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return false;
	return true;
}

static bool same_items(const struct qh_profile_item *a, size_t na,
		       const struct qh_profile_item *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].name, b[i].name) != 0)
			return false;
	return true;
}

static const char *differs(const struct qh_profile *p, const struct qh_profile *q)
{
	if (!same_without_spaces(p->name, q->name)) /* CR, LF -> space */
		return "name";
	if (!same_without_spaces(p->description, q->description))
		return "description";
	if (!same_list(&p->targets, &q->targets))
		return "targets";
	if (!same_items(p->machines, p->nmachines, q->machines, q->nmachines))
		return "machines";
	if (!same_items(p->allow, p->nallow, q->allow, q->nallow))
		return "allow";
	if (!same_list(&p->enable, &q->enable) || !same_list(&p->disable, &q->disable) ||
	    !same_list(&p->accelerators, &q->accelerators))
		return "features";
	if (!same_str(p->level ? p->level : "strict", q->level) ||
	    !same_str(p->cflags, q->cflags) || !same_str(p->ldflags, q->ldflags))
		return "hardening";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	char *text = fuzz_strndup(data, size);
	struct qh_profile *p, *back;
	const char *what;
	char *ini;

	if (!text)
		return 0;
	p = qh_profile_parse("profile.ini", text, &err);
	free(text);
	if (!p)
		return 0;
	ini = qh_profile_to_ini(p);
	back = ini ? qh_profile_parse("again.ini", ini, &err) : NULL;
	if (ini && fuzz_has_long_ini_line(ini)) {
		/* the accepted limit (see the top): nothing to compare */
		qh_profile_free(back);
		back = NULL;
	} else if (ini && !back) {
		fprintf(stderr, "re-reading our own INI failed: %s\n%s\n", err.msg, ini);
		__builtin_trap();
	}
	if (back && (what = differs(p, back)) != NULL) {
		fprintf(stderr, "INI round trip changed %s:\n%s\n", what, ini);
		__builtin_trap();
	}
	qh_profile_free(back);
	qh_profile_free(p);
	free(ini);
	return 0;
}
