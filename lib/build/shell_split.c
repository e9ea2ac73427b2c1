/* shell_split.c - split a POSIX-shell-quoted command line into words
 * (see shell_split.h). */
#include "shell_split.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int push_word(char ***argv, size_t *argc, size_t *cap,
		     struct qh_buf *w)
{
	if (qh_array_reserve((void **)argv, cap, *argc + 2, sizeof(char *)) < 0)
		return -1;
	(*argv)[(*argc)++] = qh_buf_detach(w);
	(*argv)[*argc] = NULL;
	return 0;
}

int qh_shell_split(const char *cmd, char ***argv_out, size_t *argc_out,
		   struct qh_error *err)
{
	struct qh_buf w = QH_BUF_INIT;
	char **argv = NULL;
	size_t argc = 0, cap = 0;
	bool in_word = false;
	const char *p = cmd;

	while (*p) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word && push_word(&argv, &argc, &cap, &w) < 0)
				goto nomem;
			in_word = false;
			p++;
			continue;
		}
		in_word = true;
		if (c == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end) {
				qh_error_set(err, "unterminated ' quote in command");
				goto fail;
			}
			if (qh_buf_append(&w, p + 1, (size_t)(end - p - 1)) < 0)
				goto nomem;
			p = end + 1;
		} else if (c == '"') {
			p++;
			while (*p && *p != '"') {
				/* Inside "", backslash only escapes these. */
				if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1]))
					p++;
				if (qh_buf_putc(&w, *p) < 0)
					goto nomem;
				p++;
			}
			if (*p != '"') {
				qh_error_set(err, "unterminated \" quote in command");
				goto fail;
			}
			p++;
		} else if (c == '\\') {
			if (p[1] && qh_buf_putc(&w, p[1]) < 0)
				goto nomem;
			p += p[1] ? 2 : 1;
		} else {
			if (qh_buf_putc(&w, c) < 0)
				goto nomem;
			p++;
		}
		/* An empty quoted word ('') is still a word. */
		if (!w.data && qh_buf_puts(&w, "") < 0)
			goto nomem;
	}
	if (in_word && push_word(&argv, &argc, &cap, &w) < 0)
		goto nomem;
	if (!argv) {
		argv = calloc(1, sizeof(*argv));
		if (!argv)
			goto nomem;
	}
	*argv_out = argv;
	*argc_out = argc;
	return 0;
nomem:
	qh_error_set(err, "out of memory");
fail:
	qh_buf_free(&w);
	qh_strv_free(argv);
	return -1;
}
