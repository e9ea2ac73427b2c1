/* deep_util.c - small helpers the deep checks share. */
#include "deep_checks.h"

#include <string.h>

bool deep_is_crt_function(const char *name)
{
	static const char *const crt[] = {
		"_start", "_init", "_fini", "_dl_relocate_static_pie",
		"__libc_csu_init", "__libc_csu_fini", "call_weak_fn",
		"deregister_tm_clones", "register_tm_clones",
		"__do_global_dtors_aux", "frame_dummy",
		/* glibc's libc_nonshared.a, linked into every program */
		"__stack_chk_fail_local", "atexit", "at_quick_exit",
		"__pthread_atfork", "pthread_atfork",
	};

	/* i386 PIC helpers GCC emits per unit; only ever called directly. */
	if (strncmp(name, "__x86.get_pc_thunk.", 19) == 0)
		return true;
	for (size_t i = 0; i < QH_ARRAY_LEN(crt); i++)
		if (strcmp(name, crt[i]) == 0)
			return true;
	return false;
}

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
