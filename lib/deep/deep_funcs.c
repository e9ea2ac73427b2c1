/* deep_funcs.c - the function list the deep checks walk: STT_FUNC symbols
 * from .symtab when the file has one; otherwise .dynsym plus the FDEs of
 * .eh_frame (every function compiled with unwind tables has one, which is
 * the default on every Debian architecture), so stripped binaries still get
 * per-function answers ("fn_<addr>" when no symbol names the range).
 */
#include "deep_image.h"
#include "elf.h"

#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct funcs_acc {
	struct deep_func *v;
	size_t n, cap;
};

static int acc_add(struct funcs_acc *a, const char *name, uint64_t addr,
		   uint64_t size, bool global)
{
	void *arr = a->v;
	char buf[32];

	if (qh_array_reserve(&arr, &a->cap, a->n + 1, sizeof(*a->v)))
		return -1;
	a->v = arr;
	if (!name) {
		snprintf(buf, sizeof(buf), "fn_%llx", (unsigned long long)addr);
		name = buf;
	}
	a->v[a->n] = (struct deep_func){ qh_strdup(name), addr, size, global };
	if (!a->v[a->n].name)
		return -1;
	a->n++;
	return 0;
}

static int collect_symbols(struct funcs_acc *a, struct qh_elf *e,
			   enum qh_elf_symtab which)
{
	size_t n = qh_elf_nsyms(e, which);

	for (size_t i = 1; i < n; i++) {
		const struct qh_elf_symbol *sym = qh_elf_sym(e, which, i);

		if (!sym || (sym->type != STT_FUNC && sym->type != STT_GNU_IFUNC) ||
		    !sym->defined || sym->shndx >= SHN_LORESERVE)
			continue;
		if (acc_add(a, sym->name && *sym->name ? sym->name : NULL, sym->value,
			    sym->size, sym->dynamic || sym->bind != STB_LOCAL) < 0)
			return -1;
	}
	return 0;
}

/* A DWARF EH pointer of encoding `enc` at p (vaddr `where`); 0 on failure. */
static int read_encoded(const uint8_t *p, const uint8_t *end, uint8_t enc,
			uint64_t where, const struct deep_image *img,
			uint64_t *out, size_t *len)
{
	uint64_t v = 0;
	size_t n;
	bool sign = false;

	switch (enc & 0x0f) {
	case 0x00: n = img->elf_class == 64 ? 8 : 4; break;
	case 0x02: n = 2; break;
	case 0x03: n = 4; break;
	case 0x04: n = 8; break;
	case 0x0a: n = 2; sign = true; break;
	case 0x0b: n = 4; sign = true; break;
	case 0x0c: n = 8; sign = true; break;
	default: return -1; /* LEB128 pointers: never emitted by GNU tools */
	}
	if ((size_t)(end - p) < n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t k = img->big_endian ? i : n - 1 - i;

		v = (v << 8) | p[k];
	}
	if (sign && n < 8 && (v >> (n * 8 - 1)) & 1)
		v |= ~0ULL << (n * 8);
	switch (enc & 0x70) {
	case 0x00: break;
	case 0x10: v += where; break;
	default: return -1;
	}
	*out = v;
	*len = n;
	return 0;
}

/* FDE pointer encoding of a CIE ('R' in its augmentation), or -1. */
static int cie_fde_encoding(const Dwarf_CIE *cie, const struct deep_image *img)
{
	const char *aug = cie->augmentation;
	const uint8_t *d = cie->augmentation_data;
	const uint8_t *end = d ? d + cie->augmentation_data_size : NULL;

	if (!aug || aug[0] != 'z')
		return 0x00; /* absolute pointers */
	for (const char *c = aug + 1; *c; c++) {
		if (!d || d >= end)
			return -1;
		switch (*c) {
		case 'R':
			return *d;
		case 'L':
			d++;
			break;
		case 'P': {
			uint64_t v;
			size_t n;
			uint8_t penc = *d++;

			if (read_encoded(d, end, penc & 0x7f, 0, img, &v, &n) < 0)
				return -1;
			d += n;
			break;
		}
		case 'S':
		case 'B':
			break;
		default:
			return -1;
		}
	}
	return 0x00;
}

struct cie_enc {
	Dwarf_Off off;
	int enc;
};

static int collect_fdes(struct funcs_acc *a, struct qh_elf *e,
			const struct qh_elf_section *sec, const struct deep_image *img)
{
	Elf_Scn *scn = elf_getscn(qh_elf_libelf(e), sec->index);
	Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
	const GElf_Ehdr *eh = qh_elf_ehdr(e);
	struct cie_enc *cies = NULL;
	size_t ncies = 0, ciecap = 0;
	Dwarf_Off off = 0, next;
	int rc = 0;

	if (!data || !data->d_buf || !eh)
		return 0;
	for (;;) {
		Dwarf_CFI_Entry e;
		int r = dwarf_next_cfi(eh->e_ident, data, true, off, &next, &e);

		if (r != 0)
			break; /* 1 = end, -1 = malformed: keep what we have */
		if (dwarf_cfi_cie_p(&e)) {
			void *arr = cies;

			if (qh_array_reserve(&arr, &ciecap, ncies + 1, sizeof(*cies))) {
				rc = -1;
				break;
			}
			cies = arr;
			cies[ncies++] = (struct cie_enc){ off, cie_fde_encoding(&e.cie, img) };
		} else {
			int enc = -1;
			uint64_t start, range;
			size_t n1, n2;
			const uint8_t *p = e.fde.start, *end = e.fde.end;

			for (size_t i = ncies; i-- > 0;) {
				if (cies[i].off == e.fde.CIE_pointer) {
					enc = cies[i].enc;
					break;
				}
			}
			if (enc >= 0 &&
			    read_encoded(p, end, (uint8_t)enc,
					 sec->hdr.sh_addr + (uint64_t)(p - (const uint8_t *)data->d_buf),
					 img, &start, &n1) == 0 &&
			    read_encoded(p + n1, end, (uint8_t)(enc & 0x0f), 0, img,
					 &range, &n2) == 0 &&
			    range && deep_image_text_at(img, start, 1)) {
				if (acc_add(a, NULL, start, range, false) < 0) {
					rc = -1;
					break;
				}
			}
		}
		if (next <= off)
			break;
		off = next;
	}
	free(cies);
	return rc;
}

static int cmp_func(const void *x, const void *y)
{
	const struct deep_func *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	/* Among aliases, the best name first: global, then a real name. */
	if (a->global != b->global)
		return a->global ? -1 : 1;
	bool an = strncmp(a->name, "fn_", 3) != 0, bn = strncmp(b->name, "fn_", 3) != 0;
	if (an != bn)
		return an ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Sort, merge aliases, give size-less symbols the gap to the next one, and
 * keep every range inside its executable section. */
static void normalise(struct deep_image *img, struct funcs_acc *a)
{
	size_t out = 0;

	/* qsort(NULL, 0, ...) is undefined (a stripped file has no functions). */
	if (a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), cmp_func);
	for (size_t i = 0; i < a->n; i++) {
		struct deep_func *f = &a->v[i];

		if (out && a->v[out - 1].addr == f->addr) {
			struct deep_func *keep = &a->v[out - 1];

			if (f->size > keep->size)
				keep->size = f->size;
			keep->global |= f->global;
			free(f->name);
			continue;
		}
		a->v[out++] = *f;
	}
	a->n = out;
	out = 0;
	for (size_t i = 0; i < a->n; i++) {
		struct deep_func *f = &a->v[i];
		const struct deep_section *s = deep_image_text_at(img, f->addr, 1);
		uint64_t limit;

		if (!s) {
			free(f->name);
			continue;
		}
		limit = s->addr + s->size - f->addr;
		if (!f->size) {
			f->size = limit;
			if (i + 1 < a->n && a->v[i + 1].addr - f->addr < f->size)
				f->size = a->v[i + 1].addr - f->addr;
		}
		if (f->size > limit)
			f->size = limit;
		a->v[out++] = *f;
	}
	a->n = out;
}

int deep_funcs_collect(struct deep_image *img, struct qh_elf *e,
		       struct qh_error *err)
{
	struct funcs_acc a = { 0 };
	const struct qh_elf_section *eh_frame = qh_elf_section_by_name(e, ".eh_frame");
	int rc = 0;

	img->has_symtab = qh_elf_nsyms(e, QH_SYMTAB_SYMTAB) > 1;
	if (img->has_symtab)
		rc = collect_symbols(&a, e, QH_SYMTAB_SYMTAB);
	if (rc == 0)
		rc = collect_symbols(&a, e, QH_SYMTAB_DYNSYM);
	if (rc == 0 && !img->has_symtab && eh_frame &&
	    eh_frame->hdr.sh_type == SHT_PROGBITS) {
		size_t before = a.n;

		rc = collect_fdes(&a, e, eh_frame, img);
		img->funcs_from_fde = a.n > before;
	}
	if (rc < 0) {
		for (size_t i = 0; i < a.n; i++)
			free(a.v[i].name);
		free(a.v);
		return qh_error_set(err, "out of memory");
	}
	normalise(img, &a);
	img->funcs = a.v;
	img->nfuncs = a.n;
	return 0;
}
