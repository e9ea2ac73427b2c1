/* qemu_plan_closure.c - the Kconfig closures of a plan: which host and
 * accelerator symbols meson passes, evaluating them, what they compile. */
#include "qemu_plan_internal.h"

#include <stdio.h>
#include <string.h>

#include "device_profile.h"

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

/* Can KVM run this target on this host? (meson.build's kvm_targets) */
bool qh_plan_kvm_for(const char *host, const char *base_arch)
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
struct qh_kconfig *qh_plan_load_kconfig(const char *root, struct qh_strlist *warnings,
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

int qh_plan_assign_external(struct qh_kconfig *kc, const struct qh_strlist *host,
			   struct qh_error *err)
{
	for (size_t i = 0; i < host->n; i++)
		if (qh_kconfig_assign(kc, host->items[i], true, true, NULL, err) < 0)
			return -1;
	return 0;
}

int qh_plan_closure_list(const struct qh_kconfig *kc, struct qh_strlist *out)
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
int qh_plan_external_symbols(const struct qh_kconfig *kc, const struct qh_profile *pr,
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
int qh_plan_evaluate_closure(struct qh_plan *p, struct qh_plan_target *t,
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


int qh_plan_compiled(const struct qh_plan_priv *pv, const struct qh_kconfig *kc,
		     const struct qh_strlist *host, const char *base_arch,
		     struct qh_strlist *sources, struct qh_strlist *qom_types)
{
	struct sym_ctx c = { kc, host, base_arch };

	if (qh_meson_compiled(pv->ms, sym_true, &c, "hw/", false, sources) < 0 ||
	    qh_qom_types_in_files(pv->qom, sources, qom_types) < 0)
		return -1;
	return 0;
}
