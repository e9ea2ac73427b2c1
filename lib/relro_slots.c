/* relro_slots.c - the relocated pointer slots of a file and where they lie
 * (see relro_slots.h). Relocation entries are decoded from the raw bytes
 * qh_elf hands out (every range bounds-checked there).
 */
#include "relro_slots.h"

#include <stdio.h>
#include <string.h>

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef R_MIPS_IRELATIVE
#define R_MIPS_IRELATIVE 128
#endif

/* The relocation types that fill a GOT, per machine (0: the machine has
 * none of that kind; RISC-V and LoongArch fill data GOT entries with plain
 * absolute relocations, MIPS relocates its GOT without entries). */
static const struct reloc_types {
	unsigned machine;
	uint32_t jump_slot, glob_dat, relative, irelative;
} machines[] = {
	{ EM_X86_64, R_X86_64_JUMP_SLOT, R_X86_64_GLOB_DAT, R_X86_64_RELATIVE,
	  R_X86_64_IRELATIVE },
	{ EM_386, R_386_JMP_SLOT, R_386_GLOB_DAT, R_386_RELATIVE,
	  R_386_IRELATIVE },
	{ EM_AARCH64, R_AARCH64_JUMP_SLOT, R_AARCH64_GLOB_DAT,
	  R_AARCH64_RELATIVE, R_AARCH64_IRELATIVE },
	{ EM_ARM, R_ARM_JUMP_SLOT, R_ARM_GLOB_DAT, R_ARM_RELATIVE,
	  R_ARM_IRELATIVE },
	{ EM_S390, R_390_JMP_SLOT, R_390_GLOB_DAT, R_390_RELATIVE,
	  R_390_IRELATIVE },
	{ EM_PPC64, R_PPC64_JMP_SLOT, R_PPC64_GLOB_DAT, R_PPC64_RELATIVE,
	  R_PPC64_IRELATIVE },
	{ EM_PPC, R_PPC_JMP_SLOT, R_PPC_GLOB_DAT, R_PPC_RELATIVE,
	  R_PPC_IRELATIVE },
	{ EM_SPARCV9, R_SPARC_JMP_SLOT, R_SPARC_GLOB_DAT, R_SPARC_RELATIVE,
	  R_SPARC_IRELATIVE },
	{ EM_SPARC, R_SPARC_JMP_SLOT, R_SPARC_GLOB_DAT, R_SPARC_RELATIVE,
	  R_SPARC_IRELATIVE },
	{ EM_RISCV, R_RISCV_JUMP_SLOT, 0, R_RISCV_RELATIVE,
	  R_RISCV_IRELATIVE },
	{ EM_LOONGARCH, R_LARCH_JUMP_SLOT, 0, R_LARCH_RELATIVE,
	  R_LARCH_IRELATIVE },
	{ EM_MIPS, R_MIPS_JUMP_SLOT, 0, 0, R_MIPS_IRELATIVE },
	{ EM_ALPHA, R_ALPHA_JMP_SLOT, R_ALPHA_GLOB_DAT, R_ALPHA_RELATIVE, 0 },
	{ EM_68K, R_68K_JMP_SLOT, R_68K_GLOB_DAT, R_68K_RELATIVE, 0 },
	{ EM_SH, R_SH_JMP_SLOT, R_SH_GLOB_DAT, R_SH_RELATIVE, 0 },
};

static const char *const kind_names[QH_SLOT_KINDS] = {
	[QH_SLOT_JUMP_SLOT] = "JUMP_SLOT",
	[QH_SLOT_GLOB_DAT] = "GLOB_DAT",
	[QH_SLOT_IRELATIVE] = "IRELATIVE",
	[QH_SLOT_RELATIVE] = "RELATIVE",
	[QH_SLOT_MIPS_GOT] = "MIPS GOT",
};

/* GOT-like sections: where an IRELATIVE or RELATIVE target is a slot */
#define MAX_GOTS 8

struct walk {
	const struct qh_elf *e;
	const struct reloc_types *rt;
	uint64_t lo, hi, word;
	bool sections; /* the file has section headers */
	uint64_t got_lo[MAX_GOTS], got_hi[MAX_GOTS];
	size_t ngot;
	bool any_out; /* first_out/last_out are set */
	struct qh_relro_slots *out;
};

const char *qh_slot_kind_name(enum qh_slot_kind k)
{
	return (size_t)k < QH_SLOT_KINDS ? kind_names[k] : "?";
}

static const struct reloc_types *types_of(const struct qh_elf *e)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(machines); i++)
		if (machines[i].machine == qh_elf_machine(e))
			return &machines[i];
	return NULL;
}

bool qh_relro_machine_known(const struct qh_elf *e)
{
	return types_of(e) != NULL;
}

static bool is_got(const struct qh_elf_section *s)
{
	static const char *const names[] = {
		".got", ".got.plt", ".igot", ".igot.plt",
	};

	for (size_t i = 0; i < QH_ARRAY_LEN(names); i++)
		if (strcmp(s->name, names[i]) == 0)
			return true;
	/* ppc, ppc64, sparc: a writable .plt is a table of pointers */
	return strcmp(s->name, ".plt") == 0 && (s->hdr.sh_flags & SHF_WRITE);
}

static void find_gots(struct walk *w)
{
	for (size_t i = 1; i < qh_elf_shnum(w->e) && w->ngot < MAX_GOTS; i++) {
		const struct qh_elf_section *s = qh_elf_section(w->e, i);

		if (!is_got(s) || s->hdr.sh_size == 0)
			continue;
		w->got_lo[w->ngot] = s->hdr.sh_addr;
		w->got_hi[w->ngot] = s->hdr.sh_addr + s->hdr.sh_size;
		w->ngot++;
	}
}

static bool in_got(const struct walk *w, uint64_t addr)
{
	for (size_t i = 0; i < w->ngot; i++)
		if (addr >= w->got_lo[i] && addr < w->got_hi[i])
			return true;
	return false;
}

static void note_slot(struct walk *w, uint64_t addr, enum qh_slot_kind k)
{
	struct qh_relro_slots *o = w->out;
	bool inside = addr >= w->lo && addr < w->hi && w->hi - addr >= w->word;

	o->total[k]++;
	if (inside)
		return;
	if (!w->any_out) {
		o->first_out = o->last_out = addr;
		w->any_out = true;
	} else {
		if (addr < o->first_out)
			o->first_out = addr;
		if (addr > o->last_out)
			o->last_out = addr;
	}
	o->outside[k]++;
}

static void classify(struct walk *w, uint64_t offset, uint32_t type)
{
	const struct reloc_types *rt = w->rt;
	enum qh_slot_kind k;

	if (type == 0)
		return;
	if (type == rt->jump_slot)
		k = QH_SLOT_JUMP_SLOT;
	else if (type == rt->glob_dat)
		k = QH_SLOT_GLOB_DAT;
	else if (type == rt->irelative)
		k = QH_SLOT_IRELATIVE;
	else if (type == rt->relative)
		k = QH_SLOT_RELATIVE;
	else
		return;
	if (k == QH_SLOT_IRELATIVE || k == QH_SLOT_RELATIVE) {
		/* without sections an IRELATIVE is taken as a slot (it
		 * usually is one), a RELATIVE is not (it usually is data) */
		if (w->sections ? !in_got(w, offset) : k == QH_SLOT_RELATIVE)
			return;
	}
	note_slot(w, offset, k);
}

/* SHT_RELA/SHT_REL entries: r_offset, r_info (type in its low bits; on
 * MIPS64 in the last byte of r_info whatever the byte order). */
static void walk_rel(struct walk *w, const unsigned char *p, uint64_t size,
		     bool rela)
{
	const struct qh_elf *e = w->e;
	bool is64 = qh_elf_class(e) == 64;
	bool mips64 = is64 && qh_elf_machine(e) == EM_MIPS;
	uint64_t ent = is64 ? (rela ? 24 : 16) : (rela ? 12 : 8);

	for (uint64_t off = 0; off < size && size - off >= ent; off += ent) {
		const unsigned char *r = p + off;
		uint64_t where = is64 ? qh_elf_read64(e, r) : qh_elf_read32(e, r);
		uint32_t type;

		if (mips64)
			type = r[15];
		else if (is64)
			type = (uint32_t)qh_elf_read64(e, r + 8);
		else
			type = qh_elf_read32(e, r + 4) & 0xffu;
		classify(w, where, type);
	}
}

/* RELR: an even word is the address of a RELATIVE slot; an odd word is a
 * bitmap of the next word-size - 1 slots after the last one. */
static void walk_relr(struct walk *w, const unsigned char *p, uint64_t size)
{
	const struct qh_elf *e = w->e;
	uint64_t word = w->word, base = 0;

	for (uint64_t off = 0; off < size && size - off >= word; off += word) {
		uint64_t v = word == 8 ? qh_elf_read64(e, p + off) :
					 qh_elf_read32(e, p + off);

		if (!(v & 1)) {
			classify(w, v, w->rt->relative);
			base = v + word;
			continue;
		}
		for (unsigned bit = 1; bit < word * 8; bit++)
			if ((v >> bit) & 1)
				classify(w, base + (bit - 1) * word,
					 w->rt->relative);
		base += (word * 8 - 1) * word;
	}
}

static bool dyn(const struct qh_elf *e, int64_t tag, uint64_t *v)
{
	*v = 0;
	return qh_elf_dyn_find(e, tag, v);
}

/* The tables ld.so reads. */
static bool walk_dynamic(struct walk *w)
{
	const struct qh_elf *e = w->e;
	static const struct {
		int64_t addr_tag, size_tag;
		const char *name;
		int form; /* 0 rela, 1 rel, 2 relr, 3 DT_PLTREL decides */
	} tables[] = {
		{ DT_RELA, DT_RELASZ, "DT_RELA", 0 },
		{ DT_REL, DT_RELSZ, "DT_REL", 1 },
		{ DT_JMPREL, DT_PLTRELSZ, "DT_JMPREL", 3 },
		{ DT_RELR, DT_RELRSZ, "DT_RELR", 2 },
	};

	for (size_t i = 0; i < QH_ARRAY_LEN(tables); i++) {
		uint64_t addr, size, pltrel;
		const unsigned char *p;
		struct qh_error err = { "" };
		int form = tables[i].form;

		if (!dyn(e, tables[i].addr_tag, &addr) ||
		    !dyn(e, tables[i].size_tag, &size) || size == 0)
			continue;
		if (form == 3)
			form = dyn(e, DT_PLTREL, &pltrel) && pltrel == DT_REL;
		p = qh_elf_bytes_at_vaddr(e, addr, size, &err);
		if (!p) {
			snprintf(w->out->why, sizeof(w->out->why),
				 "%s table %#llx+%#llx is not in the file",
				 tables[i].name, (unsigned long long)addr,
				 (unsigned long long)size);
			return false;
		}
		if (form == 2)
			walk_relr(w, p, size);
		else
			walk_rel(w, p, size, form == 0);
	}
	return true;
}

/* A file without a dynamic section: its allocated relocation sections
 * (libc's start-up code applies .rela.iplt / .rel.iplt itself). */
static bool walk_sections(struct walk *w)
{
	const struct qh_elf *e = w->e;

	if (qh_elf_shnum(e) <= 1) {
		snprintf(w->out->why, sizeof(w->out->why),
			 "no dynamic section and no section headers: its "
			 "relocations cannot be found");
		return false;
	}
	for (size_t i = 1; i < qh_elf_shnum(e); i++) {
		const struct qh_elf_section *s = qh_elf_section(e, i);
		uint32_t t = s->hdr.sh_type;
		const unsigned char *p;
		struct qh_error err = { "" };
		size_t size;

		if ((t != SHT_RELA && t != SHT_REL && t != SHT_RELR) ||
		    !(s->hdr.sh_flags & SHF_ALLOC))
			continue;
		p = qh_elf_section_bytes(e, s, &size, &err);
		if (!p) {
			snprintf(w->out->why, sizeof(w->out->why), "%s: %s",
				 s->name, err.msg);
			return false;
		}
		if (t == SHT_RELR)
			walk_relr(w, p, size);
		else
			walk_rel(w, p, size, t == SHT_RELA);
	}
	return true;
}

/* MIPS: ld.so relocates the whole GOT (local entries by the load offset,
 * global ones with their symbols) without a relocation entry each. */
static void walk_mips_got(struct walk *w)
{
	const struct qh_elf *e = w->e;
	uint64_t base, local, symtabno = 0, gotsym = 0, n;

	if (!dyn(e, DT_PLTGOT, &base) || !dyn(e, DT_MIPS_LOCAL_GOTNO, &local))
		return;
	dyn(e, DT_MIPS_SYMTABNO, &symtabno);
	dyn(e, DT_MIPS_GOTSYM, &gotsym);
	n = local + (symtabno > gotsym ? symtabno - gotsym : 0);
	if (n > (1u << 24)) /* hostile counts: a GOT is far smaller */
		n = 1u << 24;
	for (uint64_t i = 0; i < n; i++)
		note_slot(w, base + i * w->word, QH_SLOT_MIPS_GOT);
}

static const char *section_at(const struct qh_elf *e, uint64_t addr)
{
	for (size_t i = 1; i < qh_elf_shnum(e); i++) {
		const struct qh_elf_section *s = qh_elf_section(e, i);

		if ((s->hdr.sh_flags & SHF_ALLOC) && addr >= s->hdr.sh_addr &&
		    addr - s->hdr.sh_addr < s->hdr.sh_size)
			return s->name[0] ? s->name : NULL;
	}
	return NULL;
}

void qh_relro_slots(const struct qh_elf *e, uint64_t lo, uint64_t hi,
		    struct qh_relro_slots *out)
{
	struct walk w = { .e = e, .lo = lo, .hi = hi, .out = out };
	bool ok;

	memset(out, 0, sizeof(*out));
	w.rt = types_of(e);
	if (!w.rt) {
		snprintf(out->why, sizeof(out->why), "no relocation table for "
			 "machine %s", qh_elf_machine_name(e));
		return;
	}
	w.word = qh_elf_class(e) == 64 ? 8 : 4;
	w.sections = qh_elf_shnum(e) > 1;
	find_gots(&w);
	ok = qh_elf_ndyn(e) ? walk_dynamic(&w) : walk_sections(&w);
	if (!ok)
		return;
	if (qh_elf_machine(e) == EM_MIPS)
		walk_mips_got(&w);
	out->known = true;
	if (w.any_out)
		out->section_out = section_at(e, out->first_out);
}
