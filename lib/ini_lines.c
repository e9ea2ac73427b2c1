/* ini_lines.c - libinih with line numbers (see ini_lines.h). */
#include "ini_lines.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libinih's limits: ini.c's MAX_SECTION (50, names are cut silently) and
 * the line size inih hands the reader (longer lines are split in two). */
#define INIH_MAX_SECTION 50

struct ini_run {
	const char *name;
	FILE *fp;
	const char *text;
	const struct qh_ini_callbacks *cb;
	void *user;
	struct qh_error *err;
	unsigned lineno;
	unsigned failed_line;
	bool at_line_start;
	bool failed;
};

/* Record that err holds the first error (inih goes on parsing regardless;
 * later callbacks are swallowed). */
static void run_failed(struct ini_run *run)
{
	run->failed = true;
	run->failed_line = run->lineno;
	qh_error_prefix(run->err, "%s:%u: ", run->name, run->lineno);
}

static void run_error(struct ini_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void run_error(struct ini_run *run, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (run->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	qh_error_set(run->err, "%s", msg);
	run_failed(run);
}

static void saw_chunk(struct ini_run *run, char *chunk, int num,
		      bool more_input)
{
	size_t len = strlen(chunk);
	bool complete = len > 0 && chunk[len - 1] == '\n';
	bool starts_line = run->at_line_start;
	char *close;

	run->at_line_start = complete;
	if (!starts_line || run->failed)
		return; /* the rest of an over-long line: flagged already */
	run->lineno++;
	if (!complete && more_input) {
		run_error(run, "line longer than %d characters (or it holds a "
			  "NUL byte)", num - 2);
		return;
	}
	if (chunk[0] != '[')
		return;
	close = strchr(chunk, ']');
	if (!close)
		return; /* inih reports the syntax error */
	if ((size_t)(close - chunk - 1) >= INIH_MAX_SECTION) {
		run_error(run, "section name longer than %d characters",
			  INIH_MAX_SECTION - 1);
		return;
	}
	if (!run->cb->on_section)
		return;
	*close = '\0';
	if (run->cb->on_section(run->user, chunk + 1, run->lineno, run->err) < 0)
		run_failed(run);
	*close = ']';
}

static char *file_reader(char *str, int num, void *stream)
{
	struct ini_run *run = stream;
	int c;

	if (!fgets(str, num, run->fp))
		return NULL;
	c = getc(run->fp);
	if (c != EOF)
		ungetc(c, run->fp);
	saw_chunk(run, str, num, c != EOF);
	return str;
}

static char *string_reader(char *str, int num, void *stream)
{
	struct ini_run *run = stream;
	size_t n = 0;

	if (!*run->text || num < 2)
		return NULL;
	while (run->text[n] && n + 1 < (size_t)num) {
		if (run->text[n++] == '\n')
			break;
	}
	memcpy(str, run->text, n);
	str[n] = '\0';
	run->text += n;
	saw_chunk(run, str, num, *run->text != '\0');
	return str;
}

static int key_handler(void *user, const char *section, const char *key,
		       const char *value)
{
	struct ini_run *run = user;

	if (run->failed)
		return 1;
	if (run->cb->on_key(run->user, section, key, value, run->lineno,
			    run->err) < 0)
		run_failed(run);
	return 1;
}

static int run_parse(struct ini_run *run, ini_reader reader)
{
	int rc;

	run->at_line_start = true;
	rc = ini_parse_stream(reader, run, key_handler, run);
	if (rc == -2)
		return qh_error_set(run->err, "%s: out of memory", run->name);
	/* inih's own syntax errors count too: the first line wins */
	if (run->failed && (rc <= 0 || (unsigned)rc >= run->failed_line))
		return -1;
	if (rc != 0)
		return qh_error_set(run->err, "%s:%d: syntax error (expected "
				    "[section] or key = value)", run->name, rc);
	return 0;
}

int qh_ini_parse_file(const char *path, const struct qh_ini_callbacks *cb,
		      void *user, struct qh_error *err)
{
	struct ini_run run = { .name = path, .cb = cb, .user = user, .err = err };
	int rc;

	run.fp = fopen(path, "r");
	if (!run.fp)
		return qh_error_errno(err, errno, "cannot open %s", path);
	rc = run_parse(&run, file_reader);
	if (rc == 0 && ferror(run.fp))
		rc = qh_error_set(err, "%s: read error", path);
	fclose(run.fp);
	return rc;
}

int qh_ini_parse_string(const char *text, const char *name,
			const struct qh_ini_callbacks *cb, void *user,
			struct qh_error *err)
{
	struct ini_run run = { .name = name, .text = text, .cb = cb,
			       .user = user, .err = err };

	return run_parse(&run, string_reader);
}

int qh_ini_section_split(const char *section, size_t *kind_len, char **arg,
			 struct qh_error *err)
{
	const char *sp = strchr(section, ' ');
	const char *q, *end;

	*arg = NULL;
	*kind_len = sp ? (size_t)(sp - section) : strlen(section);
	if (!sp)
		return 0;
	q = sp + strspn(sp, " ");
	end = *q == '"' ? strrchr(q + 1, '"') : NULL;
	if (!end || end[1] != '\0' || end == q + 1)
		return qh_error_set(err, "malformed section [%s]: the argument "
				    "must be one non-empty \"quoted\" string",
				    section);
	*arg = strndup(q + 1, (size_t)(end - q - 1));
	if (!*arg)
		return qh_error_set(err, "out of memory");
	return 0;
}
