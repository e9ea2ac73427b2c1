/* fuzz_flagaudit.c - the build-log flag audit: compile_commands.json (both
 * "command" and "arguments" forms), build.ninja link statements, and the
 * shell-word splitter under both. The first input byte picks the reader. */
#include "build/flagaudit.h"
#include "build/shell_split.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	struct qh_flag_requirements req;
	struct qh_flag_audit audit = { 0 };
	char path[64];
	int fd, which;

	if (size == 0)
		return 0;
	which = data[0] % 3;
	data++, size--;
	qh_flag_requirements_default(&req);
	if (which == 2) {
		char *text = fuzz_strndup(data, size);
		char **argv = NULL;

		size_t argc = 0;

		if (text && qh_shell_split(text, &argv, &argc, &err) == 0)
			qh_strv_free(argv);
		free(text);
		return 0;
	}
	fd = fuzz_memfd_path(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	if (which == 0)
		qh_flagaudit_compile_db(path, &req, &audit, &err);
	else
		qh_flagaudit_ninja_links(path, NULL, 0, &req, &audit, &err);
	close(fd);
	qh_flag_audit_free(&audit);
	return 0;
}
