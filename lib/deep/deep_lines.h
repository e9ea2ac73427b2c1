/* deep_lines.h - address -> source file:line with libbfd, from the file's
 * own DWARF or from its separate debug file (build-id under
 * DEBUG_ROOT/.build-id/xx/yyyy.debug, else .gnu_debuglink next to the file,
 * in its .debug/ folder or under DEBUG_ROOT).
 */
#ifndef QHARD_DEEP_LINES_H
#define QHARD_DEEP_LINES_H

#include <stdint.h>

#include "qh.h"

struct deep_lines;

/* NULL when no line information is available (not an error): *why then
 * says where qhard looked. debug_root NULL = /usr/lib/debug.
 * What libbfd reports on the way (a section past the end of the file, a
 * DWARF error) is appended to *messages, one line each, by this call and
 * by every later call on the handle, which keeps the pointer until close
 * (the caller's buffer must outlive it). Never printed. */
struct deep_lines *deep_lines_open(const char *path, const char *debug_root,
				   char *why, size_t whylen,
				   struct qh_buf *messages);
/* Path of the file the DWARF comes from (the input or its debug file). */
const char *deep_lines_source(const struct deep_lines *l);
/* 0 and *file (owned by l, valid until close) / *line, or -1. */
int deep_lines_find(struct deep_lines *l, uint64_t addr, const char **file,
		    unsigned *line);
void deep_lines_close(struct deep_lines *l);

#endif
