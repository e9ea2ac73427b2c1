/* qemu_plan_configure.c - the plan's configure command line (features,
 * quirks, probed hardening flags) and its shell-quoted form. */
#include "qemu_plan_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_profile.h"
#include "qemu_host.h"
#include "qemu_quirks.h"

static int add_arg(struct qh_plan *p, const char *arg, struct qh_error *err)
{
	if (!qh_qemu_tree_accepts(p->priv->tree, arg))
		return qh_error_set(err, "QEMU %s's configure does not accept %s",
				    p->version, arg);
	return qh_strlist_add(&p->configure_argv, arg) < 0 ?
		qh_error_set(err, "out of memory") : 0;
}

/* The Python configure will run meson with (qemu_host.h). */
static int choose_python(struct qh_plan *p, struct qh_error *err)
{
	struct qh_qemu_python py;
	struct qh_buf b = QH_BUF_INIT;
	int rc = 0;

	if (qh_qemu_python_probe(p->qemu_src, &py, err) < 0)
		return -1;
	if (py.python) {
		qh_buf_printf(&b, "--python=%s", py.python);
		rc = b.data ? add_arg(p, b.data, err) : qh_error_set(err, "out of memory");
		qh_strlist_addf(&p->warnings, "configure runs meson %s from %s (the Python "
				"on PATH has no meson >= %s)", py.meson, py.python,
				py.needed ? py.needed : "?");
	} else if (py.problem) {
		qh_strlist_addf(&p->warnings, "%s", py.problem);
	}
	qh_buf_free(&b);
	qh_qemu_python_free(&py);
	return rc;
}

static int join_flags(const struct qh_strlist *l, struct qh_buf *b)
{
	for (size_t i = 0; i < l->n; i++)
		if (qh_buf_printf(b, "%s%s", i ? " " : "", l->items[i]) < 0)
			return -1;
	return 0;
}

/* The features configure enables: the profile's, what they need,
 * seccomp by default, the accelerators other than TCG (which is on
 * unless disabled: *need_tcg says whether to keep it). */
static int collect_features(struct qh_plan *p, enum qh_harden_level level,
			    struct qh_strlist *features, bool *need_tcg)
{
	const struct qh_profile *pr = p->priv->profile;

	for (size_t i = 0; i < pr->enable.n; i++) {
		const char *f = pr->enable.items[i], *needs;

		if (qh_strlist_has(&pr->disable, f))
			continue;
		if (!qh_strlist_has(features, f) && qh_strlist_add(features, f) < 0)
			return -1;
		needs = qh_feature_needs(f, p->version_major, p->version_minor,
					 p->version_micro);
		if (needs && !qh_strlist_has(features, needs) &&
		    !qh_strlist_has(&pr->disable, needs)) {
			if (qh_strlist_add(features, needs) < 0)
				return -1;
			qh_strlist_addf(&p->warnings, "feature %s needs %s: enabled too", f, needs);
		}
	}
	if (level != QH_HARDEN_NONE &&
	    qh_quirk_applies(QH_QUIRK_SECCOMP_OPT_IN, p->version_major,
			     p->version_minor, p->version_micro) &&
	    qh_qemu_tree_has_feature(p->priv->tree, "seccomp") &&
	    !qh_strlist_has(features, "seccomp") && !qh_strlist_has(&pr->disable, "seccomp")) {
		if (qh_strlist_add(features, "seccomp") < 0)
			return -1;
		qh_strlist_addf(&p->warnings, "%s", qh_quirk_text(QH_QUIRK_SECCOMP_OPT_IN));
	}
	for (size_t i = 0; i < p->accelerators.n; i++) {
		if (strcmp(p->accelerators.items[i], "tcg") == 0) {
			*need_tcg = true;
			continue; /* TCG is on unless disabled */
		}
		if (!qh_strlist_has(features, p->accelerators.items[i]) &&
		    qh_strlist_add(features, p->accelerators.items[i]) < 0)
			return -1;
	}
	return 0;
}

/* --target-list, the default-off switches and the devices files. */
static int configure_targets(struct qh_plan *p, bool *need_fdt, struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	int rc = -1;

	qh_buf_printf(&b, "%s/configure", p->qemu_src);
	if (!b.data || qh_strlist_add(&p->configure_argv, b.data) < 0) {
		qh_buf_free(&b);
		return qh_error_set(err, "out of memory");
	}
	qh_buf_reset(&b);
	qh_buf_puts(&b, "--target-list=");
	for (size_t i = 0; i < p->ntargets; i++) {
		qh_buf_printf(&b, "%s%s", i ? "," : "", p->targets[i].name);
		if (p->targets[i].needs_fdt)
			*need_fdt = true;
	}
	if (!b.data || add_arg(p, b.data, err) < 0 ||
	    add_arg(p, "--without-default-features", err) < 0 ||
	    add_arg(p, "--without-default-devices", err) < 0)
		goto out;
	for (size_t i = 0; i < p->ntargets; i++)
		if (p->targets[i].devices_arg &&
		    add_arg(p, p->targets[i].devices_arg, err) < 0)
			goto out;
	rc = 0;
out:
	qh_buf_free(&b);
	return rc;
}

/* --enable-X for each feature (each must exist in this tree), then the
 * profile's --disable-X. */
static int configure_features(struct qh_plan *p, const struct qh_strlist *features,
			      struct qh_error *err)
{
	const struct qh_profile *pr = p->priv->profile;
	struct qh_buf b = QH_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < features->n && rc == 0; i++) {
		qh_buf_reset(&b);
		if (!qh_qemu_tree_has_feature(p->priv->tree, features->items[i]))
			rc = qh_error_set(err, "%s: feature '%s' does not exist in QEMU %s "
					  "(see configure --help)", pr->path,
					  features->items[i], p->version);
		else if (qh_buf_printf(&b, "--enable-%s", features->items[i]) < 0)
			rc = qh_error_set(err, "out of memory");
		else
			rc = add_arg(p, b.data, err);
	}
	for (size_t i = 0; i < pr->disable.n && rc == 0; i++) {
		qh_buf_reset(&b);
		rc = qh_buf_printf(&b, "--disable-%s", pr->disable.items[i]) < 0 ?
			qh_error_set(err, "out of memory") : add_arg(p, b.data, err);
	}
	qh_buf_free(&b);
	return rc;
}

/* The configure switches of the hardening quirks (PIE, stack protector). */
static int configure_quirks(struct qh_plan *p, enum qh_harden_level level,
			    struct qh_error *err)
{
	if (level == QH_HARDEN_NONE)
		return 0;
	if (qh_quirk_applies(QH_QUIRK_ENABLE_PIE, p->version_major, p->version_minor,
			     p->version_micro) &&
	    qh_qemu_tree_accepts(p->priv->tree, "--enable-pie") &&
	    add_arg(p, "--enable-pie", err) < 0)
		return -1;
	if (qh_quirk_applies(QH_QUIRK_STACK_PROTECTOR_OPT_IN, p->version_major,
			     p->version_minor, p->version_micro)) {
		if (add_arg(p, "--enable-stack-protector", err) < 0)
			return -1;
		qh_strlist_addf(&p->warnings, "%s",
				qh_quirk_text(QH_QUIRK_STACK_PROTECTOR_OPT_IN));
	}
	return 0;
}

/* The hardening flags (the table's and the user's), each probed against
 * the compiler into p->cflags/ldflags. */
static int probe_flags(struct qh_plan *p, const struct qh_plan_options *o,
		       enum qh_harden_level level, struct qh_error *err)
{
	const struct qh_profile *pr = p->priv->profile;
	struct qh_flag_probe probe = { o ? o->cc : NULL, o ? o->cxx : NULL,
				       o && o->no_probe };
	struct qh_buf uc = QH_BUF_INIT, ul = QH_BUF_INIT;
	int rc;

	if (pr->cflags)
		qh_buf_puts(&uc, pr->cflags);
	if (o && o->extra_cflags)
		qh_buf_printf(&uc, "%s%s", uc.len ? " " : "", o->extra_cflags);
	if (pr->ldflags)
		qh_buf_puts(&ul, pr->ldflags);
	if (o && o->extra_ldflags)
		qh_buf_printf(&ul, "%s%s", ul.len ? " " : "", o->extra_ldflags);
	rc = qh_flags_select(level, qh_plan_host_arch(o), uc.data, ul.data, &probe,
			     &p->cflags, &p->ldflags, &p->warnings, err);
	qh_buf_free(&uc);
	qh_buf_free(&ul);
	if (rc < 0)
		return -1;
	if (level != QH_HARDEN_NONE &&
	    qh_quirk_applies(QH_QUIRK_FORTIFY_FORCED_2, p->version_major, p->version_minor,
			     p->version_micro)) {
		if (qh_strlist_has(&p->cflags, "-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3"))
			qh_strlist_addf(&p->warnings, "%s", qh_quirk_text(QH_QUIRK_FORTIFY_FORCED_2));
		else
			qh_strlist_addf(&p->warnings, "QEMU %s forces -D_FORTIFY_SOURCE=2 and "
					"this compiler cannot do level 3", p->version);
	}
	return 0;
}

/* --extra-cflags=/--extra-ldflags= with the flags that passed, if any. */
static int configure_flags(struct qh_plan *p, struct qh_error *err)
{
	static const char *const opt[2] = { "--extra-cflags=", "--extra-ldflags=" };
	const struct qh_strlist *l[2] = { &p->cflags, &p->ldflags };
	struct qh_buf b = QH_BUF_INIT;
	int rc = 0;

	for (int i = 0; i < 2 && rc == 0; i++) {
		if (!l[i]->n)
			continue;
		qh_buf_reset(&b);
		qh_buf_puts(&b, opt[i]);
		rc = join_flags(l[i], &b) < 0 ? qh_error_set(err, "out of memory")
					       : add_arg(p, b.data, err);
	}
	qh_buf_free(&b);
	return rc;
}

int qh_plan_build_configure(struct qh_plan *p, const struct qh_plan_options *o,
			    enum qh_harden_level level, struct qh_error *err)
{
	struct qh_strlist features = { 0 };
	bool need_fdt = false, need_tcg = false;
	int rc = -1;

	if (configure_targets(p, &need_fdt, err) < 0)
		goto out;
	if (collect_features(p, level, &features, &need_tcg) < 0) {
		qh_error_set(err, "out of memory");
		goto out;
	}
	if (configure_features(p, &features, err) < 0 ||
	    (!need_tcg && add_arg(p, "--disable-tcg", err) < 0) ||
	    (need_fdt && add_arg(p, "--enable-fdt=system", err) < 0) ||
	    add_arg(p, "--disable-install-blobs", err) < 0 ||
	    (!(o && o->no_probe) && choose_python(p, err) < 0) ||
	    configure_quirks(p, level, err) < 0 ||
	    probe_flags(p, o, level, err) < 0 ||
	    configure_flags(p, err) < 0)
		goto out;
	rc = 0;
out:
	qh_strlist_free(&features);
	return rc;
}

static void shell_quote(struct qh_buf *b, const char *s)
{
	bool plain = *s != '\0';

	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("-_./=,+:@%", *c)))
			plain = false;
	if (plain) {
		qh_buf_puts(b, s);
		return;
	}
	qh_buf_putc(b, '\'');
	for (const char *c = s; *c; c++) {
		if (*c == '\'')
			qh_buf_puts(b, "'\\''");
		else
			qh_buf_putc(b, *c);
	}
	qh_buf_putc(b, '\'');
}

char *qh_plan_shell_line(const struct qh_plan *p)
{
	struct qh_buf b = QH_BUF_INIT;

	for (size_t i = 0; i < p->configure_argv.n; i++) {
		if (i)
			qh_buf_putc(&b, ' ');
		shell_quote(&b, p->configure_argv.items[i]);
	}
	return b.data ? qh_buf_detach(&b) : qh_strdup("");
}

int qh_plan_reference_argv(const struct qh_plan *p, struct qh_strlist *out)
{
	for (size_t i = 0; i < p->configure_argv.n; i++) {
		const char *a = p->configure_argv.items[i];

		if (strcmp(a, "--without-default-devices") == 0 ||
		    strncmp(a, "--with-devices-", 15) == 0)
			continue;
		if (qh_strlist_add(out, a) < 0)
			return -1;
	}
	return 0;
}

