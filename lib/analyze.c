/* analyze.c - one file in, one result out (see analyze.h). */
#include "analyze.h"

#include <string.h>

#include "checks.h"
#include "deep/deep.h"
#include "elf.h"

/* qh_elf messages start with "NAME: "; the result already carries the
 * path, so keep only what went wrong. */
static const char *without_name(const char *msg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(msg, name, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		return msg + n + 2;
	return msg;
}

/* The contract's `stack-clash` id is "probes found by disassembly": the
 * header pass can only say skip; once the deep pass has looked at every
 * function with a large or variable frame, its verdict is the answer. */
static int fill_stack_clash(struct qh_result *res)
{
	const struct qh_check *deep = qh_result_find_check(res,
						   "stack-clash-coverage");
	struct qh_check *sc = qh_result_find_check(res, "stack-clash");
	json_int_t candidates;
	bool yes;

	if (!deep || !sc || sc->raw_status != QH_SKIP ||
	    (deep->raw_status != QH_PASS && deep->raw_status != QH_FAIL))
		return 0;
	candidates = json_integer_value(json_object_get(deep->value,
							"candidates"));
	if (candidates == 0)
		return qh_check_set_str(&sc->evidence,
					"no function with a large or variable "
					"frame: nothing to probe");
	yes = deep->raw_status == QH_PASS;
	json_decref(sc->value);
	sc->value = json_string(yes ? "yes" : "no");
	sc->status = sc->raw_status = yes ? QH_PASS : QH_FAIL;
	return sc->value ? qh_check_set_str(&sc->evidence, deep->evidence) : -1;
}

static struct qh_result *analyze_elf(struct qh_elf *elf, const char *name,
				     const struct qh_error *open_err,
				     const struct qh_analyze_options *opts)
{
	struct qh_result *res = qh_result_new(name, NULL);
	struct qh_error err = { "" };
	size_t image_size = 0;

	if (!res) {
		qh_elf_close(elf);
		return NULL;
	}
	if (!elf) {
		if (qh_result_set_error(res, "%s",
					without_name(open_err->msg, name)) < 0)
			goto oom;
		return res;
	}
	qh_elf_image(elf, &image_size);
	res->size = image_size;
	if (qh_checks_run(elf, res, &err) < 0 ||
	    (opts && opts->deep && qh_deep_run(elf, res, opts, &err) < 0) ||
	    (opts && opts->deep && fill_stack_clash(res) < 0 &&
	     qh_error_set(&err, "out of memory")) ||
	    (qh_elf_deferred_error(elf) &&
	     qh_error_set(&err, "%s", qh_elf_deferred_error(elf)))) {
		/* The contract: an error result has no checks. */
		struct qh_result *bad = qh_result_new(name, NULL);

		qh_result_free(res);
		res = bad;
		if (!res || qh_result_set_error(res, "%s", err.msg) < 0)
			goto oom;
	}
	qh_elf_close(elf);
	return res;
oom:
	qh_elf_close(elf);
	qh_result_free(res);
	return NULL;
}

/* not_elf NULL: every file is analysed (a non-ELF one gets an error). */
static struct qh_result *analyze_file(const char *path,
				      const struct qh_analyze_options *opts,
				      bool *not_elf)
{
	struct qh_error err = { "" };
	struct qh_elf *elf = qh_elf_open_ex(path, opts ? opts->read_max : 0,
					   not_elf, &err);

	if (not_elf && *not_elf)
		return NULL;
	return analyze_elf(elf, path, &err, opts);
}

struct qh_result *qh_analyze_path(const char *path,
				  const struct qh_analyze_options *opts)
{
	return analyze_file(path, opts, NULL);
}

struct qh_result *qh_analyze_walked(const char *path,
				    const struct qh_analyze_options *opts,
				    bool *not_elf)
{
	return analyze_file(path, opts, not_elf);
}

struct qh_result *qh_analyze_memory(const void *data, size_t size,
				    const char *name,
				    const struct qh_analyze_options *opts)
{
	struct qh_error err = { "" };
	struct qh_elf *elf;

	if (!name)
		name = "<memory>";
	elf = qh_elf_open_memory(data, size, name, &err);
	return analyze_elf(elf, name, &err, opts);
}
