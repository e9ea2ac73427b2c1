/* rootfs.c - path resolution confined to a root (see rootfs.h).
 *
 * The walk keeps one O_PATH fd on the current directory and the canonical
 * path that leads to it. Each component is looked at with fstatat(...,
 * AT_SYMLINK_NOFOLLOW); a symlink is read with readlinkat() and its target
 * is pushed in front of the components still to walk. Nothing is handed to
 * the kernel as a multi-component path, so no symlink is ever followed by
 * the kernel and ".." is interpreted here, against the canonical path.
 */
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct qh_rootfs {
	int rootfd; /* O_PATH|O_DIRECTORY on the root */
	char *dir;
	bool live;
};

struct qh_rootfs *qh_rootfs_open(const char *dir, struct qh_error *err)
{
	struct qh_rootfs *fs;
	struct stat st, slash;

	fs = calloc(1, sizeof(*fs));
	if (!fs) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
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
	return fs;
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

/* Resolve path; on success l->dirfd/name/canon/st describe the object. */
static int resolve(struct qh_rootfs *fs, const char *path, int flags,
		   struct lookup *l, struct qh_error *err)
{
	struct qh_buf rest = QH_BUF_INIT;
	char comp[NAME_MAX + 1];
	const char *cursor;
	unsigned hops = 0;
	int rc = 0, toolong = 0;

	l->dirfd = -1;
	l->canon = (struct qh_buf)QH_BUF_INIT;
	strcpy(l->name, ".");
	if ((rc = reset_to_root(fs, l)) != 0)
		goto fail_errno;
	if (qh_buf_puts(&rest, path ? path : "") < 0) {
		rc = ENOMEM;
		goto fail_errno;
	}
	cursor = rest.data;
	if (fstat(l->dirfd, &l->st) < 0) {
		rc = errno;
		goto fail_errno;
	}
	while (next_component(&cursor, comp, sizeof(comp), &toolong)) {
		bool last = only_slashes(cursor);
		size_t len = l->canon.len;

		if (toolong) {
			rc = ENAMETOOLONG;
			goto fail_errno;
		}
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *slash;
			int fd;

			if (len == 0) {
				if (hops > 0) {
					rc = EXDEV;
					qh_error_set(err, "%s: a symlink leads out of the root", path);
					goto out;
				}
				continue;
			}
			fd = openat(l->dirfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0) {
				rc = errno;
				goto fail_errno;
			}
			close(l->dirfd);
			l->dirfd = fd;
			slash = strrchr(l->canon.data, '/');
			l->canon.len = (size_t)(slash - l->canon.data);
			l->canon.data[l->canon.len] = '\0';
			if (fstat(l->dirfd, &l->st) < 0) {
				rc = errno;
				goto fail_errno;
			}
			strcpy(l->name, ".");
			continue;
		}
		if (fstatat(l->dirfd, comp, &l->st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = errno;
			goto fail_errno;
		}
		if (S_ISLNK(l->st.st_mode) &&
		    !(last && (flags & QH_ROOTFS_NOFOLLOW))) {
			char target[PATH_MAX];
			ssize_t n;
			struct qh_buf next = QH_BUF_INIT;

			if (++hops > QH_ROOTFS_MAX_HOPS) {
				rc = ELOOP;
				goto fail_errno;
			}
			n = readlinkat(l->dirfd, comp, target, sizeof(target) - 1);
			if (n < 0) {
				rc = errno;
				goto fail_errno;
			}
			target[n] = '\0';
			if (qh_buf_puts(&next, target) < 0 ||
			    qh_buf_putc(&next, '/') < 0 ||
			    qh_buf_puts(&next, cursor) < 0) {
				qh_buf_free(&next);
				rc = ENOMEM;
				goto fail_errno;
			}
			qh_buf_free(&rest);
			rest = next;
			cursor = rest.data;
			if (target[0] == '/' && (rc = reset_to_root(fs, l)) != 0)
				goto fail_errno;
			if (fstat(l->dirfd, &l->st) < 0) {
				rc = errno;
				goto fail_errno;
			}
			strcpy(l->name, ".");
			continue;
		}
		if (qh_buf_putc(&l->canon, '/') < 0 ||
		    qh_buf_puts(&l->canon, comp) < 0) {
			rc = ENOMEM;
			goto fail_errno;
		}
		if (last) {
			strcpy(l->name, comp);
			break;
		}
		if (!S_ISDIR(l->st.st_mode)) {
			rc = ENOTDIR;
			goto fail_errno;
		}
		{
			int fd = openat(l->dirfd, comp,
					O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				rc = errno;
				goto fail_errno;
			}
			close(l->dirfd);
			l->dirfd = fd;
		}
	}
	if (l->canon.len == 0 && qh_buf_putc(&l->canon, '/') < 0) {
		rc = ENOMEM;
		goto fail_errno;
	}
	qh_buf_free(&rest);
	return 0;

fail_errno:
	qh_error_errno(err, rc, "%s", path);
out:
	qh_buf_free(&rest);
	lookup_release(l);
	return rc;
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
		      int *fd_out, struct qh_error *err)
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
	if (fd < 0)
		return qh_error_errno(err, errno, "%s", path), errno;
	/* The tree may change under us: make sure we opened what we saw. */
	if (fstat(fd, &st) < 0 || st.st_ino != l->st.st_ino ||
	    st.st_dev != l->st.st_dev) {
		close(fd);
		qh_error_set(err, "%s: changed while being opened", path);
		return EAGAIN;
	}
	*fd_out = fd;
	return 0;
}

int qh_rootfs_read(struct qh_rootfs *fs, const char *path, size_t max,
		   struct qh_buf *out, struct qh_error *err)
{
	struct lookup l;
	char chunk[8192];
	int fd, rc = resolve(fs, path, 0, &l, err);

	qh_buf_reset(out);
	if (rc)
		return rc;
	rc = open_found(&l, false, path, &fd, err);
	lookup_release(&l);
	if (rc)
		return rc;
	if (qh_buf_grow(out, 1) < 0) {
		close(fd);
		return qh_error_set(err, "out of memory"), ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = errno;
			qh_error_errno(err, rc, "%s", path);
			break;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			rc = EFBIG;
			qh_error_set(err, "%s: larger than %zu bytes", path, max);
			break;
		}
		if (qh_buf_append(out, chunk, (size_t)n) < 0) {
			rc = ENOMEM;
			qh_error_set(err, "out of memory");
			break;
		}
	}
	close(fd);
	return rc;
}

int qh_rootfs_map(struct qh_rootfs *fs, const char *path, size_t max,
		  void **data, size_t *size, struct stat *st, char **canonical,
		  struct qh_error *err)
{
	struct lookup l;
	struct stat fst;
	void *p = NULL;
	int fd, rc = resolve(fs, path, 0, &l, err);

	*data = NULL;
	*size = 0;
	if (rc)
		return rc;
	rc = open_found(&l, false, path, &fd, err);
	if (rc) {
		lookup_release(&l);
		return rc;
	}
	if (fstat(fd, &fst) < 0) {
		rc = errno;
		qh_error_errno(err, rc, "%s", path);
	} else if ((uint64_t)fst.st_size > max) {
		rc = EFBIG;
		qh_error_set(err, "%s: larger than %zu bytes", path, max);
	} else if (fst.st_size > 0) {
		p = mmap(NULL, (size_t)fst.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			rc = errno;
			p = NULL;
			qh_error_errno(err, rc, "%s: mmap", path);
		}
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
		if (p)
			munmap(p, (size_t)fst.st_size);
		if (canonical && rc == ENOMEM)
			*canonical = NULL;
		return rc;
	}
	*data = p;
	*size = (size_t)fst.st_size;
	if (st)
		*st = fst;
	return 0;
}

void qh_rootfs_unmap(void *data, size_t size)
{
	if (data && size)
		munmap(data, size);
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
	rc = open_found(&l, true, path, &fd, err);
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
