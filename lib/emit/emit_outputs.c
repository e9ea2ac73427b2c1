/* emit_outputs.c - more than one format from one run: `--output
 * FORMAT=PATH`, repeatable, beside the report on stdout (see emit.h).
 *
 * Each extra output is an emitter of its own, fed the same calls as the
 * main one. It writes to PATH.tmp-PID and is renamed onto PATH only when
 * the report ended well: a run that failed half-way leaves no report file
 * that a CI step could take for a complete one.
 */
#include "emit_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct qh_emit_output {
	struct qh_emitter *em;
	char *path;  /* where it goes */
	char *tmp;   /* where it is written until the end */
	FILE *file;
	bool done;   /* renamed onto path */
	struct qh_emit_output *next;
};

static void output_free(struct qh_emit_output *o)
{
	qh_emitter_free(o->em);
	if (o->file)
		fclose(o->file);
	if (!o->done && o->tmp)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	free(o);
}

/* "FORMAT=PATH" -> its two halves (format points into a copy in *buf). */
static int split_spec(const char *spec, char **buf, const char **path,
		      struct qh_error *err)
{
	char *eq;

	*buf = qh_strdup(spec);
	if (!*buf)
		return qh_error_set(err, "out of memory");
	eq = strchr(*buf, '=');
	if (!eq || eq == *buf || !eq[1]) {
		free(*buf);
		return qh_error_set(err, "--output wants FORMAT=PATH (e.g. "
				    "sarif=qhard.sarif), not '%s'", spec);
	}
	*eq = '\0';
	*path = eq + 1;
	return 0;
}

static bool path_taken(const struct qh_emitter *e, const char *path)
{
	for (const struct qh_emit_output *o = e->outputs; o; o = o->next)
		if (strcmp(o->path, path) == 0)
			return true;
	return false;
}

static int open_output(struct qh_emit_output *o, struct qh_error *err)
{
	int fd;

	if (asprintf(&o->tmp, "%s.tmp-%ld", o->path, (long)getpid()) < 0) {
		o->tmp = NULL;
		return qh_error_set(err, "out of memory");
	}
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		int e = errno;

		free(o->tmp);
		o->tmp = NULL; /* not ours: never unlink it */
		return qh_error_errno(err, e, "%s", o->path);
	}
	o->file = fdopen(fd, "w");
	if (!o->file) {
		close(fd);
		return qh_error_errno(err, errno, "%s", o->path);
	}
	return 0;
}

int qh_emitter_add_output(struct qh_emitter *e, const char *spec,
			  struct qh_error *err)
{
	struct qh_emit_options opts = e->opts;
	struct qh_emit_output *o, **tail;
	const char *path = NULL;
	char *format = NULL;

	if (e->stage != 0)
		return qh_error_set(err, "emitter: output added after begin");
	if (split_spec(spec, &format, &path, err) < 0)
		return -1;
	if (!qh_emit_format_known(format)) {
		qh_error_set(err, "--output %s: unknown format '%s'", spec, format);
		free(format);
		return -1;
	}
	if (strcmp(path, "-") == 0 || path_taken(e, path)) {
		qh_error_set(err, "--output %s: %s", spec, strcmp(path, "-") == 0 ?
			     "stdout is for --format" : "that file is named twice");
		free(format);
		return -1;
	}
	o = calloc(1, sizeof(*o));
	if (!o || !(o->path = qh_strdup(path))) {
		free(o);
		free(format);
		return qh_error_set(err, "out of memory");
	}
	opts.color = false; /* a file, never a terminal */
	if (open_output(o, err) < 0 ||
	    !(o->em = qh_emitter_new(format, o->file, &opts, err))) {
		free(format);
		output_free(o);
		return -1;
	}
	free(format);
	for (tail = &e->outputs; *tail; tail = &(*tail)->next)
		;
	*tail = o;
	return 0;
}

int qh_emit_outputs_begin(struct qh_emitter *e, const struct qh_report *r,
			  struct qh_error *err)
{
	for (struct qh_emit_output *o = e->outputs; o; o = o->next)
		if (qh_emitter_begin(o->em, r, err) < 0)
			return qh_error_prefix(err, "%s: ", o->path);
	return 0;
}

int qh_emit_outputs_result(struct qh_emitter *e, const struct qh_result *res,
			   struct qh_error *err)
{
	for (struct qh_emit_output *o = e->outputs; o; o = o->next)
		if (qh_emitter_result(o->em, res, err) < 0)
			return qh_error_prefix(err, "%s: ", o->path);
	return 0;
}

/* End each output and put it in place. */
int qh_emit_outputs_end(struct qh_emitter *e, const struct qh_report *r,
			const struct qh_summary *s, struct qh_error *err)
{
	for (struct qh_emit_output *o = e->outputs; o; o = o->next) {
		int rc = qh_emitter_end(o->em, r, s, err);
		FILE *f = o->file;

		o->file = NULL;
		if (fclose(f) != 0 && rc == 0)
			rc = qh_error_errno(err, errno, "writing");
		if (rc == 0 && rename(o->tmp, o->path) != 0)
			rc = qh_error_errno(err, errno, "renaming %s", o->tmp);
		if (rc < 0)
			return qh_error_prefix(err, "%s: ", o->path);
		o->done = true;
	}
	return 0;
}

void qh_emit_outputs_free(struct qh_emitter *e)
{
	while (e->outputs) {
		struct qh_emit_output *next = e->outputs->next;

		output_free(e->outputs);
		e->outputs = next;
	}
}
