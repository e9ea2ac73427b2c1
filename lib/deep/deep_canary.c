/* deep_canary.c - canary-coverage: which functions load the stack guard.
 *
 * Candidates (what -fstack-protector-strong would protect, as far as the
 * machine code shows it): every function that loads the guard, plus every
 * function that takes the address of one of its own stack slots (lea
 * d(%rsp), mov %rsp,%reg, add xN, sp, #d: local arrays, address-taken
 * locals), plus every function with a variable-sized frame (alloca, VLAs).
 * Not counted: the address of a spilled argument (a store of an argument
 * register not yet written, then its address: f(&param)), which -strong
 * does not protect. Limits: a local initialised straight from an argument
 * looks like such a spill and is missed; a leaf whose array sits in the
 * x86-64 red zone and whose address never escapes is not seen.
 *
 * Status: skip when there are no candidates; pass when all are protected;
 * fail when none is, or fewer than DEEP_CANARY_FAIL_PERCENT are; warn
 * otherwise. The value lists the unprotected functions by name.
 */
#include "deep_checks.h"

int deep_check_canary(struct deep_ctx *ctx, struct qh_result *res)
{
	const struct deep_image *img = ctx->img;
	json_t *val = json_object(), *unprot = json_array();
	size_t prot = 0, cand = 0;
	struct qh_check *c;
	enum qh_status st;
	const char *why;

	if (!val || !unprot)
		goto oom;
	for (size_t i = 0; i < img->nfuncs; i++) {
		const struct deep_facts *f = &ctx->scan->facts[i];
		bool is_prot = f->guard_load;

		if (!is_prot && !f->var_frame && !f->stack_addr)
			continue;
		cand++;
		if (is_prot)
			prot++;
		else if (deep_json_push(unprot, img->funcs[i].name) < 0)
			goto oom;
	}
	size_t nunprot = json_array_size(unprot);
	if (json_object_set_new(val, "protected", json_integer((json_int_t)prot)) ||
	    json_object_set_new(val, "candidates", json_integer((json_int_t)cand)) ||
	    json_object_set_new(val, "unprotected", unprot)) {
		unprot = NULL;
		goto oom;
	}
	unprot = NULL;
	if (!cand) {
		st = QH_SKIP;
		why = "no function has a frame with addressable locals";
	} else if (!nunprot) {
		st = QH_PASS;
		why = "every candidate loads the guard";
	} else if (!prot || prot * 100 < cand * DEEP_CANARY_FAIL_PERCENT) {
		st = QH_FAIL;
		why = "below the coverage threshold";
	} else {
		st = QH_WARN;
		why = "some candidates lack a canary";
	}
	c = qh_result_add_check(res, "canary-coverage", st, val,
				"%zu of %zu candidate functions load the stack guard (%s; %s, %zu functions from %s, %zu undecodable bytes skipped): %s",
				prot, cand,
				img->arch == DEEP_ARCH_X86_64 ? "%fs:0x28" :
				img->arch == DEEP_ARCH_I386 ? "%gs:0x14" :
				img->arch == DEEP_ARCH_AARCH64 ? "__stack_chk_guard" :
				"thread-pointer guard",
				deep_arch_name(img->arch), img->nfuncs,
				img->has_symtab ? ".symtab" :
				img->funcs_from_fde ? ".eh_frame FDEs" : ".dynsym",
				ctx->scan->skipped_bytes, why);
	if (!c)
		return -1;
	for (size_t i = 0; i < img->nfuncs; i++) {
		const struct deep_facts *f = &ctx->scan->facts[i];

		if (f->guard_load || !(f->var_frame || f->stack_addr))
			continue;
		if (deep_add_func_location(ctx, c, &img->funcs[i], img->funcs[i].addr) < 0)
			return -1;
	}
	return 0;
oom:
	json_decref(val);
	json_decref(unprot);
	return -1;
}
