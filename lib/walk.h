/* walk.h - list the files under a directory, in a stable order.
 *
 * Entries of each directory are visited sorted by name (bytewise), depth
 * first, so output order does not depend on the filesystem. Symbolic links
 * are never followed (a symlinked directory is not entered; a symlink to a
 * file is not listed: its target is listed where it lives, or not at all),
 * nor are other filesystems' special files (FIFOs, sockets, devices).
 */
#ifndef QHARD_WALK_H
#define QHARD_WALK_H

#include <stdbool.h>

#include "qh.h"

/* Called for each regular file (error == NULL) and for each directory that
 * could not be read (error = message). Return non-zero to stop the walk. */
typedef int (*qh_walk_fn)(const char *path, const char *error, void *ctx);

/* Walk `root` (a directory; a symlink given as the root itself is followed,
 * as the user named it). Returns 0, the callback's non-zero value, or -1 +
 * err when root itself cannot be walked. */
int qh_walk(const char *root, qh_walk_fn fn, void *ctx, struct qh_error *err);

#endif
