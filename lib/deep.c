/* deep.c - qh_deep_run: build the image view, run the one disassembly
 * pass, open line info, and add the deep checks to the result. */
#include "deep.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deep_checks.h"

int qh_deep_run_buffer(const void *data, size_t size, const char *path,
		       struct qh_result *res,
		       const struct qh_analyze_options *opts,
		       struct qh_error *err)
{
	struct deep_ctx ctx = { 0 };
	struct deep_scan scan;
	struct deep_image *img;
	int rc = -1;

	ctx.path = path;
	ctx.debug_root = opts ? opts->debug_root : NULL;
	img = deep_image_open(data, size, err);
	if (!img)
		return -1;
	ctx.img = img;
	if (img->arch == DEEP_ARCH_NONE) {
		int machine = img->machine; /* read before the image is freed */

		deep_image_free(img);
		return qh_error_set(err, "deep checks: no disassembler for ELF machine %d",
				    machine);
	}
	if (deep_scan_run(img, &scan, err) < 0) {
		deep_image_free(img);
		return -1;
	}
	ctx.scan = &scan;
	ctx.lines = deep_lines_open(path, ctx.debug_root, ctx.lines_why,
				    sizeof(ctx.lines_why));
	if (deep_check_canary(&ctx, res) < 0 || deep_check_cet(&ctx, res) < 0 ||
	    deep_check_stackclash(&ctx, res) < 0 ||
	    deep_check_fortify(&ctx, res) < 0 ||
	    deep_check_cu_flags(&ctx, res) < 0)
		qh_error_set(err, "deep checks: out of memory");
	else
		rc = 0;
	deep_lines_close(ctx.lines);
	deep_scan_free(&scan);
	deep_image_free(img);
	return rc;
}

int qh_deep_run(struct qh_elf *elf, struct qh_result *res,
		const struct qh_analyze_options *opts, struct qh_error *err)
{
	struct stat st;
	void *map;
	int fd, rc;

	(void)elf;
	fd = open(res->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return qh_error_errno(err, errno, "%s", res->path);
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		return qh_error_set(err, "%s: empty or unreadable", res->path);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return qh_error_errno(err, errno, "%s: mmap", res->path);
	rc = qh_deep_run_buffer(map, (size_t)st.st_size, res->path, res, opts, err);
	munmap(map, (size_t)st.st_size);
	return rc;
}
