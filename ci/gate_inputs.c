/* gate_inputs.c - what qhard gate reads: ELF files, directories (walked
 * without following symlinks), packages (lib/pkg/pkg.h, in memory) and
 * saved qhard JSON reports (lib/report_read.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze.h"
#include "gate.h"
#include "inputs.h"
#include "pkg/pkg.h"
#include "policy/policy.h"
#include "report_read.h"

static int add_result(struct gate_inputs *in, struct qh_result *res,
		      struct qh_error *err)
{
	if (!res)
		return qh_error_set(err, "out of memory");
	in->nresults++;
	return in->sink(in->sink_ctx, res, err);
}

static int add_error(struct gate_inputs *in, const char *path,
		     const char *msg, struct qh_error *err)
{
	struct qh_result *res = qh_result_new(path, err);

	if (!res)
		return -1;
	if (qh_result_set_error(res, "%s", msg) < 0) {
		qh_result_free(res);
		return qh_error_set(err, "out of memory");
	}
	return add_result(in, res, err);
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
	struct gate_inputs *in;
	const struct qh_analyze_options *opts;
	const char *package;
	bool sink_failed;
};

/* A large member comes as a file (pkg/pkg.h): analysed through it, a
 * sparse one costs only what it stores. */
static struct qh_result *analyze_member(const struct qh_pkg_member *m,
					const struct qh_analyze_options *opts)
{
	char proc[64];
	struct qh_result *res;
	char *path;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", m->fd);
	/* no fd, or no /proc here: the bytes are in m->data too */
	if (m->fd < 0 || access(proc, R_OK) != 0)
		return qh_analyze_memory(m->data, m->size, m->path, opts);
	res = qh_analyze_path(proc, opts);
	if (!res || !(path = strdup(m->path))) {
		qh_result_free(res);
		return NULL;
	}
	free(res->path);
	res->path = path;
	/* an error naming the fd names the member instead */
	if (res->error && strncmp(res->error, proc, strlen(proc)) == 0 &&
	    qh_result_set_error(res, "%s%s", m->path,
				res->error + strlen(proc)) < 0) {
		qh_result_free(res);
		return NULL;
	}
	return res;
}

/* A member is reported by the path it installs to; SARIF also locates it
 * inside its package (qh_result.container). */
static int pkg_member(void *user, const struct qh_pkg_member *m,
		      struct qh_error *err)
{
	struct pkg_ctx *ctx = user;
	struct qh_result *res = analyze_member(m, ctx->opts);

	if (res && qh_check_set_str(&res->container, ctx->package) < 0) {
		qh_result_free(res);
		res = NULL;
	}
	if (add_result(ctx->in, res, err) < 0) {
		ctx->sink_failed = true;
		return -1;
	}
	return 0;
}

/* The members read before an error or a spent budget are already judged
 * and written; the package itself then gets the error (exit 3). */
static int add_package(const char *path, struct gate_inputs *in,
		       struct qh_error *err)
{
	struct qh_analyze_options opts = { .deep = in->deep };
	struct pkg_ctx ctx = { in, &opts, path, false };
	struct qh_error perr = { "" };
	struct qh_pkg_stats st;
	size_t before = in->nresults;
	long n = qh_pkg_foreach_elf(path, &in->limits, pkg_member, &ctx, &st,
				    &perr);

	if (n < 0 && (ctx.sink_failed || strcmp(perr.msg, "out of memory") == 0))
		return qh_error_set(err, "%s", perr.msg);
	if (json_array_append_new(in->inputs, json_pack(
			"{s:s,s:s,s:I,s:I,s:I}", "path", path, "kind",
			qh_pkg_kind_name(st.kind), "files",
			(json_int_t)(in->nresults - before), "members",
			(json_int_t)st.members, "unpacked",
			(json_int_t)st.unpacked)) < 0)
		return qh_error_set(err, "out of memory");
	return n < 0 ? add_error(in, path, perr.msg, err) : 0;
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

static int add_report(const char *path, struct gate_inputs *in,
		      struct qh_error *err)
{
	struct qh_error rerr = { "" };
	struct qh_report *saved = qh_report_read_file(path, &rerr);
	size_t n;
	int rc = 0;

	if (!saved)
		return add_error(in, path, rerr.msg, err);
	if (merge_devices(in, saved->extra) < 0)
		goto oom;
	if (json_is_object(json_object_get(saved->extra, "build")) &&
	    json_array_append_new(in->builds, json_pack("{s:s,s:O?}", "path", path,
			"profile", json_object_get(json_object_get(saved->extra,
								   "build"),
						   "profile"))) < 0)
		goto oom;
	/* the results move over: the policy is applied again from raw_status */
	for (n = 0; rc == 0 && n < saved->nresults; n++) {
		struct qh_result *res = saved->results[n];

		saved->results[n] = NULL; /* the sink owns it now */
		rc = add_result(in, res, err);
	}
	qh_report_free(saved);
	if (rc < 0)
		return -1;
	return note_input(in, path, "report", n) < 0 ?
	       qh_error_set(err, "out of memory") : 0;
oom:
	qh_report_free(saved);
	return qh_error_set(err, "out of memory");
}

/* ---- directories ------------------------------------------------------ */

struct dir_walk {
	struct gate_inputs *in;
	struct qh_analyze_options opts;
	struct qh_error *err;
};

static int on_dir_elf(const char *path, const char *error, void *ctx)
{
	struct dir_walk *w = ctx;

	if (error)
		return add_error(w->in, path, error, w->err) < 0 ? -1 : 0;
	return add_result(w->in, qh_analyze_path(path, &w->opts), w->err) < 0 ?
	       -1 : 0;
}

/* Every ELF file below dir (lib/inputs.h); unreadable entries are listed
 * as errors, the directory itself too when it cannot be walked. */
static int add_directory(const char *dir, struct gate_inputs *in,
			 struct qh_error *err)
{
	struct dir_walk w = { in, { .deep = in->deep }, err };
	struct qh_error werr = { "" };
	size_t before = in->nresults;
	int rc = qh_inputs_walk_elf(dir, on_dir_elf, &w, &werr);

	if (rc == -1 && werr.msg[0])
		rc = add_error(in, dir, werr.msg, err);
	if (rc < 0)
		return -1;
	return note_input(in, dir, "directory", in->nresults - before) < 0 ?
	       qh_error_set(err, "out of memory") : 0;
}

int gate_add_input(const char *operand, struct gate_inputs *in,
		   struct qh_error *err)
{
	struct qh_analyze_options opts = { .deep = in->deep };
	enum qh_input_kind kind;
	struct stat st;

	if (stat(operand, &st) < 0)
		return add_error(in, operand, strerror(errno), err);
	if (S_ISDIR(st.st_mode))
		return add_directory(operand, in, err);
	if (!S_ISREG(st.st_mode))
		return add_error(in, operand, "not a regular file or directory",
				 err);
	if (qh_input_kind_of(operand, &kind, NULL) < 0)
		return add_error(in, operand, strerror(errno), err);
	switch (kind) {
	case QH_INPUT_PACKAGE:
		return add_package(operand, in, err);
	case QH_INPUT_REPORT:
		return add_report(operand, in, err);
	case QH_INPUT_ELF:
		if (note_input(in, operand, "elf", 1) < 0)
			return qh_error_set(err, "out of memory");
		return add_result(in, qh_analyze_path(operand, &opts), err);
	case QH_INPUT_OTHER:
		break;
	}
	return add_error(in, operand, "not an ELF file, a package (.deb, .rpm, "
			 "tar) or a qhard JSON report", err);
}
