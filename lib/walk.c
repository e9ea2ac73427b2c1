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

/* A directory entry and its type as readdir gave it (DT_UNKNOWN on file
 * systems that do not say: then lstat tells). Skipping an lstat per entry
 * was a third of a /usr/bin walk's system calls. */
struct entry {
	char *name;
	unsigned char type;
};

static int cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		      ((const struct entry *)b)->name);
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Reads the entries of `dir` (without . and ..), sorted by name. */
static int read_entries(const char *dir, struct entry **out, size_t *nout,
			struct qh_error *err)
{
	DIR *d = opendir(dir);
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d)
		return qh_error_errno(err, errno, "cannot open directory");
	errno = 0;
	while ((de = readdir(d))) {
		void *arr = v;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (qh_array_reserve(&arr, &cap, n + 1, sizeof(*v)) < 0)
			goto oom;
		v = arr;
		if (!(v[n].name = strdup(de->d_name)))
			goto oom;
		v[n++].type = de->d_type;
	}
	if (errno) {
		int e = errno;

		closedir(d);
		free_entries(v, n);
		return qh_error_errno(err, e, "cannot read directory");
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entries);
	*out = v;
	*nout = n;
	return 0;
oom:
	closedir(d);
	free_entries(v, n);
	return qh_error_set(err, "out of memory");
}

/* DT_DIR, DT_REG or something else (never followed) for `path`, whose
 * readdir type is `type`; DT_UNKNOWN when it vanished. */
static unsigned char entry_type(const char *path, unsigned char type)
{
	struct stat st;

	if (type != DT_UNKNOWN)
		return type;
	if (lstat(path, &st) < 0)
		return DT_UNKNOWN; /* vanished between readdir and lstat */
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG
								  : DT_LNK;
}

static int walk_dir(const char *dir, int depth, qh_walk_fn fn, void *ctx,
		    struct qh_buf *path)
{
	struct qh_error err = { "" };
	size_t n = 0, base = path->len;
	struct entry *v = NULL;
	int rc = 0;

	if (depth > WALK_MAX_DEPTH)
		return fn(dir, "directory tree too deep", ctx);
	if (read_entries(dir, &v, &n, &err) < 0)
		return fn(dir, err.msg, ctx);
	for (size_t i = 0; i < n && rc == 0; i++) {
		unsigned char type;

		path->len = base;
		path->data[base] = '\0';
		if ((base == 0 || path->data[base - 1] != '/') &&
		    qh_buf_putc(path, '/') < 0)
			rc = fn(dir, "out of memory", ctx);
		else if (qh_buf_puts(path, v[i].name) < 0)
			rc = fn(dir, "out of memory", ctx);
		if (rc)
			break;
		type = entry_type(path->data, v[i].type);
		if (type == DT_DIR) {
			char *sub = strdup(path->data);

			if (!sub) {
				rc = fn(dir, "out of memory", ctx);
				break;
			}
			rc = walk_dir(sub, depth + 1, fn, ctx, path);
			free(sub);
		} else if (type == DT_REG) {
			rc = fn(path->data, NULL, ctx);
		}
	}
	path->len = base;
	if (path->data)
		path->data[base] = '\0';
	free_entries(v, n);
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
