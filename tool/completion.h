/* completion.h - `qhard --completion bash|zsh`: a shell completion script
 * written from the command table and each command's option table, the
 * same tables `--help` prints, so completion cannot drift from the code.
 *
 * Option values are completed by the option's argument name: FILE and DIR
 * as paths, POLICY and PROFILE as the names qhard finds (lib/datapath.h)
 * plus .ini files, WHEN as auto/always/never, FMT/FORMAT as the format
 * names its help text lists; a command whose usage takes PATH... completes
 * its operands as paths.
 */
#ifndef QHARD_TOOL_COMPLETION_H
#define QHARD_TOOL_COMPLETION_H

#include <stddef.h>
#include <stdio.h>

#include "options.h"

struct qh_completion_command {
	const char *name;
	const char *help;
	const struct qh_command_spec *spec;
};

/* The shells `qhard --completion` knows, NULL-terminated. */
extern const char *const qh_completion_shells[];

/* Write the script for shell ("bash" or "zsh"). 0, or -1 for an unknown
 * shell or a write error. */
int qh_completion_print(const char *shell,
			const struct qh_completion_command *cmds, size_t n,
			FILE *out);

#endif
