/* gate_inputs.c - what qhard gate reads: ELF files, directories (walked
 * without following symlinks), packages (lib/pkg_unpack.h, in memory) and
 * saved qhard JSON reports (lib/report_read.h). */
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze.h"
#include "baseline.h"
#include "gate.h"
#include "pkg_unpack.h"
#include "report_read.h"

/* QEMU's biggest binaries are ~100 MB; anything past this in a package is
 * refused rather than read into memory. */
#define MAX_PACKAGE_MEMBER ((size_t)1 << 30)

enum input_kind { IN_ELF, IN_REPORT, IN_PACKAGE, IN_OTHER };

struct head {
	unsigned char bytes[512];
	size_t len;
};

static int read_head(const char *path, struct head *h)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	ssize_t n;

	h->len = 0;
	if (fd < 0)
		return -1;
	n = read(fd, h->bytes, sizeof(h->bytes));
	close(fd);
	if (n < 0)
		return -1;
	h->len = (size_t)n;
	return 0;
}

static enum input_kind classify(const struct head *h)
{
	size_t i = 0;

	if (h->len >= 4 && memcmp(h->bytes, "\x7f" "ELF", 4) == 0)
		return IN_ELF;
	if (qh_pkg_detect(h->bytes, h->len) != QH_PKG_NONE)
		return IN_PACKAGE;
	while (i < h->len && strchr(" \t\r\n", h->bytes[i]))
		i++;
	if (i < h->len && h->bytes[i] == '{')
		return IN_REPORT;
	return IN_OTHER;
}

static int add_error(struct qh_report *r, const char *path, const char *msg,
		     struct qh_error *err)
{
	struct qh_result *res = qh_result_new(path, err);

	if (!res)
		return -1;
	if (qh_result_set_error(res, "%s", msg) < 0 ||
	    qh_report_add(r, res, err) < 0) {
		qh_result_free(res);
		return qh_error_set(err, "out of memory");
	}
	return 0;
}

static int add_result(struct qh_report *r, struct qh_result *res,
		      struct qh_error *err)
{
	if (!res)
		return qh_error_set(err, "out of memory");
	if (qh_report_add(r, res, err) < 0) {
		qh_result_free(res);
		return -1;
	}
	return 0;
}

static int note_input(struct gate_inputs *in, const char *path,
		      const char *kind, size_t files)
{
	return json_array_append_new(in->inputs,
				     json_pack("{s:s,s:s,s:I}", "path", path,
					       "kind", kind, "files",
					       (json_int_t)files));
}

/* ---- packages --------------------------------------------------------- */

struct pkg_ctx {
	struct qh_report *r;
	const struct qh_analyze_options *opts;
	const char *package;
};

/* A member is reported by the path it installs to; SARIF also locates it
 * inside its package (qh_result.container). */
static int pkg_member(void *user, const char *member, const void *data,
		      size_t size, struct qh_error *err)
{
	struct pkg_ctx *ctx = user;
	struct qh_result *res = qh_analyze_memory(data, size, member, ctx->opts);

	if (res && qh_check_set_str(&res->container, ctx->package) < 0) {
		qh_result_free(res);
		res = NULL;
	}
	return add_result(ctx->r, res, err);
}

static int add_package(struct qh_report *r, const char *path,
		       const struct head *h, struct gate_inputs *in,
		       struct qh_error *err)
{
	struct qh_analyze_options opts = { .deep = in->deep };
	struct pkg_ctx ctx = { r, &opts, path };
	struct qh_error perr = { "" };
	size_t before = r->nresults;
	long n = qh_pkg_foreach_elf(path, MAX_PACKAGE_MEMBER, pkg_member, &ctx,
				    &perr);

	if (n < 0) {
		if (strcmp(perr.msg, "out of memory") == 0)
			return qh_error_set(err, "out of memory");
		return add_error(r, path, perr.msg, err);
	}
	return note_input(in, path,
			  qh_pkg_kind_name(qh_pkg_detect(h->bytes, h->len)),
			  r->nresults - before);
}

/* ---- saved reports ---------------------------------------------------- */

/* Device lists of build reports are merged; each name once. */
static int merge_devices(struct gate_inputs *in, const json_t *extra)
{
	json_t *names = qh_report_devices(extra);
	size_t i, k;
	json_t *v, *w;

	if (!names)
		return -1;
	json_array_foreach(names, i, v) {
		bool seen = false;

		json_array_foreach(in->devices, k, w)
			if (json_equal(v, w))
				seen = true;
		if (!seen && json_array_append(in->devices, v) < 0) {
			json_decref(names);
			return -1;
		}
	}
	json_decref(names);
	return 0;
}

static int add_report(struct qh_report *r, const char *path,
		      struct gate_inputs *in, struct qh_error *err)
{
	struct qh_error rerr = { "" };
	struct qh_report *saved = qh_report_read_file(path, &rerr);
	size_t n;

	if (!saved)
		return add_error(r, path, rerr.msg, err);
	if (merge_devices(in, saved->extra) < 0)
		goto oom;
	if (json_is_object(json_object_get(saved->extra, "build")) &&
	    json_array_append_new(in->builds, json_pack("{s:s,s:O?}", "path", path,
			"profile", json_object_get(json_object_get(saved->extra,
								   "build"),
						   "profile"))) < 0)
		goto oom;
	/* the results move over: the policy is applied again from raw_status */
	for (n = 0; n < saved->nresults; n++) {
		if (qh_report_add(r, saved->results[n], err) < 0) {
			/* the first n are r's now; free only the rest */
			memmove(saved->results, saved->results + n,
				(saved->nresults - n) * sizeof(*saved->results));
			saved->nresults -= n;
			goto oom;
		}
	}
	saved->nresults = 0;
	qh_report_free(saved);
	return note_input(in, path, "report", n);
oom:
	qh_report_free(saved);
	return qh_error_set(err, "out of memory");
}

/* ---- directories ------------------------------------------------------ */

static int by_name(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

/* Every ELF file below dir, in name order; symlinks are not followed (a
 * package tree's links would count binaries twice); non-ELF files are
 * skipped silently; unreadable entries are listed as errors. */
static int add_directory(struct qh_report *r, const char *dir,
			 struct gate_inputs *in, struct qh_error *err)
{
	char *paths[] = { (char *)dir, NULL };
	struct qh_analyze_options opts = { .deep = in->deep };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, by_name);
	size_t before = r->nresults;
	FTSENT *e;
	int rc = 0;

	if (!fts)
		return add_error(r, dir, strerror(errno), err);
	while (rc == 0 && (e = fts_read(fts))) {
		struct head h;

		switch (e->fts_info) {
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS:
			rc = add_error(r, e->fts_path, strerror(e->fts_errno), err);
			break;
		case FTS_F:
			if (read_head(e->fts_path, &h) < 0)
				rc = add_error(r, e->fts_path, strerror(errno), err);
			else if (classify(&h) == IN_ELF)
				rc = add_result(r, qh_analyze_path(e->fts_path, &opts),
						err);
			break;
		default:
			break;
		}
	}
	fts_close(fts);
	if (rc < 0)
		return -1;
	return note_input(in, dir, "directory", r->nresults - before);
}

int gate_add_input(struct qh_report *r, const char *operand,
		   struct gate_inputs *in, struct qh_error *err)
{
	struct qh_analyze_options opts = { .deep = in->deep };
	struct stat st;
	struct head h;

	if (stat(operand, &st) < 0)
		return add_error(r, operand, strerror(errno), err);
	if (S_ISDIR(st.st_mode))
		return add_directory(r, operand, in, err);
	if (!S_ISREG(st.st_mode))
		return add_error(r, operand, "not a regular file or directory", err);
	if (read_head(operand, &h) < 0)
		return add_error(r, operand, strerror(errno), err);
	switch (classify(&h)) {
	case IN_PACKAGE:
		return add_package(r, operand, &h, in, err);
	case IN_REPORT:
		return add_report(r, operand, in, err);
	case IN_ELF:
		if (note_input(in, operand, "elf", 1) < 0)
			return qh_error_set(err, "out of memory");
		return add_result(r, qh_analyze_path(operand, &opts), err);
	case IN_OTHER:
		break;
	}
	return add_error(r, operand, "not an ELF file, a package (.deb, .rpm, "
			 "tar) or a qhard JSON report", err);
}
