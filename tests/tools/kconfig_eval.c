/* kconfig_eval.c - qhard's Kconfig evaluator (lib/qemu/kconfig.h) behind the
 * command line of QEMU's scripts/minikconf.py, so that tests can run both
 * on the same input and compare the output line for line:
 *
 *   kconfig_eval [--allnoconfig|--defconfig] OUT DEPS FILE|CONFIG_X=y|n...
 *
 * Prints CONFIG_X=y for every symbol that is y, sorted, leaving out the
 * symbols assigned on the command line (as minikconf does). OUT and DEPS
 * are accepted and ignored (minikconf writes the dependency list there).
 * Exit 1 with a message on stderr when the evaluation fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/kconfig.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file outside the QEMU tree, read as text (no `source` lines). */
static int parse_outside(struct qh_kconfig *kc, const char *path, struct qh_error *err)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!f)
		return qh_error_errno(err, errno, "%s", path);
	text = calloc(1, 1 << 20);
	if (text)
		len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	if (!text)
		return qh_error_set(err, "out of memory");
	text[len] = '\0';
	rc = qh_kconfig_parse_text(kc, path, "", text, err);
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	enum qh_kconfig_mode mode = QH_KCONFIG_DEFCONFIG;
	struct qh_error err = { { 0 } };
	struct qh_kconfig *kc;
	const char *root = NULL;
	size_t root_len = 0;
	char **names;
	size_t n = 0;
	int i = 1;

	if (i < argc && strcmp(argv[i], "--allnoconfig") == 0) {
		mode = QH_KCONFIG_ALLNO;
		i++;
	} else if (i < argc && strcmp(argv[i], "--defconfig") == 0) {
		i++;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: %s [--allnoconfig|--defconfig] OUT DEPS FILE|CONFIG_X=y...\n",
			argv[0]);
		return 2;
	}
	i += 2;
	kc = qh_kconfig_new(&err);
	if (!kc)
		goto fail;
	/* qhard reads a QEMU tree from its root (the first file parsed): the
	 * Kconfig goes first. The order of files does not change minikconf's
	 * result (clauses are sorted by the dependency graph; only defaults
	 * keep source order, and .mak files have none). Files outside the
	 * tree (a devices file of the caller's) are read as text. */
	for (int k = i; k < argc; k++) {
		const char *base = strrchr(argv[k], '/');

		if (strcmp(base ? base + 1 : argv[k], "Kconfig") == 0) {
			if (qh_kconfig_parse_file(kc, argv[k], &err) < 0)
				goto fail;
			root = argv[k];
			root_len = base ? (size_t)(base - argv[k]) : 0;
			break;
		}
	}
	for (; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');

		if (argv[i] == root)
			continue;
		if (strncmp(argv[i], "CONFIG_", 7) == 0 && eq && (!eq[1] || !strcmp(eq, "=y") ||
								   !strcmp(eq, "=n"))) {
			char name[256];

			snprintf(name, sizeof(name), "%.*s", (int)(eq - argv[i]), argv[i]);
			if (qh_kconfig_assign(kc, name, eq[1] == 'y', true, NULL, &err) < 0)
				goto fail;
		} else if (root && strncmp(argv[i], root, root_len) == 0 &&
			   argv[i][root_len] == '/') {
			if (qh_kconfig_parse_file(kc, argv[i], &err) < 0)
				goto fail;
		} else if (parse_outside(kc, argv[i], &err) < 0) {
			goto fail;
		}
	}
	for (size_t d = 0; d < kc->ndiags; d++)
		fprintf(stderr, "note: %s\n", kc->diags[d]);
	if (qh_kconfig_evaluate(kc, mode, &err) < 0)
		goto fail;
	names = calloc(kc->nsyms + 1, sizeof(*names));
	if (!names)
		return 1;
	for (size_t s = 0; s < kc->nsyms; s++) {
		bool external = false;

		for (size_t c = 0; c < kc->nclauses; c++)
			if (kc->clauses[c].dest == (int)s && kc->clauses[c].external)
				external = true;
		if (kc->syms[s].value == 1 && !external)
			names[n++] = kc->syms[s].name;
	}
	qsort(names, n, sizeof(*names), cmp);
	for (size_t k = 0; k < n; k++)
		printf("CONFIG_%s=y\n", names[k]);
	free(names);
	qh_kconfig_free(kc);
	return 0;
fail:
	fprintf(stderr, "kconfig_eval: %s\n", err.msg);
	qh_kconfig_free(kc);
	return 1;
}
