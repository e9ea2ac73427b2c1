/* deep_stackclash.c - stack-clash-coverage: functions whose frame can jump
 * over the guard page must probe it (-fstack-clash-protection).
 *
 * Candidates: a function that probes (it needed it), one with a constant
 * allocation of at least a page (4 KiB on x86; 64 KiB on AArch64, GCC's
 * default guard size there), and one with a variable-sized frame (alloca,
 * VLA). Probes: or $0x0,d(%rsp) (GCC), mov $0x0,(%rsp) right after a sub
 * (clang), str xzr,[sp,...] (AArch64). Limits: a frame built from several
 * small subtractions is judged by its largest single one on x86.
 *
 * Status: skip where the probe patterns are not known (ppc64, s390x); pass
 * when every candidate probes (or there is none); fail otherwise.
 * analyze.c answers the contract's stack-clash (yes/no) from this check.
 */
#include "deep_checks.h"

static bool is_candidate(const struct deep_image *img, const struct deep_facts *f)
{
	uint64_t page = img->arch == DEEP_ARCH_AARCH64 ? 65536 : 4096;

	return f->probe || f->var_frame || f->frame >= page;
}

int deep_check_stackclash(struct deep_ctx *ctx, struct qh_result *res)
{
	const struct deep_image *img = ctx->img;
	size_t cand = 0, probed = 0;
	json_t *val, *unprobed;
	struct qh_check *c;
	enum qh_status st;

	if (img->arch != DEEP_ARCH_X86_64 && img->arch != DEEP_ARCH_I386 &&
	    img->arch != DEEP_ARCH_AARCH64)
		return qh_result_add_check(res, "stack-clash-coverage", QH_SKIP, NULL,
					   "probe patterns not known for %s",
					   deep_arch_name(img->arch)) ? 0 : -1;
	val = json_object();
	unprobed = json_array();
	if (!val || !unprobed) {
		json_decref(val);
		json_decref(unprobed);
		return -1;
	}
	for (size_t i = 0; i < img->nfuncs; i++) {
		const struct deep_facts *f = &ctx->scan->facts[i];

		if (!is_candidate(img, f))
			continue;
		cand++;
		if (f->probe)
			probed++;
		else if (deep_json_push(unprobed, img->funcs[i].name) < 0) {
			json_decref(val);
			json_decref(unprobed);
			return -1;
		}
	}
	json_object_set_new(val, "probed", json_integer((json_int_t)probed));
	json_object_set_new(val, "candidates", json_integer((json_int_t)cand));
	json_object_set_new(val, "unprobed", unprobed);
	st = probed == cand ? QH_PASS : QH_FAIL;
	c = qh_result_add_check(res, "stack-clash-coverage", st, val,
				"%zu of %zu functions with large or variable frames probe the stack",
				probed, cand);
	if (!c)
		return -1;
	for (size_t i = 0; i < img->nfuncs && st == QH_FAIL; i++) {
		const struct deep_facts *f = &ctx->scan->facts[i];

		if (!is_candidate(img, f) || f->probe)
			continue;
		if (deep_add_func_location(ctx, c, &img->funcs[i], img->funcs[i].addr) < 0)
			return -1;
	}
	return 0;
}
