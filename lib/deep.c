/* deep.c - qh_deep_run: build the image view, run the one disassembly
 * pass, open line info, and add the deep checks to the result. */
#include "deep.h"

#include <sys/stat.h>

#include "deep_checks.h"
#include "elf.h"

/* The deep ids, for the skip results of files with nothing to scan. */
static const char *const deep_ids[] = {
	"canary-coverage", "ibt-coverage", "pac-coverage",
	"stack-clash-coverage", "fortify-sites", "cu-flags",
};

static int skip_all(struct qh_result *res, const char *why)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(deep_ids); i++)
		if (!qh_result_add_check(res, deep_ids[i], QH_SKIP, NULL, "%s", why))
			return -1;
	return 0;
}

/* libbfd and libdw read the file by name: only when the name is the file
 * this image came from (qh_analyze_memory names need not be files). */
static const char *backing_file(struct qh_elf *elf)
{
	const char *name = qh_elf_name(elf);
	struct stat st;
	size_t size;

	qh_elf_image(elf, &size);
	if (!name || stat(name, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != size)
		return NULL;
	return name;
}

int qh_deep_run(struct qh_elf *elf, struct qh_result *res,
		const struct qh_analyze_options *opts, struct qh_error *err)
{
	struct deep_ctx ctx = { 0 };
	struct deep_scan scan;
	struct deep_image *img;
	int rc = -1;

	ctx.path = backing_file(elf);
	ctx.debug_root = opts ? opts->debug_root : NULL;
	img = deep_image_open(elf, err);
	if (!img)
		return -1;
	ctx.img = img;
	if (img->arch == DEEP_ARCH_NONE || img->relocatable) {
		rc = skip_all(res, img->relocatable ?
			      "relocatable object: addresses are not final" :
			      "no disassembler for this machine");
		deep_image_free(img);
		return rc < 0 ? qh_error_set(err, "out of memory") : 0;
	}
	if (deep_scan_run(img, &scan, err) < 0) {
		deep_image_free(img);
		return -1;
	}
	ctx.scan = &scan;
	ctx.lines = deep_lines_open(ctx.path, ctx.debug_root, ctx.lines_why,
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

int qh_deep_run_buffer(const void *data, size_t size, const char *path,
		       struct qh_result *res,
		       const struct qh_analyze_options *opts,
		       struct qh_error *err)
{
	struct qh_elf *elf = qh_elf_open_memory(data, size, path ? path : "<memory>", err);
	int rc;

	if (!elf)
		return -1;
	rc = qh_deep_run(elf, res, opts, err);
	qh_elf_close(elf);
	return rc;
}
