/* qemu_host.c - the Python (and meson) a QEMU tree's configure will use
 * (qemu_host.h). */
#include "qemu_host.h"

#include <ctype.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu_tree.h" /* qh_tree_read_text */
#include "rootfs.h"
#include "run.h"

int qh_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10);
		unsigned long y = strtoul(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		while (*a && !isdigit((unsigned char)*a))
			a++;
		while (*b && !isdigit((unsigned char)*b))
			b++;
	}
	return 0;
}

void qh_qemu_python_free(struct qh_qemu_python *p)
{
	free(p->python);
	free(p->meson);
	free(p->needed);
	free(p->problem);
	p->python = p->meson = p->needed = p->problem = NULL;
}

/* meson_version: '>=1.5.0' in the project() call of meson.build */
static char *needed_meson(const char *qemu_src)
{
	struct qh_rootfs *tree = qh_rootfs_open_tree(qemu_src, NULL);
	char *text = NULL, *p, *q, *v = NULL;

	if (!tree || qh_tree_read_text(tree, "meson.build", 4u << 20, NULL, &text, NULL,
				       NULL) != 0) {
		qh_rootfs_free(tree);
		return NULL;
	}
	qh_rootfs_free(tree);
	p = strstr(text, "meson_version");
	if (p && (p = strchr(p, '\'')) && (q = strchr(p + 1, '\''))) {
		p++;
		while (*p == '>' || *p == '=' || *p == ' ')
			p++;
		if (q > p && (size_t)(q - p) < 32)
			v = strndup(p, (size_t)(q - p));
	}
	free(text);
	return v;
}

/* The meson version `python` imports, or NULL. */
static char *meson_of(const char *python)
{
	const char *argv[] = { python, "-c",
			       "import mesonbuild.coredata as c; print(c.version)", NULL };
	char *out = NULL;
	int status = -1;

	if (qh_run_capture(argv, NULL, 20, 256, &out, &status, NULL) == 0 && status == 0 &&
	    out && isdigit((unsigned char)out[0])) {
		out[strcspn(out, "\r\n")] = '\0';
		return out;
	}
	free(out);
	return NULL;
}

static bool has_file(const char *qemu_src, const char *pattern)
{
	struct qh_buf p = QH_BUF_INIT;
	glob_t g;
	bool found;

	qh_buf_printf(&p, "%s/%s", qemu_src, pattern);
	found = p.data && glob(p.data, GLOB_NOSORT, NULL, &g) == 0;
	if (p.data && found)
		globfree(&g);
	qh_buf_free(&p);
	return found;
}

int qh_qemu_python_probe(const char *qemu_src, struct qh_qemu_python *out,
			 struct qh_error *err)
{
	/* configure's own choice first, then Debian's interpreter */
	const char *env = getenv("PYTHON");
	const char *cands[] = { env && *env ? env : "python3", "/usr/bin/python3" };
	struct qh_buf why = QH_BUF_INIT;

	memset(out, 0, sizeof(*out));
	/* no venv (before 8.1), or a bundled meson wheel: nothing to find */
	if (!has_file(qemu_src, "python/scripts/mkvenv.py") ||
	    has_file(qemu_src, "python/wheels/meson-*.whl"))
		return 0;
	out->needed = needed_meson(qemu_src);
	for (size_t i = 0; i < QH_ARRAY_LEN(cands); i++) {
		char *v = meson_of(cands[i]);

		if (v && (!out->needed || qh_version_cmp(v, out->needed) >= 0)) {
			out->meson = v;
			if (i > 0 && !(out->python = qh_strdup(cands[i])))
				goto oom;
			qh_buf_free(&why);
			return 0;
		}
		qh_buf_printf(&why, "%s%s: %s", why.len ? "; " : "", cands[i],
			      v ? v : "no meson module");
		free(v);
	}
	qh_buf_printf(&why, ". configure needs a Python that imports meson >= %s (Debian 12: "
			    "apt-get install -t bookworm-backports meson)",
		      out->needed ? out->needed : "?");
	if (!why.data || !(out->problem = qh_buf_detach(&why)))
		goto oom;
	return 0;
oom:
	qh_buf_free(&why);
	qh_qemu_python_free(out);
	return qh_error_set(err, "out of memory");
}
