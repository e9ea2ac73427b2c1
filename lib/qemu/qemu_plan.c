/* qemu_plan.c - profile + QEMU tree -> build plan (see qemu_plan.h). */
#include "qemu_plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plan --------------------------------------------------------- */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "device_profile.h"
#include "flags.h"
#include "kconfig.h"
#include "meson_scan.h"
#include "qemu_host.h"
#include "qemu_quirks.h"
#include "qemu_tree.h"
#include "qom_index.h"
#include "resolver.h"

/* Kconfig.host proxies (meson.build's host_kconfig): which configure
 * feature turns each one on. LINUX and IVSHMEM (eventfd) come with any
 * Linux host. Symbols this tree does not define are skipped. */
static const struct {
	const char *feature; /* NULL: always on a Linux host */
	const char *symbol;
	bool in_default;     /* on in a default (distro) configure */
} host_symbols[] = {
	{ NULL, "LINUX", true },
	{ NULL, "IVSHMEM", true },
	{ "tpm", "TPM", true },
	{ "vhost-user", "VHOST_USER", true },
	{ "vhost-vdpa", "VHOST_VDPA", true },
	{ "vhost-kernel", "VHOST_KERNEL", true },
	{ "virtfs", "VIRTFS", true },
	{ "spice", "SPICE", true },
	{ "opengl", "OPENGL", true },
	{ "multiprocess", "MULTIPROCESS_ALLOWED", true },
	{ "vfio-user-server", "VFIO_USER_SERVER_ALLOWED", false },
	{ "pvrdma", "PVRDMA", false },
	/* QEMU 9+: library proxies; --without-default-features turns the
	 * libraries off unless the profile enables them */
	{ "pixman", "PIXMAN", true },
	{ "gnutls", "GNUTLS", true },
	{ "libcbor", "LIBCBOR", false },
	{ "hv-balloon", "HV_BALLOON_POSSIBLE", true },
	{ "rust", "HAVE_RUST", false },
	/* FDT (QEMU 10: a Kconfig dependency of device-tree boards) is on
	 * when libfdt is found; the plan asks for it with --enable-fdt=system
	 * where the closure needs it (fdt_symbol_needed) */
	{ "fdt", "FDT", true },
};

/* Per-target state kept for --explain. */
struct plan_target_state {
	struct qh_kconfig *kc;  /* evaluated with the profile's devices */
	struct qh_strlist host; /* external symbols: host, accel, arch */
};

struct qh_plan_priv {
	struct qh_profile *profile;
	struct qh_qemu_tree *tree;
	struct qh_meson_scan *ms;
	struct qh_qom_index *qom;
	struct plan_target_state *ts;
	size_t nts;
};

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

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* Relative path from directory `from` to `to` (both absolute, canonical). */
static char *relpath(const char *from, const char *to)
{
	struct qh_buf b = QH_BUF_INIT;
	size_t i = 0, common = 0;

	while (from[i] && from[i] == to[i]) {
		if (from[i] == '/')
			common = i;
		i++;
	}
	if (!from[i] && (to[i] == '/' || !to[i]))
		common = i;
	for (const char *p = from + common; *p; p++)
		if (*p == '/')
			qh_buf_puts(&b, "../");
	qh_buf_puts(&b, to[common] == '/' ? to + common + 1 : to + common);
	return b.data ? qh_buf_detach(&b) : NULL;
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

static const char *host_arch(const struct qh_plan_options *o)
{
	static struct utsname u;

	if (o && o->host_arch)
		return o->host_arch;
	if (uname(&u) < 0)
		return "x86_64";
	return u.machine;
}

/* Can KVM run this target on this host? (meson.build's kvm_targets) */
static bool kvm_for(const char *host, const char *base_arch)
{
	if (strcmp(host, "x86_64") == 0 || strcmp(host, "i686") == 0)
		return strcmp(base_arch, "i386") == 0;
	if (strcmp(host, "aarch64") == 0)
		return strcmp(base_arch, "arm") == 0;
	if (strcmp(host, "ppc64le") == 0 || strcmp(host, "ppc64") == 0)
		return strcmp(base_arch, "ppc") == 0;
	if (strcmp(host, "s390x") == 0)
		return strcmp(base_arch, "s390x") == 0;
	if (strncmp(host, "mips", 4) == 0)
		return strcmp(base_arch, "mips") == 0;
	if (strcmp(host, "riscv64") == 0)
		return strcmp(base_arch, "riscv") == 0;
	return false;
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* Parse the whole Kconfig tree plus assignments; NULL + err. */
static struct qh_kconfig *load_kconfig(const char *root, struct qh_strlist *warnings,
				       bool report_diags, struct qh_error *err)
{
	struct qh_kconfig *kc = qh_kconfig_new(err);
	struct qh_buf path = QH_BUF_INIT;

	if (!kc)
		return NULL;
	qh_buf_printf(&path, "%s/Kconfig", root);
	if (!path.data || qh_kconfig_parse_file(kc, path.data, err) < 0) {
		qh_buf_free(&path);
		qh_kconfig_free(kc);
		return NULL;
	}
	qh_buf_free(&path);
	if (report_diags)
		for (size_t i = 0; i < kc->ndiags; i++)
			qh_strlist_addf(warnings, "Kconfig: %s", kc->diags[i]);
	return kc;
}

static int assign_external(struct qh_kconfig *kc, const struct qh_strlist *host,
			   struct qh_error *err)
{
	for (size_t i = 0; i < host->n; i++)
		if (qh_kconfig_assign(kc, host->items[i], true, true, NULL, err) < 0)
			return -1;
	return 0;
}

static int closure_list(const struct qh_kconfig *kc, struct qh_strlist *out)
{
	for (size_t i = 0; i < kc->nsyms; i++) {
		bool external = false;

		if (kc->syms[i].value != 1)
			continue;
		for (size_t c = 0; c < kc->nclauses && !external; c++)
			if (kc->clauses[c].dest == (int)i && kc->clauses[c].external)
				external = true;
		/* minikconf leaves command-line symbols out of its output */
		if (!external && qh_strlist_addf(out, "CONFIG_%s", kc->syms[i].name) < 0)
			return -1;
	}
	qh_strlist_sort(out);
	return 0;
}

struct sym_ctx {
	const struct qh_kconfig *kc;
	const struct qh_strlist *host; /* "KVM", "LINUX", ... */
	const char *base_arch;
};

static bool sym_true(const char *sym, void *vctx)
{
	const struct sym_ctx *c = vctx;
	int s;

	if (strncmp(sym, "ARCH_", 5) == 0)
		return strcmp(sym + 5, c->base_arch) == 0;
	if (strncmp(sym, "CONFIG_", 7) != 0)
		return false;
	sym += 7;
	/* keys meson's config_target has for every system emulator (7.2:
	 * SOFTMMU; from 8.x also SYSTEM_ONLY, which QEMU 10's
	 * common_ss.add_all(when: 'CONFIG_SYSTEM_ONLY', ...) reads) and the
	 * POSIX host */
	if (strcmp(sym, "SOFTMMU") == 0 || strcmp(sym, "SYSTEM_ONLY") == 0 ||
	    strcmp(sym, "POSIX") == 0)
		return true;
	if (strcmp(sym, "ALL") == 0)
		return false;
	if (qh_strlist_has(c->host, sym))
		return true;
	s = qh_kconfig_find(c->kc, sym);
	return s >= 0 && c->kc->syms[s].value == 1;
}

static bool want_feature(const struct qh_profile *pr, const char *f)
{
	return qh_strlist_has(&pr->enable, f) && !qh_strlist_has(&pr->disable, f);
}

/* Host + accelerator + target-arch symbols, as meson passes them. */
static int external_symbols(const struct qh_kconfig *kc, const struct qh_profile *pr,
			    const struct qh_plan_target *t, bool defaults,
			    const struct qh_strlist *accels, struct qh_strlist *out)
{
	char arch[64];

	for (size_t i = 0; i < QH_ARRAY_LEN(host_symbols); i++) {
		int s = qh_kconfig_find(kc, host_symbols[i].symbol);
		bool fdt = strcmp(host_symbols[i].symbol, "FDT") == 0;
		bool on = defaults ? host_symbols[i].in_default
				   : (!host_symbols[i].feature ||
				      want_feature(pr, host_symbols[i].feature) ||
				      (fdt && t->needs_fdt));

		if (on && s >= 0 && kc->syms[s].defined &&
		    qh_strlist_add(out, host_symbols[i].symbol) < 0)
			return -1;
	}
	for (size_t i = 0; i < accels->n; i++) {
		char a[32];

		snprintf(a, sizeof(a), "%s", accels->items[i]);
		upper(a);
		if (qh_strlist_add(out, a) < 0)
			return -1;
	}
	snprintf(arch, sizeof(arch), "%s", t->arch);
	upper(arch);
	return qh_strlist_add(out, arch);
}

/* Symbols of the closure whose `depends on` reads `host` (FDT). */
static int needing(const struct qh_kconfig *kc, int host, struct qh_buf *names)
{
	size_t n = 0;

	for (size_t i = 0; i < kc->nclauses; i++) {
		const struct qh_kclause *c = &kc->clauses[i];

		if (c->kind == QH_KC_DEPENDS && kc->syms[c->dest].value == 1 &&
		    qh_kexpr_reads(kc, c->cond, host))
			qh_buf_printf(names, "%s%s", n++ ? ", " : "", kc->syms[c->dest].name);
	}
	return (int)n;
}

/* Evaluate the profile's closure. When it cannot be satisfied and the tree
 * has the FDT host symbol off, libfdt may be what is missing (QEMU 10's
 * microvm and ARM boards `depends on FDT`): try again with it, and keep
 * it (the configure line gets --enable-fdt=system) only if that works. */
static int evaluate_closure(struct qh_plan *p, struct qh_plan_target *t,
			    struct plan_target_state *st, struct qh_error *err)
{
	int fdt = qh_kconfig_find(st->kc, "FDT");
	struct qh_buf why = QH_BUF_INIT;

	if (qh_kconfig_evaluate(st->kc, QH_KCONFIG_ALLNO, err) == 0)
		return 0;
	if (t->needs_fdt || fdt < 0 || !st->kc->syms[fdt].defined)
		return -1;
	if (qh_strlist_add(&st->host, "FDT") < 0 ||
	    qh_kconfig_assign(st->kc, "FDT", true, true, NULL, err) < 0)
		return qh_error_set(err, "out of memory");
	if (qh_kconfig_evaluate(st->kc, QH_KCONFIG_ALLNO, err) < 0)
		return -1;
	t->needs_fdt = true;
	needing(st->kc, fdt, &why);
	qh_strlist_addf(&p->warnings, "%s: %s depend%s on FDT: libfdt is built in "
			"(--enable-fdt=system)", t->name, why.data ? why.data : "the closure",
			why.data && strchr(why.data, ',') ? "" : "s");
	qh_buf_free(&why);
	return 0;
}

struct want {
	char *sym;
	const char *origin; /* owned by the profile */
	bool value;
};

static int add_want(struct want **w, size_t *n, size_t *cap, const char *sym,
		    const char *origin, bool value)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*w)[i].sym, sym) == 0)
			return 0;
	if (qh_array_reserve((void **)w, cap, *n + 1, sizeof(**w)) < 0)
		return -1;
	(*w)[*n].sym = qh_strdup(sym);
	(*w)[*n].origin = origin;
	(*w)[*n].value = value;
	if (!(*w)[*n].sym)
		return -1;
	(*n)++;
	return 0;
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
			      struct plan_target_state *st, struct want **w, size_t *nw,
			      size_t *wcap, struct qh_error *err)
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
			if (add_want(w, nw, wcap, sym, d->what, true) < 0)
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

static int write_devices_file(const struct qh_plan *p, const struct qh_plan_target *t,
			      const struct want *w, size_t n, struct qh_error *err)
{
	FILE *f = fopen(t->devices_file, "w");

	if (!f)
		return qh_error_errno(err, errno, "%s", t->devices_file);
	fprintf(f, "# %s.mak - written by qhard profile %s for profile %s, QEMU %s.\n"
		   "# Only these symbols and what they select are built\n"
		   "# (configure --without-default-devices). Each line names the\n"
		   "# allow-list entry (profile file:line) it comes from.\n",
		t->name, QHARD_VERSION, p->profile_name, p->version);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "CONFIG_%s=%s  # %s\n", w[i].sym, w[i].value ? "y" : "n",
			w[i].origin);
	if (fclose(f) != 0)
		return qh_error_errno(err, errno, "%s", t->devices_file);
	return 0;
}

static int build_target(struct qh_plan *p, size_t ti, const struct qh_qemu_target *qt,
			const char *host, struct qh_error *err)
{
	struct qh_plan_priv *pv = p->priv;
	struct qh_profile *pr = pv->profile;
	struct qh_plan_target *t = &p->targets[ti];
	struct plan_target_state *st = &pv->ts[ti];
	struct qh_kconfig *def = NULL;
	struct qh_strlist accels = { 0 }, defhost = { 0 }, deftypes = { 0 };
	struct want *w = NULL;
	size_t nw = 0, wcap = 0;
	struct qh_resolver r;
	struct qh_buf path = QH_BUF_INIT;
	char real_devdir[PATH_MAX], *rel = NULL;
	const char *arch_dir;
	int rc = -1;

	t->name = qh_strdup(qt->name);
	t->arch = qh_strdup(qt->arch);
	t->base_arch = qh_strdup(qt->base_arch);
	if (!t->name || !t->arch || !t->base_arch)
		goto oom;
	/* accelerators that apply to this target */
	for (size_t i = 0; i < pr->accelerators.n; i++) {
		const char *a = pr->accelerators.items[i];

		if (strcmp(a, "kvm") == 0 && !kvm_for(host, qt->base_arch)) {
			qh_strlist_addf(&p->warnings, "%s: KVM cannot run %s guests on a %s host",
					qt->name, qt->base_arch, host);
			continue;
		}
		if (qh_strlist_add(&accels, a) < 0)
			goto oom;
	}
	if (!accels.n) {
		qh_error_set(err, "%s: no accelerator in [features] accelerators can run it on "
				  "this %s host (add tcg)", qt->name, host);
		goto out;
	}
	/* the profile's closure */
	st->kc = load_kconfig(p->qemu_src, &p->warnings, ti == 0, err);
	if (!st->kc)
		goto out;
	t->needs_fdt = qt->need_fdt;
	if (external_symbols(st->kc, pr, t, false, &accels, &st->host) < 0)
		goto oom;
	r.kc = st->kc;
	r.ms = pv->ms;
	r.qom = pv->qom;
	r.base_arch = qt->base_arch;
	for (int pass = 0; pass < 2; pass++) {
		size_t n = pass ? pr->nallow : pr->nmachines;
		const struct qh_profile_item *items = pass ? pr->allow : pr->machines;

		for (size_t i = 0; i < n; i++) {
			struct qh_strlist syms = { 0 };
			char *note = NULL;

			if (qh_resolve_word(&r, items[i].name, pass == 0, &syms, &note, err) < 0) {
				qh_error_prefix(err, "%s: ", items[i].origin);
				goto out;
			}
			if (note)
				qh_strlist_addf(&p->warnings, "%s: %s", items[i].origin, note);
			free(note);
			for (size_t k = 0; k < syms.n; k++)
				if (add_want(&w, &nw, &wcap, syms.items[k], items[i].origin, true) < 0) {
					qh_strlist_free(&syms);
					goto oom;
				}
			qh_strlist_free(&syms);
			if (qh_strlist_add(pass ? &t->devices : &t->machines, items[i].name) < 0)
				goto oom;
		}
	}
	for (size_t i = 0; i < nw; i++)
		if (qh_kconfig_assign(st->kc, w[i].sym, w[i].value, false, w[i].origin, err) < 0)
			goto out;
	if (assign_external(st->kc, &st->host, err) < 0)
		goto out;
	if (evaluate_closure(p, t, st, err) < 0) {
		qh_error_prefix(err, "%s: the allow list cannot be satisfied: ", qt->name);
		goto out;
	}
	if (strcmp(qt->base_arch, "i386") == 0 &&
	    qh_quirk_applies(QH_QUIRK_X86_BOARDS_DEFAULT_Y, p->version_major,
			     p->version_minor, p->version_micro)) {
		/* boards outside the closure of what the profile wants are
		 * switched off explicitly (a board the wanted ones select,
		 * like PC under Q35, stays) */
		struct qh_strlist boards = { 0 };
		size_t first = nw;

		if (qh_resolve_boards(&r, &boards) < 0)
			goto oom;
		for (size_t i = 0; i < boards.n; i++) {
			int s = qh_kconfig_find(st->kc, boards.items[i]);

			if (s >= 0 && st->kc->syms[s].value == 0 &&
			    add_want(&w, &nw, &wcap, boards.items[i],
				     qh_quirk_text(QH_QUIRK_X86_BOARDS_DEFAULT_Y), false) < 0) {
				qh_strlist_free(&boards);
				goto oom;
			}
		}
		qh_strlist_free(&boards);
		for (size_t i = first; i < nw; i++)
			if (qh_kconfig_assign(st->kc, w[i].sym, false, false, w[i].origin, err) < 0)
				goto out;
		if (nw > first) {
			qh_strlist_addf(&p->warnings, "%s", qh_quirk_text(QH_QUIRK_X86_BOARDS_DEFAULT_Y));
			if (qh_kconfig_evaluate(st->kc, QH_KCONFIG_ALLNO, err) < 0) {
				qh_error_prefix(err, "%s: the allow list cannot be satisfied: ",
						qt->name);
				goto out;
			}
		}
	}
	if (avoid_link_defects(p, t, st, &w, &nw, &wcap, err) < 0)
		goto out;
	if (closure_list(st->kc, &t->symbols) < 0)
		goto oom;
	{
		struct sym_ctx c = { st->kc, &st->host, qt->base_arch };

		if (qh_meson_compiled(pv->ms, sym_true, &c, "hw/", false, &t->sources) < 0 ||
		    qh_qom_types_in_files(pv->qom, &t->sources, &t->qom_types) < 0)
			goto oom;
	}
	/* the distro default set: default.mak with defaults followed */
	def = load_kconfig(p->qemu_src, &p->warnings, false, err);
	if (!def)
		goto out;
	qh_buf_printf(&path, "%s/configs/devices/%s/default.mak", p->qemu_src, qt->name);
	if (qh_kconfig_parse_file(def, path.data, err) < 0)
		goto out;
	{
		struct qh_strlist all_accels = { 0 };

		if (qh_strlist_add(&all_accels, "tcg") < 0 ||
		    (kvm_for(host, qt->base_arch) && qh_strlist_add(&all_accels, "kvm") < 0) ||
		    external_symbols(def, pr, t, true, &all_accels, &defhost) < 0) {
			qh_strlist_free(&all_accels);
			goto oom;
		}
		qh_strlist_free(&all_accels);
	}
	if (assign_external(def, &defhost, err) < 0)
		goto out;
	if (qh_kconfig_evaluate(def, QH_KCONFIG_DEFCONFIG, err) < 0) {
		qh_error_prefix(err, "%s: default device set: ", qt->name);
		goto out;
	}
	if (closure_list(def, &t->default_symbols) < 0)
		goto oom;
	{
		struct sym_ctx c = { def, &defhost, qt->base_arch };

		if (qh_meson_compiled(pv->ms, sym_true, &c, "hw/", false, &t->default_sources) < 0 ||
		    qh_qom_types_in_files(pv->qom, &t->default_sources, &deftypes) < 0)
			goto oom;
	}
	for (size_t i = 0; i < deftypes.n; i++)
		if (!qh_strlist_has(&t->qom_types, deftypes.items[i]) &&
		    qh_strlist_add(&t->removed_qom_types, deftypes.items[i]) < 0)
			goto oom;
	/* the devices file, named relative to configs/devices/<target>/ */
	qh_buf_reset(&path);
	qh_buf_printf(&path, "%s/%s.mak", p->out_dir, qt->name);
	t->devices_file = qh_buf_detach(&path);
	if (!t->devices_file)
		goto oom;
	if (write_devices_file(p, t, w, nw, err) < 0)
		goto out;
	qh_buf_printf(&path, "%s/configs/devices/%s", p->qemu_src, qt->name);
	if (!path.data || !realpath(path.data, real_devdir)) {
		qh_error_errno(err, errno, "%s", path.data ? path.data : "configs/devices");
		goto out;
	}
	qh_buf_reset(&path);
	qh_buf_printf(&path, "%s/%s", p->out_dir, qt->name);
	rel = path.data ? relpath(real_devdir, path.data) : NULL;
	if (!rel)
		goto oom;
	arch_dir = qt->name; /* "x86_64-softmmu" -> "x86_64" */
	{
		struct qh_buf a = QH_BUF_INIT;

		qh_buf_printf(&a, "--with-devices-%.*s=%s",
			      (int)(strlen(arch_dir) - strlen("-softmmu")), arch_dir, rel);
		t->devices_arg = a.data ? qh_buf_detach(&a) : NULL;
		if (!t->devices_arg)
			goto oom;
	}
	for (size_t i = 0; i < accels.n; i++)
		if (!qh_strlist_has(&p->accelerators, accels.items[i]) &&
		    qh_strlist_add(&p->accelerators, accels.items[i]) < 0)
			goto oom;
	rc = 0;
	goto out;
oom:
	qh_error_set(err, "out of memory");
out:
	for (size_t i = 0; i < nw; i++)
		free(w[i].sym);
	free(w);
	free(rel);
	qh_buf_free(&path);
	qh_strlist_free(&accels);
	qh_strlist_free(&defhost);
	qh_strlist_free(&deftypes);
	qh_kconfig_free(def);
	return rc;
}

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

static int build_configure(struct qh_plan *p, const struct qh_plan_options *o,
			   enum qh_harden_level level, struct qh_error *err)
{
	struct qh_plan_priv *pv = p->priv;
	struct qh_profile *pr = pv->profile;
	struct qh_strlist features = { 0 };
	struct qh_buf b = QH_BUF_INIT;
	bool need_fdt = false, need_tcg = false;
	int rc = -1;

	qh_buf_printf(&b, "%s/configure", p->qemu_src);
	if (!b.data || qh_strlist_add(&p->configure_argv, b.data) < 0)
		goto oom;
	qh_buf_reset(&b);
	qh_buf_puts(&b, "--target-list=");
	for (size_t i = 0; i < p->ntargets; i++) {
		qh_buf_printf(&b, "%s%s", i ? "," : "", p->targets[i].name);
		if (p->targets[i].needs_fdt)
			need_fdt = true;
	}
	if (!b.data || add_arg(p, b.data, err) < 0 ||
	    add_arg(p, "--without-default-features", err) < 0 ||
	    add_arg(p, "--without-default-devices", err) < 0)
		goto out;
	for (size_t i = 0; i < p->ntargets; i++)
		if (add_arg(p, p->targets[i].devices_arg, err) < 0)
			goto out;
	/* features: the profile's, what they need, seccomp by default */
	for (size_t i = 0; i < pr->enable.n; i++) {
		const char *f = pr->enable.items[i], *needs;

		if (qh_strlist_has(&pr->disable, f))
			continue;
		if (!qh_strlist_has(&features, f) && qh_strlist_add(&features, f) < 0)
			goto oom;
		needs = qh_feature_needs(f, p->version_major, p->version_minor,
					 p->version_micro);
		if (needs && !qh_strlist_has(&features, needs) &&
		    !qh_strlist_has(&pr->disable, needs)) {
			if (qh_strlist_add(&features, needs) < 0)
				goto oom;
			qh_strlist_addf(&p->warnings, "feature %s needs %s: enabled too", f, needs);
		}
	}
	if (level != QH_HARDEN_NONE &&
	    qh_quirk_applies(QH_QUIRK_SECCOMP_OPT_IN, p->version_major,
			     p->version_minor, p->version_micro) &&
	    qh_qemu_tree_has_feature(pv->tree, "seccomp") &&
	    !qh_strlist_has(&features, "seccomp") && !qh_strlist_has(&pr->disable, "seccomp")) {
		if (qh_strlist_add(&features, "seccomp") < 0)
			goto oom;
		qh_strlist_addf(&p->warnings, "%s", qh_quirk_text(QH_QUIRK_SECCOMP_OPT_IN));
	}
	for (size_t i = 0; i < p->accelerators.n; i++) {
		if (strcmp(p->accelerators.items[i], "tcg") == 0) {
			need_tcg = true;
			continue; /* TCG is on unless disabled */
		}
		if (!qh_strlist_has(&features, p->accelerators.items[i]) &&
		    qh_strlist_add(&features, p->accelerators.items[i]) < 0)
			goto oom;
	}
	for (size_t i = 0; i < features.n; i++) {
		qh_buf_reset(&b);
		if (!qh_qemu_tree_has_feature(pv->tree, features.items[i])) {
			qh_error_set(err, "%s: feature '%s' does not exist in QEMU %s "
					  "(see configure --help)", pr->path, features.items[i],
				     p->version);
			goto out;
		}
		qh_buf_printf(&b, "--enable-%s", features.items[i]);
		if (add_arg(p, b.data, err) < 0)
			goto out;
	}
	for (size_t i = 0; i < pr->disable.n; i++) {
		qh_buf_reset(&b);
		qh_buf_printf(&b, "--disable-%s", pr->disable.items[i]);
		if (add_arg(p, b.data, err) < 0)
			goto out;
	}
	if (!need_tcg && add_arg(p, "--disable-tcg", err) < 0)
		goto out;
	if (need_fdt && add_arg(p, "--enable-fdt=system", err) < 0)
		goto out;
	if (add_arg(p, "--disable-install-blobs", err) < 0)
		goto out;
	if (!(o && o->no_probe) && choose_python(p, err) < 0)
		goto out;
	if (level != QH_HARDEN_NONE) {
		if (qh_quirk_applies(QH_QUIRK_ENABLE_PIE, p->version_major, p->version_minor,
				     p->version_micro) &&
		    qh_qemu_tree_accepts(pv->tree, "--enable-pie") &&
		    add_arg(p, "--enable-pie", err) < 0)
			goto out;
		if (qh_quirk_applies(QH_QUIRK_STACK_PROTECTOR_OPT_IN, p->version_major,
				     p->version_minor, p->version_micro)) {
			if (add_arg(p, "--enable-stack-protector", err) < 0)
				goto out;
			qh_strlist_addf(&p->warnings, "%s",
					qh_quirk_text(QH_QUIRK_STACK_PROTECTOR_OPT_IN));
		}
	}
	/* hardening flags, probed */
	{
		struct qh_flag_probe probe = { o ? o->cc : NULL, o ? o->cxx : NULL,
					       o && o->no_probe };
		struct qh_buf uc = QH_BUF_INIT, ul = QH_BUF_INIT;

		if (pr->cflags)
			qh_buf_puts(&uc, pr->cflags);
		if (o && o->extra_cflags)
			qh_buf_printf(&uc, "%s%s", uc.len ? " " : "", o->extra_cflags);
		if (pr->ldflags)
			qh_buf_puts(&ul, pr->ldflags);
		if (o && o->extra_ldflags)
			qh_buf_printf(&ul, "%s%s", ul.len ? " " : "", o->extra_ldflags);
		rc = qh_flags_select(level, host_arch(o), uc.data, ul.data, &probe,
				     &p->cflags, &p->ldflags, &p->warnings, err);
		qh_buf_free(&uc);
		qh_buf_free(&ul);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	if (level != QH_HARDEN_NONE &&
	    qh_quirk_applies(QH_QUIRK_FORTIFY_FORCED_2, p->version_major, p->version_minor,
			     p->version_micro)) {
		if (qh_strlist_has(&p->cflags, "-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3"))
			qh_strlist_addf(&p->warnings, "%s", qh_quirk_text(QH_QUIRK_FORTIFY_FORCED_2));
		else
			qh_strlist_addf(&p->warnings, "QEMU %s forces -D_FORTIFY_SOURCE=2 and "
					"this compiler cannot do level 3", p->version);
	}
	if (p->cflags.n) {
		qh_buf_reset(&b);
		qh_buf_puts(&b, "--extra-cflags=");
		if (join_flags(&p->cflags, &b) < 0 || add_arg(p, b.data, err) < 0)
			goto out;
	}
	if (p->ldflags.n) {
		qh_buf_reset(&b);
		qh_buf_puts(&b, "--extra-ldflags=");
		if (join_flags(&p->ldflags, &b) < 0 || add_arg(p, b.data, err) < 0)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	qh_error_set(err, "out of memory");
out:
	qh_buf_free(&b);
	qh_strlist_free(&features);
	return rc;
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

static struct qh_plan *plan_from_profile(struct qh_profile *pr, const char *qemu_src,
					 const char *out_dir,
					 const struct qh_plan_options *opts,
					 struct qh_error *err)
{
	struct qh_plan *p = plan_new(err);
	char real_out[PATH_MAX];
	enum qh_harden_level level = QH_HARDEN_STRICT;
	struct qh_strlist files = { 0 };
	const char *host = host_arch(opts);

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
	if (!out_dir || !*out_dir) {
		qh_error_set(err, "an output directory is needed for the devices files");
		goto fail;
	}
	if (mkdir_p(out_dir) < 0 || !realpath(out_dir, real_out)) {
		qh_error_errno(err, errno, "%s", out_dir);
		goto fail;
	}
	if (strncmp(real_out, p->qemu_src, strlen(p->qemu_src)) == 0 &&
	    (real_out[strlen(p->qemu_src)] == '/' || !real_out[strlen(p->qemu_src)])) {
		qh_error_set(err, "%s is inside the QEMU source tree: qhard never writes there",
			     real_out);
		goto fail;
	}
	if (!safe_path(real_out) || !safe_path(p->qemu_src)) {
		qh_error_set(err, "%s or %s has characters configure cannot take in "
				  "--with-devices-ARCH= (use [A-Za-z0-9._+/-])",
			     real_out, p->qemu_src);
		goto fail;
	}
	p->out_dir = qh_strdup(real_out);
	if (!p->profile_name || !p->profile_path || !p->description || !p->qemu_src ||
	    !p->version || !p->out_dir)
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
		if (build_target(p, i, qh_qemu_tree_target(p->priv->tree, pr->targets.items[i]),
				 host, err) < 0)
			goto fail;
	if (build_configure(p, opts, level, err) < 0)
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

/* ---- output ----------------------------------------------------------- */

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

static json_t *jlist(const struct qh_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < l->n; i++)
		json_array_append_new(a, json_string(l->items[i]));
	return a;
}

json_t *qh_plan_to_json(const struct qh_plan *p)
{
	json_t *o = json_object(), *targets = json_array();

	if (!o || !targets) {
		json_decref(o);
		json_decref(targets);
		return NULL;
	}
	json_object_set_new(o, "profile", json_string(p->profile_name));
	json_object_set_new(o, "profile_path", json_string(p->profile_path));
	json_object_set_new(o, "description", json_string(p->description));
	json_object_set_new(o, "qemu", json_pack("{s:s, s:s}", "source", p->qemu_src,
						 "version", p->version));
	json_object_set_new(o, "out_dir", json_string(p->out_dir));
	for (size_t i = 0; i < p->ntargets; i++) {
		const struct qh_plan_target *t = &p->targets[i];
		json_t *jt = json_object();

		json_object_set_new(jt, "name", json_string(t->name));
		json_object_set_new(jt, "arch", json_string(t->arch));
		json_object_set_new(jt, "devices_file", json_string(t->devices_file));
		json_object_set_new(jt, "devices_arg", json_string(t->devices_arg));
		json_object_set_new(jt, "devices", jlist(&t->devices));
		json_object_set_new(jt, "machines", jlist(&t->machines));
		json_object_set_new(jt, "symbols", jlist(&t->symbols));
		json_object_set_new(jt, "qom_types", jlist(&t->qom_types));
		json_object_set_new(jt, "removed_qom_types", jlist(&t->removed_qom_types));
		json_object_set_new(jt, "sources", jlist(&t->sources));
		/* what meson passes minikconf besides the devices file */
		if (p->priv && i < p->priv->nts)
			json_object_set_new(jt, "kconfig_external", jlist(&p->priv->ts[i].host));
		json_object_set_new(jt, "default", json_pack("{s:o, s:I, s:I}",
			"symbols", jlist(&t->default_symbols),
			"sources", (json_int_t)t->default_sources.n,
			"qom_types", (json_int_t)(t->qom_types.n + t->removed_qom_types.n)));
		json_array_append_new(targets, jt);
	}
	json_object_set_new(o, "targets", targets);
	json_object_set_new(o, "configure", jlist(&p->configure_argv));
	json_object_set_new(o, "cflags", jlist(&p->cflags));
	json_object_set_new(o, "ldflags", jlist(&p->ldflags));
	json_object_set_new(o, "accelerators", jlist(&p->accelerators));
	json_object_set_new(o, "warnings", jlist(&p->warnings));
	return o;
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

int qh_plan_device_chain(const struct qh_plan *p, size_t ti, const char *device,
			 struct qh_strlist *chain, struct qh_error *err)
{
	struct qh_strlist syms = { 0 };
	struct qh_buf b = QH_BUF_INIT;
	struct qh_resolver r;
	int rc = -1;

	if (!p->priv || ti >= p->ntargets)
		return qh_error_set(err, "no such target");
	r.kc = p->priv->ts[ti].kc;
	r.ms = p->priv->ms;
	r.qom = p->priv->qom;
	r.base_arch = p->targets[ti].base_arch;
	if (qh_resolve_word(&r, device, false, &syms, NULL, err) < 0)
		return -1;
	for (size_t i = 0; i < syms.n; i++) {
		int s = qh_kconfig_find(r.kc, syms.items[i]);

		if (s < 0 || r.kc->syms[s].value != 1)
			continue;
		qh_kconfig_explain(r.kc, s, &b);
		break;
	}
	if (!syms.n) {
		rc = qh_strlist_add(chain, "needs no device symbol: always built") < 0 ?
			qh_error_set(err, "out of memory") : 0;
		goto out;
	}
	if (!b.data) {
		qh_error_set(err, "%s: none of its symbols is in the closure", device);
		goto out;
	}
	/* one step per line, as qh_kconfig_explain writes them */
	for (char *line = b.data, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		while (*line == ' ')
			line++;
		if (*line && qh_strlist_add(chain, line) < 0) {
			qh_error_set(err, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	qh_buf_free(&b);
	qh_strlist_free(&syms);
	return rc;
}

char *qh_plan_explain(const struct qh_plan *p, const char *target,
		      const char *what, struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	struct qh_resolver r;
	size_t ti = 0;

	if (!p->ntargets || !p->priv) {
		qh_error_set(err, "empty plan");
		return NULL;
	}
	if (target) {
		for (ti = 0; ti < p->ntargets; ti++)
			if (strcmp(p->targets[ti].name, target) == 0)
				break;
		if (ti == p->ntargets) {
			qh_error_set(err, "target %s is not in this profile", target);
			return NULL;
		}
	}
	r.kc = p->priv->ts[ti].kc;
	r.ms = p->priv->ms;
	r.qom = p->priv->qom;
	r.base_arch = p->targets[ti].base_arch;
	qh_buf_printf(&b, "[%s, QEMU %s]\n", p->targets[ti].name, p->version);
	if (qh_resolve_explain(&r, what, &b, err) < 0) {
		qh_buf_free(&b);
		return NULL;
	}
	{
		char sym[256];
		const char *w = strncmp(what, "CONFIG_", 7) == 0 ? what : NULL;

		if (w) {
			snprintf(sym, sizeof(sym), "%s", w);
			qh_buf_printf(&b, "%s is %sin the distro default set\n", sym,
				      qh_strlist_has(&p->targets[ti].default_symbols, sym) ? "" : "not ");
		}
	}
	return b.data ? qh_buf_detach(&b) : NULL;
}
