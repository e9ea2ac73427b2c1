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
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help and exit");
	fprintf(out, "  %-28s %s\n", "--version", "show the version and exit");
	if (spec->footer)
		fprintf(out, "\n%s\n", spec->footer);
}

int qh_parse_options(int argc, char **argv, const struct qh_command_spec *spec,
		     qh_option_cb cb, void *ctx, int *noperands)
{
	size_t n = count_options(spec->options);
	struct option *longopts = calloc(n + 3, sizeof(*longopts));
	struct qh_buf shortopts = QH_BUF_INIT;
	size_t nl = 0;
	int rc = -1;

	if (!longopts || qh_buf_puts(&shortopts, "+:h") < 0) {
		fprintf(stderr, "qhard %s: out of memory\n", spec->name);
		rc = 2;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct qh_option *o = &spec->options[i];

		if (o->short_name) {
			qh_buf_putc(&shortopts, (char)o->short_name);
			if (o->argname)
				qh_buf_putc(&shortopts, ':');
		}
		if (o->long_name) {
			longopts[nl].name = o->long_name;
			longopts[nl].has_arg = o->argname ? required_argument
							  : no_argument;
			longopts[nl].val = 1000 + (int)i;
			nl++;
		}
	}
	longopts[nl++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	longopts[nl++] =
		(struct option){ "version", no_argument, NULL, OPT_VERSION };

	optind = 0; /* full re-initialisation (GNU) */
	opterr = 0;
	/* "+" stops at the first operand; loop to allow options after operands. */
	int operands_start = -1;
	char **args = argv;
	int nargs = argc;
	char **reordered = calloc((size_t)argc + 1, sizeof(char *));
	int nops = 0, nopts = 1;

	if (!reordered) {
		rc = 2;
		goto out;
	}
	/* Move operands behind options ourselves so behaviour does not depend
	 * on POSIXLY_CORRECT; "--" ends option parsing. */
	{
		char **ops = calloc((size_t)argc + 1, sizeof(char *));
		bool dashdash = false;

		if (!ops) {
			free(reordered);
			rc = 2;
			goto out;
		}
		reordered[0] = argv[0];
		for (int i = 1; i < argc; i++) {
			const char *a = argv[i];

			if (dashdash || a[0] != '-' || a[1] == '\0') {
				ops[nops++] = argv[i];
				continue;
			}
			if (strcmp(a, "--") == 0) {
				dashdash = true;
				continue;
			}
			reordered[nopts++] = argv[i];
			/* an option taking a separate argument swallows it */
			bool takes = false;
			if (a[1] == '-') {
				const char *eq = strchr(a + 2, '=');
				size_t len = eq ? (size_t)(eq - a - 2)
						: strlen(a + 2);
				for (size_t k = 0; k < n; k++) {
					const struct qh_option *o =
						&spec->options[k];
					if (o->long_name &&
					    strlen(o->long_name) == len &&
					    strncmp(o->long_name, a + 2, len) == 0)
						takes = o->argname && !eq;
				}
			} else {
				/* -abc: the first letter taking an argument
				 * takes the rest, or the next word */
				for (const char *p = a + 1; *p; p++) {
					const struct qh_option *o = NULL;
					for (size_t k = 0; k < n; k++)
						if (spec->options[k].short_name == *p)
							o = &spec->options[k];
					if (o && o->argname) {
						takes = p[1] == '\0';
						break;
					}
				}
			}
			if (takes && i + 1 < argc)
				reordered[nopts++] = argv[++i];
		}
		operands_start = nopts;
		for (int i = 0; i < nops; i++)
			reordered[nopts + i] = ops[i];
		free(ops);
		args = reordered;
		nargs = nopts + nops;
	}

	for (;;) {
		int c = getopt_long(operands_start, args, shortopts.data,
				    longopts, NULL);
		const struct qh_option *o = NULL;

		if (c == -1)
			break;
		if (c == 'h' || c == OPT_HELP) {
			qh_print_help(spec, stdout);
			rc = 0;
			goto done;
		}
		if (c == OPT_VERSION) {
			printf("qhard %s %s\n", spec->name, QHARD_VERSION);
			rc = 0;
			goto done;
		}
		if (c == '?') {
			if (optopt)
				rc = qh_usage_error(spec, "unknown option -%c",
						    optopt);
			else
				rc = qh_usage_error(spec, "unknown option %s",
						    args[optind - 1]);
			goto done;
		}
		if (c == ':') {
			rc = qh_usage_error(spec, "option %s needs an argument",
					    args[optind - 1]);
			goto done;
		}
		if (c >= 1000)
			o = &spec->options[c - 1000];
		else
			for (size_t k = 0; k < n; k++)
				if (spec->options[k].short_name == c)
					o = &spec->options[k];
		if (!o) {
			rc = qh_usage_error(spec, "unknown option");
			goto done;
		}
		int r = cb(o->id, optarg, ctx);
		if (r != 0) {
			rc = r;
			goto done;
		}
	}
	if (optind < operands_start) {
		rc = qh_usage_error(spec, "unexpected argument %s",
				    args[optind]);
		goto done;
	}
	/* Hand operands back in argv order at argv[1..], NULL after them. */
	for (int i = operands_start; i < nargs; i++)
		argv[1 + i - operands_start] = args[i];
	for (int i = 1 + nargs - operands_start; i < argc; i++)
		argv[i] = NULL;
	*noperands = nargs - operands_start;
	rc = -1;
done:
	free(reordered);
out:
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
