/* shell_split.h - split a command line the way a POSIX shell would
 * (compile_commands.json "command" strings, ninja link commands). */
#ifndef QHARD_BUILD_SHELL_SPLIT_H
#define QHARD_BUILD_SHELL_SPLIT_H

#include <stddef.h>

#include "qh.h"
#include "strlist.h" /* qh_strv_free */

/* Split cmd at unquoted blanks honouring '...', "..." and backslashes; no
 * expansion of any kind. *argv is NULL-terminated; free with
 * qh_strv_free (strlist.h). */
int qh_shell_split(const char *cmd, char ***argv, size_t *argc,
		   struct qh_error *err);

#endif
