/* outputs.h - `-o/--output`, the same in every command that writes a
 * report (checksec, build, audit, gate), repeatable:
 *   --output FORMAT=PATH   one more report, in FORMAT, written to PATH
 *                          (lib/emit: complete or absent, never half);
 *   --output PATH          the --format report goes to PATH instead of
 *                          stdout (at most once).
 * An argument is FORMAT=PATH when the part before its first '=' is a word
 * (letters, digits, '-'); an unknown FORMAT there is a usage error, never a
 * file name. Anything else is a PATH (./a=b for a file named a=b).
 */
#ifndef QHARD_TOOL_OUTPUTS_H
#define QHARD_TOOL_OUTPUTS_H

#include <stdio.h>

#include "emit/emit.h"
#include "options.h"

#define QH_OUTPUTS_MAX 16

struct qh_outputs {
	const char *specs[QH_OUTPUTS_MAX]; /* FORMAT=PATH, in order */
	size_t n;
	const char *main_path;             /* --output PATH, or NULL */
	FILE *main;                        /* stdout or main_path's file */
	/* the formats FORMAT= may name; NULL: the report formats (emit.h) */
	const char *const *formats;
};

/* The option row every report-writing command lists. */
#define QH_OPTION_OUTPUT(id)                                                  \
	{ 'o', "output", "[FORMAT=]PATH", "also write the report in FORMAT to " \
	  "PATH (repeatable); a bare PATH takes the --format report instead " \
	  "of stdout", id, NULL }

/* From the option callback: 0, or 2 after a usage error. */
int qh_outputs_add(struct qh_outputs *o, const char *arg,
		   const struct qh_command_spec *spec);
/* Where the --format report goes: stdout, or --output PATH opened for
 * writing. NULL + err when it cannot be created. */
FILE *qh_outputs_open_main(struct qh_outputs *o, struct qh_error *err);
/* Add each FORMAT=PATH to em (before qh_emitter_begin). */
int qh_outputs_attach(const struct qh_outputs *o, struct qh_emitter *em,
		      struct qh_error *err);
/* A whole report: emitter on the main stream + the extra outputs. */
int qh_outputs_emit_report(struct qh_outputs *o, const struct qh_report *r,
			   const char *format,
			   const struct qh_emit_options *eo,
			   struct qh_error *err);
/* A command with its own formats (qhard profile): write(format, file,
 * ctx) once per FORMAT=PATH, each into PATH.tmp-PID renamed into place
 * when written; 0, or -1 + err (and no file) on the first failure. */
int qh_outputs_write_each(const struct qh_outputs *o,
			  int (*write)(const char *format, FILE *f, void *ctx),
			  void *ctx, struct qh_error *err);
/* Flush stdout or close --output PATH; -1 + err on a write error. */
int qh_outputs_close_main(struct qh_outputs *o, struct qh_error *err);

#endif
