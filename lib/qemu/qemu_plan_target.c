/* qemu_plan_target.c - one softmmu target of a plan: the accelerators
 * that apply, the Kconfig symbols the profile wants (traced to its
 * lines), the closure they give, and the distro default set it is
 * compared with. */
#include "qemu_plan_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_profile.h"
#include "qemu_quirks.h"
#include "resolver.h"

int qh_plan_add_want(struct want_list *w, const char *sym, const char *origin,
		     bool value)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].sym, sym) == 0)
			return 0;
	if (qh_array_reserve((void **)&w->v, &w->cap, w->n + 1, sizeof(*w->v)) < 0)
		return -1;
	w->v[w->n].sym = qh_strdup(sym);
	w->v[w->n].origin = origin;
	w->v[w->n].value = value;
	if (!w->v[w->n].sym)
		return -1;
	w->n++;
	return 0;
}

void qh_plan_wants_free(struct want_list *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].sym);
	free(w->v);
}

static bool sym_on(const struct qh_kconfig *kc, const char *name)
{
	int s = qh_kconfig_find(kc, name);

	return s >= 0 && kc->syms[s].value == 1;
}

/* Closures QEMU accepts but cannot link (qh_link_defects): add the
 * symbol that fixes it, as a want with the defect as its origin, or mark
 * the target when nothing short of a board does. */
static int avoid_link_defects(struct qh_plan *p, struct qh_plan_target *t,
			      struct plan_target_state *st, struct want_list *w,
			      struct qh_error *err)
{
	bool added = false;

	for (size_t i = 0; i < qh_link_defects_count; i++) {
		const struct qh_link_defect *d = &qh_link_defects[i];

		if (!qh_link_defect_applies(d, p->version_major, p->version_minor,
					    p->version_micro, t->base_arch) ||
		    !sym_on(st->kc, d->when_on) || sym_on(st->kc, d->when_off))
			continue;
		qh_strlist_addf(&p->warnings, "%s: %s", t->name, d->what);
		if (!d->add) {
			free(t->link_blocker);
			t->link_blocker = qh_strdup(d->what);
			if (!t->link_blocker)
				return qh_error_set(err, "out of memory");
			continue;
		}
		for (const char *a = d->add; *a; a += strcspn(a, " "), a += strspn(a, " ")) {
			char sym[64];

			snprintf(sym, sizeof(sym), "%.*s", (int)strcspn(a, " "), a);
			if (qh_plan_add_want(w, sym, d->what, true) < 0)
				return qh_error_set(err, "out of memory");
			if (qh_kconfig_assign(st->kc, sym, true, false, d->what, err) < 0)
				return -1;
		}
		added = true;
	}
	if (added && qh_kconfig_evaluate(st->kc, QH_KCONFIG_ALLNO, err) < 0)
		return qh_error_prefix(err, "%s: the allow list cannot be satisfied: ", t->name);
	return 0;
}

/* The profile's accelerators that can run this target on this host. */
static int target_accels(struct qh_plan *p, const struct qh_qemu_target *qt,
			 const char *host, struct qh_strlist *accels, struct qh_error *err)
{
	const struct qh_profile *pr = p->priv->profile;

	for (size_t i = 0; i < pr->accelerators.n; i++) {
		const char *a = pr->accelerators.items[i];

		if (strcmp(a, "kvm") == 0 && !qh_plan_kvm_for(host, qt->base_arch)) {
			qh_strlist_addf(&p->warnings, "%s: KVM cannot run %s guests on a %s host",
					qt->name, qt->base_arch, host);
			continue;
		}
		if (qh_strlist_add(accels, a) < 0)
			return qh_error_set(err, "out of memory");
	}
	if (!accels->n)
		return qh_error_set(err, "%s: no accelerator in [features] accelerators can "
				    "run it on this %s host (add tcg)", qt->name, host);
	return 0;
}

/* The machines and allow list, resolved to Kconfig symbols: the wants,
 * each traced to its profile line; the names go to t->machines/devices. */
static int collect_wants(struct qh_plan *p, struct qh_plan_target *t,
			 const struct qh_resolver *r, struct want_list *w,
			 struct qh_error *err)
{
	const struct qh_profile *pr = p->priv->profile;

	for (int pass = 0; pass < 2; pass++) {
		size_t n = pass ? pr->nallow : pr->nmachines;
		const struct qh_profile_item *items = pass ? pr->allow : pr->machines;

		for (size_t i = 0; i < n; i++) {
			struct qh_strlist syms = { 0 };
			char *note = NULL;
			int rc = 0;

			if (qh_resolve_word(r, items[i].name, pass == 0, &syms, &note, err) < 0)
				return qh_error_prefix(err, "%s: ", items[i].origin);
			if (note)
				qh_strlist_addf(&p->warnings, "%s: %s", items[i].origin, note);
			free(note);
			for (size_t k = 0; k < syms.n && rc == 0; k++)
				rc = qh_plan_add_want(w, syms.items[k], items[i].origin, true);
			qh_strlist_free(&syms);
			if (rc < 0 ||
			    qh_strlist_add(pass ? &t->devices : &t->machines, items[i].name) < 0)
				return qh_error_set(err, "out of memory");
		}
	}
	return 0;
}

/* QEMU's x86 boards default to y: boards outside the closure of what the
 * profile wants are switched off explicitly (a board the wanted ones
 * select, like PC under Q35, stays). */
static int switch_off_boards(struct qh_plan *p, const struct qh_qemu_target *qt,
			     struct plan_target_state *st, const struct qh_resolver *r,
			     struct want_list *w, struct qh_error *err)
{
	const char *why = qh_quirk_text(QH_QUIRK_X86_BOARDS_DEFAULT_Y);
	struct qh_strlist boards = { 0 };
	size_t first = w->n;

	if (strcmp(qt->base_arch, "i386") != 0 ||
	    !qh_quirk_applies(QH_QUIRK_X86_BOARDS_DEFAULT_Y, p->version_major,
			      p->version_minor, p->version_micro))
		return 0;
	if (qh_resolve_boards(r, &boards) < 0)
		return qh_error_set(err, "out of memory");
	for (size_t i = 0; i < boards.n; i++) {
		int s = qh_kconfig_find(st->kc, boards.items[i]);

		if (s >= 0 && st->kc->syms[s].value == 0 &&
		    qh_plan_add_want(w, boards.items[i], why, false) < 0) {
			qh_strlist_free(&boards);
			return qh_error_set(err, "out of memory");
		}
	}
	qh_strlist_free(&boards);
	for (size_t i = first; i < w->n; i++)
		if (qh_kconfig_assign(st->kc, w->v[i].sym, false, false, w->v[i].origin, err) < 0)
			return -1;
	if (w->n == first)
		return 0;
	qh_strlist_addf(&p->warnings, "%s", why);
	if (qh_kconfig_evaluate(st->kc, QH_KCONFIG_ALLNO, err) < 0)
		return qh_error_prefix(err, "%s: the allow list cannot be satisfied: ",
				       qt->name);
	return 0;
}

/* The profile's closure for target ti: symbols, sources, QOM types. */
static int profile_closure(struct qh_plan *p, size_t ti, const struct qh_qemu_target *qt,
			   const struct qh_strlist *accels, struct want_list *w,
			   struct qh_error *err)
{
	struct qh_plan_priv *pv = p->priv;
	struct qh_plan_target *t = &p->targets[ti];
	struct plan_target_state *st = &pv->ts[ti];
	struct qh_resolver r;

	st->kc = qh_plan_load_kconfig(p->qemu_src, &p->warnings, ti == 0, err);
	if (!st->kc)
		return -1;
	t->needs_fdt = qt->need_fdt;
	if (qh_plan_external_symbols(st->kc, pv->profile, t, false, accels, &st->host) < 0)
		return qh_error_set(err, "out of memory");
	r.kc = st->kc;
	r.ms = pv->ms;
	r.qom = pv->qom;
	r.base_arch = qt->base_arch;
	if (collect_wants(p, t, &r, w, err) < 0)
		return -1;
	for (size_t i = 0; i < w->n; i++)
		if (qh_kconfig_assign(st->kc, w->v[i].sym, w->v[i].value, false,
				      w->v[i].origin, err) < 0)
			return -1;
	if (qh_plan_assign_external(st->kc, &st->host, err) < 0)
		return -1;
	if (qh_plan_evaluate_closure(p, t, st, err) < 0)
		return qh_error_prefix(err, "%s: the allow list cannot be satisfied: ", qt->name);
	if (switch_off_boards(p, qt, st, &r, w, err) < 0 ||
	    avoid_link_defects(p, t, st, w, err) < 0)
		return -1;
	if (qh_plan_closure_list(st->kc, &t->symbols) < 0 ||
	    qh_plan_compiled(pv, st->kc, &st->host, qt->base_arch, &t->sources,
			     &t->qom_types) < 0)
		return qh_error_set(err, "out of memory");
	return 0;
}

/* The distro default set (default.mak with defaults followed, every
 * accelerator the host has) and the QOM types it has that the plan drops. */
static int default_closure(struct qh_plan *p, struct qh_plan_target *t,
			   const struct qh_qemu_target *qt, const char *host,
			   struct qh_error *err)
{
	struct qh_kconfig *def = qh_plan_load_kconfig(p->qemu_src, &p->warnings, false, err);
	struct qh_strlist all_accels = { 0 }, defhost = { 0 }, deftypes = { 0 };
	struct qh_buf path = QH_BUF_INIT;
	int rc = -1;

	if (!def)
		return -1;
	qh_buf_printf(&path, "%s/configs/devices/%s/default.mak", p->qemu_src, qt->name);
	if (qh_kconfig_parse_file(def, path.data, err) < 0)
		goto out;
	if (qh_strlist_add(&all_accels, "tcg") < 0 ||
	    (qh_plan_kvm_for(host, qt->base_arch) && qh_strlist_add(&all_accels, "kvm") < 0) ||
	    qh_plan_external_symbols(def, p->priv->profile, t, true, &all_accels, &defhost) < 0)
		goto oom;
	if (qh_plan_assign_external(def, &defhost, err) < 0)
		goto out;
	if (qh_kconfig_evaluate(def, QH_KCONFIG_DEFCONFIG, err) < 0) {
		qh_error_prefix(err, "%s: default device set: ", qt->name);
		goto out;
	}
	if (qh_plan_closure_list(def, &t->default_symbols) < 0 ||
	    qh_plan_compiled(p->priv, def, &defhost, qt->base_arch, &t->default_sources,
			     &deftypes) < 0)
		goto oom;
	for (size_t i = 0; i < deftypes.n; i++)
		if (!qh_strlist_has(&t->qom_types, deftypes.items[i]) &&
		    qh_strlist_add(&t->removed_qom_types, deftypes.items[i]) < 0)
			goto oom;
	rc = 0;
	goto out;
oom:
	qh_error_set(err, "out of memory");
out:
	qh_buf_free(&path);
	qh_strlist_free(&all_accels);
	qh_strlist_free(&defhost);
	qh_strlist_free(&deftypes);
	qh_kconfig_free(def);
	return rc;
}

int qh_plan_build_target(struct qh_plan *p, size_t ti, const struct qh_qemu_target *qt,
			 const char *host, struct qh_error *err)
{
	struct qh_plan_target *t = &p->targets[ti];
	struct qh_strlist accels = { 0 };
	struct want_list w = { 0 };
	int rc = -1;

	t->name = qh_strdup(qt->name);
	t->arch = qh_strdup(qt->arch);
	t->base_arch = qh_strdup(qt->base_arch);
	if (!t->name || !t->arch || !t->base_arch) {
		qh_error_set(err, "out of memory");
		goto out;
	}
	if (target_accels(p, qt, host, &accels, err) < 0 ||
	    profile_closure(p, ti, qt, &accels, &w, err) < 0 ||
	    default_closure(p, t, qt, host, err) < 0 ||
	    qh_plan_devices(p, ti, &w, err) < 0)
		goto out;
	for (size_t i = 0; i < accels.n; i++)
		if (!qh_strlist_has(&p->accelerators, accels.items[i]) &&
		    qh_strlist_add(&p->accelerators, accels.items[i]) < 0) {
			qh_error_set(err, "out of memory");
			goto out;
		}
	rc = 0;
out:
	qh_plan_wants_free(&w);
	qh_strlist_free(&accels);
	return rc;
}
