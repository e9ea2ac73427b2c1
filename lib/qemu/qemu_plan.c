/* qemu_plan.c - profile + QEMU tree -> build plan (see qemu_plan.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "device_profile.h"
#include "fileio.h"
#include "qemu_plan_internal.h"

static void plan_target_free(struct qh_plan_target *t)
{
	free(t->name);
	free(t->arch);
	free(t->base_arch);
	free(t->link_blocker);
	free(t->devices_file);
	free(t->devices_arg);
	qh_strlist_free(&t->symbols);
	qh_strlist_free(&t->default_symbols);
	qh_strlist_free(&t->devices);
	qh_strlist_free(&t->machines);
	qh_strlist_free(&t->qom_types);
	qh_strlist_free(&t->removed_qom_types);
	qh_strlist_free(&t->sources);
	qh_strlist_free(&t->default_sources);
}

void qh_plan_free(struct qh_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ntargets; i++)
		plan_target_free(&p->targets[i]);
	free(p->targets);
	free(p->profile_name);
	free(p->profile_path);
	free(p->description);
	free(p->qemu_src);
	free(p->out_dir);
	free(p->version);
	qh_strlist_free(&p->configure_argv);
	qh_strlist_free(&p->cflags);
	qh_strlist_free(&p->ldflags);
	qh_strlist_free(&p->warnings);
	qh_strlist_free(&p->accelerators);
	if (p->priv) {
		for (size_t i = 0; i < p->priv->nts; i++) {
			qh_kconfig_free(p->priv->ts[i].kc);
			qh_strlist_free(&p->priv->ts[i].host);
			free(p->priv->ts[i].devices_text);
		}
		free(p->priv->ts);
		qh_profile_free(p->priv->profile);
		qh_qemu_tree_free(p->priv->tree);
		qh_meson_scan_free(p->priv->ms);
		qh_qom_index_free(p->priv->qom);
		free(p->priv);
	}
	free(p);
}

static bool safe_path(const char *p)
{
	/* configure rejects odd characters in --with-devices-ARCH=... and
	 * quotes the value into a meson cross file: keep it boring */
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '/' || *p == '.' || *p == '_' ||
		      *p == '-' || *p == '+'))
			return false;
	return true;
}

const char *qh_plan_host_arch(const struct qh_plan_options *o)
{
	static struct utsname u;

	if (o && o->host_arch)
		return o->host_arch;
	if (uname(&u) < 0)
		return "x86_64";
	return u.machine;
}

static struct qh_plan *plan_new(struct qh_error *err)
{
	struct qh_plan *p = calloc(1, sizeof(*p));

	if (p && !(p->priv = calloc(1, sizeof(*p->priv)))) {
		free(p);
		p = NULL;
	}
	if (!p)
		qh_error_set(err, "out of memory");
	return p;
}

/* The plan's out_dir: absolute and canonical (it need not exist yet:
 * qh_plan_write creates it), outside the QEMU tree, and plain enough for
 * configure's --with-devices-ARCH=. */
static int check_out_dir(struct qh_plan *p, const char *out_dir, struct qh_error *err)
{
	char real_out[PATH_MAX];
	size_t n = strlen(p->qemu_src);

	if (qh_resolve_path(out_dir, real_out, err) < 0)
		return -1;
	if (strncmp(real_out, p->qemu_src, n) == 0 &&
	    (real_out[n] == '/' || !real_out[n]))
		return qh_error_set(err, "%s is inside the QEMU source tree: qhard never "
				    "writes there", real_out);
	if (!safe_path(real_out) || !safe_path(p->qemu_src))
		return qh_error_set(err, "%s or %s has characters configure cannot take in "
				    "--with-devices-ARCH= (use [A-Za-z0-9._+/-])",
				    real_out, p->qemu_src);
	p->out_dir = qh_strdup(real_out);
	return p->out_dir ? 0 : qh_error_set(err, "out of memory");
}

static struct qh_plan *plan_from_profile(struct qh_profile *pr, const char *qemu_src,
					 const char *out_dir,
					 const struct qh_plan_options *opts,
					 struct qh_error *err)
{
	struct qh_plan *p = plan_new(err);
	enum qh_harden_level level = QH_HARDEN_STRICT;
	struct qh_strlist files = { 0 };
	const char *host = qh_plan_host_arch(opts);

	if (!p) {
		qh_profile_free(pr);
		return NULL;
	}
	p->priv->profile = pr;
	p->profile_name = qh_strdup(pr->name);
	p->profile_path = qh_strdup(pr->path);
	p->description = qh_strdup(pr->description ? pr->description : "");
	if (pr->level && qh_harden_level_parse(pr->level, &level) < 0) {
		qh_error_set(err, "%s: bad hardening level '%s'", pr->path, pr->level);
		goto fail;
	}
	p->priv->tree = qh_qemu_tree_open(qemu_src, err);
	if (!p->priv->tree)
		goto fail;
	p->qemu_src = qh_strdup(p->priv->tree->root);
	p->version = qh_strdup(opts && opts->version_override ? opts->version_override
						      : p->priv->tree->version);
	p->version_major = p->priv->tree->major;
	p->version_minor = p->priv->tree->minor;
	p->version_micro = p->priv->tree->micro;
	if (opts && opts->version_override &&
	    qh_qemu_version_parse(opts->version_override, &p->version_major,
				  &p->version_minor, &p->version_micro) < 0) {
		qh_error_set(err, "bad QEMU version '%s'", opts->version_override);
		goto fail;
	}
	if (out_dir && !*out_dir) {
		qh_error_set(err, "an output directory is needed for the devices files");
		goto fail;
	}
	if (out_dir && check_out_dir(p, out_dir, err) < 0)
		goto fail;
	if (!p->profile_name || !p->profile_path || !p->description || !p->qemu_src ||
	    !p->version)
		goto oom;
	for (size_t i = 0; i < pr->targets.n; i++) {
		const struct qh_qemu_target *qt = qh_qemu_tree_target(p->priv->tree,
								       pr->targets.items[i]);

		if (!qt || !qt->softmmu || !qt->arch) {
			qh_error_set(err, "%s: QEMU %s has no system target '%s'", pr->path,
				     p->version, pr->targets.items[i]);
			goto fail;
		}
	}
	p->priv->ms = qh_meson_scan_tree(p->qemu_src, "hw", err);
	if (!p->priv->ms)
		goto fail;
	for (size_t i = 0; i < qh_meson_ndiags(p->priv->ms); i++)
		qh_strlist_addf(&p->warnings, "meson: %s", qh_meson_diag(p->priv->ms, i));
	if (qh_meson_all_files(p->priv->ms, &files) < 0)
		goto oom;
	p->priv->qom = qh_qom_index_build(p->qemu_src, &files, err);
	qh_strlist_free(&files);
	if (!p->priv->qom)
		goto fail;
	if (qh_qom_ndiags(p->priv->qom))
		qh_strlist_addf(&p->warnings, "QOM index: %zu type names could not be resolved "
				"statically (e.g. %s)", qh_qom_ndiags(p->priv->qom),
				qh_qom_diag(p->priv->qom, 0));
	p->targets = calloc(pr->targets.n, sizeof(*p->targets));
	p->priv->ts = calloc(pr->targets.n, sizeof(*p->priv->ts));
	if (!p->targets || !p->priv->ts)
		goto oom;
	p->ntargets = pr->targets.n;
	p->priv->nts = pr->targets.n;
	for (size_t i = 0; i < pr->targets.n; i++)
		if (qh_plan_build_target(p, i, qh_qemu_tree_target(p->priv->tree, pr->targets.items[i]),
				 host, err) < 0)
			goto fail;
	if (qh_plan_build_configure(p, opts, level, err) < 0)
		goto fail;
	return p;
oom:
	qh_error_set(err, "out of memory");
fail:
	qh_plan_free(p);
	return NULL;
}

struct qh_plan *qh_plan_create(const char *profile_path, const char *qemu_src,
			       const char *out_dir,
			       const struct qh_plan_options *opts,
			       struct qh_error *err)
{
	struct qh_profile *pr = qh_profile_load(profile_path, err);

	if (!pr)
		return NULL;
	return plan_from_profile(pr, qemu_src, out_dir, opts, err);
}

struct qh_plan *qh_plan_create_from(struct qh_profile *profile, const char *qemu_src,
				    const char *out_dir,
				    const struct qh_plan_options *opts,
				    struct qh_error *err)
{
	return plan_from_profile(profile, qemu_src, out_dir, opts, err);
}

