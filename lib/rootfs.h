/* rootfs.h - read files of a host, an unpacked image root or a source tree
 * without ever leaving it.
 *
 * Every path is resolved here, one component at a time, with openat(),
 * O_NOFOLLOW and readlinkat() from a directory fd of the root; the kernel
 * never follows a symlink for us. Two kinds of root:
 *  - an image root (qh_rootfs_open), with chroot semantics: an absolute
 *    symlink target restarts at the root (the image's own view); ".." never
 *    climbs above the root. A ".." above the root that comes from a symlink
 *    target is an escape attempt and fails with EXDEV (the caller reports
 *    it); one in the caller's own path stays at the root;
 *  - a source tree (qh_rootfs_open_tree), confined like RESOLVE_BENEATH:
 *    an absolute symlink target or any ".." above the tree fails with EXDEV.
 * At most QH_ROOTFS_MAX_HOPS symlinks per lookup (ELOOP).
 *
 * Confinement holds while the tree changes under us (a process inside the
 * image renaming or swapping directories): ".." is never handed to the
 * kernel from a directory we walked into (that directory may have been
 * moved meanwhile); the parent is opened again from the root by its
 * canonical, symlink-free path, with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) where the kernel has it
 * (Linux 5.6+), else by walking it one O_NOFOLLOW component at a time from
 * the root fd. Either way every fd is reached by descending from the root.
 * What stays trusted: the root directory itself and everything above it
 * (whoever can move a directory of the image out of the root can write
 * outside it anyway).
 *
 * Only regular files and directories are ever opened (never a device, a
 * FIFO or a socket; opens are O_NONBLOCK and checked with fstat), so reading
 * a tree cannot block or have side effects. Files are read with read(), not
 * mapped: one that shrinks while it is read is an error (EIO, "changed
 * while being read"), never a SIGBUS.
 *
 * Functions return 0 or a positive errno value (ENOENT, ENOTDIR, ELOOP,
 * EXDEV, EFBIG, ENOMEM...) and describe it in err.
 *
 * Test hook: QHARD_TEST_NO_OPENAT2=1 in the environment makes roots opened
 * afterwards use the fallback walk (tests only).
 */
#ifndef QHARD_ROOTFS_H
#define QHARD_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "qh.h"

#define QH_ROOTFS_MAX_HOPS 40

struct qh_rootfs;

/* Lookup flags. */
enum {
	/* Do not follow a symlink in the last component (lstat semantics). */
	QH_ROOTFS_NOFOLLOW = 1,
};

/* Open DIR as an image root ("/" for the running host). */
struct qh_rootfs *qh_rootfs_open(const char *dir, struct qh_error *err);
/* Open DIR as a source tree (see above: nothing resolves outside it). */
struct qh_rootfs *qh_rootfs_open_tree(const char *dir, struct qh_error *err);
void qh_rootfs_free(struct qh_rootfs *fs);
/* The directory given to qh_rootfs_open. */
const char *qh_rootfs_dir(const struct qh_rootfs *fs);
/* True when the root is the running system's "/" (same device and inode),
 * so /proc and /sys describe it. */
bool qh_rootfs_is_live(const struct qh_rootfs *fs);
/* True when lookups use openat2(2) (false: the fallback walk). */
bool qh_rootfs_uses_openat2(const struct qh_rootfs *fs);

/* Resolve PATH (absolute inside the root; a relative one is taken from the
 * root) to its canonical symlink-free path (*canonical, caller frees; may be
 * NULL) and lstat() of what it names (*st; may be NULL). */
int qh_rootfs_stat(struct qh_rootfs *fs, const char *path, int flags,
		   struct stat *st, char **canonical, struct qh_error *err);

/* Target of the symlink PATH (its last component is not followed). */
int qh_rootfs_readlink(struct qh_rootfs *fs, const char *path, char **target,
		       struct qh_error *err);

/* Read a regular file, at most max bytes (EFBIG beyond), into out (reset
 * first; always NUL-terminated). */
int qh_rootfs_read(struct qh_rootfs *fs, const char *path, size_t max,
		   struct qh_buf *out, struct qh_error *err);

/* (dev, inode) of the files a reader has met, to read each file once
 * whatever name (symlink, bind mount, hard link) leads to it. */
struct qh_file_ids {
	struct qh_file_id {
		dev_t dev;
		ino_t ino;
	} *v; /* sorted */
	size_t n, cap;
};
/* 1 when st's file was not in the set (it is now), 0 when it was, -1 on
 * ENOMEM. */
int qh_file_ids_add(struct qh_file_ids *ids, const struct stat *st);
void qh_file_ids_free(struct qh_file_ids *ids);

/* qh_rootfs_read of a file not read before: EEXIST (out empty, nothing
 * opened) when its (dev, inode) is already in seen, else it is added. */
int qh_rootfs_read_new(struct qh_rootfs *fs, const char *path, size_t max,
		       struct qh_buf *out, struct qh_file_ids *seen,
		       struct qh_error *err);

/* Load a whole regular file into memory (malloc'd; NULL for an empty file),
 * e.g. a binary to analyse, with fstat() of it and its canonical path (both
 * optional). Release with free(). */
int qh_rootfs_load(struct qh_rootfs *fs, const char *path, size_t max,
		   void **data, size_t *size, struct stat *st, char **canonical,
		   struct qh_error *err);

/* The first n bytes of a regular file (*got: fewer for a shorter file),
 * e.g. an ELF header, with its canonical path (optional). */
int qh_rootfs_read_head(struct qh_rootfs *fs, const char *path, void *buf,
			size_t n, size_t *got, char **canonical,
			struct qh_error *err);

/* Extended attribute NAME (e.g. "security.selinux") of what PATH names,
 * symlinks followed inside the root, into *value (malloc'd, caller frees;
 * a trailing NUL of the stored value is dropped, the result is always
 * NUL-terminated) and its length. A regular file or directory is opened
 * O_RDONLY|O_NONBLOCK and read with fgetxattr; anything else (a block
 * device named by a VM's disk) only with O_PATH, its attribute read
 * through /proc/self/fd, so no device is ever opened. ENODATA when the
 * file has no such attribute, ENOTSUP when its file system has none,
 * EFBIG beyond 4 KiB (longer than any SELinux context). */
int qh_rootfs_getxattr(struct qh_rootfs *fs, const char *path,
		       const char *name, char **value, size_t *len,
		       struct qh_error *err);

/* Names in directory PATH (without "." and ".."), sorted; free with
 * qh_rootfs_names_free. */
int qh_rootfs_list(struct qh_rootfs *fs, const char *path, char ***names,
		   size_t *count, struct qh_error *err);
void qh_rootfs_names_free(char **names, size_t count);

/* Expand a pattern whose LAST component may hold fnmatch() wildcards
 * (such as "*.conf" under /etc/ld.so.conf.d) into the matching paths,
 * sorted. A missing directory gives an empty list. */
int qh_rootfs_glob(struct qh_rootfs *fs, const char *pattern, char ***paths,
		   size_t *count, struct qh_error *err);

#endif
