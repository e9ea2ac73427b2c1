/* analyze.h - run the ELF checks on one file and fill a qh_result.
 *
 * This is the entry point checksec, build, audit and gate share. The check
 * table itself is in checks.h (one row per check id).
 */
#ifndef QHARD_ANALYZE_H
#define QHARD_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze_options.h"
#include "report.h"

/* Analyse `path` (never executes or writes it). Returns a result: with
 * checks, or with `error` set when the file cannot be analysed (not ELF,
 * truncated, unreadable...). NULL only on out-of-memory. Policy is not
 * applied here (status == raw_status). */
struct qh_result *qh_analyze_path(const char *path,
				  const struct qh_analyze_options *opts);
/* For a file found by a directory walk: a readable file that is not ELF,
 * or one gone or turned into a symlink since the walk listed it, gives NULL
 * with *not_elf set (walks skip those); an unreadable one still
 * gives a result with `error`. NULL with *not_elf false: out of memory. */
struct qh_result *qh_analyze_walked(const char *path,
				    const struct qh_analyze_options *opts,
				    bool *not_elf);
/* Same on a buffer the caller owns (fuzzing, archives). */
struct qh_result *qh_analyze_memory(const void *data, size_t size,
				    const char *name,
				    const struct qh_analyze_options *opts);

#endif
