/* qemu_plan_devices.c - the devices files of a plan: their text and the
 * --with-devices-ARCH= argument naming them are part of the plan value;
 * only qh_plan_write puts them on disk. */
#include "qemu_plan_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

static char *devices_text(const struct qh_plan *p, const struct qh_plan_target *t,
			  const struct want_list *w)
{
	struct qh_buf b = QH_BUF_INIT;

	qh_buf_printf(&b, "# %s.mak - written by qhard profile %s for profile %s, QEMU %s.\n"
			  "# Only these symbols and what they select are built\n"
			  "# (configure --without-default-devices). Each line names the\n"
			  "# allow-list entry (profile file:line) it comes from.\n",
		      t->name, QHARD_VERSION, p->profile_name, p->version);
	for (size_t i = 0; i < w->n; i++)
		qh_buf_printf(&b, "CONFIG_%s=%s  # %s\n", w->v[i].sym,
			      w->v[i].value ? "y" : "n", w->v[i].origin);
	return b.data ? qh_buf_detach(&b) : NULL;
}

/* --with-devices-x86_64=<out_dir/x86_64-softmmu relative to
 * <qemu>/configs/devices/x86_64-softmmu> */
static char *devices_arg(const struct qh_plan *p, const char *target,
			 struct qh_error *err)
{
	struct qh_buf path = QH_BUF_INIT, a = QH_BUF_INIT;
	char real_devdir[PATH_MAX], *rel = NULL;

	qh_buf_printf(&path, "%s/configs/devices/%s", p->qemu_src, target);
	if (!path.data || !realpath(path.data, real_devdir)) {
		qh_error_errno(err, errno, "%s", path.data ? path.data : "configs/devices");
		qh_buf_free(&path);
		return NULL;
	}
	qh_buf_reset(&path);
	qh_buf_printf(&path, "%s/%s", p->out_dir, target);
	rel = path.data ? qh_relpath(real_devdir, path.data) : NULL;
	qh_buf_free(&path);
	if (rel) /* "x86_64-softmmu" -> "x86_64" */
		qh_buf_printf(&a, "--with-devices-%.*s=%s",
			      (int)(strlen(target) - strlen("-softmmu")), target, rel);
	free(rel);
	if (!a.data)
		qh_error_set(err, "out of memory");
	return a.data ? qh_buf_detach(&a) : NULL;
}

int qh_plan_devices(struct qh_plan *p, size_t ti, const struct want_list *w,
		    struct qh_error *err)
{
	struct qh_plan_target *t = &p->targets[ti];
	struct qh_buf path = QH_BUF_INIT;

	if (!p->out_dir)
		return 0; /* a plan for its closure only (qhard audit) */
	qh_buf_printf(&path, "%s/%s.mak", p->out_dir, t->name);
	t->devices_file = path.data ? qh_buf_detach(&path) : NULL;
	p->priv->ts[ti].devices_text = devices_text(p, t, w);
	if (!t->devices_file || !p->priv->ts[ti].devices_text)
		return qh_error_set(err, "out of memory");
	t->devices_arg = devices_arg(p, t->name, err);
	return t->devices_arg ? 0 : -1;
}

int qh_plan_write(const struct qh_plan *p, struct qh_error *err)
{
	if (!p->out_dir)
		return qh_error_set(err, "this plan has no output directory");
	if (qh_mkdir_p(p->out_dir, err) < 0)
		return -1;
	for (size_t i = 0; i < p->ntargets; i++) {
		const char *file = p->targets[i].devices_file;
		const char *text = p->priv->ts[i].devices_text;
		FILE *f = fopen(file, "w");

		if (!f)
			return qh_error_errno(err, errno, "%s", file);
		fputs(text, f);
		if (fclose(f) != 0)
			return qh_error_errno(err, errno, "%s", file);
	}
	return 0;
}
