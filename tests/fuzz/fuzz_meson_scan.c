/* fuzz_meson_scan.c - the meson.build scanner (source sets, when: CONFIG_X,
 * if/foreach nesting, subdir()) on arbitrary text written as the root
 * meson.build of a scratch tree, then every query the resolver makes. */
#include <fcntl.h>
#include <stdbool.h>

#include "fuzz_util.h"
#include "qemu/meson_scan.h"

static const char *scratch_dir(void)
{
	static char dir[] = "/tmp/qhard-fuzz-meson-XXXXXX";
	static const char *made;

	if (!made)
		made = mkdtemp(dir);
	return made;
}

/* Alternate y/n by the symbol's length, so both branches run. */
static bool some_true(const char *sym, void *ctx)
{
	(void)ctx;
	return strlen(sym) % 2 == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	const char *dir = scratch_dir();
	char path[256];
	struct qh_meson_scan *ms;
	struct qh_strlist files = { 0 }, out = { 0 };
	int fd;

	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/meson.build", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	close(fd);
	ms = qh_meson_scan_tree(dir, NULL, &err);
	if (!ms)
		return 0;
	for (size_t i = 0; i < qh_meson_ndiags(ms); i++)
		(void)qh_meson_diag(ms, i);
	qh_meson_compiled(ms, some_true, NULL, NULL, false, &out);
	qh_meson_compiled(ms, some_true, NULL, "hw/", true, &out);
	qh_meson_all_files(ms, &files);
	for (size_t i = 0; i < files.n && i < 64; i++) {
		struct qh_strlist syms = { 0 };

		qh_meson_file_symbols(ms, files.items[i], &syms);
		for (size_t j = 0; j < syms.n && j < 8; j++)
			qh_meson_symbol_files(ms, syms.items[j], &out);
		qh_strlist_free(&syms);
	}
	qh_strlist_free(&files);
	qh_strlist_free(&out);
	qh_meson_scan_free(ms);
	return 0;
}
