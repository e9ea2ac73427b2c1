/* deep.c - qh_deep_run: build the image view, run the one disassembly
 * pass, open line info, and add the deep checks to the result. */
#include "deep.h"

#include <string.h>
#include <sys/stat.h>

#include "deep_checks.h"
#include "elf.h"

/* The deep ids, for the skip results of files with nothing to scan. */
static const char *const deep_ids[] = {
	"canary-coverage", "ibt-coverage", "pac-coverage",
	"stack-clash-coverage", "fortify-sites", "cu-flags",
};

/* All deep ids as skip; cu-flags too unless `keep_cu_flags` (a debug
 * file has DWARF but no code). */
static int skip_all(struct qh_result *res, const char *why, bool keep_cu_flags)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(deep_ids); i++) {
		if (keep_cu_flags && strcmp(deep_ids[i], "cu-flags") == 0)
			continue;
		if (!qh_result_add_check(res, deep_ids[i], QH_SKIP, NULL, "%s", why))
			return -1;
	}
	return 0;
}

/* What libbfd said (deep_lines.h), one warning per line. */
static int add_bfd_warnings(struct qh_result *res, const struct qh_buf *msgs)
{
	const char *p = msgs->data, *end = p ? p + msgs->len : NULL;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		/* libbfd's handler prefixes its program name */
		if (len >= 5 && strncmp(p, "BFD: ", 5) == 0) {
			p += 5;
			len -= 5;
		}
		if (len && qh_result_add_warning(res, "libbfd: %.*s", (int)len,
						 p) < 0)
			return -1;
		p += len + 1;
	}
	return 0;
}

/* A separate debug file: no code, but the DWARF of its executable. */
static int run_debug_file(struct deep_ctx *ctx, struct qh_result *res,
			  struct qh_buf *msgs)
{
	int rc;

	if (skip_all(res, "separate debug file: no code to disassemble",
		     true) < 0)
		return -1;
	ctx->lines = deep_lines_open(ctx->path, ctx->debug_root, ctx->lines_why,
				     sizeof(ctx->lines_why), msgs);
	rc = deep_check_cu_flags(ctx, res);
	deep_lines_close(ctx->lines);
	return rc;
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
	struct qh_buf msgs = QH_BUF_INIT;
	struct deep_scan scan;
	struct deep_image *img;
	int rc = -1;

	ctx.path = backing_file(elf);
	ctx.debug_root = opts ? opts->debug_root : NULL;
	if (qh_elf_debug_file(elf)) {
		rc = run_debug_file(&ctx, res, &msgs);
		if (rc == 0)
			rc = add_bfd_warnings(res, &msgs);
		qh_buf_free(&msgs);
		return rc < 0 ? qh_error_set(err, "out of memory") : 0;
	}
	img = deep_image_open(elf, err);
	if (!img)
		return -1;
	ctx.img = img;
	if (img->arch == DEEP_ARCH_NONE || img->relocatable) {
		rc = skip_all(res, img->relocatable ?
			      "relocatable object: addresses are not final" :
			      "no disassembler for this machine", false);
		deep_image_free(img);
		return rc < 0 ? qh_error_set(err, "out of memory") : 0;
	}
	if (deep_scan_run(img, &scan, err) < 0) {
		deep_image_free(img);
		return -1;
	}
	ctx.scan = &scan;
	ctx.lines = deep_lines_open(ctx.path, ctx.debug_root, ctx.lines_why,
				    sizeof(ctx.lines_why), &msgs);
	if (deep_check_canary(&ctx, res) < 0 || deep_check_cet(&ctx, res) < 0 ||
	    deep_check_stackclash(&ctx, res) < 0 ||
	    deep_check_fortify(&ctx, res) < 0 ||
	    deep_check_cu_flags(&ctx, res) < 0)
		qh_error_set(err, "deep checks: out of memory");
	else
		rc = 0;
	deep_lines_close(ctx.lines);
	if (rc == 0 && add_bfd_warnings(res, &msgs) < 0)
		rc = qh_error_set(err, "deep checks: out of memory");
	qh_buf_free(&msgs);
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
