/* deep_image.h - the narrow view of an ELF image the deep checks need:
 * executable sections (bytes + vaddr), the function list, the GOT slots
 * that relocations bind to imported names, and the GNU property bits.
 *
 * Built once per file from the caller's qh_elf (elf.h checks every range
 * it hands out). Owned by deep.c; the checks only read it.
 */
#ifndef QHARD_DEEP_IMAGE_H
#define QHARD_DEEP_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qh.h"

struct deep_section {
	char *name;
	uint64_t addr;
	uint64_t size;
	const uint8_t *data; /* inside the image; size bytes */
};

struct deep_func {
	char *name;    /* symbol name, or "fn_<hex>" when only an FDE named it */
	uint64_t addr;
	uint64_t size;
	bool global;   /* STB_GLOBAL/WEAK, or exported in .dynsym */
};

/* A GOT slot some relocation fills with the address of `name`. */
struct deep_slot {
	uint64_t addr;
	char *name;
};

/* A PLT stub (found by disassembly) that jumps through a GOT slot. */
struct deep_stub {
	uint64_t addr;
	const char *name; /* points into a deep_slot */
};

enum deep_arch {
	DEEP_ARCH_NONE = 0,
	DEEP_ARCH_X86_64,
	DEEP_ARCH_I386,
	DEEP_ARCH_AARCH64,
	DEEP_ARCH_PPC64,
	DEEP_ARCH_S390X,
};

#define DEEP_PROP_X86_IBT 0x1u
#define DEEP_PROP_X86_SHSTK 0x2u
#define DEEP_PROP_AARCH64_BTI 0x4u
#define DEEP_PROP_AARCH64_PAC 0x8u

struct deep_image {
	const uint8_t *base;
	size_t size;
	enum deep_arch arch;
	int machine;     /* EM_* */
	int elf_class;   /* 32 / 64 */
	bool big_endian;
	unsigned props;  /* DEEP_PROP_* claimed by .note.gnu.property */
	bool relocatable; /* ET_REL: addresses are not final, nothing to scan */
	bool has_symtab; /* functions came from .symtab (else dynsym / FDEs) */
	bool funcs_from_fde;
	uint64_t got_plt_addr; /* .got.plt (i386 PIC PLT base), 0 if none */

	struct deep_section *text; /* executable PROGBITS sections */
	size_t ntext;
	struct deep_func *funcs;   /* sorted by addr, no duplicates */
	size_t nfuncs;
	struct deep_slot *slots;   /* sorted by addr */
	size_t nslots;
	size_t slots_cap;
	struct deep_stub *stubs;   /* sorted by addr */
	size_t nstubs;
	uint64_t stack_chk_guard;  /* address of __stack_chk_guard if defined */
	/* Addresses stored as data (RELATIVE relocations) or formed in code
	 * (lea/adrp+add): functions starting there can be called indirectly.
	 * Sorted and unique after deep_scan_run. */
	uint64_t *taken;
	size_t ntaken, taken_cap;
};

struct qh_elf;
/* Build the view of `e` (which must outlive it). Unsupported machines and
 * relocatable objects give an image with arch DEEP_ARCH_NONE / relocatable
 * set and nothing else. */
struct deep_image *deep_image_open(struct qh_elf *e, struct qh_error *err);
void deep_image_free(struct deep_image *img);

/* The executable section holding [addr, addr+len), or NULL. */
const struct deep_section *deep_image_text_at(const struct deep_image *img,
					      uint64_t addr, uint64_t len);
/* Name bound to a GOT slot / PLT stub at exactly addr, or NULL. */
const char *deep_image_slot_name(const struct deep_image *img, uint64_t addr);
const char *deep_image_stub_name(const struct deep_image *img, uint64_t addr);
/* Record an address-taken target (deep_image.c, deep_scan.c). */
int deep_image_add_taken(struct deep_image *img, uint64_t addr);
void deep_image_sort_taken(struct deep_image *img);
bool deep_image_is_taken(const struct deep_image *img, uint64_t addr);
/* Function containing addr, or NULL. */
const struct deep_func *deep_image_func_at(const struct deep_image *img,
					   uint64_t addr);

/* C runtime start-file functions (crt1.o, crti.o, crtbegin.o, glibc's
 * libc_nonshared.a): they come
 * with the C library and compiler, not from the units being checked, and
 * distributions ship them unhardened; the scan skips them (deep_util.c). */
bool deep_is_crt_function(const char *name);

/* Function list builder (deep_funcs.c), called by deep_image_open. */
int deep_funcs_collect(struct deep_image *img, struct qh_elf *e,
		       struct qh_error *err);

#endif
