/* deep_util.c - small helpers the deep checks share. */
#include "deep_checks.h"

const char *deep_arch_name(enum deep_arch arch)
{
	switch (arch) {
	case DEEP_ARCH_X86_64: return "x86-64";
	case DEEP_ARCH_I386: return "i386";
	case DEEP_ARCH_AARCH64: return "aarch64";
	case DEEP_ARCH_PPC64: return "ppc64";
	case DEEP_ARCH_S390X: return "s390x";
	default: return "unsupported";
	}
}

int deep_add_func_location(struct deep_ctx *ctx, struct qh_check *c,
			   const struct deep_func *f, uint64_t addr)
{
	const char *file = NULL;
	unsigned line = 0;

	if (c->nlocations >= DEEP_MAX_LOCATIONS)
		return 0;
	if (ctx->lines && deep_lines_find(ctx->lines, addr, &file, &line) < 0) {
		file = NULL;
		line = 0;
	}
	return qh_check_add_location(c, f ? f->name : NULL, file, line, addr);
}

json_t *deep_json_str(const char *s)
{
	json_t *j = json_string(s ? s : "");

	/* Names come from hostile files: never let bad UTF-8 drop an entry. */
	return j ? j : json_string("<invalid UTF-8>");
}

int deep_json_push(json_t *arr, const char *s)
{
	return json_array_append_new(arr, deep_json_str(s));
}
