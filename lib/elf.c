/* elf.c - read-only, bounds-checked ELF view on top of libelf/gelf.
 *
 * Everything a check may read is validated here, once, at open time: the
 * header tables, the section names, the dynamic segment and its strings,
 * the symbol tables. A file that fails any of it is reported as malformed
 * (with what and where), never half-analysed. Every range taken from the
 * file goes through range_ok() before it is dereferenced.
 */
#include "elf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filemap.h"

#ifndef NT_GNU_PROPERTY_TYPE_0
#define NT_GNU_PROPERTY_TYPE_0 5
#endif
#define QH_GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002u
#define QH_GNU_PROPERTY_AARCH64_FEATURE_1_AND 0xc0000000u

/* Per symbol: its name hash, and the chain of later symbols with the same
 * name (symbol index + 1, 0 = end). Only the first symbol of each name
 * sits in the hash table, so a file with a million copies of one name
 * costs a million O(1) appends, not a million probes each. */
struct symlink {
	uint32_t hv;
	uint32_t next; /* next symbol with this name */
	uint32_t tail; /* chain heads only: last symbol with this name */
};

/* A symbol table is validated at open (headers, every name offset) but
 * decoded into `syms` and hashed only when a caller first asks for a
 * symbol by index or by name: the header checks stream the table instead
 * (qh_elf_sym_foreach), and hashing node's 180k names for a dozen lookups
 * was most of a /usr/bin scan. */
struct symtab {
	Elf_Data *data;      /* the raw entries (host order, from libelf) */
	const char *str;     /* its string table */
	size_t strsize;
	bool str_terminated; /* strtab ends with NUL: no per-name memchr */
	bool versioned;      /* .symtab: names may carry "@VERSION" */
	size_t n;
	size_t first_global; /* sh_info, when all below it are LOCAL; else 0 */
	size_t last_undef;   /* index of the last SHN_UNDEF symbol (0: none) */
	bool is64;           /* Elf64_Sym entries (else Elf32_Sym) */
	/* .dynsym only: symbols from hashed_from on are defined and found
	 * through .gnu.hash (n: no usable hash table). */
	size_t hashed_from;
	const unsigned char *gh_buckets, *gh_chain;
	uint32_t gh_nbuckets, gh_symoffset;
	struct qh_elf_symbol *syms; /* n entries once decoded */
	bool decoded, hashed;
	uint32_t *hash; /* open addressing: symbol index + 1, 0 = empty */
	size_t hmask;
	struct symlink *links; /* n entries */
};

/* Names that had a version suffix are copied here (the image is never
 * modified); a simple chain of blocks freed at close. */
struct name_block {
	struct name_block *next;
	char data[];
};

struct qh_elf {
	char *name;
	unsigned char *image;
	size_t size;
	bool mapped; /* image is an mmap (else malloc) */
	Elf *elf;
	GElf_Ehdr ehdr;
	GElf_Phdr *phdrs;
	size_t phnum;
	struct qh_elf_section *secs;
	size_t shnum;
	GElf_Dyn *dyn;
	size_t ndyn;
	bool has_dynamic;
	const char *dynstr;
	size_t dynstr_size;
	const char *interp;
	struct symtab tabs[2]; /* [0] dynsym, [1] symtab */
	struct name_block *names;
	char machine_buf[16];
	char lazy_err[160]; /* a decode that failed after open (ENOMEM) */
	/* A segment whose file bytes lie outside the file (index + 1, 0:
	 * none): an error unless the file is a separate debug file. */
	size_t bad_phdr;
	const char *debug_why; /* separate debug file: which section says so */
	char warnings[QH_ELF_MAX_WARNINGS][QH_ELF_WARNING_LEN];
	size_t nwarnings;
};

static pthread_once_t libelf_once = PTHREAD_ONCE_INIT;
static bool libelf_ok;

static void libelf_init(void)
{
	libelf_ok = elf_version(EV_CURRENT) != EV_NONE;
}

/* True when [off, off+len) lies inside a buffer of `size` bytes. */
static bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

bool qh_elf_has_magic(const void *data, size_t size)
{
	return size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0;
}

static int elf_fail(struct qh_error *err, const char *what)
{
	return qh_error_set(err, "%s: %s", what, elf_errmsg(-1));
}

/* ---- loading: headers ------------------------------------------------- */

static int load_phdrs(struct qh_elf *e, struct qh_error *err)
{
	size_t n, entsize;

	/* libelf clamps the count to what fits in the file; we want to know
	 * that it did not fit. PN_XNUM means the real count is elsewhere. */
	n = e->ehdr.e_phnum;
	if (n == PN_XNUM) {
		if (elf_getphdrnum(e->elf, &n) != 0)
			return elf_fail(err, "cannot read program header count");
		if (n < PN_XNUM)
			return qh_error_set(err, "e_phnum is PN_XNUM but section "
					    "0 gives %zu program headers", n);
	}
	if (n == 0)
		return 0;
	entsize = gelf_fsize(e->elf, ELF_T_PHDR, 1, EV_CURRENT);
	if (e->ehdr.e_phentsize != entsize)
		return qh_error_set(err, "bad e_phentsize %u (expected %zu)",
				    e->ehdr.e_phentsize, entsize);
	if (n > e->size / entsize ||
	    !range_ok(e->ehdr.e_phoff, (uint64_t)n * entsize, e->size))
		return qh_error_set(err, "program header table (offset %#llx, "
				    "%zu entries) lies outside the file "
				    "(%zu bytes)",
				    (unsigned long long)e->ehdr.e_phoff, n,
				    e->size);
	e->phdrs = calloc(n, sizeof(*e->phdrs));
	if (!e->phdrs)
		return qh_error_set(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr *p = &e->phdrs[i];

		if (!gelf_getphdr(e->elf, (int)i, p))
			return qh_error_set(err, "program header %zu: %s", i,
					    elf_errmsg(-1));
		/* Core files are often truncated on purpose; everything
		 * else must hold the bytes its segments claim. A segment
		 * that reads nothing (p_filesz 0: a .bss-only PT_LOAD) is
		 * valid wherever its p_offset points. check_segments()
		 * decides, once the sections tell a debug file apart. */
		if (!e->bad_phdr && e->ehdr.e_type != ET_CORE &&
		    p->p_type != PT_NULL && p->p_filesz != 0 &&
		    !range_ok(p->p_offset, p->p_filesz, e->size))
			e->bad_phdr = i + 1;
	}
	e->phnum = n;
	return 0;
}

/* A separate debug file (objcopy/strip --only-keep-debug, the .debug files
 * of -dbgsym packages) keeps the program headers and section headers of
 * its executable, but every allocated section that held bytes became
 * SHT_NOBITS: the code, .interp, .dynamic. No linked program has an
 * interpreter or a dynamic section without file bytes, nor only code
 * without bytes (old PowerPC programs do have one: a .plt in .bss). */
static void find_debug_file(struct qh_elf *e)
{
	const char *nobits_code = NULL;
	bool code_bytes = false;

	if (e->ehdr.e_type != ET_EXEC && e->ehdr.e_type != ET_DYN)
		return;
	for (size_t i = 1; i < e->shnum && !e->debug_why; i++) {
		const struct qh_elf_section *s = &e->secs[i];
		bool nobits = s->hdr.sh_type == SHT_NOBITS;

		if (s->hdr.sh_size == 0)
			continue;
		if (s->hdr.sh_flags & SHF_EXECINSTR) {
			code_bytes |= !nobits;
			if (nobits && !nobits_code)
				nobits_code = s->name[0] ? s->name :
							   "the code";
		} else if (nobits && (strcmp(s->name, ".dynamic") == 0 ||
				      strcmp(s->name, ".interp") == 0)) {
			e->debug_why = s->name;
		}
	}
	if (!e->debug_why && nobits_code && !code_bytes)
		e->debug_why = nobits_code;
}

static int segment_error(const struct qh_elf *e, struct qh_error *err)
{
	const GElf_Phdr *p = &e->phdrs[e->bad_phdr - 1];

	return qh_error_set(err, "segment %zu (offset %#llx, size %#llx) lies "
			    "outside the file (%zu bytes)", e->bad_phdr - 1,
			    (unsigned long long)p->p_offset,
			    (unsigned long long)p->p_filesz, e->size);
}

/* Segments whose bytes are missing: their contents were never copied into
 * a debug file, and are an error in any other file. Needs the sections
 * (loaded and named). */
static int check_segments(struct qh_elf *e, struct qh_error *err)
{
	find_debug_file(e);
	if (!e->bad_phdr || e->debug_why)
		return 0;
	return segment_error(e, err);
}

static void add_warning(struct qh_elf *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_warning(struct qh_elf *e, const char *fmt, ...)
{
	va_list ap;

	if (e->nwarnings == QH_ELF_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(e->warnings[e->nwarnings++], QH_ELF_WARNING_LEN, fmt, ap);
	va_end(ap);
}

static int load_sections(struct qh_elf *e, struct qh_error *err)
{
	size_t n, strndx = SHN_UNDEF, entsize;
	const char *shstr = NULL;
	size_t shstr_size = 0;

	/* As for phdrs: libelf clamps; e_shnum == 0 with a table means the
	 * count is in section 0's sh_size (extended numbering). */
	n = e->ehdr.e_shnum;
	if (n == 0 && e->ehdr.e_shoff != 0 &&
	    elf_getshdrnum(e->elf, &n) != 0)
		return elf_fail(err, "cannot read section header count");
	if (n == 0)
		return 0;
	entsize = gelf_fsize(e->elf, ELF_T_SHDR, 1, EV_CURRENT);
	if (e->ehdr.e_shentsize != entsize)
		return qh_error_set(err, "bad e_shentsize %u (expected %zu)",
				    e->ehdr.e_shentsize, entsize);
	if (n > e->size / entsize ||
	    !range_ok(e->ehdr.e_shoff, (uint64_t)n * entsize, e->size))
		return qh_error_set(err, "section header table (offset %#llx, "
				    "%zu entries) lies outside the file "
				    "(%zu bytes)",
				    (unsigned long long)e->ehdr.e_shoff, n,
				    e->size);
	if (elf_getshdrstrndx(e->elf, &strndx) != 0)
		return elf_fail(err, "cannot read section name table index");
	if (strndx != SHN_UNDEF && strndx >= n)
		return qh_error_set(err, "section name table index %zu out of "
				    "range (%zu sections)", strndx, n);
	e->secs = calloc(n, sizeof(*e->secs));
	if (!e->secs)
		return qh_error_set(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		Elf_Scn *scn = elf_getscn(e->elf, i);
		GElf_Shdr *sh = &e->secs[i].hdr;

		if (!scn || !gelf_getshdr(scn, sh))
			return qh_error_set(err, "section header %zu: %s", i,
					    elf_errmsg(-1));
		e->secs[i].index = i;
		if (i > 0 && sh->sh_type != SHT_NOBITS &&
		    sh->sh_type != SHT_NULL && sh->sh_size != 0 &&
		    !range_ok(sh->sh_offset, sh->sh_size, e->size))
			return qh_error_set(err, "section %zu (offset %#llx, "
					    "size %#llx) lies outside the file "
					    "(%zu bytes)", i,
					    (unsigned long long)sh->sh_offset,
					    (unsigned long long)sh->sh_size,
					    e->size);
	}
	e->shnum = n;
	if (strndx != SHN_UNDEF) {
		const GElf_Shdr *sh = &e->secs[strndx].hdr;

		if (sh->sh_type != SHT_STRTAB)
			return qh_error_set(err, "section name table (section "
					    "%zu) is not a string table",
					    strndx);
		shstr = (const char *)e->image + sh->sh_offset;
		shstr_size = sh->sh_size;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t off = e->secs[i].hdr.sh_name;

		if (!shstr) {
			e->secs[i].name = "";
			continue;
		}
		if (off >= shstr_size ||
		    !memchr(shstr + off, '\0', shstr_size - off))
			return qh_error_set(err, "section %zu: name offset %u "
					    "outside the section name table "
					    "(%zu bytes)", i, off, shstr_size);
		e->secs[i].name = shstr + off;
	}
	return 0;
}

/* ---- loading: dynamic segment ---------------------------------------- */

static bool dynstr_ok(const struct qh_elf *e, uint64_t off)
{
	return e->dynstr && off < e->dynstr_size &&
	       memchr(e->dynstr + off, '\0', e->dynstr_size - off);
}

static int load_interp(struct qh_elf *e, struct qh_error *err)
{
	const GElf_Phdr *p = qh_elf_phdr_find(e, PT_INTERP);
	const char *s;

	if (!p)
		return 0;
	/* load_phdrs does not range-check core files' segments (cores are
	 * often truncated on purpose), so check PT_INTERP here. */
	if (!range_ok(p->p_offset, p->p_filesz, e->size))
		return qh_error_set(err, "PT_INTERP lies outside the file");
	s = (const char *)e->image + p->p_offset;
	if (p->p_filesz == 0 || !memchr(s, '\0', p->p_filesz))
		return qh_error_set(err, "PT_INTERP is not a terminated "
				    "string");
	e->interp = s;
	return 0;
}

static int load_dynamic(struct qh_elf *e, struct qh_error *err)
{
	const GElf_Phdr *p = qh_elf_phdr_find(e, PT_DYNAMIC);
	size_t entsize, max;
	uint64_t strtab = 0, strsz = 0, off;
	bool have_strtab = false;
	Elf_Data *d;

	if (!p || e->ehdr.e_type == ET_CORE)
		return 0;
	e->has_dynamic = true;
	entsize = gelf_fsize(e->elf, ELF_T_DYN, 1, EV_CURRENT);
	max = p->p_filesz / entsize;
	if (max == 0)
		return 0;
	d = elf_getdata_rawchunk(e->elf, (int64_t)p->p_offset,
				 max * entsize, ELF_T_DYN);
	if (!d)
		return elf_fail(err, "cannot read PT_DYNAMIC");
	e->dyn = calloc(max, sizeof(*e->dyn));
	if (!e->dyn)
		return qh_error_set(err, "out of memory");
	for (size_t i = 0; i < max; i++) {
		GElf_Dyn *dyn = &e->dyn[e->ndyn];

		if (!gelf_getdyn(d, (int)i, dyn))
			return qh_error_set(err, "dynamic entry %zu: %s", i,
					    elf_errmsg(-1));
		if (dyn->d_tag == DT_NULL)
			break;
		if (dyn->d_tag == DT_STRTAB) {
			strtab = dyn->d_un.d_ptr;
			have_strtab = true;
		} else if (dyn->d_tag == DT_STRSZ) {
			strsz = dyn->d_un.d_val;
		}
		e->ndyn++;
	}
	if (have_strtab) {
		if (qh_elf_vaddr_to_offset(e, strtab, strsz, &off, err) < 0)
			return qh_error_prefix(err, "DT_STRTAB: ");
		e->dynstr = (const char *)e->image + off;
		e->dynstr_size = strsz;
	}
	for (size_t i = 0; i < e->ndyn; i++) {
		int64_t tag = e->dyn[i].d_tag;

		if (tag != DT_NEEDED && tag != DT_RPATH && tag != DT_RUNPATH &&
		    tag != DT_SONAME)
			continue;
		if (!dynstr_ok(e, e->dyn[i].d_un.d_val))
			return qh_error_set(err, "dynamic entry %zu (tag %lld): "
					    "string offset %#llx outside "
					    "DT_STRTAB (%zu bytes)", i,
					    (long long)tag,
					    (unsigned long long)e->dyn[i].d_un.d_val,
					    e->dynstr_size);
	}
	return 0;
}

/* ---- loading: symbols ------------------------------------------------- */

/* Where "name@VERSION" / "name@@VERSION" (.symtab) has its version, or
 * NULL. An "@" alone at the start is a real (odd) name, not a version. */
static const char *version_at(const char *name)
{
	const char *at = strchr(name, '@');

	return at && at != name ? at : NULL;
}

static const char *strip_version(struct qh_elf *e, const char *name,
				 struct qh_error *err)
{
	const char *at = version_at(name);
	struct name_block *b;
	size_t len;

	if (!at)
		return name;
	len = (size_t)(at - name);
	b = malloc(sizeof(*b) + len + 1);
	if (!b) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
	memcpy(b->data, name, len);
	b->data[len] = '\0';
	b->next = e->names;
	e->names = b;
	return b->data;
}

/* Eight bytes per step: symbol names (C++ ones especially) are long, and a
 * byte-at-a-time FNV over every name of every table was a third of all
 * instructions of a /usr/lib scan (callgrind). Multiply-xorshift keeps the
 * low bits, which pick the slot, dependent on every byte. */
static uint32_t name_hash(const char *s)
{
	size_t len = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0x100000001b3ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static int build_hash(struct symtab *t, struct qh_error *err)
{
	size_t cap = 16;

	while (cap < t->n * 2)
		cap *= 2;
	t->hash = calloc(cap, sizeof(*t->hash));
	t->links = calloc(t->n, sizeof(*t->links));
	if (!t->hash || !t->links)
		return qh_error_set(err, "out of memory");
	t->hmask = cap - 1;
	for (size_t i = 1; i < t->n; i++) {
		const char *name = t->syms[i].name;
		uint32_t hv;
		size_t h;

		if (!name[0])
			continue;
		hv = name_hash(name);
		t->links[i].hv = hv;
		for (h = hv & t->hmask; t->hash[h]; h = (h + 1) & t->hmask) {
			struct symlink *head = &t->links[t->hash[h] - 1];

			if (head->hv == hv &&
			    strcmp(t->syms[t->hash[h] - 1].name, name) == 0) {
				/* same name: append (keeps index order) */
				t->links[head->tail - 1].next = (uint32_t)(i + 1);
				head->tail = (uint32_t)(i + 1);
				break;
			}
		}
		if (!t->hash[h]) {
			t->hash[h] = (uint32_t)(i + 1);
			t->links[i].tail = (uint32_t)(i + 1);
		}
	}
	return 0;
}

static int load_symtab(struct qh_elf *e, struct symtab *t, uint32_t type,
		       struct qh_error *err)
{
	const struct qh_elf_section *s = qh_elf_section_by_type(e, type);
	const char *what = type == SHT_DYNSYM ? ".dynsym" : ".symtab";
	const GElf_Shdr *strsh;
	size_t entsize, n, info_at, shndx_at;
	Elf_Data *d;

	if (!s)
		return 0;
	entsize = gelf_fsize(e->elf, ELF_T_SYM, 1, EV_CURRENT);
	if (s->hdr.sh_link == 0 || s->hdr.sh_link >= e->shnum)
		return qh_error_set(err, "%s: string table link %u out of "
				    "range", what, s->hdr.sh_link);
	strsh = &e->secs[s->hdr.sh_link].hdr;
	if (strsh->sh_type != SHT_STRTAB)
		return qh_error_set(err, "%s: linked section %u is not a "
				    "string table", what, s->hdr.sh_link);
	n = s->hdr.sh_size / entsize;
	if (n == 0)
		return 0;
	if (n > UINT32_MAX - 1)
		return qh_error_set(err, "%s: too many symbols", what);
	d = elf_getdata(elf_getscn(e->elf, s->index), NULL);
	if (!d || d->d_size < n * entsize)
		return qh_error_set(err, "%s: cannot read symbols: %s", what,
				    elf_errmsg(-1));
	t->data = d;
	t->str = (const char *)e->image + strsh->sh_offset;
	t->strsize = strsh->sh_size;
	t->str_terminated = t->strsize && t->str[t->strsize - 1] == '\0';
	t->versioned = type == SHT_SYMTAB;
	/* Every name must end inside its string table. st_name is the first
	 * 32-bit field of Elf32_Sym and Elf64_Sym alike; st_info (binding in
	 * its high nibble) is at byte 4 of an Elf64_Sym, 12 of an Elf32_Sym. */
	t->is64 = qh_elf_class(e) == 64;
	info_at = t->is64 ? 4 : 12;
	shndx_at = info_at + 2;
	t->first_global = s->hdr.sh_info <= n ? s->hdr.sh_info : 0;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *ent = (const unsigned char *)d->d_buf +
					   i * entsize;
		uint32_t name;

		uint16_t shndx;

		if (i < t->first_global && GELF_ST_BIND(ent[info_at]) != STB_LOCAL)
			t->first_global = 0; /* sh_info lies: walk everything */
		memcpy(&shndx, ent + shndx_at, sizeof(shndx));
		if (shndx == SHN_UNDEF)
			t->last_undef = i;
		memcpy(&name, ent, sizeof(name));
		if (name >= t->strsize ||
		    (!t->str_terminated &&
		     !memchr(t->str + name, '\0', t->strsize - name)))
			return qh_error_set(err, "%s: symbol %zu: name offset "
					    "%u outside its string table "
					    "(%zu bytes)", what, i, name,
					    t->strsize);
	}
	t->n = n;
	t->hashed_from = n;
	return 0;
}

/* The GNU hash function (DT_GNU_HASH). */
static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

/* .gnu.hash of .dynsym: nbuckets, symoffset, bloom_size, bloom_shift, the
 * bloom words (class-sized), nbuckets bucket words, one chain word per
 * symbol from symoffset on. Anything that does not fit leaves the table
 * without it (every lookup then walks the table): it is a speed-up, and a
 * file ld.so could not use is still reported. */
static void load_gnu_hash(struct qh_elf *e, struct symtab *t,
			  size_t dynsym_index)
{
	const struct qh_elf_section *s = NULL;
	const unsigned char *p;
	uint64_t need, words;
	uint32_t nbuckets, symoffset, bloom_size;

	for (size_t i = 1; i < e->shnum && !s; i++)
		if (e->secs[i].hdr.sh_type == SHT_GNU_HASH &&
		    e->secs[i].hdr.sh_link == dynsym_index)
			s = &e->secs[i];
	if (!s || t->n == 0 || s->hdr.sh_size < 16 ||
	    !range_ok(s->hdr.sh_offset, s->hdr.sh_size, e->size))
		return;
	p = e->image + s->hdr.sh_offset;
	nbuckets = qh_elf_read32(e, p);
	symoffset = qh_elf_read32(e, p + 4);
	bloom_size = qh_elf_read32(e, p + 8);
	if (nbuckets == 0 || symoffset == 0 || symoffset > t->n)
		return;
	words = (uint64_t)bloom_size * (qh_elf_class(e) == 64 ? 2 : 1) +
		nbuckets + (t->n - symoffset);
	need = 16 + 4 * words; /* no overflow: each term < 2^34 */
	if (need > s->hdr.sh_size)
		return;
	t->gh_nbuckets = nbuckets;
	t->gh_symoffset = symoffset;
	t->gh_buckets = p + 16 + 4 * (uint64_t)bloom_size *
				     (qh_elf_class(e) == 64 ? 2 : 1);
	t->gh_chain = t->gh_buckets + 4 * (uint64_t)nbuckets;
	/* an import above symoffset (no linker puts one there) keeps the
	 * walk going up to it */
	t->hashed_from = symoffset > t->last_undef ? symoffset : t->last_undef + 1;
}

/* Symbol i of t into *sym, its name straight from the string table (still
 * with any "@VERSION"). Offsets and the data size were validated at open.
 * The entries are read here rather than with gelf_getsym: libelf already
 * put them in host order, and the call was a sixth of all instructions of
 * a /usr/bin scan (callgrind), where every import is read. memcpy: a
 * hostile sh_offset may leave them unaligned. */
static void read_symbol(const struct symtab *t, size_t i,
			struct qh_elf_symbol *sym)
{
	GElf_Sym gs;

	if (t->is64) {
		memcpy(&gs, (const Elf64_Sym *)t->data->d_buf + i, sizeof(gs));
	} else {
		Elf32_Sym s32;

		memcpy(&s32, (const Elf32_Sym *)t->data->d_buf + i, sizeof(s32));
		gs.st_name = s32.st_name;
		gs.st_value = s32.st_value;
		gs.st_size = s32.st_size;
		gs.st_info = s32.st_info;
		gs.st_other = s32.st_other;
		gs.st_shndx = s32.st_shndx;
	}
	sym->name = t->str + gs.st_name;
	sym->value = gs.st_value;
	sym->size = gs.st_size;
	sym->shndx = gs.st_shndx;
	sym->bind = GELF_ST_BIND(gs.st_info);
	sym->type = GELF_ST_TYPE(gs.st_info);
	sym->visibility = GELF_ST_VISIBILITY(gs.st_other);
	sym->defined = gs.st_shndx != SHN_UNDEF;
	sym->dynamic = !t->versioned;
}

static void lazy_fail(const struct qh_elf *ce, const char *what)
{
	struct qh_elf *e = (struct qh_elf *)ce;

	if (!e->lazy_err[0])
		snprintf(e->lazy_err, sizeof(e->lazy_err), "%s: out of memory",
			 what);
}

/* Decode t into its array (once). On ENOMEM the table reads as empty and
 * qh_elf_deferred_error() says so. */
static bool decode_symtab(const struct qh_elf *ce, const struct symtab *ct)
{
	struct qh_elf *e = (struct qh_elf *)ce;
	struct symtab *t = (struct symtab *)ct;
	struct qh_error err = { "" };

	if (t->decoded)
		return t->syms != NULL;
	t->decoded = true;
	if (t->n == 0)
		return false;
	t->syms = calloc(t->n, sizeof(*t->syms));
	if (!t->syms) {
		lazy_fail(e, "symbols");
		return false;
	}
	for (size_t i = 0; i < t->n; i++) {
		read_symbol(t, i, &t->syms[i]);
		if (t->versioned) {
			t->syms[i].name = strip_version(e, t->syms[i].name, &err);
			if (!t->syms[i].name) {
				free(t->syms);
				t->syms = NULL;
				lazy_fail(e, "symbols");
				return false;
			}
		}
	}
	return true;
}

static bool hash_symtab(const struct qh_elf *e, const struct symtab *ct)
{
	struct symtab *t = (struct symtab *)ct;
	struct qh_error err = { "" };

	if (t->hashed)
		return t->hash != NULL;
	t->hashed = true;
	if (!decode_symtab(e, t))
		return false;
	if (build_hash(t, &err) < 0) {
		free(t->hash);
		free(t->links);
		t->hash = NULL;
		t->links = NULL;
		lazy_fail(e, "symbol hash");
		return false;
	}
	return true;
}

/* ---- open / close ----------------------------------------------------- */

static const char *machine_name(struct qh_elf *e)
{
	static const struct {
		unsigned em;
		const char *name32, *name64;
	} names[] = {
		{ EM_X86_64, "x32", "x86_64" },
		{ EM_386, "i386", "i386" },
		{ EM_AARCH64, "aarch64_ilp32", "aarch64" },
		{ EM_ARM, "arm", "arm" },
		{ EM_S390, "s390", "s390x" },
		{ EM_PPC64, "ppc64", "ppc64" },
		{ EM_PPC, "ppc", "ppc" },
		{ EM_RISCV, "riscv32", "riscv64" },
		{ EM_MIPS, "mips", "mips64" },
		{ 258 /* EM_LOONGARCH */, "loongarch32", "loongarch64" },
		{ EM_SPARCV9, "sparc64", "sparc64" },
		{ EM_SPARC, "sparc", "sparc" },
		{ EM_IA_64, "ia64", "ia64" },
		{ EM_ALPHA, "alpha", "alpha" },
		{ EM_68K, "m68k", "m68k" },
		{ EM_SH, "sh4", "sh4" },
		{ EM_PARISC, "hppa", "hppa" },
		{ EM_MICROBLAZE, "microblaze", "microblaze" },
		{ EM_XTENSA, "xtensa", "xtensa" },
	};
	bool is64 = e->ehdr.e_ident[EI_CLASS] == ELFCLASS64;

	for (size_t i = 0; i < QH_ARRAY_LEN(names); i++)
		if (names[i].em == e->ehdr.e_machine)
			return is64 ? names[i].name64 : names[i].name32;
	snprintf(e->machine_buf, sizeof(e->machine_buf), "em-%u",
		 e->ehdr.e_machine);
	return e->machine_buf;
}

static int load_all(struct qh_elf *e, struct qh_error *err)
{
	if (!qh_elf_has_magic(e->image, e->size))
		return qh_error_set(err, "not an ELF file");
	if (e->size < EI_NIDENT ||
	    (e->image[EI_CLASS] != ELFCLASS32 &&
	     e->image[EI_CLASS] != ELFCLASS64))
		return qh_error_set(err, "bad ELF class");
	if (e->image[EI_DATA] != ELFDATA2LSB && e->image[EI_DATA] != ELFDATA2MSB)
		return qh_error_set(err, "bad ELF byte order");
	if (e->size < (e->image[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) :
							  sizeof(Elf32_Ehdr)))
		return qh_error_set(err, "truncated ELF header (%zu bytes)",
				    e->size);
	pthread_once(&libelf_once, libelf_init);
	if (!libelf_ok)
		return qh_error_set(err, "libelf: version mismatch");
	/* libelf refuses an e_ident[EI_VERSION] other than EV_CURRENT; the
	 * kernel never reads the field and runs such a file. Read it as
	 * version 1 and say so. The image is a private copy (malloc, or a
	 * MAP_PRIVATE mapping): the file itself is never written. */
	if (e->image[EI_VERSION] != EV_CURRENT) {
		add_warning(e, "e_ident[EI_VERSION] is %u, not %u (EV_CURRENT): "
			    "read as version %u, as the kernel runs it (it does "
			    "not check the field)", e->image[EI_VERSION],
			    EV_CURRENT, EV_CURRENT);
		e->image[EI_VERSION] = EV_CURRENT;
	}
	e->elf = elf_memory((char *)e->image, e->size);
	if (!e->elf)
		return elf_fail(err, "libelf cannot read the file");
	if (elf_kind(e->elf) != ELF_K_ELF)
		return qh_error_set(err, "not an ELF file");
	if (!gelf_getehdr(e->elf, &e->ehdr))
		return elf_fail(err, "truncated or bad ELF header");
	if (load_phdrs(e, err) < 0)
		return -1;
	/* a file cut short after its segments: name the segment first */
	if (load_sections(e, err) < 0)
		return e->bad_phdr ? segment_error(e, err) : -1;
	if (check_segments(e, err) < 0 ||
	    /* a debug file's .interp and .dynamic have no bytes */
	    (!e->debug_why && (load_interp(e, err) < 0 ||
			       load_dynamic(e, err) < 0)) ||
	    load_symtab(e, &e->tabs[0], SHT_DYNSYM, err) < 0 ||
	    load_symtab(e, &e->tabs[1], SHT_SYMTAB, err) < 0)
		return -1;
	if (e->tabs[0].n)
		load_gnu_hash(e, &e->tabs[0],
			      qh_elf_section_by_type(e, SHT_DYNSYM)->index);
	return 0;
}

static struct qh_elf *finish_open(struct qh_elf *e, struct qh_error *err)
{
	if (load_all(e, err) < 0) {
		if (qh_elf_deferred_error(e))
			qh_error_set(err, "%s", qh_elf_deferred_error(e));
		qh_error_prefix(err, "%s: ", e->name);
		qh_elf_close(e);
		return NULL;
	}
	return e;
}

static struct qh_elf *open_by_read(const char *path, int fd, size_t size,
				   struct qh_error *err)
{
	struct qh_elf *e = calloc(1, sizeof(*e));
	size_t got = 0;

	if (!e || !(e->name = strdup(path)) || !(e->image = malloc(size))) {
		close(fd);
		qh_elf_close(e);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	while (got < size) {
		ssize_t n = pread(fd, e->image + got, size - got, (off_t)got);

		if (n <= 0) {
			if (n < 0)
				qh_error_errno(err, errno, "%s", path);
			else
				qh_error_set(err, "%s: file shrank while being read",
					     path);
			close(fd);
			qh_elf_close(e);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	e->size = size;
	return finish_open(e, err);
}

struct qh_elf *qh_elf_open(const char *path, struct qh_error *err)
{
	return qh_elf_open_ex(path, 0, NULL, err);
}

struct qh_elf *qh_elf_open_ex(const char *path, size_t read_max,
			      bool *not_elf, struct qh_error *err)
{
	struct qh_elf *e;
	struct stat st;
	void *map;
	int fd;

	if (not_elf)
		*not_elf = false;
	/* O_NONBLOCK: a FIFO handed to us must not hang the scan. A walk
	 * entry (not_elf given) is opened without following a symlink, and
	 * one that vanished or became a symlink since readdir is no input. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
			(not_elf ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (not_elf && (errno == ENOENT || errno == ELOOP)) {
			*not_elf = true;
			return NULL;
		}
		qh_error_errno(err, errno, "%s", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		qh_error_errno(err, errno, "%s", path);
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		qh_error_set(err, "%s: %s", path, S_ISDIR(st.st_mode) ?
			     "is a directory" : "not a regular file");
		close(fd);
		return NULL;
	}
	if (not_elf) {
		/* a walk meets scripts and data: one small read, no mapping */
		unsigned char magic[SELFMAG];
		ssize_t got = pread(fd, magic, sizeof(magic), 0);

		if (got < 0) {
			qh_error_errno(err, errno, "%s", path);
			close(fd);
			return NULL;
		}
		*not_elf = !qh_elf_has_magic(magic, (size_t)got);
		if (*not_elf) {
			close(fd);
			return NULL;
		}
	}
	if (st.st_size == 0) {
		qh_error_set(err, "%s: empty file", path);
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		qh_error_set(err, "%s: file too large", path);
		close(fd);
		return NULL;
	}
	if ((size_t)st.st_size <= read_max)
		return open_by_read(path, fd, (size_t)st.st_size, err);
	/* MAP_NORESERVE: a writable private mapping is otherwise charged in
	 * full against the commit limit, so a file larger than RAM + swap
	 * (a sparse 30 GB file in t0905) failed with ENOMEM although only
	 * its headers are ever read.
	 * MAP_PRIVATE + PROT_WRITE: libelf may convert byte order in place;
	 * those writes stay in private copy-on-write pages, never the file.
	 * qh_filemap: a file truncated by another process while we read it
	 * gives zeros and an error for this file, not a SIGBUS for all. */
	map = qh_filemap(fd, (size_t)st.st_size, PROT_READ | PROT_WRITE, err);
	close(fd);
	if (!map) {
		qh_error_prefix(err, "%s: ", path);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->name = strdup(path))) {
		free(e);
		qh_filemap_unmap(map, (size_t)st.st_size);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	e->image = map;
	e->size = (size_t)st.st_size;
	e->mapped = true;
	return finish_open(e, err);
}

struct qh_elf *qh_elf_open_memory(const void *data, size_t size,
				  const char *name, struct qh_error *err)
{
	struct qh_elf *e;

	if (!name)
		name = "<memory>";
	if (size == 0) {
		qh_error_set(err, "%s: empty file", name);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->name = strdup(name)) || !(e->image = malloc(size))) {
		if (e)
			free(e->name);
		free(e);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	memcpy(e->image, data, size);
	e->size = size;
	return finish_open(e, err);
}

void qh_elf_close(struct qh_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	for (int i = 0; i < 2; i++) {
		free(e->tabs[i].syms);
		free(e->tabs[i].hash);
		free(e->tabs[i].links);
	}
	while (e->names) {
		struct name_block *next = e->names->next;

		free(e->names);
		e->names = next;
	}
	free(e->phdrs);
	free(e->secs);
	free(e->dyn);
	if (e->mapped)
		qh_filemap_unmap(e->image, e->size);
	else
		free(e->image);
	free(e->name);
	free(e);
}

/* ---- accessors -------------------------------------------------------- */

const char *qh_elf_name(const struct qh_elf *e) { return e->name; }

int qh_elf_class(const struct qh_elf *e)
{
	return e->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
}

bool qh_elf_big_endian(const struct qh_elf *e)
{
	return e->ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
}

unsigned qh_elf_machine(const struct qh_elf *e) { return e->ehdr.e_machine; }

const char *qh_elf_machine_name(const struct qh_elf *e)
{
	return machine_name((struct qh_elf *)e);
}

unsigned qh_elf_type(const struct qh_elf *e) { return e->ehdr.e_type; }

const char *qh_elf_debug_file(const struct qh_elf *e) { return e->debug_why; }

size_t qh_elf_nwarnings(const struct qh_elf *e) { return e->nwarnings; }

const char *qh_elf_warning(const struct qh_elf *e, size_t i)
{
	return i < e->nwarnings ? e->warnings[i] : NULL;
}
uint64_t qh_elf_entry(const struct qh_elf *e) { return e->ehdr.e_entry; }
const GElf_Ehdr *qh_elf_ehdr(const struct qh_elf *e) { return &e->ehdr; }

const unsigned char *qh_elf_image(const struct qh_elf *e, size_t *size)
{
	if (size)
		*size = e->size;
	return e->image;
}

Elf *qh_elf_libelf(struct qh_elf *e) { return e->elf; }

size_t qh_elf_phnum(const struct qh_elf *e) { return e->phnum; }

const GElf_Phdr *qh_elf_phdr(const struct qh_elf *e, size_t i)
{
	return i < e->phnum ? &e->phdrs[i] : NULL;
}

const GElf_Phdr *qh_elf_phdr_find(const struct qh_elf *e, uint32_t type)
{
	for (size_t i = 0; i < e->phnum; i++)
		if (e->phdrs[i].p_type == type)
			return &e->phdrs[i];
	return NULL;
}

size_t qh_elf_shnum(const struct qh_elf *e) { return e->shnum; }

const struct qh_elf_section *qh_elf_section(const struct qh_elf *e, size_t i)
{
	return i < e->shnum ? &e->secs[i] : NULL;
}

const struct qh_elf_section *qh_elf_section_by_name(const struct qh_elf *e,
						    const char *name)
{
	for (size_t i = 1; i < e->shnum; i++)
		if (strcmp(e->secs[i].name, name) == 0)
			return &e->secs[i];
	return NULL;
}

const struct qh_elf_section *qh_elf_section_by_type(const struct qh_elf *e,
						    uint32_t type)
{
	for (size_t i = 1; i < e->shnum; i++)
		if (e->secs[i].hdr.sh_type == type)
			return &e->secs[i];
	return NULL;
}

const unsigned char *qh_elf_section_bytes(const struct qh_elf *e,
					  const struct qh_elf_section *s,
					  size_t *size, struct qh_error *err)
{
	if (s->hdr.sh_type == SHT_NOBITS) {
		qh_error_set(err, "section %s has no file bytes", s->name);
		return NULL;
	}
	if (s->hdr.sh_size == 0) { /* valid wherever sh_offset points */
		if (size)
			*size = 0;
		return e->image;
	}
	if (!range_ok(s->hdr.sh_offset, s->hdr.sh_size, e->size)) {
		qh_error_set(err, "section %s lies outside the file", s->name);
		return NULL;
	}
	if (size)
		*size = (size_t)s->hdr.sh_size;
	return e->image + s->hdr.sh_offset;
}

size_t qh_elf_ndyn(const struct qh_elf *e) { return e->ndyn; }

const GElf_Dyn *qh_elf_dyn(const struct qh_elf *e, size_t i)
{
	return i < e->ndyn ? &e->dyn[i] : NULL;
}

bool qh_elf_has_dynamic(const struct qh_elf *e) { return e->has_dynamic; }

bool qh_elf_dyn_find(const struct qh_elf *e, int64_t tag, uint64_t *val)
{
	for (size_t i = 0; i < e->ndyn; i++) {
		if (e->dyn[i].d_tag == tag) {
			if (val)
				*val = e->dyn[i].d_un.d_val;
			return true;
		}
	}
	return false;
}

const char *qh_elf_dynstr(const struct qh_elf *e, uint64_t offset)
{
	return dynstr_ok(e, offset) ? e->dynstr + offset : NULL;
}

size_t qh_elf_dyn_strings(const struct qh_elf *e, int64_t tag,
			  const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < e->ndyn; i++) {
		const char *s;

		if (e->dyn[i].d_tag != tag)
			continue;
		s = qh_elf_dynstr(e, e->dyn[i].d_un.d_val);
		if (!s)
			continue;
		if (n < max)
			out[n] = s;
		n++;
	}
	return n;
}

const char *qh_elf_soname(const struct qh_elf *e)
{
	uint64_t off;

	return qh_elf_dyn_find(e, DT_SONAME, &off) ? qh_elf_dynstr(e, off) :
						       NULL;
}

const char *qh_elf_interp(const struct qh_elf *e) { return e->interp; }

/* ---- symbols ---------------------------------------------------------- */

static const struct symtab *tab_of(const struct qh_elf *e,
				   enum qh_elf_symtab which)
{
	if (which == QH_SYMTAB_DYNSYM)
		return &e->tabs[0];
	if (which == QH_SYMTAB_SYMTAB)
		return &e->tabs[1];
	return NULL;
}

size_t qh_elf_nsyms(const struct qh_elf *e, enum qh_elf_symtab which)
{
	const struct symtab *t = tab_of(e, which);

	return t ? t->n : 0;
}

const struct qh_elf_symbol *qh_elf_sym(const struct qh_elf *e,
				       enum qh_elf_symtab which, size_t i)
{
	const struct symtab *t = tab_of(e, which);

	return t && i < t->n && decode_symtab(e, t) ? &t->syms[i] : NULL;
}

static int sym_foreach_from(const struct qh_elf *e, const struct symtab *t,
			    size_t first, size_t end, qh_elf_sym_fn fn,
			    void *ctx)
{
	struct qh_buf scratch = QH_BUF_INIT;
	int rc = 0;

	for (size_t i = first; i < end && rc == 0; i++) {
		struct qh_elf_symbol sym;
		const char *at;

		if (t->syms) {
			rc = fn(&t->syms[i], ctx);
			continue;
		}
		read_symbol(t, i, &sym);
		/* "name@VERSION" -> "name", in a scratch copy */
		if (t->versioned && (at = version_at(sym.name))) {
			qh_buf_reset(&scratch);
			if (qh_buf_append(&scratch, sym.name,
					  (size_t)(at - sym.name)) < 0) {
				lazy_fail(e, "symbols");
				break;
			}
			sym.name = scratch.data;
		}
		rc = fn(&sym, ctx);
	}
	qh_buf_free(&scratch);
	return rc;
}

int qh_elf_sym_foreach(const struct qh_elf *e, enum qh_elf_symtab which,
		       qh_elf_sym_fn fn, void *ctx)
{
	const struct symtab *t = tab_of(e, which);

	return t ? sym_foreach_from(e, t, 0, t->n, fn, ctx) : 0;
}

size_t qh_elf_dynsym_hashed_from(const struct qh_elf *e)
{
	return e->tabs[0].hashed_from;
}

int qh_elf_dynsym_unhashed_foreach(const struct qh_elf *e, qh_elf_sym_fn fn,
				   void *ctx)
{
	const struct symtab *t = &e->tabs[0];

	return sym_foreach_from(e, t, t->first_global, t->hashed_from, fn, ctx);
}

bool qh_elf_dynsym_hashed_lookup(const struct qh_elf *e, const char *name,
				 struct qh_elf_symbol *out)
{
	const struct symtab *t = &e->tabs[0];
	uint32_t h, i;

	if (t->hashed_from >= t->n)
		return false;
	h = gnu_hash(name);
	i = qh_elf_read32(e, t->gh_buckets + 4 * (uint64_t)(h % t->gh_nbuckets));
	if (i < t->gh_symoffset)
		return false;
	/* every step is a chain word inside the table: at most n - i */
	for (; i < t->n; i++) {
		uint32_t c = qh_elf_read32(e, t->gh_chain +
					       4 * (uint64_t)(i - t->gh_symoffset));

		if ((c | 1) == (h | 1) && i >= t->hashed_from) {
			read_symbol(t, i, out);
			if (strcmp(out->name, name) == 0)
				return true;
		}
		if (c & 1)
			break;
	}
	return false;
}

int qh_elf_sym_foreach_global(const struct qh_elf *e,
			      enum qh_elf_symtab which, qh_elf_sym_fn fn,
			      void *ctx)
{
	const struct symtab *t = tab_of(e, which);

	return t ? sym_foreach_from(e, t, t->first_global, t->n, fn, ctx) : 0;
}

const char *qh_elf_deferred_error(const struct qh_elf *e)
{
	if (e->mapped && qh_filemap_damaged(e->image))
		return "the file shrank while being read (truncated by another "
		       "process?)";
	return e->lazy_err[0] ? e->lazy_err : NULL;
}

/* The first symbol of `t` named `name` for which want() holds (any when
 * want is NULL), in index order. */
static const struct qh_elf_symbol *
tab_lookup(const struct qh_elf *e, const struct symtab *t, const char *name,
	   bool (*want)(const struct qh_elf_symbol *))
{
	uint32_t hv;

	if (!name[0] || !hash_symtab(e, t))
		return NULL;
	hv = name_hash(name);
	for (size_t h = hv & t->hmask; t->hash[h]; h = (h + 1) & t->hmask) {
		uint32_t i = t->hash[h];

		if (t->links[i - 1].hv != hv || strcmp(t->syms[i - 1].name, name))
			continue;
		/* every symbol of that name, in index order */
		for (; i; i = t->links[i - 1].next)
			if (!want || want(&t->syms[i - 1]))
				return &t->syms[i - 1];
		return NULL;
	}
	return NULL;
}

const struct qh_elf_symbol *qh_elf_sym_find(const struct qh_elf *e,
					    enum qh_elf_symtab which,
					    const char *name)
{
	const struct qh_elf_symbol *s = NULL;

	if (which & QH_SYMTAB_DYNSYM)
		s = tab_lookup(e, &e->tabs[0], name, NULL);
	if (!s && (which & QH_SYMTAB_SYMTAB))
		s = tab_lookup(e, &e->tabs[1], name, NULL);
	return s;
}

static bool is_undefined(const struct qh_elf_symbol *s) { return !s->defined; }
static bool is_defined(const struct qh_elf_symbol *s) { return s->defined; }

bool qh_elf_imports(const struct qh_elf *e, const char *name)
{
	return tab_lookup(e, &e->tabs[0], name, is_undefined) != NULL;
}

const struct qh_elf_symbol *qh_elf_defines(const struct qh_elf *e,
					   const char *name)
{
	const struct qh_elf_symbol *s = tab_lookup(e, &e->tabs[0], name,
						   is_defined);

	return s ? s : tab_lookup(e, &e->tabs[1], name, is_defined);
}

/* ---- notes ------------------------------------------------------------ */

static int notes_in(Elf_Data *d, qh_elf_note_fn fn, void *ctx)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (d && off < d->d_size &&
	       (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		char owner[64] = "";
		const unsigned char *base = d->d_buf;
		int rc;

		/* gelf_getnote checked name/desc against d_size. */
		if (nh.n_namesz > 0 && nh.n_namesz < sizeof(owner)) {
			memcpy(owner, base + name_off, nh.n_namesz);
			owner[nh.n_namesz] = '\0';
		}
		rc = fn(owner, nh.n_type, base + desc_off, nh.n_descsz, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

int qh_elf_notes_foreach(const struct qh_elf *e, qh_elf_note_fn fn, void *ctx)
{
	bool any_segment = false;
	int rc;

	for (size_t i = 0; i < e->phnum; i++) {
		const GElf_Phdr *p = &e->phdrs[i];
		Elf_Data *d;

		if (p->p_type != PT_NOTE || p->p_filesz == 0)
			continue;
		any_segment = true;
		d = elf_getdata_rawchunk(e->elf, (int64_t)p->p_offset,
					 p->p_filesz,
					 p->p_align == 8 ? ELF_T_NHDR8 :
							   ELF_T_NHDR);
		if ((rc = notes_in(d, fn, ctx)))
			return rc;
	}
	if (any_segment)
		return 0;
	for (size_t i = 1; i < e->shnum; i++) {
		Elf_Data *d;

		if (e->secs[i].hdr.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(elf_getscn(e->elf, i), NULL);
		if ((rc = notes_in(d, fn, ctx)))
			return rc;
	}
	return 0;
}

struct props_ctx {
	const struct qh_elf *e;
	struct qh_elf_gnu_props *out;
	struct qh_error *err;
	int failed;
};

static int on_property_note(const char *owner, uint32_t type,
			    const unsigned char *desc, size_t descsz,
			    void *vctx)
{
	struct props_ctx *c = vctx;
	size_t align = qh_elf_class(c->e) == 64 ? 8 : 4;
	size_t off = 0;

	if (type != NT_GNU_PROPERTY_TYPE_0 || strcmp(owner, "GNU") != 0)
		return 0;
	c->out->found = true;
	while (off < descsz) {
		uint32_t pr_type, pr_datasz;
		size_t next;

		if (descsz - off < 8) {
			c->failed = 1;
			qh_error_set(c->err, "GNU property note: truncated "
				     "property header");
			return 1;
		}
		pr_type = qh_elf_read32(c->e, desc + off);
		pr_datasz = qh_elf_read32(c->e, desc + off + 4);
		if (pr_datasz > descsz - off - 8) {
			c->failed = 1;
			qh_error_set(c->err, "GNU property note: property "
				     "%#x size %u past the note", pr_type,
				     pr_datasz);
			return 1;
		}
		if (pr_datasz >= 4 &&
		    pr_type == QH_GNU_PROPERTY_X86_FEATURE_1_AND) {
			c->out->has_x86_feature_1 = true;
			c->out->x86_feature_1 =
				qh_elf_read32(c->e, desc + off + 8);
		} else if (pr_datasz >= 4 &&
			   pr_type == QH_GNU_PROPERTY_AARCH64_FEATURE_1_AND) {
			c->out->has_aarch64_feature_1 = true;
			c->out->aarch64_feature_1 =
				qh_elf_read32(c->e, desc + off + 8);
		}
		next = 8 + (size_t)pr_datasz;
		next = (next + align - 1) & ~(align - 1);
		if (next > descsz - off)
			break;
		off += next;
	}
	return 0;
}

int qh_elf_gnu_properties(const struct qh_elf *e, struct qh_elf_gnu_props *out,
			  struct qh_error *err)
{
	struct props_ctx c = { e, out, err, 0 };

	memset(out, 0, sizeof(*out));
	qh_elf_notes_foreach(e, on_property_note, &c);
	return c.failed ? -1 : 0;
}

/* ---- raw bytes -------------------------------------------------------- */

const unsigned char *qh_elf_bytes_at_offset(const struct qh_elf *e,
					    uint64_t off, uint64_t len,
					    struct qh_error *err)
{
	if (!range_ok(off, len, e->size)) {
		qh_error_set(err, "%#llx+%#llx lies outside the file (%zu "
			     "bytes)", (unsigned long long)off,
			     (unsigned long long)len, e->size);
		return NULL;
	}
	return e->image + off;
}

int qh_elf_vaddr_to_offset(const struct qh_elf *e, uint64_t vaddr,
			   uint64_t len, uint64_t *off, struct qh_error *err)
{
	for (size_t i = 0; i < e->phnum; i++) {
		const GElf_Phdr *p = &e->phdrs[i];
		uint64_t delta;

		if (p->p_type != PT_LOAD || vaddr < p->p_vaddr)
			continue;
		delta = vaddr - p->p_vaddr;
		if (!range_ok(delta, len, p->p_filesz) ||
		    !range_ok(p->p_offset + delta, len, e->size))
			continue;
		*off = p->p_offset + delta;
		return 0;
	}
	return qh_error_set(err, "address %#llx+%#llx is not in a file-backed "
			    "PT_LOAD segment", (unsigned long long)vaddr,
			    (unsigned long long)len);
}

const unsigned char *qh_elf_bytes_at_vaddr(const struct qh_elf *e,
					   uint64_t vaddr, uint64_t len,
					   struct qh_error *err)
{
	uint64_t off;

	if (qh_elf_vaddr_to_offset(e, vaddr, len, &off, err) < 0)
		return NULL;
	return e->image + off;
}

const char *qh_elf_string_at_vaddr(const struct qh_elf *e, uint64_t vaddr)
{
	for (size_t i = 0; i < e->phnum; i++) {
		const GElf_Phdr *p = &e->phdrs[i];
		uint64_t delta;
		const char *s;

		if (p->p_type != PT_LOAD || vaddr < p->p_vaddr)
			continue;
		delta = vaddr - p->p_vaddr;
		/* a debug file's or core's segment may lie past the end */
		if (delta >= p->p_filesz ||
		    !range_ok(p->p_offset, p->p_filesz, e->size))
			continue;
		s = (const char *)e->image + p->p_offset + delta;
		if (memchr(s, '\0', p->p_filesz - delta))
			return s;
		return NULL;
	}
	return NULL;
}

uint16_t qh_elf_read16(const struct qh_elf *e, const unsigned char *p)
{
	if (qh_elf_big_endian(e))
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

uint32_t qh_elf_read32(const struct qh_elf *e, const unsigned char *p)
{
	if (qh_elf_big_endian(e))
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

uint64_t qh_elf_read64(const struct qh_elf *e, const unsigned char *p)
{
	uint64_t hi, lo;

	if (qh_elf_big_endian(e)) {
		hi = qh_elf_read32(e, p);
		lo = qh_elf_read32(e, p + 4);
	} else {
		lo = qh_elf_read32(e, p);
		hi = qh_elf_read32(e, p + 4);
	}
	return hi << 32 | lo;
}
