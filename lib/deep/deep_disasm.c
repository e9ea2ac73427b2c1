/* deep_disasm.c - capstone handle per architecture and a resynchronising
 * streaming loop (see deep_disasm.h). */
#include "deep_disasm.h"

#include <string.h>

int deep_disasm_open(struct deep_disasm *d, const struct deep_image *img,
		     struct qh_error *err)
{
	cs_arch arch;
	int mode = img->big_endian ? CS_MODE_BIG_ENDIAN : CS_MODE_LITTLE_ENDIAN;

	memset(d, 0, sizeof(*d));
	d->arch = img->arch;
	switch (img->arch) {
	case DEEP_ARCH_X86_64:
		arch = CS_ARCH_X86, mode = CS_MODE_64, d->resync = 1;
		break;
	case DEEP_ARCH_I386:
		arch = CS_ARCH_X86, mode = CS_MODE_32, d->resync = 1;
		break;
	case DEEP_ARCH_AARCH64:
		arch = CS_ARCH_ARM64, mode |= CS_MODE_ARM, d->resync = 4;
		break;
	case DEEP_ARCH_PPC64:
		arch = CS_ARCH_PPC, mode |= CS_MODE_64, d->resync = 4;
		break;
	case DEEP_ARCH_S390X:
		arch = CS_ARCH_SYSZ, mode = CS_MODE_BIG_ENDIAN, d->resync = 2;
		break;
	default:
		return qh_error_set(err, "no disassembler for ELF machine %d",
				    img->machine);
	}
	if (cs_open(arch, (cs_mode)mode, &d->handle) != CS_ERR_OK)
		return qh_error_set(err, "capstone: cannot open arch %d", (int)arch);
	cs_option(d->handle, CS_OPT_DETAIL, CS_OPT_ON);
	d->insn = cs_malloc(d->handle);
	if (!d->insn) {
		cs_close(&d->handle);
		return qh_error_set(err, "capstone: out of memory");
	}
	return 0;
}

void deep_disasm_close(struct deep_disasm *d)
{
	if (d->insn)
		cs_free(d->insn, 1);
	d->insn = NULL;
	if (d->handle)
		cs_close(&d->handle);
}

void deep_disasm_range(struct deep_disasm *d, const uint8_t *code,
		       size_t size, uint64_t addr, deep_insn_fn fn, void *ctx)
{
	const uint8_t *p = code;
	size_t left = size;
	uint64_t pc = addr;

	while (left > 0) {
		if (cs_disasm_iter(d->handle, &p, &left, &pc, d->insn)) {
			if (fn(d->insn, ctx))
				return;
			continue;
		}
		/* Undecodable (data in code, or an instruction newer than
		 * capstone 4): step to the next possible boundary. */
		size_t step = left < d->resync ? left : d->resync;

		d->skipped += step;
		p += step;
		left -= step;
		pc += step;
	}
}
