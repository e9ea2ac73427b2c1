/* filemap.h - map a file for reading such that another process truncating
 * it cannot kill us.
 *
 * A page of a file mapping that lies past the file's end (the file shrank
 * after mmap) raises SIGBUS when touched: one truncating process could
 * stop a whole scan with no report at all. Files mapped here are kept in a
 * table of live mappings; a process-wide SIGBUS handler (installed on the
 * first map, chained to the handler it replaces) looks the faulting
 * address up in that table and, when it belongs to one of them, maps
 * zero-filled anonymous memory over the rest of that mapping and marks it
 * damaged. The reader goes on (it sees zeros) and whoever owns the mapping
 * asks qh_filemap_damaged() before trusting what it read: the file gets an
 * error, the other inputs a complete report. A SIGBUS anywhere else keeps
 * the action it had. Safe with threads: any thread may fault on any
 * mapping of the table.
 */
#ifndef QHARD_FILEMAP_H
#define QHARD_FILEMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"

/* mmap(NULL, size, prot, MAP_PRIVATE | MAP_NORESERVE, fd, 0), in the table.
 * NULL + err on failure. */
void *qh_filemap(int fd, size_t size, int prot, struct qh_error *err);
/* Was a page of the mapping at addr touched past the end of the file? */
bool qh_filemap_damaged(const void *addr);
void qh_filemap_unmap(void *addr, size_t size);

#endif
