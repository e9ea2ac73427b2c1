/* deep_cet.c - ibt-coverage (x86 endbr64/endbr32, AArch64 bti c) and
 * pac-coverage (AArch64 paciasp/pacibsp) per function.
 *
 * ibt-coverage checks the functions that can be reached indirectly: the
 * global ones (exported or STB_GLOBAL/WEAK) and those whose address is
 * taken (a RELATIVE relocation points at them, or code forms their address
 * with lea/adrp+add). GCC leaves the landing pad out of static functions
 * whose address is never taken, so those are not counted. Limit: function
 * pointers in the data of a non-PIE executable carry no relocation and are
 * only seen when code also forms the address. On AArch64 a pac*sp at entry also counts as a BTI landing pad
 * (the architecture treats it as an implicit bti c).
 * pac-coverage checks the functions that store the link register (x30):
 * -mbranch-protection=pac-ret signs the return address in exactly those.
 *
 * Status: skip on other architectures, when nothing is checked, or when no
 * function has the instruction and the property note does not claim it
 * (then the code was simply not built for it); fail when the note claims
 * the property and a function lacks it (the claim is broken); warn when
 * the note does not claim it but some functions have it (a unit built
 * without the flag, which is why the linker dropped the claim); pass when
 * every checked function has it.
 */
#include "deep_checks.h"

#include <stdio.h>
#include <string.h>

enum cet_kind { CET_IBT, CET_PAC };

static bool needs_check(const struct deep_ctx *ctx, size_t i, enum cet_kind k)
{
	if (k == CET_PAC)
		return ctx->scan->facts[i].saves_lr &&
		       !deep_is_crt_function(ctx->img->funcs[i].name);
	const struct deep_func *f = &ctx->img->funcs[i];

	return (f->global || deep_image_is_taken(ctx->img, f->addr)) &&
	       !deep_is_crt_function(f->name);
}

static bool has_mark(const struct deep_ctx *ctx, size_t i, enum cet_kind k)
{
	const struct deep_facts *f = &ctx->scan->facts[i];

	return k == CET_PAC ? f->pac_sign : f->entry_landing;
}

static int cet_check(struct deep_ctx *ctx, struct qh_result *res,
		     enum cet_kind k)
{
	const struct deep_image *img = ctx->img;
	const char *id = k == CET_PAC ? "pac-coverage" : "ibt-coverage";
	bool x86 = img->arch == DEEP_ARCH_X86_64 || img->arch == DEEP_ARCH_I386;
	bool arm = img->arch == DEEP_ARCH_AARCH64;
	const char *mark, *prop;
	bool claimed;
	size_t checked = 0, missing = 0;
	json_t *val, *miss;
	struct qh_check *c;
	enum qh_status st;

	if ((k == CET_IBT && !x86 && !arm) || (k == CET_PAC && !arm))
		return qh_result_add_check(res, id, QH_SKIP, NULL,
					   "not applicable to %s",
					   deep_arch_name(img->arch)) ? 0 : -1;
	if (k == CET_PAC) {
		mark = "paciasp/pacibsp";
		prop = "PAC";
		claimed = img->props & DEEP_PROP_AARCH64_PAC;
	} else if (arm) {
		mark = "bti c/paciasp at entry";
		prop = "BTI";
		claimed = img->props & DEEP_PROP_AARCH64_BTI;
	} else {
		mark = img->arch == DEEP_ARCH_I386 ? "endbr32 at entry" :
						     "endbr64 at entry";
		prop = "IBT";
		claimed = img->props & DEEP_PROP_X86_IBT;
	}
	val = json_object();
	miss = json_array();
	if (!val || !miss)
		goto oom;
	for (size_t i = 0; i < img->nfuncs; i++) {
		if (!needs_check(ctx, i, k) || !ctx->scan->facts[i].decoded)
			continue;
		checked++;
		if (has_mark(ctx, i, k))
			continue;
		missing++;
		if (deep_json_push(miss, img->funcs[i].name) < 0)
			goto oom;
	}
	json_object_set_new(val, "claimed", json_boolean(claimed));
	json_object_set_new(val, "checked", json_integer((json_int_t)checked));
	json_object_set_new(val, "missing", miss);
	miss = NULL;
	if (!checked || (!claimed && missing == checked))
		st = QH_SKIP;
	else if (!missing)
		st = QH_PASS;
	else
		st = claimed ? QH_FAIL : QH_WARN;
	c = qh_result_add_check(res, id, st, val,
				"%zu of %zu %s functions lack %s; the property note %s %s",
				missing, checked,
				k == CET_PAC ? "LR-saving" : "global or address-taken",
				mark, claimed ? "claims" : "does not claim", prop);
	if (!c)
		return -1;
	for (size_t i = 0; i < img->nfuncs && st >= QH_WARN; i++) {
		if (!needs_check(ctx, i, k) || !ctx->scan->facts[i].decoded ||
		    has_mark(ctx, i, k))
			continue;
		if (deep_add_func_location(ctx, c, &img->funcs[i], img->funcs[i].addr) < 0)
			return -1;
	}
	return 0;
oom:
	json_decref(val);
	json_decref(miss);
	return -1;
}

int deep_check_cet(struct deep_ctx *ctx, struct qh_result *res)
{
	if (cet_check(ctx, res, CET_IBT) < 0)
		return -1;
	return cet_check(ctx, res, CET_PAC);
}
