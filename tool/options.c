/* options.c - getopt_long driven by a qh_option table, plus --help text. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qh.h"

enum { OPT_HELP = -100, OPT_VERSION = -101 };

static size_t count_options(const struct qh_option *o)
{
	size_t n = 0;

	while (o && (o[n].short_name || o[n].long_name))
		n++;
	return n;
}

int qh_usage_error(const struct qh_command_spec *spec, const char *fmt, ...)
{
	struct qh_error err;
	char msg[sizeof(err.msg)];
	va_list ap;

	/* through qh_error_set: control characters of an argument escaped */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	qh_error_set(&err, "%s", msg);
	fprintf(stderr, "qhard %s: %s\nTry 'qhard %s --help'.\n", spec->name,
		err.msg, spec->name);
	return 2;
}

/* o's help text, its "%s" replaced by its choices: "a, b or c". */
static void put_help(FILE *out, const struct qh_option *o)
{
	const char *at = o->choices ? strstr(o->help, "%s") : NULL;

	if (!at) {
		fputs(o->help, out);
		return;
	}
	fwrite(o->help, 1, (size_t)(at - o->help), out);
	for (size_t i = 0; o->choices[i]; i++)
		fprintf(out, "%s%s", i == 0 ? "" : o->choices[i + 1] ? ", " : " or ",
			o->choices[i]);
	fputs(at + 2, out);
}

void qh_print_help(const struct qh_command_spec *spec, FILE *out)
{
	size_t n = count_options(spec->options);

	fprintf(out, "usage: %s\n\n%s\n\noptions:\n", spec->usage,
		spec->summary);
	for (size_t i = 0; i < n; i++) {
		const struct qh_option *o = &spec->options[i];
		char left[64];
		int len = 0;

		if (o->short_name)
			len += snprintf(left + len, sizeof(left) - (size_t)len,
					"-%c%s", o->short_name,
					o->long_name ? ", " : "");
		if (o->long_name && len < (int)sizeof(left))
			len += snprintf(left + len, sizeof(left) - (size_t)len,
					"--%s", o->long_name);
		if (o->argname && len < (int)sizeof(left))
			snprintf(left + len, sizeof(left) - (size_t)len,
				 o->long_name ? "=%s" : " %s", o->argname);
		fprintf(out, "  %-28s ", left);
		put_help(out, o);
		fputc('\n', out);
	}
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help and exit");
	fprintf(out, "  %-28s %s\n", "--version", "show the version and exit");
	if (spec->footer)
		fprintf(out, "\n%s\n", spec->footer);
}

/* getopt_long's tables for spec: long names map to 1000 + table index. */
static int getopt_tables(const struct qh_command_spec *spec, size_t n,
			 struct option **longopts, struct qh_buf *shortopts)
{
	size_t nl = 0;

	*longopts = calloc(n + 3, sizeof(**longopts));
	if (!*longopts || qh_buf_puts(shortopts, "+:h") < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct qh_option *o = &spec->options[i];

		if (o->short_name &&
		    (qh_buf_putc(shortopts, (char)o->short_name) < 0 ||
		     (o->argname && qh_buf_putc(shortopts, ':') < 0)))
			return -1;
		if (o->long_name)
			(*longopts)[nl++] = (struct option){
				o->long_name,
				o->argname ? required_argument : no_argument,
				NULL, 1000 + (int)i };
	}
	(*longopts)[nl++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	(*longopts)[nl++] =
		(struct option){ "version", no_argument, NULL, OPT_VERSION };
	return 0;
}

static const struct qh_option *find_short(const struct qh_command_spec *spec,
					  size_t n, int c)
{
	for (size_t k = 0; k < n; k++)
		if (spec->options[k].short_name == c)
			return &spec->options[k];
	return NULL;
}

/* Does option word a (starting with '-') take the next word as its
 * argument? "--name" with an argument and no "=", or "-abc" whose first
 * letter taking an argument is the last one. */
static bool takes_next_word(const struct qh_command_spec *spec, size_t n,
			    const char *a)
{
	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

		for (size_t k = 0; k < n; k++) {
			const struct qh_option *o = &spec->options[k];

			if (o->long_name && strlen(o->long_name) == len &&
			    strncmp(o->long_name, a + 2, len) == 0)
				return o->argname && !eq;
		}
		return false;
	}
	for (const char *p = a + 1; *p; p++) {
		const struct qh_option *o = find_short(spec, n, *p);

		if (o && o->argname)
			return p[1] == '\0';
	}
	return false;
}

/* Options (with their argument words) first, then the operands, so that
 * behaviour does not depend on POSIXLY_CORRECT; "--" ends options. Fills
 * out[0..argc) and returns where the operands start, or -1 (ENOMEM). */
static int reorder_args(int argc, char **argv, const struct qh_command_spec *spec,
			size_t n, char **out, int *nargs)
{
	char **ops = calloc((size_t)argc + 1, sizeof(char *));
	bool dashdash = false;
	int nops = 0, nopts = 1;

	if (!ops)
		return -1;
	out[0] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			ops[nops++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			dashdash = true;
		} else {
			out[nopts++] = argv[i];
			if (takes_next_word(spec, n, a) && i + 1 < argc)
				out[nopts++] = argv[++i];
		}
	}
	for (int i = 0; i < nops; i++)
		out[nopts + i] = ops[i];
	free(ops);
	*nargs = nopts + nops;
	return nopts;
}

/* One getopt_long result: -1 go on, else the exit code to return. */
static int handle_option(int c, char **args, const struct qh_command_spec *spec,
			 size_t n, qh_option_cb cb, void *ctx)
{
	const struct qh_option *o;

	if (c == 'h' || c == OPT_HELP) {
		qh_print_help(spec, stdout);
		return 0;
	}
	if (c == OPT_VERSION) {
		printf("qhard %s %s\n", spec->name, QHARD_VERSION);
		return 0;
	}
	if (c == '?')
		return optopt ? qh_usage_error(spec, "unknown option -%c", optopt)
			      : qh_usage_error(spec, "unknown option %s",
					       args[optind - 1]);
	if (c == ':')
		return qh_usage_error(spec, "option %s needs an argument",
				      args[optind - 1]);
	o = c >= 1000 ? &spec->options[c - 1000] : find_short(spec, n, c);
	if (!o)
		return qh_usage_error(spec, "unknown option");
	c = cb(o->id, optarg, ctx);
	return c != 0 ? c : -1;
}

int qh_parse_options(int argc, char **argv, const struct qh_command_spec *spec,
		     qh_option_cb cb, void *ctx, int *noperands)
{
	size_t n = count_options(spec->options);
	struct option *longopts = NULL;
	struct qh_buf shortopts = QH_BUF_INIT;
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	int nargs = 0, start = -1, rc = -1;

	if (!args || getopt_tables(spec, n, &longopts, &shortopts) < 0 ||
	    (start = reorder_args(argc, argv, spec, n, args, &nargs)) < 0) {
		fprintf(stderr, "qhard %s: out of memory\n", spec->name);
		rc = 2;
		goto out;
	}
	optind = 0; /* full re-initialisation (GNU) */
	opterr = 0;
	for (int c; rc < 0 && (c = getopt_long(start, args, shortopts.data,
					       longopts, NULL)) != -1;)
		rc = handle_option(c, args, spec, n, cb, ctx);
	if (rc >= 0)
		goto out;
	if (optind < start) {
		rc = qh_usage_error(spec, "unexpected argument %s", args[optind]);
		goto out;
	}
	/* Hand operands back in argv order at argv[1..], NULL after them. */
	for (int i = start; i < nargs; i++)
		argv[1 + i - start] = args[i];
	for (int i = 1 + nargs - start; i < argc; i++)
		argv[i] = NULL;
	*noperands = nargs - start;
out:
	free(args);
	free(longopts);
	qh_buf_free(&shortopts);
	return rc;
}

int qh_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

const char *const qh_color_words[] = { "auto", "always", "never", NULL };

int qh_color_mode(const char *mode, bool *color)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (!mode || strcmp(mode, "auto") == 0) {
		*color = isatty(STDOUT_FILENO) &&
			 !(no_color && *no_color) &&
			 !(term && strcmp(term, "dumb") == 0);
		return 0;
	}
	if (strcmp(mode, "always") == 0) {
		*color = true;
		return 0;
	}
	if (strcmp(mode, "never") == 0) {
		*color = false;
		return 0;
	}
	return -1;
}
