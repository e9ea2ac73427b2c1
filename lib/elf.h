/* elf.h - read-only, bounds-checked view of one ELF file (libelf/gelf).
 *
 * qh_elf_open() maps a file privately (never writes it, never executes it)
 * and validates the parts every check relies on up front: ELF header,
 * program header table, section header table, section names, the dynamic
 * segment and its string table, the symbol tables. Anything malformed makes
 * the open fail with a message in `err`, so a check never has to wonder
 * whether a header it reads is inside the file.
 *
 * Both classes (32/64) and both byte orders are handled by gelf; all values
 * below are in host order. Everything returned points into the qh_elf and
 * lives until qh_elf_close(). One qh_elf must be used by one thread at a
 * time; different qh_elf handles may be used in parallel.
 *
 * Only lib/ includes this header's libelf dependency (gelf.h).
 */
#ifndef QHARD_ELF_H
#define QHARD_ELF_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qh.h"

struct qh_elf;

/* ---- opening ---------------------------------------------------------- */

/* Open `path` read-only. Fails (NULL + err) for: unreadable files,
 * directories and other non-regular files, empty files, non-ELF files,
 * and malformed or truncated ELF files. Accepted although odd: a segment
 * with p_filesz 0 whatever its p_offset, a bad e_ident[EI_VERSION] (read
 * as EV_CURRENT, with a warning), and a separate debug file's segments
 * past its end (qh_elf_debug_file). */
struct qh_elf *qh_elf_open(const char *path, struct qh_error *err);
/* qh_elf_open with two choices:
 * - read_max: a file up to this size is read into memory instead of
 *   mapped. In a process whose threads scan many files, every munmap is a
 *   TLB shootdown (an IPI to each CPU running another thread): half the
 *   system time of a 2-thread scan of /usr/lib in perf. 0: always map.
 * - not_elf (for files met by a directory walk; may be NULL): a file that
 *   does not start with the ELF magic sets *not_elf and returns NULL with
 *   no error and nothing mapped; so does one that is no longer there or
 *   has become a symlink since the walk listed it (never followed). */
struct qh_elf *qh_elf_open_ex(const char *path, size_t read_max,
			      bool *not_elf, struct qh_error *err);
/* Same on a caller buffer (fuzzing, archives). The buffer is copied, so the
 * caller may free it right after. `name` is used in messages. */
struct qh_elf *qh_elf_open_memory(const void *data, size_t size,
				  const char *name, struct qh_error *err);
void qh_elf_close(struct qh_elf *e);

/* Cheap test used by directory walks: true when the first bytes are the ELF
 * magic (does not validate anything else). */
bool qh_elf_has_magic(const void *data, size_t size);

/* ---- header ----------------------------------------------------------- */

const char *qh_elf_name(const struct qh_elf *e);
int qh_elf_class(const struct qh_elf *e);          /* 32 or 64 */
bool qh_elf_big_endian(const struct qh_elf *e);
unsigned qh_elf_machine(const struct qh_elf *e);   /* EM_* */
/* "x86_64", "i386", "aarch64", "arm", "s390", "ppc64", ... or "em-N". */
const char *qh_elf_machine_name(const struct qh_elf *e);
unsigned qh_elf_type(const struct qh_elf *e);      /* ET_* */
uint64_t qh_elf_entry(const struct qh_elf *e);
const GElf_Ehdr *qh_elf_ehdr(const struct qh_elf *e);
/* A separate debug file (objcopy --only-keep-debug, -dbgsym packages): an
 * ET_EXEC/ET_DYN whose code, .interp or .dynamic section is SHT_NOBITS.
 * Returns the name of the section that says so, or NULL. Such a file has
 * no PT_INTERP string and no dynamic entries (their bytes are not there);
 * its segments may point past its end. */
const char *qh_elf_debug_file(const struct qh_elf *e);
/* What qh_elf_open accepted although it is odd, one sentence each (a bad
 * EI_VERSION); the analysis reports them as the result's warnings. */
#define QH_ELF_MAX_WARNINGS 4
#define QH_ELF_WARNING_LEN 160
size_t qh_elf_nwarnings(const struct qh_elf *e);
const char *qh_elf_warning(const struct qh_elf *e, size_t i);
/* The whole file image (read-only) and its size. */
const unsigned char *qh_elf_image(const struct qh_elf *e, size_t *size);
/* The libelf handle, for lib/ modules that need more (deep checks). */
Elf *qh_elf_libelf(struct qh_elf *e);

/* ---- program headers -------------------------------------------------- */

size_t qh_elf_phnum(const struct qh_elf *e);
const GElf_Phdr *qh_elf_phdr(const struct qh_elf *e, size_t i); /* NULL past end */
/* First program header of `type` (PT_*), or NULL. */
const GElf_Phdr *qh_elf_phdr_find(const struct qh_elf *e, uint32_t type);

/* ---- sections --------------------------------------------------------- */

struct qh_elf_section {
	size_t index;
	const char *name; /* "" when the file has no section name table */
	GElf_Shdr hdr;
};

size_t qh_elf_shnum(const struct qh_elf *e); /* includes section 0 */
const struct qh_elf_section *qh_elf_section(const struct qh_elf *e, size_t i);
const struct qh_elf_section *qh_elf_section_by_name(const struct qh_elf *e,
						    const char *name);
/* First section of sh_type (SHT_*), or NULL. */
const struct qh_elf_section *qh_elf_section_by_type(const struct qh_elf *e,
						    uint32_t type);
/* Raw file bytes of a section (no byte-order conversion). NULL + err for
 * SHT_NOBITS or out-of-file ranges (cannot happen after a successful open). */
const unsigned char *qh_elf_section_bytes(const struct qh_elf *e,
					  const struct qh_elf_section *s,
					  size_t *size, struct qh_error *err);

/* ---- dynamic segment -------------------------------------------------- */

/* Entries of PT_DYNAMIC up to and excluding DT_NULL (what the loader sees).
 * Zero entries for static executables and objects. */
size_t qh_elf_ndyn(const struct qh_elf *e);
const GElf_Dyn *qh_elf_dyn(const struct qh_elf *e, size_t i);
bool qh_elf_has_dynamic(const struct qh_elf *e);
/* First entry with `tag`: true and *val set, or false. */
bool qh_elf_dyn_find(const struct qh_elf *e, int64_t tag, uint64_t *val);
/* String at `offset` in the dynamic string table (DT_STRTAB), or NULL when
 * out of range (cannot happen for DT_NEEDED/RPATH/RUNPATH/SONAME after a
 * successful open: they are validated). */
const char *qh_elf_dynstr(const struct qh_elf *e, uint64_t offset);
/* Convenience: strings of every entry with `tag` (DT_NEEDED ...), in order.
 * Returns the count; fills up to `max` pointers into `out`. */
size_t qh_elf_dyn_strings(const struct qh_elf *e, int64_t tag,
			  const char **out, size_t max);
/* NULL when absent. */
const char *qh_elf_soname(const struct qh_elf *e);
const char *qh_elf_interp(const struct qh_elf *e);

/* ---- symbols ---------------------------------------------------------- */

enum qh_elf_symtab {
	QH_SYMTAB_DYNSYM = 1, /* .dynsym */
	QH_SYMTAB_SYMTAB = 2, /* .symtab (absent when stripped) */
	QH_SYMTAB_ANY = 3,    /* for lookups: either */
};

struct qh_elf_symbol {
	const char *name;  /* without "@VERSION" / "@@VERSION" */
	uint64_t value;
	uint64_t size;
	uint16_t shndx;    /* SHN_UNDEF for imports */
	unsigned char bind; /* STB_* */
	unsigned char type; /* STT_* */
	unsigned char visibility; /* STV_* */
	bool defined;      /* shndx != SHN_UNDEF */
	bool dynamic;      /* from .dynsym */
};

size_t qh_elf_nsyms(const struct qh_elf *e, enum qh_elf_symtab which);
const struct qh_elf_symbol *qh_elf_sym(const struct qh_elf *e,
				       enum qh_elf_symtab which, size_t i);
/* Every symbol of `which` (DYNSYM or SYMTAB) in index order, without
 * decoding or hashing the table: fn sees a symbol valid only during the
 * call. Returns fn's first non-zero value, or 0. The cheap way to look for
 * a few names in a table of 100k. */
typedef int (*qh_elf_sym_fn)(const struct qh_elf_symbol *sym, void *ctx);
int qh_elf_sym_foreach(const struct qh_elf *e, enum qh_elf_symtab which,
		       qh_elf_sym_fn fn, void *ctx);
/* The same without the leading STB_LOCAL symbols (the table's sh_info of
 * them), for names only a global can carry: a third of node's .symtab.
 * sh_info is trusted only when every symbol below it is indeed LOCAL
 * (checked at open); otherwise the whole table is walked. */
int qh_elf_sym_foreach_global(const struct qh_elf *e,
			      enum qh_elf_symtab which, qh_elf_sym_fn fn,
			      void *ctx);
/* .dynsym in two parts, for files with a GNU hash table (DT_GNU_HASH): the
 * symbols from qh_elf_dynsym_hashed_from() on are all defined and found by
 * name through .gnu.hash, as ld.so finds them; every other symbol (imports
 * above all) lies below and is walked. A DSO exporting 75k symbols is then
 * looked up, not read. Without a usable .gnu.hash the walk is the whole
 * table (minus the leading locals) and lookups find nothing. */
size_t qh_elf_dynsym_hashed_from(const struct qh_elf *e);
int qh_elf_dynsym_unhashed_foreach(const struct qh_elf *e, qh_elf_sym_fn fn,
				   void *ctx);
bool qh_elf_dynsym_hashed_lookup(const struct qh_elf *e, const char *name,
				 struct qh_elf_symbol *out);
/* Symbol tables are decoded and hashed on first use; when that ran out of
 * memory the table read as empty and this says so (NULL otherwise). */
const char *qh_elf_deferred_error(const struct qh_elf *e);
/* Exact-name lookup (hashed). Returns the first match in `which` (dynsym
 * first for QH_SYMTAB_ANY), or NULL. Index 0 (the null symbol) is never
 * returned. */
const struct qh_elf_symbol *qh_elf_sym_find(const struct qh_elf *e,
					    enum qh_elf_symtab which,
					    const char *name);
/* An undefined .dynsym entry named exactly `name` (an import). */
bool qh_elf_imports(const struct qh_elf *e, const char *name);
/* A defined symbol named exactly `name` in either table. */
const struct qh_elf_symbol *qh_elf_defines(const struct qh_elf *e,
					   const char *name);

/* ---- notes ------------------------------------------------------------ */

/* Called per note; return non-zero to stop (that value is returned). */
typedef int (*qh_elf_note_fn)(const char *owner, uint32_t type,
			      const unsigned char *desc, size_t descsz,
			      void *ctx);
/* Iterate notes of PT_NOTE segments, or of SHT_NOTE sections when the file
 * has no PT_NOTE (objects). desc is raw file bytes (file byte order). */
int qh_elf_notes_foreach(const struct qh_elf *e, qh_elf_note_fn fn, void *ctx);

struct qh_elf_gnu_props {
	bool found;          /* a NT_GNU_PROPERTY_TYPE_0 note exists */
	bool has_x86_feature_1;
	uint32_t x86_feature_1;     /* GNU_PROPERTY_X86_FEATURE_1_AND bits */
	bool has_aarch64_feature_1;
	uint32_t aarch64_feature_1; /* GNU_PROPERTY_AARCH64_FEATURE_1_AND bits */
};

#define QH_X86_FEATURE_1_IBT 0x1u
#define QH_X86_FEATURE_1_SHSTK 0x2u
#define QH_AARCH64_FEATURE_1_BTI 0x1u
#define QH_AARCH64_FEATURE_1_PAC 0x2u

/* Parse .note.gnu.property. Returns 0, or -1 + err for a malformed note. */
int qh_elf_gnu_properties(const struct qh_elf *e, struct qh_elf_gnu_props *out,
			  struct qh_error *err);

/* ---- raw bytes -------------------------------------------------------- */

/* `len` bytes at file offset `off`, or NULL + err when out of the file. */
const unsigned char *qh_elf_bytes_at_offset(const struct qh_elf *e,
					    uint64_t off, uint64_t len,
					    struct qh_error *err);
/* Map a virtual address to a file offset through the PT_LOAD segments
 * (file-backed part only). Returns 0 or -1 + err. */
int qh_elf_vaddr_to_offset(const struct qh_elf *e, uint64_t vaddr,
			   uint64_t len, uint64_t *off, struct qh_error *err);
/* `len` bytes at virtual address `vaddr`, or NULL + err. */
const unsigned char *qh_elf_bytes_at_vaddr(const struct qh_elf *e,
					   uint64_t vaddr, uint64_t len,
					   struct qh_error *err);
/* NUL-terminated string at `vaddr` that ends inside its segment, or NULL. */
const char *qh_elf_string_at_vaddr(const struct qh_elf *e, uint64_t vaddr);

/* Byte-order helpers for raw bytes taken from this file. */
uint16_t qh_elf_read16(const struct qh_elf *e, const unsigned char *p);
uint32_t qh_elf_read32(const struct qh_elf *e, const unsigned char *p);
uint64_t qh_elf_read64(const struct qh_elf *e, const unsigned char *p);

#endif
