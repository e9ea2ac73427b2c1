/* rootfs.h - read files of a host or an unpacked image root without ever
 * leaving it.
 *
 * Every path is resolved here, one component at a time, with openat(),
 * O_NOFOLLOW and readlinkat() from a directory fd of the root; the kernel
 * never follows a symlink for us. Semantics are those of a chroot:
 *  - an absolute symlink target restarts at the root (the image's own view);
 *  - ".." never climbs above the root. A ".." above the root that comes from
 *    a symlink target is an escape attempt and fails with EXDEV (the caller
 *    reports it); one in the caller's own path stays at the root;
 *  - at most QH_ROOTFS_MAX_HOPS symlinks per lookup (ELOOP).
 * Only regular files and directories are ever opened (never a device, a
 * FIFO or a socket), so reading an image cannot block or have side effects.
 *
 * Functions return 0 or a positive errno value (ENOENT, ENOTDIR, ELOOP,
 * EXDEV, EFBIG, ENOMEM...) and describe it in err.
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

/* Open DIR as the root ("/" for the running host). */
struct qh_rootfs *qh_rootfs_open(const char *dir, struct qh_error *err);
void qh_rootfs_free(struct qh_rootfs *fs);
/* The directory given to qh_rootfs_open. */
const char *qh_rootfs_dir(const struct qh_rootfs *fs);
/* True when the root is the running system's "/" (same device and inode),
 * so /proc and /sys describe it. */
bool qh_rootfs_is_live(const struct qh_rootfs *fs);

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

/* Map a regular file read-only (private). *data is NULL for an empty file.
 * Release with qh_rootfs_unmap. */
int qh_rootfs_map(struct qh_rootfs *fs, const char *path, size_t max,
		  void **data, size_t *size, struct stat *st, char **canonical,
		  struct qh_error *err);
void qh_rootfs_unmap(void *data, size_t size);

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
