/* walk.c - sorted, symlink-safe directory walk (see walk.h). */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_MAX_DEPTH 256

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Reads the names of `dir` (without . and ..), sorted. */
static int read_names(const char *dir, char ***out, size_t *nout,
		      struct qh_error *err)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d)
		return qh_error_errno(err, errno, "cannot open directory");
	errno = 0;
	while ((de = readdir(d))) {
		void *arr = names;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (qh_array_reserve(&arr, &cap, n + 1, sizeof(*names)) < 0)
			goto oom;
		names = arr;
		if (!(names[n] = strdup(de->d_name)))
			goto oom;
		n++;
	}
	if (errno) {
		int e = errno;

		closedir(d);
		free_names(names, n);
		return qh_error_errno(err, e, "cannot read directory");
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*nout = n;
	return 0;
oom:
	closedir(d);
	free_names(names, n);
	return qh_error_set(err, "out of memory");
}

static int walk_dir(const char *dir, int depth, qh_walk_fn fn, void *ctx,
		    struct qh_buf *path)
{
	struct qh_error err = { "" };
	size_t n = 0, base = path->len;
	char **names = NULL;
	int rc = 0;

	if (depth > WALK_MAX_DEPTH)
		return fn(dir, "directory tree too deep", ctx);
	if (read_names(dir, &names, &n, &err) < 0)
		return fn(dir, err.msg, ctx);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat st;

		path->len = base;
		path->data[base] = '\0';
		if ((base == 0 || path->data[base - 1] != '/') &&
		    qh_buf_putc(path, '/') < 0)
			rc = fn(dir, "out of memory", ctx);
		else if (qh_buf_puts(path, names[i]) < 0)
			rc = fn(dir, "out of memory", ctx);
		if (rc)
			break;
		if (lstat(path->data, &st) < 0) {
			/* Vanished between readdir and lstat: not an input. */
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			char *sub = strdup(path->data);

			if (!sub) {
				rc = fn(dir, "out of memory", ctx);
				break;
			}
			rc = walk_dir(sub, depth + 1, fn, ctx, path);
			free(sub);
		} else if (S_ISREG(st.st_mode)) {
			rc = fn(path->data, NULL, ctx);
		}
	}
	path->len = base;
	if (path->data)
		path->data[base] = '\0';
	free_names(names, n);
	return rc;
}

int qh_walk(const char *root, qh_walk_fn fn, void *ctx, struct qh_error *err)
{
	struct qh_buf path = QH_BUF_INIT;
	struct stat st;
	int rc;

	if (stat(root, &st) < 0)
		return qh_error_errno(err, errno, "%s", root);
	if (!S_ISDIR(st.st_mode))
		return qh_error_set(err, "%s: not a directory", root);
	if (qh_buf_puts(&path, root) < 0)
		return qh_error_set(err, "out of memory");
	rc = walk_dir(root, 0, fn, ctx, &path);
	qh_buf_free(&path);
	return rc;
}
