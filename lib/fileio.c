/* fileio.c - whole-file reads and writes (see fileio.h). */
#include "fileio.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int qh_mkdir_p(const char *path, struct qh_error *err)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return qh_error_errno(err, ENAMETOOLONG, "%s", path);
	memcpy(buf, path, n + 1);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return qh_error_errno(err, errno, "%s", path);
		*s = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return qh_error_errno(err, errno, "%s", path);
	return 0;
}

/* Append component [c, c+n) to the canonical absolute path out. */
static int append_component(char *out, const char *c, size_t n)
{
	size_t len = strlen(out);

	if (n == 0 || (n == 1 && c[0] == '.'))
		return 0;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		char *slash = strrchr(out, '/');

		if (slash == out)
			out[1] = '\0';
		else if (slash)
			*slash = '\0';
		return 0;
	}
	if (len + 1 + n >= PATH_MAX)
		return -1;
	if (len > 1)
		out[len++] = '/';
	memcpy(out + len, c, n);
	out[len + n] = '\0';
	return 0;
}

int qh_resolve_path(const char *path, char *out, struct qh_error *err)
{
	char prefix[PATH_MAX];
	size_t n = strlen(path), cut = n;

	if (n == 0 || n >= sizeof(prefix))
		return qh_error_errno(err, n ? ENAMETOOLONG : ENOENT, "%s", path);
	memcpy(prefix, path, n + 1);
	/* shorten to the longest prefix that exists */
	while (!realpath(cut ? prefix : ".", out)) {
		if (errno != ENOENT)
			return qh_error_errno(err, errno, "%s", path);
		while (cut > 0 && prefix[cut - 1] == '/')
			cut--;
		while (cut > 0 && prefix[cut - 1] != '/')
			cut--;
		if (cut == 0 && path[0] == '/')
			return qh_error_errno(err, ENOENT, "%s", path);
		prefix[cut] = '\0';
	}
	for (const char *c = path + cut; *c; c += strspn(c, "/")) {
		size_t len = strcspn(c, "/");

		if (append_component(out, c, len) < 0)
			return qh_error_errno(err, ENAMETOOLONG, "%s", path);
		c += len;
	}
	return 0;
}

char *qh_relpath(const char *from, const char *to)
{
	struct qh_buf b = QH_BUF_INIT;
	size_t i = 0, common = 0;

	while (from[i] && from[i] == to[i]) {
		if (from[i] == '/')
			common = i;
		i++;
	}
	if (!from[i] && (to[i] == '/' || !to[i]))
		common = i;
	for (const char *p = from + common; *p; p++)
		if (*p == '/')
			qh_buf_puts(&b, "../");
	qh_buf_puts(&b, to[common] == '/' ? to + common + 1 : to + common);
	return b.data ? qh_buf_detach(&b) : NULL;
}

int qh_copy_file(const char *from, const char *to, struct qh_error *err)
{
	FILE *in = fopen(from, "r"), *out;
	char buf[65536];
	size_t got;
	int rc = 0;

	if (!in)
		return qh_error_errno(err, errno, "%s", from);
	out = fopen(to, "w");
	if (!out) {
		rc = qh_error_errno(err, errno, "%s", to);
		fclose(in);
		return rc;
	}
	while (rc == 0 && (got = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, got, out) != got)
			rc = qh_error_errno(err, errno, "%s", to);
	if (rc == 0 && ferror(in))
		rc = qh_error_errno(err, errno, "%s", from);
	fclose(in);
	if (fclose(out) != 0 && rc == 0)
		rc = qh_error_errno(err, errno, "%s", to);
	return rc;
}
