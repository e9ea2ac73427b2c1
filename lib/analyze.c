/* analyze.c - one file in, one result out (see analyze.h). */
#include "analyze.h"

#include <string.h>

#include "checks.h"
#include "deep.h"
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

static struct qh_result *analyze_elf(struct qh_elf *elf, const char *name,
				     const struct qh_error *open_err,
				     const struct qh_analyze_options *opts)
{
	struct qh_result *res = qh_result_new(name, NULL);
	struct qh_error err = { "" };

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
	if (qh_checks_run(elf, res, &err) < 0 ||
	    (opts && opts->deep && qh_deep_run(elf, res, opts, &err) < 0)) {
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

struct qh_result *qh_analyze_path(const char *path,
				  const struct qh_analyze_options *opts)
{
	struct qh_error err = { "" };
	struct qh_elf *elf = qh_elf_open(path, &err);

	return analyze_elf(elf, path, &err, opts);
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
