/* deep_image.c - build the deep checks' view of an ELF file from qh_elf
 * (elf.h: bounds-checked sections, symbols, property notes) plus what
 * elf.h does not model, read with its libelf handle: GOT slots bound by
 * JUMP_SLOT/GLOB_DAT relocations.
 */
#include "deep_image.h"

#include "elf.h"
#include <gelf.h>
#include <stdlib.h>
#include <string.h>


static enum deep_arch arch_of(int machine, int elf_class)
{
	switch (machine) {
	case EM_X86_64:
		return elf_class == 64 ? DEEP_ARCH_X86_64 : DEEP_ARCH_NONE;
	case EM_386:
		return DEEP_ARCH_I386;
	case EM_AARCH64:
		return DEEP_ARCH_AARCH64;
	case EM_PPC64:
		return DEEP_ARCH_PPC64;
	case EM_S390:
		return elf_class == 64 ? DEEP_ARCH_S390X : DEEP_ARCH_NONE;
	default:
		return DEEP_ARCH_NONE;
	}
}

/* Relocation types that fill a GOT slot with an imported symbol's address. */
static bool is_slot_reloc(int machine, unsigned type)
{
	switch (machine) {
	case EM_X86_64:
		return type == R_X86_64_JUMP_SLOT || type == R_X86_64_GLOB_DAT;
	case EM_386:
		return type == R_386_JMP_SLOT || type == R_386_GLOB_DAT;
	case EM_AARCH64:
		return type == R_AARCH64_JUMP_SLOT || type == R_AARCH64_GLOB_DAT;
	case EM_PPC64:
		return type == R_PPC64_JMP_SLOT || type == R_PPC64_GLOB_DAT;
	case EM_S390:
		return type == R_390_JMP_SLOT || type == R_390_GLOB_DAT;
	default:
		return false;
	}
}

static int add_text(struct deep_image *img, size_t *cap, const char *name,
		    uint64_t addr, uint64_t size, const uint8_t *data)
{
	void *arr = img->text;

	if (qh_array_reserve(&arr, cap, img->ntext + 1, sizeof(*img->text)))
		return -1;
	img->text = arr;
	img->text[img->ntext] = (struct deep_section){
		.name = qh_strdup(name ? name : ""),
		.addr = addr, .size = size, .data = data,
	};
	if (!img->text[img->ntext].name)
		return -1;
	img->ntext++;
	return 0;
}

static int add_slot(struct deep_image *img, size_t *cap, uint64_t addr,
		    const char *name)
{
	void *arr = img->slots;

	if (qh_array_reserve(&arr, cap, img->nslots + 1, sizeof(*img->slots)))
		return -1;
	img->slots = arr;
	img->slots[img->nslots].addr = addr;
	img->slots[img->nslots].name = qh_strdup(name);
	if (!img->slots[img->nslots].name)
		return -1;
	img->nslots++;
	return 0;
}

/* R_*_RELATIVE: the addend is an address in this file (RELA only; REL
 * keeps it in the relocated word, which i386 code-side refs cover). */
static bool is_relative_reloc(int machine, unsigned type)
{
	switch (machine) {
	case EM_X86_64:
		return type == R_X86_64_RELATIVE;
	case EM_AARCH64:
		return type == R_AARCH64_RELATIVE;
	default:
		return false;
	}
}

int deep_image_add_taken(struct deep_image *img, uint64_t addr)
{
	void *arr = img->taken;

	if (qh_array_reserve(&arr, &img->taken_cap, img->ntaken + 1, sizeof(*img->taken)))
		return -1;
	img->taken = arr;
	img->taken[img->ntaken++] = addr;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void deep_image_sort_taken(struct deep_image *img)
{
	size_t out = 0;

	if (!img->ntaken)
		return;
	qsort(img->taken, img->ntaken, sizeof(*img->taken), cmp_u64);
	for (size_t i = 0; i < img->ntaken; i++)
		if (!out || img->taken[out - 1] != img->taken[i])
			img->taken[out++] = img->taken[i];
	img->ntaken = out;
}

bool deep_image_is_taken(const struct deep_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->ntaken;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->taken[mid] == addr)
			return true;
		if (img->taken[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct deep_slot *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int collect_relocs(struct deep_image *img, Elf *elf, Elf_Scn *scn,
			  const GElf_Shdr *sh)
{
	Elf_Scn *symscn = elf_getscn(elf, sh->sh_link);
	GElf_Shdr symsh;
	Elf_Data *data = elf_getdata(scn, NULL), *symdata;
	size_t n;

	if (!data || !symscn || !gelf_getshdr(symscn, &symsh) ||
	    !(symdata = elf_getdata(symscn, NULL)) || !sh->sh_entsize)
		return 0; /* not usable: nothing to learn, not an error */
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Rela rela;
		GElf_Rel rel;
		GElf_Sym sym;
		uint64_t off, info;
		const char *name;

		if (sh->sh_type == SHT_RELA) {
			if (!gelf_getrela(data, (int)i, &rela))
				break;
			off = rela.r_offset;
			info = rela.r_info;
		} else {
			if (!gelf_getrel(data, (int)i, &rel))
				break;
			off = rel.r_offset;
			info = rel.r_info;
		}
		/* gelf hands out 32-bit r_info already in 64-bit layout. */
		if (sh->sh_type == SHT_RELA &&
		    is_relative_reloc(img->machine, (unsigned)GELF_R_TYPE(info))) {
			if (deep_image_add_taken(img, (uint64_t)rela.r_addend) < 0)
				return -1;
			continue;
		}
		if (!is_slot_reloc(img->machine, (unsigned)GELF_R_TYPE(info)))
			continue;
		size_t symi = GELF_R_SYM(info);
		if (!symi || !gelf_getsym(symdata, (int)symi, &sym))
			continue;
		name = elf_strptr(elf, symsh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		if (add_slot(img, &img->slots_cap, off, name) < 0)
			return -1;
	}
	return 0;
}

static int scan_sections(struct deep_image *img, struct qh_elf *e,
			 struct qh_error *err)
{
	Elf *elf = qh_elf_libelf(e);
	size_t text_cap = 0;

	for (size_t i = 1; i < qh_elf_shnum(e); i++) {
		const struct qh_elf_section *s = qh_elf_section(e, i);
		const GElf_Shdr *sh;

		if (!s)
			continue;
		sh = &s->hdr;
		if (sh->sh_type == SHT_PROGBITS && (sh->sh_flags & SHF_EXECINSTR) &&
		    (sh->sh_flags & SHF_ALLOC) && sh->sh_size) {
			size_t size;
			const unsigned char *bytes = qh_elf_section_bytes(e, s, &size, err);

			if (!bytes)
				return -1;
			if (add_text(img, &text_cap, s->name, sh->sh_addr, size, bytes) < 0)
				return qh_error_set(err, "out of memory");
		} else if ((sh->sh_type == SHT_RELA || sh->sh_type == SHT_REL) &&
			   (sh->sh_flags & SHF_ALLOC)) {
			Elf_Scn *scn = elf_getscn(elf, s->index);

			if (scn && collect_relocs(img, elf, scn, sh) < 0)
				return qh_error_set(err, "out of memory");
		} else if (strcmp(s->name, ".got.plt") == 0) {
			img->got_plt_addr = sh->sh_addr;
		} else if (strcmp(s->name, ".got") == 0 && !img->got_plt_addr &&
			   img->machine == EM_386) {
			img->got_plt_addr = sh->sh_addr;
		}
	}
	if (img->nslots)
		qsort(img->slots, img->nslots, sizeof(*img->slots), cmp_slot);
	return 0;
}

struct deep_image *deep_image_open(struct qh_elf *e, struct qh_error *err)
{
	struct deep_image *img = calloc(1, sizeof(*img));
	struct qh_elf_gnu_props props;
	struct qh_error perr = { "" };

	if (!img) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
	img->base = qh_elf_image(e, &img->size);
	img->machine = (int)qh_elf_machine(e);
	img->elf_class = qh_elf_class(e);
	img->big_endian = qh_elf_big_endian(e);
	img->arch = arch_of(img->machine, img->elf_class);
	img->relocatable = qh_elf_type(e) == ET_REL;
	if (img->arch == DEEP_ARCH_NONE || img->relocatable)
		return img; /* nothing to disassemble: the checks skip */
	/* A malformed property note only loses the claim, not the file. */
	if (qh_elf_gnu_properties(e, &props, &perr) == 0) {
		if (props.has_x86_feature_1) {
			if (props.x86_feature_1 & QH_X86_FEATURE_1_IBT)
				img->props |= DEEP_PROP_X86_IBT;
			if (props.x86_feature_1 & QH_X86_FEATURE_1_SHSTK)
				img->props |= DEEP_PROP_X86_SHSTK;
		}
		if (props.has_aarch64_feature_1) {
			if (props.aarch64_feature_1 & QH_AARCH64_FEATURE_1_BTI)
				img->props |= DEEP_PROP_AARCH64_BTI;
			if (props.aarch64_feature_1 & QH_AARCH64_FEATURE_1_PAC)
				img->props |= DEEP_PROP_AARCH64_PAC;
		}
	}
	if (scan_sections(img, e, err) < 0 || deep_funcs_collect(img, e, err) < 0) {
		deep_image_free(img);
		return NULL;
	}
	return img;
}

void deep_image_free(struct deep_image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->ntext; i++)
		free(img->text[i].name);
	for (size_t i = 0; i < img->nfuncs; i++)
		free(img->funcs[i].name);
	for (size_t i = 0; i < img->nslots; i++)
		free(img->slots[i].name);
	free(img->text);
	free(img->funcs);
	free(img->slots);
	free(img->stubs);
	free(img->taken);
	free(img);
}

const struct deep_section *deep_image_text_at(const struct deep_image *img,
					      uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < img->ntext; i++) {
		const struct deep_section *s = &img->text[i];

		if (addr >= s->addr && addr - s->addr <= s->size &&
		    len <= s->size - (addr - s->addr))
			return s;
	}
	return NULL;
}

const char *deep_image_slot_name(const struct deep_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nslots;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->slots[mid].addr == addr)
			return img->slots[mid].name;
		if (img->slots[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *deep_image_stub_name(const struct deep_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nstubs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->stubs[mid].addr == addr)
			return img->stubs[mid].name;
		if (img->stubs[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct deep_func *deep_image_func_at(const struct deep_image *img,
					   uint64_t addr)
{
	size_t lo = 0, hi = img->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct deep_func *f = &img->funcs[mid];

		if (addr < f->addr)
			hi = mid;
		else if (addr - f->addr >= f->size)
			lo = mid + 1;
		else
			return f;
	}
	return NULL;
}
