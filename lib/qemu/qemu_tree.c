/* qemu_tree.c - version, targets and configure options of a QEMU tree. */
#include "qemu_tree.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREE_MAX_TEXT (8u << 20)

int qh_tree_read_text(struct qh_rootfs *tree, const char *path, size_t max,
		      struct qh_file_ids *seen, char **text, size_t *len,
		      struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	int rc = seen ? qh_rootfs_read_new(tree, path, max, &b, seen, err)
		      : qh_rootfs_read(tree, path, max, &b, err);

	*text = NULL;
	if (rc) {
		qh_buf_free(&b);
		return rc;
	}
	if (len)
		*len = b.len;
	*text = qh_buf_detach(&b);
	if (!*text)
		return qh_error_set(err, "out of memory"), ENOMEM;
	return 0;
}

int qh_qemu_version_parse(const char *s, int *maj, int *min, int *mic)
{
	char *end;
	long v[3] = { 0, 0, 0 };

	for (int i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			return i >= 2 ? 0 : -1;
		errno = 0;
		v[i] = strtol(s, &end, 10);
		if (errno || v[i] > 10000)
			return -1;
		*maj = (int)v[0];
		*min = (int)v[1];
		*mic = (int)v[2];
		if (*end != '.')
			return i >= 1 ? 0 : -1;
		s = end + 1;
	}
	return 0;
}

int qh_qemu_version_cmp(int amaj, int amin, int amic, int bmaj, int bmin,
			int bmic)
{
	if (amaj != bmaj)
		return amaj < bmaj ? -1 : 1;
	if (amin != bmin)
		return amin < bmin ? -1 : 1;
	if (amic != bmic)
		return amic < bmic ? -1 : 1;
	return 0;
}

static int add_copt(struct qh_qemu_tree *t, const char *name, size_t len,
		    enum qh_copt_kind kind)
{
	char tmp[128];

	if (len == 0 || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	for (size_t i = 0; i < t->copt_names.n; i++)
		if (t->copt_kinds[i] == kind && strcmp(t->copt_names.items[i], tmp) == 0)
			return 0;
	if (qh_array_reserve((void **)&t->copt_kinds, &t->copt_kinds_cap,
			     t->copt_names.n + 1, sizeof(*t->copt_kinds)) < 0 ||
	    qh_strlist_add(&t->copt_names, tmp) < 0)
		return -1;
	t->copt_kinds[t->copt_names.n - 1] = kind;
	return 0;
}

/* Case patterns of a shell script: lines whose first word starts with
 * "--", split at '|': "--enable-kvm)", "--target-list=*)",
 * "--with-devices-*)". */
static int scan_case_patterns(struct qh_qemu_tree *t, const char *text)
{
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		const char *p = line;

		if (!eol)
			eol = line + strlen(line);
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		while (p + 2 < eol && p[0] == '-' && p[1] == '-' &&
		       (islower((unsigned char)p[2]) || isdigit((unsigned char)p[2]))) {
			const char *s = p;

			p += 2;
			while (p < eol && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
				p++;
			if (p < eol && *p == '=' && p + 1 < eol && p[1] == '*') {
				if (add_copt(t, s, (size_t)(p - s + 1), QH_COPT_VALUE) < 0)
					return -1;
				p += 2;
			} else if (p < eol && *p == '*') {
				if (add_copt(t, s, (size_t)(p - s), QH_COPT_PREFIX) < 0)
					return -1;
				p++;
				/* skip a glob tail like [!a-z]*=* */
				while (p < eol && *p != '|' && *p != ')')
					p++;
			} else if (p < eol && (*p == ')' || *p == '|')) {
				if (add_copt(t, s, (size_t)(p - s), QH_COPT_EXACT) < 0)
					return -1;
			} else {
				break;
			}
			if (p < eol && *p == '|') {
				p++;
				while (p < eol && (*p == ' ' || *p == '\t' || *p == '\\'))
					p++;
				continue;
			}
			break;
		}
		line = *eol ? eol + 1 : eol;
	}
	return 0;
}

/* option('name', type : 'feature', ...) in meson_options.txt */
static int scan_meson_options(struct qh_qemu_tree *t, const char *text)
{
	const char *p = text;

	while ((p = strstr(p, "option(")) != NULL) {
		char name[96], type[32], opt[128];
		const char *q = p + 7, *ty;
		size_t n = 0;

		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) {
			p += 7;
			continue;
		}
		p += 7;
		while (*q == ' ')
			q++;
		if (*q != '\'')
			continue;
		q++;
		while (*q && *q != '\'' && n + 1 < sizeof(name))
			name[n++] = *q == '_' ? '-' : *q, q++;
		name[n] = '\0';
		ty = strstr(q, "type");
		if (!ty || (strchr(q, ')') && ty > strchr(q, ')')))
			continue;
		ty += 4;
		while (*ty == ' ' || *ty == ':')
			ty++;
		if (*ty != '\'')
			continue;
		ty++;
		n = 0;
		while (*ty && *ty != '\'' && n + 1 < sizeof(type))
			type[n++] = *ty++;
		type[n] = '\0';
		if (strcmp(type, "feature") == 0 || strcmp(type, "boolean") == 0) {
			snprintf(opt, sizeof(opt), "--enable-%s", name);
			if (add_copt(t, opt, strlen(opt), QH_COPT_EXACT) < 0)
				return -1;
			snprintf(opt, sizeof(opt), "--disable-%s", name);
			if (add_copt(t, opt, strlen(opt), QH_COPT_EXACT) < 0)
				return -1;
			if (strcmp(type, "feature") == 0 &&
			    qh_strlist_add(&t->features, name) < 0)
				return -1;
		} else {
			snprintf(opt, sizeof(opt), "--%s=", name);
			if (add_copt(t, opt, strlen(opt), QH_COPT_VALUE) < 0)
				return -1;
		}
	}
	return 0;
}

static char *mak_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1, *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			char *out = malloc(n + 1);

			if (!out)
				return NULL;
			memcpy(out, v, n);
			out[n] = '\0';
			while (n && isspace((unsigned char)out[n - 1]))
				out[--n] = '\0';
			return out;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static int cmp_target(const void *a, const void *b)
{
	return strcmp(((const struct qh_qemu_target *)a)->name,
		      ((const struct qh_qemu_target *)b)->name);
}

/* configs/targets/NAME.mak: a target file that cannot be read is an error
 * (a FIFO or a link out of the tree is no target). */
static int read_targets(struct qh_qemu_tree *t, struct qh_rootfs *tree,
			struct qh_error *err)
{
	static const char dir[] = "configs/targets";
	size_t cap = 0, nnames;
	char **names;
	int rc = 0;

	if (qh_rootfs_list(tree, dir, &names, &nnames, err) != 0)
		return -1;
	for (size_t i = 0; i < nnames && rc == 0; i++) {
		const char *name = names[i];
		size_t n = strlen(name);
		struct qh_qemu_target *tg;
		struct qh_buf path = QH_BUF_INIT;
		char *text;

		if (n < 5 || strcmp(name + n - 4, ".mak") != 0)
			continue;
		if (qh_buf_printf(&path, "%s/%s", dir, name) < 0 ||
		    qh_array_reserve((void **)&t->targets, &cap, t->ntargets + 1,
				     sizeof(*t->targets)) < 0) {
			qh_buf_free(&path);
			rc = qh_error_set(err, "out of memory");
			break;
		}
		if (qh_tree_read_text(tree, path.data, 1 << 20, NULL, &text, NULL,
				      err) != 0) {
			qh_buf_free(&path);
			rc = -1;
			break;
		}
		qh_buf_free(&path);
		tg = &t->targets[t->ntargets++];
		tg->name = strndup(name, n - 4);
		tg->arch = mak_value(text, "TARGET_ARCH");
		tg->base_arch = mak_value(text, "TARGET_BASE_ARCH");
		if (!tg->base_arch)
			tg->base_arch = qh_strdup(tg->arch);
		{
			char *fdt = mak_value(text, "TARGET_NEED_FDT");

			tg->need_fdt = fdt && strcmp(fdt, "y") == 0;
			free(fdt);
		}
		tg->softmmu = n > 12 && strcmp(name + n - 12, "-softmmu.mak") == 0;
		free(text);
	}
	qh_rootfs_names_free(names, nnames);
	if (rc == 0 && t->ntargets)
		qsort(t->targets, t->ntargets, sizeof(*t->targets), cmp_target);
	return rc;
}

struct qh_qemu_tree *qh_qemu_tree_open(const char *root, struct qh_error *err)
{
	struct qh_qemu_tree *t = calloc(1, sizeof(*t));
	char real[PATH_MAX];
	static const char *const option_sources[] = {
		"configure", "scripts/meson-buildoptions.sh",
	};
	struct qh_rootfs *tree = NULL;
	char *text;

	if (!t) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
	if (!realpath(root, real)) {
		qh_error_errno(err, errno, "not a QEMU source tree: %s", root);
		goto fail;
	}
	t->root = qh_strdup(real);
	tree = qh_rootfs_open_tree(real, err);
	if (!tree)
		goto fail;
	if (qh_tree_read_text(tree, "VERSION", 4096, NULL, &text, NULL, err) != 0) {
		qh_error_prefix(err, "not a QEMU source tree: %s: ", real);
		goto fail;
	}
	text[strcspn(text, "\r\n")] = '\0';
	t->version = text;
	if (qh_qemu_version_parse(text, &t->major, &t->minor, &t->micro) < 0) {
		qh_error_set(err, "%s/VERSION: cannot parse version '%s'", real, text);
		goto fail;
	}
	if (read_targets(t, tree, err) < 0) {
		qh_error_prefix(err, "%s: ", real);
		goto fail;
	}
	for (size_t i = 0; i < QH_ARRAY_LEN(option_sources); i++) {
		int rc = qh_tree_read_text(tree, option_sources[i], TREE_MAX_TEXT,
					   NULL, &text, NULL, err);

		/* no configure: nothing to plan for; the generated options
		 * script is only in newer trees */
		if (rc == ENOENT && i > 0)
			continue;
		if (rc) {
			qh_error_prefix(err, "%s: ", real);
			goto fail;
		}
		rc = scan_case_patterns(t, text);
		free(text);
		if (rc < 0) {
			qh_error_set(err, "out of memory");
			goto fail;
		}
	}
	{
		int rc = qh_tree_read_text(tree, "meson_options.txt", TREE_MAX_TEXT,
					   NULL, &text, NULL, err);

		if (rc && rc != ENOENT) {
			qh_error_prefix(err, "%s: ", real);
			goto fail;
		}
		rc = rc ? 0 : scan_meson_options(t, text);
		free(text);
		if (rc < 0) {
			qh_error_set(err, "out of memory");
			goto fail;
		}
	}
	qh_rootfs_free(tree);
	return t;
fail:
	qh_rootfs_free(tree);
	qh_qemu_tree_free(t);
	return NULL;
}

void qh_qemu_tree_free(struct qh_qemu_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ntargets; i++) {
		free(t->targets[i].name);
		free(t->targets[i].arch);
		free(t->targets[i].base_arch);
	}
	free(t->targets);
	free(t->root);
	free(t->version);
	qh_strlist_free(&t->copt_names);
	qh_strlist_free(&t->features);
	free(t->copt_kinds);
	free(t);
}

const struct qh_qemu_target *qh_qemu_tree_target(const struct qh_qemu_tree *t,
						 const char *name)
{
	for (size_t i = 0; i < t->ntargets; i++)
		if (t->targets[i].name && strcmp(t->targets[i].name, name) == 0)
			return &t->targets[i];
	return NULL;
}

bool qh_qemu_tree_accepts(const struct qh_qemu_tree *t, const char *arg)
{
	for (size_t i = 0; i < t->copt_names.n; i++) {
		const char *o = t->copt_names.items[i];
		size_t n = strlen(o);

		switch (t->copt_kinds[i]) {
		case QH_COPT_EXACT:
			if (strcmp(arg, o) == 0)
				return true;
			break;
		case QH_COPT_VALUE:
			if (strncmp(arg, o, n) == 0)
				return true;
			break;
		case QH_COPT_PREFIX:
			if (strncmp(arg, o, n) == 0 && arg[n])
				return true;
			break;
		}
	}
	return false;
}

bool qh_qemu_tree_has_feature(const struct qh_qemu_tree *t, const char *name)
{
	return qh_strlist_has(&t->features, name);
}
