/* inputs.h - what an operand is, from its first bytes (never its name):
 * an ELF file, a package (.deb, .rpm, tarball: pkg/pkg.h), a saved qhard
 * JSON report, or something else; and the ELF files below a directory.
 * `qhard gate` takes all four; the judging stays with the caller.
 */
#ifndef QHARD_INPUTS_H
#define QHARD_INPUTS_H

#include "qh.h"

enum qh_input_kind {
	QH_INPUT_ELF,
	QH_INPUT_PACKAGE,
	QH_INPUT_REPORT,
	QH_INPUT_OTHER,
};

/* The kind of the regular file at path; -1 + err (and errno) when it
 * cannot be read. */
int qh_input_kind_of(const char *path, enum qh_input_kind *kind,
		     struct qh_error *err);

/* Called for each ELF file below a directory (error == NULL) and for each
 * entry that could not be read (error = why). Non-zero stops the walk. */
typedef int (*qh_input_elf_fn)(const char *path, const char *error, void *ctx);

/* Every ELF file below dir, in name order (walk.h: symlinks not followed,
 * so a package tree's links do not count a binary twice); other files
 * are skipped. Returns 0, fn's non-zero value, or -1 + err when dir itself
 * cannot be walked. */
int qh_inputs_walk_elf(const char *dir, qh_input_elf_fn fn, void *ctx,
		       struct qh_error *err);

#endif
