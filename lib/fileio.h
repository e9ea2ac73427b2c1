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

#endif
