/* fileio.h - reading and writing whole files outside an audit root: build
 * dirs, logs, QEMU's generated files. (Files of a host or image root are
 * read through rootfs.h, which never leaves the root.)
 *
 * Every function returns -1 with err set (the path and errno's text) and
 * leaves its output empty on failure.
 */
#ifndef QHARD_FILEIO_H
#define QHARD_FILEIO_H

#include <stddef.h>

#include "qh.h"

/* The whole file into out (reset first, always NUL-terminated, out->data
 * non-NULL on success even for an empty file). A file larger than max
 * bytes is an error, never a shorter read (0 = no limit). */
int qh_read_file(const char *path, size_t max, struct qh_buf *out,
		 struct qh_error *err);

/* mkdir -p: path and every missing parent, mode 0755. */
int qh_mkdir_p(const char *path, struct qh_error *err);

/* realpath() for a path whose tail need not exist yet: the longest
 * existing prefix is resolved (symlinks followed), the rest is appended
 * with "." and ".." applied lexically. out has PATH_MAX bytes. */
int qh_resolve_path(const char *path, char *out, struct qh_error *err);

/* The relative path from directory `from` to `to` (both absolute and
 * canonical): "../../out/x". malloc'ed; NULL when out of memory. */
char *qh_relpath(const char *from, const char *to);

/* Copy file from -> to (created or truncated). */
int qh_copy_file(const char *from, const char *to, struct qh_error *err);

#endif
