/* direct_calls.c - the call forms of direct_calls.h, one decoder per
 * machine. Every read goes through qh_elf_bytes_at_vaddr (bounds-checked);
 * each decoder stops at the end of the function.
 */
#include "direct_calls.h"

struct scan {
	const struct qh_elf *e;
	uint64_t start, size;       /* the function */
	const unsigned char *code;  /* its bytes */
	const uint64_t *targets;
	size_t n;
};

static bool is_target(const struct scan *s, uint64_t addr, uint64_t mask)
{
	for (size_t i = 0; i < s->n; i++)
		if ((addr & mask) == (s->targets[i] & mask))
			return true;
	return false;
}

static int64_t sext(uint64_t v, unsigned bits)
{
	uint64_t m = 1ull << (bits - 1);

	v &= (m << 1) - 1;
	return (int64_t)((v ^ m) - m);
}

static bool x86(const struct scan *s)
{
	for (uint64_t i = 0; i + 5 <= s->size; i++) {
		const unsigned char *c = s->code + i;
		int32_t rel;

		if (c[0] != 0xe8)
			continue;
		/* x86 code is little-endian whatever EI_DATA claims */
		rel = (int32_t)((uint32_t)c[1] | (uint32_t)c[2] << 8 |
				(uint32_t)c[3] << 16 | (uint32_t)c[4] << 24);
		if (is_target(s, s->start + i + 5 + (uint64_t)(int64_t)rel, ~0ull))
			return true;
	}
	return false;
}

static bool aarch64(const struct scan *s)
{
	for (uint64_t i = 0; i + 4 <= s->size; i += 4) {
		uint32_t insn = qh_elf_read32(s->e, s->code + i);

		if ((insn & 0xfc000000u) == 0x94000000u &&
		    is_target(s, s->start + i +
			      (uint64_t)(sext(insn & 0x03ffffffu, 26) * 4), ~0ull))
			return true;
	}
	return false;
}

/* A32 BL <imm24> (cond != 1111) and BLX <imm24:H> (cond == 1111). */
static bool arm_a32(const struct scan *s)
{
	for (uint64_t i = 0; i + 4 <= s->size; i += 4) {
		uint32_t insn = qh_elf_read32(s->e, s->code + i);
		uint64_t pc = s->start + i + 8;
		int64_t off = sext(insn & 0x00ffffffu, 24) * 4;

		if ((insn & 0xf0000000u) == 0xf0000000u) {
			if ((insn & 0xfe000000u) != 0xfa000000u)
				continue;
			off += (insn >> 23) & 2; /* H: halfword offset */
		} else if ((insn & 0x0f000000u) != 0x0b000000u) {
			continue;
		}
		if (is_target(s, pc + (uint64_t)off, ~1ull))
			return true;
	}
	return false;
}

/* Thumb-2 BL/BLX: 11110 S imm10 | 11 J1 x J2 imm11 (x=1 BL, x=0 BLX). */
static bool arm_thumb(const struct scan *s)
{
	for (uint64_t i = 0; i + 4 <= s->size; i += 2) {
		uint32_t hw1 = qh_elf_read16(s->e, s->code + i);
		uint32_t hw2 = qh_elf_read16(s->e, s->code + i + 2);
		uint32_t sbit, j1, j2, imm;
		uint64_t pc = s->start + i + 4;

		if ((hw1 & 0xf800u) != 0xf000u || (hw2 & 0xc000u) != 0xc000u)
			continue;
		sbit = (hw1 >> 10) & 1;
		j1 = (hw2 >> 13) & 1;
		j2 = (hw2 >> 11) & 1;
		imm = sbit << 24 | (!(j1 ^ sbit)) << 23 | (!(j2 ^ sbit)) << 22 |
		      (hw1 & 0x3ffu) << 12 | (hw2 & 0x7ffu) << 1;
		if (!(hw2 & 0x1000u)) /* BLX: to ARM code, from Align(PC, 4) */
			pc &= ~3ull;
		if (is_target(s, pc + (uint64_t)sext(imm, 25), ~1ull))
			return true;
	}
	return false;
}

/* $gp of a MIPS executable: _gp, else .got + 0x7ff0 (the ABI's bias). */
static bool mips_gp(const struct qh_elf *e, uint64_t *gp)
{
	const struct qh_elf_symbol *g = qh_elf_defines(e, "_gp");
	const struct qh_elf_section *got;

	if (g) {
		*gp = g->value;
		return true;
	}
	got = qh_elf_section_by_name(e, ".got");
	if (!got)
		return false;
	*gp = got->hdr.sh_addr + 0x7ff0;
	return true;
}

static bool mips(const struct scan *s)
{
	bool is64 = qh_elf_class(s->e) == 64;
	uint64_t gp = 0;
	bool have_gp = mips_gp(s->e, &gp);

	for (uint64_t i = 0; i + 4 <= s->size; i += 4) {
		uint32_t insn = qh_elf_read32(s->e, s->code + i);
		uint32_t op = insn >> 26, base = (insn >> 21) & 31;
		uint64_t pc = s->start + i;

		if (op == 3) { /* jal */
			uint64_t t = ((pc + 4) & ~0x0fffffffull) |
				     (uint64_t)(insn & 0x03ffffffu) << 2;

			if (is_target(s, t, ~0ull))
				return true;
		} else if ((insn & 0xffff0000u) == 0x04110000u) { /* bal */
			if (is_target(s, pc + 4 + (uint64_t)(sext(insn, 16) * 4),
				      ~0ull))
				return true;
		} else if (have_gp && base == 28 &&
			   (op == 0x23 || (is64 && op == 0x37))) {
			/* lw/ld reg, off($gp): a GOT word holding a target */
			uint64_t slot = gp + (uint64_t)sext(insn, 16);
			unsigned len = op == 0x37 ? 8 : 4;
			const unsigned char *w = qh_elf_bytes_at_vaddr(s->e, slot,
								       len, NULL);

			if (w && is_target(s, len == 8 ? qh_elf_read64(s->e, w) :
						   qh_elf_read32(s->e, w), ~0ull))
				return true;
		}
	}
	return false;
}

/* bl: opcode 18, AA=0, LK=1. ELFv2 calls land on the local entry point,
 * target+8 when the function sets up its TOC. */
static bool ppc(const struct scan *s)
{
	for (uint64_t i = 0; i + 4 <= s->size; i += 4) {
		uint32_t insn = qh_elf_read32(s->e, s->code + i);
		uint64_t t;

		if ((insn & 0xfc000003u) != 0x48000001u)
			continue;
		t = s->start + i + (uint64_t)sext(insn & 0x03fffffcu, 26);
		if (is_target(s, t, ~0ull) || is_target(s, t - 8, ~0ull))
			return true;
	}
	return false;
}

/* brasl %rN, imm32 (halfwords): c0 N5 imm32. */
static bool s390(const struct scan *s)
{
	for (uint64_t i = 0; i + 6 <= s->size; i += 2) {
		int64_t off;

		if (s->code[i] != 0xc0 || (s->code[i + 1] & 0x0f) != 0x05)
			continue;
		off = (int32_t)qh_elf_read32(s->e, s->code + i + 2);
		if (is_target(s, s->start + i + (uint64_t)(off * 2), ~0ull))
			return true;
	}
	return false;
}

static const struct {
	unsigned machine;
	bool (*scan)(const struct scan *s);
	const char *how;
} decoders[] = {
	{ EM_X86_64, x86, "call rel32" },
	{ EM_386, x86, "call rel32" },
	{ EM_AARCH64, aarch64, "BL" },
	{ EM_ARM, NULL, NULL }, /* A32 or Thumb: by the symbol's bit 0 */
	{ EM_MIPS, mips, "jal/bal or a call through the GOT" },
	{ EM_PPC64, ppc, "bl" },
	{ EM_PPC, ppc, "bl" },
	{ EM_S390, s390, "brasl" },
};

bool qh_calls_machine_known(const struct qh_elf *e)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(decoders); i++)
		if (decoders[i].machine == qh_elf_machine(e))
			return true;
	return false;
}

bool qh_calls_any(const struct qh_elf *e, const struct qh_elf_symbol *fn,
		  const uint64_t *targets, size_t n, const char **how)
{
	struct scan s = { .e = e, .targets = targets, .n = n };

	if (!fn || fn->size == 0 || fn->size > (1u << 24))
		return false;
	s.start = fn->value;
	s.size = fn->size;
	if (qh_elf_machine(e) == EM_ARM)
		s.start &= ~1ull; /* bit 0: Thumb code */
	s.code = qh_elf_bytes_at_vaddr(e, s.start, s.size, NULL);
	if (!s.code)
		return false;
	if (qh_elf_machine(e) == EM_ARM) {
		bool thumb = fn->value & 1;

		*how = thumb ? "Thumb BL/BLX" : "BL/BLX";
		return thumb ? arm_thumb(&s) : arm_a32(&s);
	}
	for (size_t i = 0; i < QH_ARRAY_LEN(decoders); i++) {
		if (decoders[i].machine != qh_elf_machine(e) || !decoders[i].scan)
			continue;
		*how = decoders[i].how;
		return decoders[i].scan(&s);
	}
	return false;
}
