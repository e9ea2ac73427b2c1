/* ini_lines.h - libinih with line numbers and section callbacks.
 *
 * libinih (as Debian builds it) calls its handler for keys only and does not
 * pass line numbers. Policy and waiver files must name file:line in every
 * error and must reject an empty misspelt section, so this wrapper feeds
 * inih through its own line reader: it counts lines, reports every section
 * header (even one with no keys) and rejects lines inih would cut or split.
 */
#ifndef QHARD_INI_LINES_H
#define QHARD_INI_LINES_H

#include "qh.h"

/* Callbacks return 0 to go on, or -1 after qh_error_set(err, "message");
 * the wrapper prefixes "file:line: " and stops calling back (first error
 * wins). `section` is the text between the brackets, "" before the first. */
struct qh_ini_callbacks {
	int (*on_section)(void *user, const char *section, unsigned line,
			  struct qh_error *err);
	int (*on_key)(void *user, const char *section, const char *key,
		      const char *value, unsigned line, struct qh_error *err);
};

int qh_ini_parse_file(const char *path, const struct qh_ini_callbacks *cb,
		      void *user, struct qh_error *err);
/* `name` stands for the file name in messages. */
int qh_ini_parse_string(const char *text, const char *name,
			const struct qh_ini_callbacks *cb, void *user,
			struct qh_error *err);

/* Split a section name of the form `kind "argument"`. Returns 0 and sets
 * *kind_len and *arg (heap copy, caller frees; NULL when the section has no
 * argument), or -1 with err set for a malformed or out-of-memory case. */
int qh_ini_section_split(const char *section, size_t *kind_len, char **arg,
			 struct qh_error *err);

#endif
