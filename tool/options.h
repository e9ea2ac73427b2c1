/* options.h - declarative option tables for the qhard subcommands, in the
 * spirit of git's parse-options: one table gives parsing, errors and --help.
 *
 * Tool-side code (may print); lib/ never includes this.
 */
#ifndef QHARD_TOOL_OPTIONS_H
#define QHARD_TOOL_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "emit/emit.h"

struct qh_option {
	int short_name;       /* 0 when none */
	const char *long_name;
	const char *argname;  /* NULL: no argument; "N", "FILE", ... */
	const char *help;     /* one line, shown in --help */
	int id;               /* handed to the callback; must not be 0 */
	/* The values it takes (NULL-terminated), or NULL: --help puts them
	 * where help has "%s" ("a, b or c"), completion offers them. */
	const char *const *choices;
};

/* The options several commands share, one row each, so that the long
 * name, short letter, argument and help are the same everywhere (-o is
 * QH_OPTION_OUTPUT in outputs.h). t0004 checks each is in every man page. */
extern const char *const qh_color_words[];
#define QH_OPTION_FORMAT(id)                                                  \
	{ 'f', "format", "FMT", "report format: %s (default text)", id,      \
	  qh_emit_format_names }
#define QH_OPTION_POLICY(id)                                                  \
	{ 'P', "policy", "POLICY", "which checks fail: a policy name (strict) " \
	  "or an INI path, see qhard-policy(5) (default: the OpenStack guide's " \
	  "list)", id, NULL }
#define QH_OPTION_COLOR(id)                                                   \
	{ 0, "color", "WHEN", "text colors: %s (default auto; NO_COLOR is "   \
	  "honoured)", id, qh_color_words }
#define QH_OPTION_VERBOSE(id)                                                 \
	{ 'v', "verbose", NULL, "text: also the evidence of passing checks, "  \
	  "and every name and location (else the first few)", id, NULL }

struct qh_command_spec {
	const char *name;     /* "checksec" */
	const char *usage;    /* "qhard checksec [options] PATH..." */
	const char *summary;  /* one line */
	const struct qh_option *options; /* terminated by a zeroed row */
	const char *footer;   /* optional text after the option list */
};

/* Return 0 to go on, or an exit code (2 for a usage error, after printing
 * "qhard NAME: message" to stderr). */
typedef int (*qh_option_cb)(int id, const char *arg, void *ctx);

/* Parses argv[1..] (argv[0] is the subcommand name). -h/--help and --version
 * are handled here. Returns:
 *   -1  parsing done; the operands (non-option arguments, in order) are
 *       moved to argv[1 .. *noperands] with NULL after them
 *    0  help or version was printed: exit 0
 *   >0  exit code (usage error already reported)
 * Options and operands may be mixed; "--" ends options. */
int qh_parse_options(int argc, char **argv, const struct qh_command_spec *spec,
		     qh_option_cb cb, void *ctx, int *noperands);

void qh_print_help(const struct qh_command_spec *spec, FILE *out);

/* Report a usage error for spec ("qhard NAME: ...") and return 2. */
int qh_usage_error(const struct qh_command_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a non-negative integer option value; returns 0 or -1. */
int qh_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* Decide whether to color: mode is "auto", "always" or "never" (NULL=auto).
 * auto = stdout is a tty, NO_COLOR unset or empty, TERM != dumb. */
int qh_color_mode(const char *mode, bool *color);

#endif
