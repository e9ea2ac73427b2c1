/* fileio.c - whole-file reads and writes (see fileio.h). */
#include "fileio.h"

#include <errno.h>
#include <stdio.h>

int qh_read_file(const char *path, size_t max, struct qh_buf *out,
		 struct qh_error *err)
{
	FILE *f = fopen(path, "r");
	char chunk[65536];
	size_t got;

	qh_buf_reset(out);
	if (!f)
		return qh_error_errno(err, errno, "%s", path);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (max && out->len + got > max) {
			fclose(f);
			qh_buf_free(out);
			return qh_error_set(err, "%s: larger than %zu bytes", path, max);
		}
		if (qh_buf_append(out, chunk, got) < 0) {
			fclose(f);
			qh_buf_free(out);
			return qh_error_set(err, "%s: out of memory", path);
		}
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		qh_buf_free(out);
		return qh_error_errno(err, e, "%s", path);
	}
	fclose(f);
	if (!out->data && qh_buf_puts(out, "") < 0)
		return qh_error_set(err, "%s: out of memory", path);
	return 0;
}
