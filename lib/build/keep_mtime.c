/* keep_mtime.c - devices files that keep their mtime when only their
 * comments changed (see build.h, "Kept mtimes").
 *
 * The plan rewrites its devices files on every run. meson's build.ninja
 * depends on them, so a new mtime with the same symbols would make ninja
 * regenerate the whole build description. */
#include "build.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fileio.h"

struct kept_file {
	char *path;
	struct qh_buf data;
	struct timespec mtime;
};

struct qh_mtime_keep {
	struct kept_file *v;
	size_t n, cap;
};

/* One regular file of the folder, read whole; false when it is not one
 * (or cannot be read, or memory ran out: then its mtime is not kept). */
static bool keep_one(struct qh_mtime_keep *k, const char *dir, const char *name)
{
	struct kept_file f = { NULL, QH_BUF_INIT, { 0, 0 } };
	struct stat st;
	void *arr = k->v;

	if (asprintf(&f.path, "%s/%s", dir, name) < 0)
		return false;
	if (stat(f.path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    qh_read_file(f.path, 0, &f.data, NULL) < 0 ||
	    qh_array_reserve(&arr, &k->cap, k->n + 1, sizeof(*k->v)) < 0) {
		free(f.path);
		qh_buf_free(&f.data);
		return false;
	}
	k->v = arr;
	f.mtime = st.st_mtim;
	k->v[k->n++] = f;
	return true;
}

struct qh_mtime_keep *qh_mtime_keep_snapshot(const char *dir)
{
	struct qh_mtime_keep *k = calloc(1, sizeof(*k));
	DIR *d = k ? opendir(dir) : NULL;
	struct dirent *de;

	if (!d)
		return k;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			keep_one(k, dir, de->d_name);
	closedir(d);
	return k;
}

void qh_mtime_keep_restore(struct qh_mtime_keep *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++) {
		struct kept_file *f = &k->v[i];
		struct qh_buf now = QH_BUF_INIT;
		char *a = qh_read_file(f->path, 0, &now, NULL) == 0 ?
			  qh_mak_meaningful(now.data, now.len) : NULL;
		char *b = qh_mak_meaningful(f->data.data, f->data.len);

		/* Same symbols (comments may name another checkout's profile
		 * path): configure would read the same thing, keep the mtime. */
		if (a && b && strcmp(a, b) == 0) {
			struct timespec times[2] = { f->mtime, f->mtime };

			utimensat(AT_FDCWD, f->path, times, 0);
		}
		free(a);
		free(b);
		qh_buf_free(&now);
		free(f->path);
		qh_buf_free(&f->data);
	}
	free(k->v);
	free(k);
}
