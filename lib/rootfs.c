/* rootfs.c - path resolution confined to a root (see rootfs.h).
 *
 * The walk keeps one O_PATH fd on the current directory and the canonical
 * path that leads to it. Each component is looked at with fstatat(...,
 * AT_SYMLINK_NOFOLLOW); a symlink is read with readlinkat() and its target
 * is pushed in front of the components still to walk. Nothing is handed to
 * the kernel as a multi-component path that could hold a symlink, and ".."
 * is taken against the canonical path: the fd of the parent is opened again
 * from the root (open_canonical), since the directory we stand in may have
 * been moved elsewhere in the tree since we entered it, and the kernel's
 * ".." from there could climb out of the root.
 */
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

struct qh_rootfs {
	int rootfd; /* O_PATH|O_DIRECTORY on the root */
	char *dir;
	bool live;
	bool beneath; /* a source tree: nothing climbs above or restarts at it */
	bool openat2; /* the kernel resolves canonical paths for us */
};

/* RESOLVE_IN_ROOT: the kernel's own guarantee that the result lies under
 * the root, checked against concurrent renames (EAGAIN when it cannot
 * tell); a canonical path has no symlink, so one met now means the tree
 * changed and is refused rather than followed. */
static long openat2_in_root(int rootfd, const char *rel)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
}

/* openat2 is Linux 5.6+; glibc 2.36 has no wrapper. ENOSYS (old kernel),
 * EINVAL/E2BIG (unknown flags) or EPERM (a seccomp filter) all mean: walk
 * the path ourselves. */
static bool probe_openat2(int rootfd)
{
	const char *off = getenv("QHARD_TEST_NO_OPENAT2");
	long fd;

	if (off && *off && strcmp(off, "0") != 0)
		return false;
	fd = openat2_in_root(rootfd, ".");
	if (fd < 0)
		return false;
	close((int)fd);
	return true;
}

static struct qh_rootfs *open_root(const char *dir, bool beneath,
				   struct qh_error *err)
{
	struct qh_rootfs *fs;
	struct stat st, slash;

	fs = calloc(1, sizeof(*fs));
	if (!fs) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
	fs->beneath = beneath;
	fs->rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->rootfd < 0) {
		qh_error_errno(err, errno, "%s: cannot open root", dir);
		free(fs);
		return NULL;
	}
	fs->dir = qh_strdup(dir);
	if (!fs->dir) {
		qh_error_set(err, "out of memory");
		qh_rootfs_free(fs);
		return NULL;
	}
	if (fstat(fs->rootfd, &st) == 0 && stat("/", &slash) == 0)
		fs->live = st.st_dev == slash.st_dev && st.st_ino == slash.st_ino;
	fs->openat2 = probe_openat2(fs->rootfd);
	return fs;
}

struct qh_rootfs *qh_rootfs_open(const char *dir, struct qh_error *err)
{
	return open_root(dir, false, err);
}

struct qh_rootfs *qh_rootfs_open_tree(const char *dir, struct qh_error *err)
{
	return open_root(dir, true, err);
}

void qh_rootfs_free(struct qh_rootfs *fs)
{
	if (!fs)
		return;
	if (fs->rootfd >= 0)
		close(fs->rootfd);
	free(fs->dir);
	free(fs);
}

const char *qh_rootfs_dir(const struct qh_rootfs *fs)
{
	return fs->dir;
}

bool qh_rootfs_is_live(const struct qh_rootfs *fs)
{
	return fs->live;
}

bool qh_rootfs_uses_openat2(const struct qh_rootfs *fs)
{
	return fs->openat2;
}

/* Where a lookup ended: the directory holding the last component, its name
 * ("." for the root itself), the canonical path and lstat of the object. */
struct lookup {
	int dirfd;
	char name[NAME_MAX + 1];
	struct qh_buf canon;
	struct stat st;
};

static void lookup_release(struct lookup *l)
{
	if (l->dirfd >= 0)
		close(l->dirfd);
	l->dirfd = -1;
	qh_buf_free(&l->canon);
}

/* Pop the first component of *rest into comp (skipping slashes). Returns
 * false when nothing is left. */
static bool next_component(const char **rest, char *comp, size_t compsz,
			   int *toolong)
{
	const char *s = *rest, *e;
	size_t n;

	while (*s == '/')
		s++;
	if (!*s) {
		*rest = s;
		return false;
	}
	e = strchr(s, '/');
	n = e ? (size_t)(e - s) : strlen(s);
	if (n >= compsz) {
		*toolong = 1;
		n = compsz - 1;
	}
	memcpy(comp, s, n);
	comp[n] = '\0';
	*rest = s + (e ? (size_t)(e - s) : strlen(s));
	return true;
}

static bool only_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return *s == '\0';
}

static int reset_to_root(struct qh_rootfs *fs, struct lookup *l)
{
	int fd = dup(fs->rootfd);

	if (fd < 0)
		return errno;
	if (l->dirfd >= 0)
		close(l->dirfd);
	l->dirfd = fd;
	qh_buf_reset(&l->canon);
	return 0;
}

/* The directory at canonical path canon ("" = the root), reached from the
 * root fd by descending only: by openat2 in one call, else one O_NOFOLLOW
 * component at a time. A component that is no longer a directory (or has
 * become a symlink) means the tree changed under us: EAGAIN. */
static int open_canonical(struct qh_rootfs *fs, const char *canon, int *out)
{
	char comp[NAME_MAX + 1];
	const char *cursor = canon;
	int fd, toolong = 0;

	if (fs->openat2 && *canon) {
		long r = -1;

		/* EAGAIN: the kernel saw a rename it could not rule out */
		for (int tries = 0; tries < 16; tries++) {
			r = openat2_in_root(fs->rootfd, canon + 1);
			if (r >= 0 || (errno != EAGAIN && errno != EINTR))
				break;
		}
		if (r < 0)
			return errno == ELOOP || errno == ENOTDIR ? EAGAIN : errno;
		*out = (int)r;
		return 0;
	}
	fd = dup(fs->rootfd);
	if (fd < 0)
		return errno;
	while (next_component(&cursor, comp, sizeof(comp), &toolong)) {
		int next = toolong ? -1 :
			   openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
						O_CLOEXEC);
		int e = toolong ? ENAMETOOLONG : errno;

		close(fd);
		if (next < 0)
			return e == ELOOP || e == ENOTDIR ? EAGAIN : e;
		fd = next;
	}
	*out = fd;
	return 0;
}

/* How a resolution step can end besides 0 (go on) and an errno value. */
enum {
	RESOLVE_ESCAPE = -1,  /* the path leads out of the root or tree */
	RESOLVE_CHANGED = -2, /* the tree changed under us (rename race) */
};

/* What a resolution carries from one path component to the next. */
struct resolve_walk {
	struct qh_buf rest;  /* the path still to walk (grows at symlinks) */
	const char *cursor;  /* where in rest */
	struct qh_buf link;  /* the last symlink met, for the message */
	char target[PATH_MAX]; /* and its target */
	unsigned hops;       /* symlinks followed so far */
	int changed_errno;   /* with RESOLVE_CHANGED: what the caller gets */
};

static int restat_dir(struct lookup *l)
{
	strcpy(l->name, ".");
	return fstat(l->dirfd, &l->st) < 0 ? errno : 0;
}

/* "..": up one level of the canonical path, reopened from the root. */
static int step_dotdot(struct qh_rootfs *fs, struct lookup *l,
		       struct resolve_walk *w)
{
	char *slash;
	int fd = -1;

	if (l->canon.len == 0)
		return w->hops > 0 || fs->beneath ? RESOLVE_ESCAPE : 0;
	slash = strrchr(l->canon.data, '/');
	l->canon.len = (size_t)(slash - l->canon.data);
	l->canon.data[l->canon.len] = '\0';
	if ((w->changed_errno = open_canonical(fs, l->canon.data, &fd)) != 0)
		return RESOLVE_CHANGED;
	close(l->dirfd);
	l->dirfd = fd;
	return restat_dir(l);
}

/* A symlink: its target goes in front of the rest of the path; an
 * absolute one restarts at the root (never the host's /). */
static int step_symlink(struct qh_rootfs *fs, struct lookup *l,
			const char *comp, struct resolve_walk *w)
{
	struct qh_buf next = QH_BUF_INIT;
	ssize_t n;
	int rc;

	if (++w->hops > QH_ROOTFS_MAX_HOPS)
		return ELOOP;
	n = readlinkat(l->dirfd, comp, w->target, sizeof(w->target) - 1);
	if (n < 0)
		return errno;
	w->target[n] = '\0';
	/* named in the message if it leads out */
	qh_buf_reset(&w->link);
	if (qh_buf_printf(&w->link, "%s/%s", l->canon.data ? l->canon.data : "",
			  comp) < 0 ||
	    qh_buf_puts(&next, w->target) < 0 || qh_buf_putc(&next, '/') < 0 ||
	    qh_buf_puts(&next, w->cursor) < 0) {
		qh_buf_free(&next);
		return ENOMEM;
	}
	qh_buf_free(&w->rest);
	w->rest = next;
	w->cursor = w->rest.data;
	if (w->target[0] == '/') {
		if (fs->beneath)
			return RESOLVE_ESCAPE;
		if ((rc = reset_to_root(fs, l)) != 0)
			return rc;
	}
	return restat_dir(l);
}

/* One plain name below a directory of the root: the kernel cannot leave
 * the root with it. */
static int step_descend(struct lookup *l, const char *comp,
			struct resolve_walk *w)
{
	int fd;

	if (!S_ISDIR(l->st.st_mode))
		return ENOTDIR;
	fd = openat(l->dirfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
		w->changed_errno = EAGAIN;
		return RESOLVE_CHANGED;
	}
	if (fd < 0)
		return errno;
	close(l->dirfd);
	l->dirfd = fd;
	return 0;
}

/* One component; *done is set when it named the object itself. */
static int resolve_step(struct qh_rootfs *fs, const char *comp, int flags,
			struct lookup *l, struct resolve_walk *w, bool *done)
{
	bool last = only_slashes(w->cursor);

	if (strcmp(comp, ".") == 0)
		return 0;
	if (strcmp(comp, "..") == 0)
		return step_dotdot(fs, l, w);
	if (fstatat(l->dirfd, comp, &l->st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	if (S_ISLNK(l->st.st_mode) && !(last && (flags & QH_ROOTFS_NOFOLLOW)))
		return step_symlink(fs, l, comp, w);
	if (qh_buf_putc(&l->canon, '/') < 0 || qh_buf_puts(&l->canon, comp) < 0)
		return ENOMEM;
	if (last) {
		strcpy(l->name, comp);
		*done = true;
		return 0;
	}
	return step_descend(l, comp, w);
}

/* Resolve path; on success l->dirfd/name/canon/st describe the object. */
static int resolve(struct qh_rootfs *fs, const char *path, int flags,
		   struct lookup *l, struct qh_error *err)
{
	struct resolve_walk w = { QH_BUF_INIT, NULL, QH_BUF_INIT, "", 0, 0 };
	char comp[NAME_MAX + 1];
	bool done = false;
	int rc, toolong = 0;

	l->dirfd = -1;
	l->canon = (struct qh_buf)QH_BUF_INIT;
	strcpy(l->name, ".");
	if ((rc = reset_to_root(fs, l)) == 0 &&
	    qh_buf_puts(&w.rest, path ? path : "") < 0)
		rc = ENOMEM;
	w.cursor = w.rest.data;
	if (rc == 0 && fstat(l->dirfd, &l->st) < 0)
		rc = errno;
	while (rc == 0 && !done &&
	       next_component(&w.cursor, comp, sizeof(comp), &toolong))
		rc = toolong ? ENAMETOOLONG
			     : resolve_step(fs, comp, flags, l, &w, &done);
	if (rc == 0 && l->canon.len == 0 && qh_buf_putc(&l->canon, '/') < 0)
		rc = ENOMEM;
	if (rc == RESOLVE_ESCAPE && w.link.len)
		qh_error_set(err, "%s: symlink %s (-> %s) leads out of the %s", path,
			     w.link.data, w.target, fs->beneath ? "tree" : "root");
	else if (rc == RESOLVE_ESCAPE)
		qh_error_set(err, "%s: leads out of the tree", path);
	else if (rc == RESOLVE_CHANGED)
		qh_error_set(err, "%s: the tree changed while being resolved", path);
	else if (rc != 0)
		qh_error_errno(err, rc, "%s", path);
	qh_buf_free(&w.rest);
	qh_buf_free(&w.link);
	if (rc == 0)
		return 0;
	lookup_release(l);
	return rc == RESOLVE_ESCAPE ? EXDEV :
	       rc == RESOLVE_CHANGED ? w.changed_errno : rc;
}

int qh_rootfs_stat(struct qh_rootfs *fs, const char *path, int flags,
		   struct stat *st, char **canonical, struct qh_error *err)
{
	struct lookup l;
	int rc = resolve(fs, path, flags, &l, err);

	if (rc)
		return rc;
	if (st)
		*st = l.st;
	if (canonical) {
		*canonical = qh_buf_detach(&l.canon);
		if (!*canonical) {
			lookup_release(&l);
			qh_error_set(err, "out of memory");
			return ENOMEM;
		}
	}
	lookup_release(&l);
	return 0;
}

int qh_rootfs_readlink(struct qh_rootfs *fs, const char *path, char **target,
		       struct qh_error *err)
{
	struct lookup l;
	char buf[PATH_MAX];
	ssize_t n;
	int rc = resolve(fs, path, QH_ROOTFS_NOFOLLOW, &l, err);

	if (rc)
		return rc;
	if (!S_ISLNK(l.st.st_mode)) {
		lookup_release(&l);
		qh_error_set(err, "%s: not a symlink", path);
		return EINVAL;
	}
	n = readlinkat(l.dirfd, l.name, buf, sizeof(buf) - 1);
	rc = n < 0 ? errno : 0;
	lookup_release(&l);
	if (rc)
		return qh_error_errno(err, rc, "%s", path), rc;
	buf[n] = '\0';
	*target = qh_strdup(buf);
	if (!*target)
		return qh_error_set(err, "out of memory"), ENOMEM;
	return 0;
}

/* Open what a lookup found, as a regular file or a directory only. */
static int open_found(struct lookup *l, bool want_dir, const char *path,
		      int *fd_out, struct stat *st_out, struct qh_error *err)
{
	struct stat st;
	int fd;

	if (want_dir ? !S_ISDIR(l->st.st_mode) : !S_ISREG(l->st.st_mode)) {
		qh_error_set(err, "%s: not a %s", path,
			     want_dir ? "directory" : "regular file");
		return want_dir ? ENOTDIR : EINVAL;
	}
	fd = openat(l->dirfd, l->name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
			    (want_dir ? O_DIRECTORY : 0));
	if (fd < 0) {
		int e = errno;

		return qh_error_errno(err, e, "%s", path), e;
	}
	/* The tree may change under us: make sure we opened what we saw. */
	if (fstat(fd, &st) < 0 || st.st_ino != l->st.st_ino ||
	    st.st_dev != l->st.st_dev) {
		close(fd);
		qh_error_set(err, "%s: changed while being opened", path);
		return EAGAIN;
	}
	if (st_out)
		*st_out = st;
	*fd_out = fd;
	return 0;
}

/* Read an open regular file to its end, at most max bytes. */
static int read_all(int fd, const char *path, size_t max, struct qh_buf *out,
		    struct qh_error *err)
{
	char chunk[8192];

	if (qh_buf_grow(out, 1) < 0)
		return qh_error_set(err, "out of memory"), ENOMEM;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			return qh_error_errno(err, e, "%s", path), e;
		}
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > max) {
			qh_error_set(err, "%s: larger than %zu bytes", path, max);
			return EFBIG;
		}
		if (qh_buf_append(out, chunk, (size_t)n) < 0)
			return qh_error_set(err, "out of memory"), ENOMEM;
	}
}

static int read_found(struct lookup *l, const char *path, size_t max,
		      struct qh_buf *out, struct qh_error *err)
{
	int fd, rc = open_found(l, false, path, &fd, NULL, err);

	if (rc)
		return rc;
	rc = read_all(fd, path, max, out, err);
	close(fd);
	return rc;
}

int qh_rootfs_read(struct qh_rootfs *fs, const char *path, size_t max,
		   struct qh_buf *out, struct qh_error *err)
{
	struct lookup l;
	int rc = resolve(fs, path, 0, &l, err);

	qh_buf_reset(out);
	if (rc)
		return rc;
	rc = read_found(&l, path, max, out, err);
	lookup_release(&l);
	return rc;
}

static int cmp_id(const struct qh_file_id *a, dev_t dev, ino_t ino)
{
	if (a->dev != dev)
		return a->dev < dev ? -1 : 1;
	return a->ino < ino ? -1 : a->ino > ino;
}

int qh_file_ids_add(struct qh_file_ids *ids, const struct stat *st)
{
	size_t lo = 0, hi = ids->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_id(&ids->v[mid], st->st_dev, st->st_ino);

		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (qh_array_reserve((void **)&ids->v, &ids->cap, ids->n + 1,
			     sizeof(*ids->v)) < 0)
		return -1;
	memmove(ids->v + lo + 1, ids->v + lo, (ids->n - lo) * sizeof(*ids->v));
	ids->v[lo].dev = st->st_dev;
	ids->v[lo].ino = st->st_ino;
	ids->n++;
	return 1;
}

void qh_file_ids_free(struct qh_file_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

int qh_rootfs_read_new(struct qh_rootfs *fs, const char *path, size_t max,
		       struct qh_buf *out, struct qh_file_ids *seen,
		       struct qh_error *err)
{
	struct lookup l;
	int rc = resolve(fs, path, 0, &l, err);

	qh_buf_reset(out);
	if (rc)
		return rc;
	if (S_ISREG(l.st.st_mode)) {
		int fresh = qh_file_ids_add(seen, &l.st);

		if (fresh <= 0) {
			lookup_release(&l);
			if (fresh < 0)
				return qh_error_set(err, "out of memory"), ENOMEM;
			return EEXIST;
		}
	}
	rc = read_found(&l, path, max, out, err);
	lookup_release(&l);
	return rc;
}

/* Read exactly size bytes with pread: a file that shrinks or grows while
 * we read it is refused (a mapping of it would die with SIGBUS instead). */
static int load_fd(int fd, const char *path, size_t size, void **data,
		   struct qh_error *err)
{
	unsigned char *p = malloc(size), extra;
	size_t got = 0;
	ssize_t n;

	if (!p)
		return qh_error_set(err, "out of memory"), ENOMEM;
	while (got < size) {
		n = pread(fd, p + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(p);
			if (n < 0)
				return qh_error_errno(err, e, "%s", path), e;
			qh_error_set(err, "%s: changed while being read (shrank "
				     "from %zu to %zu bytes)", path, size, got);
			return e;
		}
		got += (size_t)n;
	}
	do
		n = pread(fd, &extra, 1, (off_t)size);
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		free(p);
		if (n < 0) {
			int e = errno;

			return qh_error_errno(err, e, "%s", path), e;
		}
		qh_error_set(err, "%s: changed while being read (grew beyond "
			     "%zu bytes)", path, size);
		return EIO;
	}
	*data = p;
	return 0;
}

int qh_rootfs_load(struct qh_rootfs *fs, const char *path, size_t max,
		   void **data, size_t *size, struct stat *st, char **canonical,
		   struct qh_error *err)
{
	struct lookup l;
	struct stat fst;
	void *p = NULL;
	int fd, rc = resolve(fs, path, 0, &l, err);

	*data = NULL;
	*size = 0;
	if (canonical)
		*canonical = NULL;
	if (rc)
		return rc;
	rc = open_found(&l, false, path, &fd, &fst, err);
	if (rc) {
		lookup_release(&l);
		return rc;
	}
	if ((uint64_t)fst.st_size > max) {
		rc = EFBIG;
		qh_error_set(err, "%s: larger than %zu bytes", path, max);
	} else if (fst.st_size > 0) {
		rc = load_fd(fd, path, (size_t)fst.st_size, &p, err);
	}
	close(fd);
	if (!rc && canonical) {
		*canonical = qh_buf_detach(&l.canon);
		if (!*canonical) {
			rc = ENOMEM;
			qh_error_set(err, "out of memory");
		}
	}
	lookup_release(&l);
	if (rc) {
		free(p);
		return rc;
	}
	*data = p;
	*size = (size_t)fst.st_size;
	if (st)
		*st = fst;
	return 0;
}

int qh_rootfs_read_head(struct qh_rootfs *fs, const char *path, void *buf,
			size_t n, size_t *got, char **canonical,
			struct qh_error *err)
{
	struct lookup l;
	ssize_t r;
	int fd, rc = resolve(fs, path, 0, &l, err);

	*got = 0;
	if (canonical)
		*canonical = NULL;
	if (rc)
		return rc;
	rc = open_found(&l, false, path, &fd, NULL, err);
	if (!rc) {
		do
			r = pread(fd, buf, n, 0);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			rc = errno;
			qh_error_errno(err, rc, "%s", path);
		} else {
			*got = (size_t)r;
		}
		close(fd);
	}
	if (!rc && canonical && !(*canonical = qh_buf_detach(&l.canon))) {
		rc = ENOMEM;
		qh_error_set(err, "out of memory");
	}
	lookup_release(&l);
	return rc;
}

#define XATTR_MAX_VALUE 4096

/* The attribute of an object the lookup found, without opening a device:
 * through an O_PATH fd (fgetxattr refuses those) and its /proc/self/fd
 * name, which the kernel resolves to exactly the inode we hold. */
static ssize_t getxattr_found(struct lookup *l, const char *path,
			      const char *name, char *buf, size_t size,
			      struct qh_error *err, int *rc)
{
	char proc[64];
	struct stat st;
	ssize_t n;
	int fd;

	if (S_ISREG(l->st.st_mode) || S_ISDIR(l->st.st_mode)) {
		*rc = open_found(l, S_ISDIR(l->st.st_mode), path, &fd, NULL, err);
		if (*rc)
			return -1;
		n = fgetxattr(fd, name, buf, size);
	} else {
		fd = openat(l->dirfd, l->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			*rc = errno;
			return qh_error_errno(err, *rc, "%s", path), -1;
		}
		if (fstat(fd, &st) < 0 || st.st_ino != l->st.st_ino ||
		    st.st_dev != l->st.st_dev) {
			close(fd);
			*rc = EAGAIN;
			return qh_error_set(err, "%s: changed while being opened", path), -1;
		}
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		n = getxattr(proc, name, buf, size);
	}
	if (n < 0) {
		*rc = errno == ERANGE || errno == E2BIG ? EFBIG : errno;
		if (*rc == EFBIG)
			qh_error_set(err, "%s: %s longer than %d bytes", path, name,
				     XATTR_MAX_VALUE);
		else
			qh_error_errno(err, *rc, "%s: %s", path, name);
	}
	close(fd);
	return n;
}

int qh_rootfs_getxattr(struct qh_rootfs *fs, const char *path,
		       const char *name, char **value, size_t *len,
		       struct qh_error *err)
{
	struct lookup l;
	char buf[XATTR_MAX_VALUE + 1];
	ssize_t n;
	int rc = resolve(fs, path, 0, &l, err);

	*value = NULL;
	*len = 0;
	if (rc)
		return rc;
	n = getxattr_found(&l, path, name, buf, XATTR_MAX_VALUE, err, &rc);
	lookup_release(&l);
	if (n < 0)
		return rc;
	if (n > 0 && buf[n - 1] == '\0')
		n--; /* SELinux stores the context with its NUL */
	buf[n] = '\0';
	*value = qh_strdup(buf);
	if (!*value)
		return qh_error_set(err, "out of memory"), ENOMEM;
	*len = (size_t)n;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void qh_rootfs_names_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

static int push_name(char ***names, size_t *count, size_t *cap, char *s)
{
	if (!s || qh_array_reserve((void **)names, cap, *count + 1,
				   sizeof(**names)) < 0) {
		free(s);
		return -1;
	}
	(*names)[(*count)++] = s;
	return 0;
}

int qh_rootfs_list(struct qh_rootfs *fs, const char *path, char ***names,
		   size_t *count, struct qh_error *err)
{
	struct lookup l;
	struct dirent *de;
	DIR *d;
	size_t cap = 0;
	int fd, rc = resolve(fs, path, 0, &l, err);

	*names = NULL;
	*count = 0;
	if (rc)
		return rc;
	rc = open_found(&l, true, path, &fd, NULL, err);
	lookup_release(&l);
	if (rc)
		return rc;
	d = fdopendir(fd);
	if (!d) {
		rc = errno;
		close(fd);
		return qh_error_errno(err, rc, "%s", path), rc;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (push_name(names, count, &cap, qh_strdup(de->d_name)) < 0) {
			closedir(d);
			qh_rootfs_names_free(*names, *count);
			*names = NULL;
			*count = 0;
			return qh_error_set(err, "out of memory"), ENOMEM;
		}
	}
	closedir(d);
	if (*count)
		qsort(*names, *count, sizeof(**names), cmp_names);
	return 0;
}

int qh_rootfs_glob(struct qh_rootfs *fs, const char *pattern, char ***paths,
		   size_t *count, struct qh_error *err)
{
	const char *slash = strrchr(pattern, '/');
	char *dir;
	char **names;
	size_t n, cap = 0;
	int rc;

	*paths = NULL;
	*count = 0;
	dir = slash ? strndup(pattern, (size_t)(slash - pattern)) : strdup(".");
	if (!dir)
		return qh_error_set(err, "out of memory"), ENOMEM;
	rc = qh_rootfs_list(fs, *dir ? dir : "/", &names, &n, err);
	if (rc == ENOENT || rc == ENOTDIR) {
		free(dir);
		return 0;
	}
	if (rc) {
		free(dir);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		struct qh_buf p = QH_BUF_INIT;

		if (fnmatch(slash ? slash + 1 : pattern, names[i], FNM_PERIOD))
			continue;
		if (qh_buf_printf(&p, "%s/%s", dir, names[i]) < 0 ||
		    push_name(paths, count, &cap, qh_buf_detach(&p)) < 0) {
			qh_buf_free(&p);
			rc = ENOMEM;
			qh_error_set(err, "out of memory");
			break;
		}
	}
	qh_rootfs_names_free(names, n);
	free(dir);
	if (rc) {
		qh_rootfs_names_free(*paths, *count);
		*paths = NULL;
		*count = 0;
	}
	return rc;
}
