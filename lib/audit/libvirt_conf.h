/* libvirt_conf.h - libvirt's configuration syntax (qemu.conf, libvirtd.conf),
 * parsed the way libvirt's own virconf.c does, so that what qhard reads is
 * what libvirtd will use:
 *
 *   # comment to the end of the line
 *   name = "string"            ; also 'string' and """multi-line"""
 *   name = 1                   ; numbers, optionally signed
 *   name = [ "a", "b",
 *            "c", ]            ; lists may span lines, trailing comma ok
 *   a = 1; b = 2               ; ';' separates statements on one line
 *
 * Strings have no escape sequences (a backslash is a plain character), a
 * "..." or '...' string ends at the end of its line, and a comment is only
 * allowed where a statement may start or after a value, never inside a
 * list: libvirt refuses those files, so do we. When a name repeats, the
 * first assignment is the one libvirt uses (qh_lvconf_get returns it).
 */
#ifndef QHARD_LIBVIRT_CONF_H
#define QHARD_LIBVIRT_CONF_H

#include <stddef.h>

#include "qh.h"

enum qh_lvconf_type {
	QH_LVCONF_STRING,
	QH_LVCONF_NUMBER,
	QH_LVCONF_LIST,
};

struct qh_lvconf_value {
	enum qh_lvconf_type type;
	char *str;                    /* STRING */
	long long num;                /* NUMBER */
	struct qh_lvconf_value *items; /* LIST */
	size_t nitems;
};

struct qh_lvconf_entry {
	char *name;
	unsigned line; /* where the name is */
	struct qh_lvconf_value value;
};

struct qh_lvconf {
	struct qh_lvconf_entry *entries; /* in file order */
	size_t nentries;
	size_t entries_cap;
};

/* Parse text (len bytes, NUL bytes are a syntax error). `name` prefixes
 * messages: "qemu.conf:12: unterminated string". NULL on error. */
struct qh_lvconf *qh_lvconf_parse(const char *text, size_t len,
				  const char *name, struct qh_error *err);
void qh_lvconf_free(struct qh_lvconf *c);

/* The assignment libvirt uses for `name` (the first one), or NULL. */
const struct qh_lvconf_entry *qh_lvconf_get(const struct qh_lvconf *c,
					    const char *name);

/* Whether a list value (or a single string, which libvirt accepts for most
 * list settings) contains the string s. */
int qh_lvconf_value_has(const struct qh_lvconf_value *v, const char *s);

#endif
