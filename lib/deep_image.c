/* deep_image.c - build the deep checks' view of an ELF image with libelf:
 * executable sections, GOT slots bound by JUMP_SLOT/GLOB_DAT relocations,
 * GNU property bits. Every byte range is checked against the image size
 * before a pointer into it is handed out.
 */
#include "deep_image.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#ifndef NT_GNU_PROPERTY_TYPE_0
#define NT_GNU_PROPERTY_TYPE_0 5
#endif
#ifndef GNU_PROPERTY_X86_FEATURE_1_AND
#define GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002u
#endif
#ifndef GNU_PROPERTY_AARCH64_FEATURE_1_AND
#define GNU_PROPERTY_AARCH64_FEATURE_1_AND 0xc0000000u
#endif

static bool range_ok(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

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

static void read_properties(struct deep_image *img, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, noff, name_off, doff;
	GElf_Nhdr nh;
	size_t align = img->elf_class == 64 ? 8 : 4;

	if (!data || !data->d_buf)
		return;
	while ((noff = gelf_getnote(data, off, &nh, &name_off, &doff)) > 0) {
		off = noff;
		if (nh.n_type != NT_GNU_PROPERTY_TYPE_0 || nh.n_namesz != 4 ||
		    memcmp((const char *)data->d_buf + name_off, "GNU", 4))
			continue;
		const uint8_t *p = (const uint8_t *)data->d_buf + doff;
		size_t left = nh.n_descsz;

		while (left >= 8) {
			uint32_t type, sz, bits = 0;

			memcpy(&type, p, 4);
			memcpy(&sz, p + 4, 4);
			if (img->big_endian) {
				type = __builtin_bswap32(type);
				sz = __builtin_bswap32(sz);
			}
			if (sz > left - 8)
				break;
			if (sz >= 4) {
				memcpy(&bits, p + 8, 4);
				if (img->big_endian)
					bits = __builtin_bswap32(bits);
			}
			if (type == GNU_PROPERTY_X86_FEATURE_1_AND) {
				if (bits & 1)
					img->props |= DEEP_PROP_X86_IBT;
				if (bits & 2)
					img->props |= DEEP_PROP_X86_SHSTK;
			} else if (type == GNU_PROPERTY_AARCH64_FEATURE_1_AND) {
				if (bits & 1)
					img->props |= DEEP_PROP_AARCH64_BTI;
				if (bits & 2)
					img->props |= DEEP_PROP_AARCH64_PAC;
			}
			size_t step = 8 + ((sz + align - 1) & ~(align - 1));
			if (step > left)
				break;
			p += step;
			left -= step;
		}
	}
}

static int scan_sections(struct deep_image *img, Elf *elf,
			 struct qh_error *err)
{
	size_t shstrndx, text_cap = 0;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return qh_error_set(err, "no section name table: %s",
				    elf_errmsg(-1));
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR) &&
		    (sh.sh_flags & SHF_ALLOC) && sh.sh_size) {
			if (!range_ok(img->size, sh.sh_offset, sh.sh_size))
				return qh_error_set(err,
					"section %s [0x%llx+0x%llx] lies outside the file",
					name ? name : "?",
					(unsigned long long)sh.sh_offset,
					(unsigned long long)sh.sh_size);
			if (add_text(img, &text_cap, name, sh.sh_addr, sh.sh_size,
				     img->base + sh.sh_offset) < 0)
				return qh_error_set(err, "out of memory");
		} else if ((sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) &&
			   (sh.sh_flags & SHF_ALLOC)) {
			if (collect_relocs(img, elf, scn, &sh) < 0)
				return qh_error_set(err, "out of memory");
		} else if (sh.sh_type == SHT_NOTE && name &&
			   strcmp(name, ".note.gnu.property") == 0) {
			read_properties(img, scn);
		} else if (name && strcmp(name, ".got.plt") == 0) {
			img->got_plt_addr = sh.sh_addr;
		} else if (name && strcmp(name, ".got") == 0 &&
			   !img->got_plt_addr && img->machine == EM_386) {
			img->got_plt_addr = sh.sh_addr;
		}
	}
	if (img->nslots)
		qsort(img->slots, img->nslots, sizeof(*img->slots), cmp_slot);
	return 0;
}

struct deep_image *deep_image_open(const void *data, size_t size,
				   struct qh_error *err)
{
	struct deep_image *img;
	Elf *elf;
	GElf_Ehdr eh;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		qh_error_set(err, "libelf: %s", elf_errmsg(-1));
		return NULL;
	}
	img = calloc(1, sizeof(*img));
	if (!img) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
	img->base = data;
	img->size = size;
	/* elf_memory wants a non-const pointer; ELF_C_READ never writes. */
	elf = elf_memory((char *)(uintptr_t)data, size);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		qh_error_set(err, "not an ELF file: %s", elf_errmsg(-1));
		goto fail;
	}
	img->machine = eh.e_machine;
	img->elf_class = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	img->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	img->arch = arch_of(img->machine, img->elf_class);
	if (eh.e_type == ET_REL) {
		qh_error_set(err, "relocatable object: deep checks need a linked file");
		goto fail;
	}
	if (scan_sections(img, elf, err) < 0)
		goto fail;
	if (deep_funcs_collect(img, elf, err) < 0)
		goto fail;
	elf_end(elf);
	return img;
fail:
	if (elf)
		elf_end(elf);
	deep_image_free(img);
	return NULL;
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
