/* qemu_plan_internal.h - what the qemu_plan*.c files share (not API).
 *
 * qemu_plan.c          the plan: options, tree, targets; create and free
 * qemu_plan_closure.c  Kconfig closures: host symbols, evaluation
 * qemu_plan_target.c   one softmmu target: wants, closure, default set
 * qemu_plan_devices.c  the devices files: text, configure argument, writing
 * qemu_plan_configure.c the configure command line and its shell quoting
 * qemu_plan_output.c   JSON, --explain, device chains
 */
#ifndef QHARD_QEMU_PLAN_INTERNAL_H
#define QHARD_QEMU_PLAN_INTERNAL_H

#include "flags.h"
#include "kconfig.h"
#include "meson_scan.h"
#include "qemu_plan.h"
#include "qemu_tree.h"
#include "qom_index.h"

/* Per-target state kept for --explain and for qh_plan_write. */
struct plan_target_state {
	struct qh_kconfig *kc;  /* evaluated with the profile's devices */
	struct qh_strlist host; /* external symbols: host, accel, arch */
	char *devices_text;     /* the devices file, written by qh_plan_write */
};

struct qh_plan_priv {
	struct qh_profile *profile;
	struct qh_qemu_tree *tree;
	struct qh_meson_scan *ms;
	struct qh_qom_index *qom;
	struct plan_target_state *ts;
	size_t nts;
};

/* One line of a devices file: CONFIG_<sym>=y|n  # origin */
struct want {
	char *sym;
	const char *origin; /* owned by the profile */
	bool value;
};

struct want_list {
	struct want *v;
	size_t n, cap;
};

int qh_plan_add_want(struct want_list *w, const char *sym, const char *origin,
		     bool value);
void qh_plan_wants_free(struct want_list *w);

/* qemu_plan.c */
const char *qh_plan_host_arch(const struct qh_plan_options *o);

/* qemu_plan_closure.c */
bool qh_plan_kvm_for(const char *host, const char *base_arch);
struct qh_kconfig *qh_plan_load_kconfig(const char *root, struct qh_strlist *warnings,
					bool report_diags, struct qh_error *err);
int qh_plan_assign_external(struct qh_kconfig *kc, const struct qh_strlist *host,
			    struct qh_error *err);
int qh_plan_closure_list(const struct qh_kconfig *kc, struct qh_strlist *out);
int qh_plan_external_symbols(const struct qh_kconfig *kc, const struct qh_profile *pr,
			     const struct qh_plan_target *t, bool defaults,
			     const struct qh_strlist *accels, struct qh_strlist *out);
int qh_plan_evaluate_closure(struct qh_plan *p, struct qh_plan_target *t,
			     struct plan_target_state *st, struct qh_error *err);
/* hw/ sources a closure compiles and the QOM types they define. */
int qh_plan_compiled(const struct qh_plan_priv *pv, const struct qh_kconfig *kc,
		     const struct qh_strlist *host, const char *base_arch,
		     struct qh_strlist *sources, struct qh_strlist *qom_types);

/* qemu_plan_target.c */
int qh_plan_build_target(struct qh_plan *p, size_t ti, const struct qh_qemu_target *qt,
			 const char *host, struct qh_error *err);

/* qemu_plan_devices.c: fill t->devices_file, t->devices_arg and the
 * state's devices_text; writes nothing. */
int qh_plan_devices(struct qh_plan *p, size_t ti, const struct want_list *w,
		    struct qh_error *err);

/* qemu_plan_configure.c */
int qh_plan_build_configure(struct qh_plan *p, const struct qh_plan_options *o,
			    enum qh_harden_level level, struct qh_error *err);

#endif
