/* outputs.c - -o/--output for every report-writing command (see
 * outputs.h). */
#include "outputs.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* FORMAT=PATH when the text before the first '=' looks like a format name
 * (letters, digits, '-'); a file whose name has such a prefix is written
 * ./NAME. */
static bool is_format_spec(const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return false;
	for (const char *c = arg; c < eq; c++)
		if (!isalnum((unsigned char)*c) && *c != '-')
			return false;
	return true;
}

static bool format_known(const struct qh_outputs *o, const char *arg)
{
	const char *const *list = o->formats ? o->formats : qh_emit_formats();
	size_t len = (size_t)(strchr(arg, '=') - arg);

	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == len && strncmp(list[i], arg, len) == 0)
			return true;
	return false;
}

int qh_outputs_add(struct qh_outputs *o, const char *arg,
		   const struct qh_command_spec *spec)
{
	if (!*arg)
		return qh_usage_error(spec, "--output wants FORMAT=PATH or PATH");
	if (!is_format_spec(arg)) {
		if (o->main_path)
			return qh_usage_error(spec, "--output %s: the report "
					      "already goes to %s (for another "
					      "format, write FORMAT=PATH)",
					      arg, o->main_path);
		o->main_path = arg;
		return 0;
	}
	if (!format_known(o, arg))
		return qh_usage_error(spec, "--output %s: unknown format '%.*s' "
				      "(a file with '=' in its name: ./%s)", arg,
				      (int)(strchr(arg, '=') - arg), arg, arg);
	if (strcmp(strchr(arg, '=') + 1, "-") == 0)
		return qh_usage_error(spec, "--output %s: stdout is for --format",
				      arg);
	if (o->n == QH_OUTPUTS_MAX)
		return qh_usage_error(spec, "at most %d --output FORMAT=PATH",
				      QH_OUTPUTS_MAX);
	o->specs[o->n++] = arg;
	return 0;
}

FILE *qh_outputs_open_main(struct qh_outputs *o, struct qh_error *err)
{
	if (o->main)
		return o->main;
	if (!o->main_path)
		return o->main = stdout;
	o->main = fopen(o->main_path, "w");
	if (!o->main)
		qh_error_errno(err, errno, "cannot write %s", o->main_path);
	return o->main;
}

int qh_outputs_attach(const struct qh_outputs *o, struct qh_emitter *em,
		      struct qh_error *err)
{
	for (size_t i = 0; i < o->n; i++)
		if (qh_emitter_add_output(em, o->specs[i], err) < 0)
			return -1;
	return 0;
}

int qh_outputs_emit_report(struct qh_outputs *o, const struct qh_report *r,
			   const char *format,
			   const struct qh_emit_options *eo,
			   struct qh_error *err)
{
	FILE *out = qh_outputs_open_main(o, err);
	struct qh_emitter *em;
	struct qh_summary s;
	int rc = -1;

	if (!out)
		return -1;
	em = qh_emitter_new(format, out, eo, err);
	if (!em)
		return -1;
	if (qh_outputs_attach(o, em, err) < 0 || qh_emitter_begin(em, r, err) < 0)
		goto out;
	for (size_t i = 0; i < r->nresults; i++)
		if (qh_emitter_result(em, r->results[i], err) < 0)
			goto out;
	qh_report_summary(r, &s);
	rc = qh_emitter_end(em, r, &s, err);
out:
	qh_emitter_free(em);
	return rc;
}

int qh_outputs_write_each(const struct qh_outputs *o,
			  int (*write)(const char *format, FILE *f, void *ctx),
			  void *ctx, struct qh_error *err)
{
	for (size_t i = 0; i < o->n; i++) {
		const char *eq = strchr(o->specs[i], '=');
		char format[32], *tmp = NULL;
		FILE *f;
		int rc;

		snprintf(format, sizeof(format), "%.*s",
			 (int)(eq - o->specs[i]), o->specs[i]);
		if (asprintf(&tmp, "%s.tmp-%ld", eq + 1, (long)getpid()) < 0)
			return qh_error_set(err, "out of memory");
		f = fopen(tmp, "wx");
		if (!f) {
			qh_error_errno(err, errno, "%s", eq + 1);
			free(tmp);
			return -1;
		}
		errno = 0;
		rc = write(format, f, ctx);
		if (fclose(f) != 0 || rc < 0 || rename(tmp, eq + 1) != 0) {
			qh_error_errno(err, errno ? errno : EIO, "%s", eq + 1);
			unlink(tmp);
			free(tmp);
			return -1;
		}
		free(tmp);
	}
	return 0;
}

int qh_outputs_close_main(struct qh_outputs *o, struct qh_error *err)
{
	FILE *f = o->main;
	int rc = 0;

	o->main = NULL;
	if (!f)
		return 0;
	if (f == stdout)
		rc = fflush(f) != 0 || ferror(f) ? -1 : 0;
	else
		rc = fclose(f) != 0 ? -1 : 0;
	if (rc < 0)
		qh_error_errno(err, errno ? errno : EIO, "cannot write %s",
			       o->main_path ? o->main_path : "stdout");
	return rc;
}
