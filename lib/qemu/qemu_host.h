/* qemu_host.h - what a QEMU tree's configure needs from this host besides
 * the compiler.
 *
 * From QEMU 8.1, configure runs meson inside a Python venv (mkvenv) made
 * from the Python it finds ($PYTHON, else python3 on PATH). Debian's +ds
 * tarballs drop the bundled meson wheel, so that Python must import a
 * meson at least as new as the tree's meson.build asks for (10.x: 1.5),
 * and `python3` on PATH may be another interpreter (pyenv, a venv) than
 * the one Debian's meson is installed for. The probe finds one that works
 * and the plan names it with --python=PATH.
 */
#ifndef QHARD_QEMU_HOST_H
#define QHARD_QEMU_HOST_H

#include "qh.h"

struct qh_qemu_python {
	char *python;    /* NULL: configure's own choice works (or no venv) */
	char *meson;     /* the meson version the chosen Python imports */
	char *needed;    /* the tree's meson_version (">=1.5.0"), if any */
	char *problem;   /* no Python qualifies: what is wrong and what to do */
};

/* Probe for the tree at qemu_src. 0, or -1 + err on ENOMEM only (a host
 * without a suitable Python gets `problem`, not an error: planning still
 * works, configure would fail). */
int qh_qemu_python_probe(const char *qemu_src, struct qh_qemu_python *out,
			 struct qh_error *err);
void qh_qemu_python_free(struct qh_qemu_python *p);

/* "1.5.0" <= "1.7.0"? Numeric, dot-separated; -1/0/1 like strcmp. */
int qh_version_cmp(const char *a, const char *b);

#endif
