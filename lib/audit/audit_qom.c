/* audit_qom.c - QOM type names compiled into a QEMU binary, read from the
 * ELF image with libelf (see qh_qom_scan_binary in audit.h for the heuristic).
 *
 * Why it works: every statically registered QOM type is a `TypeInfo` whose
 * first two members are `const char *name, *parent` pointing at .rodata
 * strings, followed by `size_t instance_size`. In a PIE the two pointers
 * are RELATIVE relocations; in a fixed-address executable they are plain
 * words. Random pairs of string pointers (option tables, string arrays)
 * rarely have a plain number after them and almost never chain up to
 * "object" or "interface", so both tests together are selective.
 */
#include "audit.h"

#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAME 128
#define MAX_INSTANCE_SIZE (1u << 24)
#define MAX_CHAIN 64

struct sec {
	uint64_t addr, size, offset;
	uint64_t flags;
	uint32_t type;
};

struct slot {
	uint64_t where, value;
};

struct image {
	const unsigned char *data;
	size_t size;
	int ptr;        /* 4 or 8 */
	bool big;
	bool pie;
	uint16_t machine;
	struct sec *secs;
	size_t nsecs;
	struct slot *slots; /* PIE: relocated words, sorted by where */
	size_t nslots, slots_cap;
};

static uint64_t rd(const struct image *im, uint64_t off, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		unsigned b = im->data[off + (uint64_t)(im->big ? i : n - 1 - i)];
		v = (v << 8) | b;
	}
	return v;
}

static const struct sec *sec_of(const struct image *im, uint64_t addr)
{
	for (size_t i = 0; i < im->nsecs; i++) {
		const struct sec *s = &im->secs[i];

		if (addr >= s->addr && addr - s->addr < s->size)
			return s;
	}
	return NULL;
}

/* Word stored in the file at virtual address addr (0 when not in a section
 * with file bytes). */
static bool word_at(const struct image *im, uint64_t addr, uint64_t *v)
{
	const struct sec *s = sec_of(im, addr);
	uint64_t off;

	if (!s || s->type == SHT_NOBITS || addr - s->addr + (uint64_t)im->ptr > s->size)
		return false;
	off = s->offset + (addr - s->addr);
	if (off > im->size || im->size - off < (uint64_t)im->ptr)
		return false;
	*v = rd(im, off, im->ptr);
	return true;
}

static bool relative_type(uint16_t machine, uint32_t type)
{
	switch (machine) {
	case EM_X86_64: return type == 8;   /* R_X86_64_RELATIVE */
	case EM_386: return type == 8;      /* R_386_RELATIVE */
	case EM_AARCH64: return type == 1027; /* R_AARCH64_RELATIVE */
	case EM_ARM: return type == 23;     /* R_ARM_RELATIVE */
	case EM_PPC64: return type == 22;   /* R_PPC64_RELATIVE */
	case EM_S390: return type == 12;    /* R_390_RELATIVE */
	case EM_RISCV: return type == 3;    /* R_RISCV_RELATIVE */
	case 258: return type == 3;         /* R_LARCH_RELATIVE */
	case EM_MIPS: return type == 3;     /* R_MIPS_REL32 */
	default: return false;
	}
}

static int add_slot(struct image *im, uint64_t where, uint64_t value)
{
	if (qh_array_reserve((void **)&im->slots, &im->slots_cap,
			     im->nslots + 1, sizeof(*im->slots)) < 0)
		return -1;
	im->slots[im->nslots].where = where;
	im->slots[im->nslots].value = value;
	im->nslots++;
	return 0;
}

static int read_relocs(struct image *im, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n;

	if (!d || sh->sh_entsize == 0)
		return 0;
	n = d->d_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		uint64_t where, value;

		if (sh->sh_type == SHT_RELA) {
			GElf_Rela r;

			if (!gelf_getrela(d, (int)i, &r))
				break;
			if (!relative_type(im->machine, (uint32_t)GELF_R_TYPE(r.r_info)))
				continue;
			where = r.r_offset;
			value = (uint64_t)r.r_addend;
		} else {
			GElf_Rel r;

			if (!gelf_getrel(d, (int)i, &r))
				break;
			if (!relative_type(im->machine, (uint32_t)GELF_R_TYPE(r.r_info)))
				continue;
			where = r.r_offset;
			if (!word_at(im, where, &value))
				continue;
		}
		if (add_slot(im, where, value) < 0)
			return -1;
	}
	return 0;
}

/* SHT_RELR (packed relative relocations): an even entry is an address, an
 * odd entry a bitmap of the following words. */
static int read_relr(struct image *im, Elf_Scn *scn)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	const unsigned char *p;
	uint64_t base = 0;
	unsigned bits = (unsigned)im->ptr * 8 - 1;

	if (!d || !d->d_buf)
		return 0;
	p = d->d_buf;
	for (size_t off = 0; off + (size_t)im->ptr <= d->d_size; off += (size_t)im->ptr) {
		uint64_t e = 0, v;

		for (int i = 0; i < im->ptr; i++)
			e = (e << 8) | p[off + (size_t)(im->big ? i : im->ptr - 1 - i)];
		if ((e & 1) == 0) {
			if (word_at(im, e, &v) && add_slot(im, e, v) < 0)
				return -1;
			base = e + (uint64_t)im->ptr;
			continue;
		}
		for (unsigned b = 1; b <= bits; b++) {
			uint64_t where = base + (uint64_t)(b - 1) * (uint64_t)im->ptr;

			if (((e >> b) & 1) && word_at(im, where, &v) &&
			    add_slot(im, where, v) < 0)
				return -1;
		}
		base += (uint64_t)bits * (uint64_t)im->ptr;
	}
	return 0;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->where < y->where ? -1 : x->where > y->where;
}

/* Is there a pointer stored at addr? Sets *v to it. */
static bool pointer_at(const struct image *im, uint64_t addr, uint64_t *v)
{
	if (im->pie) {
		size_t lo = 0, hi = im->nslots;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (im->slots[mid].where == addr) {
				*v = im->slots[mid].value;
				return true;
			}
			if (im->slots[mid].where < addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		return false;
	}
	return word_at(im, addr, v) && *v != 0 && sec_of(im, *v) != NULL;
}

/* A QOM-name-looking NUL-terminated string in a read-only data section. */
static bool string_at(const struct image *im, uint64_t addr, const char **out)
{
	const struct sec *s = sec_of(im, addr);
	uint64_t off, end;
	const char *str;
	size_t len = 0;

	if (!s || s->type != SHT_PROGBITS || (s->flags & SHF_EXECINSTR) ||
	    (s->flags & SHF_WRITE) || !(s->flags & SHF_ALLOC))
		return false;
	off = s->offset + (addr - s->addr);
	end = s->offset + s->size;
	if (end > im->size)
		end = im->size;
	str = (const char *)im->data + off;
	while (off + len < end && str[len] && len < MAX_NAME) {
		char c = str[len];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.' || c == ':' || c == '+' || c == ','))
			return false;
		len++;
	}
	if (len == 0 || off + len >= end || str[len] != '\0')
		return false;
	*out = str;
	return true;
}

struct pair {
	const char *name, *parent;
	uint64_t at;              /* TypeInfo address; 0 when not a TypeInfo */
	const struct image *im;   /* the image it was read from */
};

static int cmp_pair(const void *a, const void *b)
{
	return strcmp(((const struct pair *)a)->name, ((const struct pair *)b)->name);
}

/* The same name may head several candidate pairs (a TypeInfo, and also
 * {"device", "type"} rows of option tables...): names are grouped, and a
 * group is a QOM type when one of its pairs chains up to a root. */
struct groups {
	const struct pair *pairs;
	size_t *start; /* group g = pairs[start[g] .. start[g + 1]) */
	size_t n;
	signed char *state; /* 0 unknown, 1 visiting, 2 rooted, 3 not */
	size_t *chosen;     /* rooted pair of the group */
	signed char *device;
};

static size_t group_of(const struct groups *g, const char *name)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g->pairs[g->start[mid]].name, name);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

/* Whether group gi chains up to a root. A "no" that depended on a group
 * still being visited (a cycle through bogus pairs) is not remembered, so
 * the answer never depends on the order of the walk. */
static bool group_rooted(struct groups *g, size_t gi, int depth, bool *cycle)
{
	bool saw_cycle = false;

	if (g->state[gi] >= 2)
		return g->state[gi] == 2;
	if (g->state[gi] == 1 || depth > MAX_CHAIN) {
		*cycle = true;
		return false;
	}
	g->state[gi] = 1;
	for (size_t i = g->start[gi]; i < g->start[gi + 1]; i++) {
		const struct pair *p = &g->pairs[i];
		size_t parent;

		if (!p->parent) {
			g->chosen[gi] = i;
			g->device[gi] = 0;
			g->state[gi] = 2;
			return true;
		}
		parent = group_of(g, p->parent);
		if (parent != (size_t)-1 &&
		    group_rooted(g, parent, depth + 1, &saw_cycle)) {
			g->chosen[gi] = i;
			g->device[gi] = strcmp(p->parent, "device") == 0 ||
					g->device[parent];
			g->state[gi] = 2;
			return true;
		}
	}
	g->state[gi] = saw_cycle ? 0 : 3;
	if (saw_cycle)
		*cycle = true;
	return false;
}

/* Function pointer slot: empty or pointing into executable code. */
static bool code_or_null(const struct image *im, uint64_t addr)
{
	uint64_t v;
	const struct sec *s;

	if (!pointer_at(im, addr, &v))
		return !im->pie ? (word_at(im, addr, &v) && v == 0) : true;
	s = sec_of(im, v);
	return s && (s->flags & SHF_EXECINSTR);
}

/* TypeInfo.abstract, when the layout of QEMU >= 6.0 (name, parent,
 * instance_size, instance_align, 3 function pointers, bool abstract) is
 * confirmed by the three function-pointer slots. */
static bool read_abstract(const struct image *im, uint64_t at)
{
	uint64_t p = (uint64_t)im->ptr, byte_addr = at + 7 * p;
	const struct sec *s = sec_of(im, byte_addr);

	for (int i = 4; i <= 6; i++)
		if (!code_or_null(im, at + (uint64_t)i * p))
			return false;
	if (!s || s->type == SHT_NOBITS ||
	    s->offset + (byte_addr - s->addr) >= im->size)
		return false;
	return im->data[s->offset + (byte_addr - s->addr)] == 1;
}

static int push_pair(const struct image *im, struct pair **pairs, size_t *n,
		     size_t *cap, const char *name, const char *parent, uint64_t at)
{
	if (parent && strcmp(name, parent) == 0)
		return 0;
	if (qh_array_reserve((void **)pairs, cap, *n + 1, sizeof(**pairs)) < 0)
		return -1;
	(*pairs)[*n].name = name;
	(*pairs)[*n].parent = parent;
	(*pairs)[*n].at = at;
	(*pairs)[*n].im = im;
	(*n)++;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* QEMU's virtio PCI devices are declared with VirtioPCIDeviceTypeInfo
 * {base_name, generic_name, transitional_name, non_transitional_name,
 * parent, instance_size, ...} (NULL parent = "virtio-pci") and registered
 * under up to four names. Recognised from `at` = base_name by its shape:
 * four string-or-NULL slots of which one carries the "-base" /
 * "-transitional" naming, a string-or-NULL parent, then a number. */
static int virtio_pci_info(const struct image *im, uint64_t at,
			   struct pair **pairs, size_t *n, size_t *cap)
{
	uint64_t p = (uint64_t)im->ptr, v, start = at;
	const char *names[4] = { NULL, NULL, NULL, NULL };
	const char *parent = "virtio-pci", *first;
	bool shaped;

	/* base_name NULL: `at` is generic_name, the record starts a slot
	 * earlier (only trusted for "-pci" names) */
	if (pointer_at(im, at, &v) && string_at(im, v, &first) &&
	    ends_with(first, "-pci") && !pointer_at(im, at - p, &v) &&
	    word_at(im, at - p, &v) && v == 0)
		start = at - p;
	for (int i = 0; i < 4; i++) {
		if (!pointer_at(im, start + (uint64_t)i * p, &v))
			continue;
		if (!string_at(im, v, &names[i]))
			return 0;
	}
	if (!names[1])
		return 0;
	shaped = (!names[0] && ends_with(names[1], "-pci")) ||
		 (names[0] && ends_with(names[0], "-base")) ||
		 (names[2] && ends_with(names[2], "-transitional")) ||
		 (names[3] && ends_with(names[3], "-non-transitional"));
	if (!shaped)
		return 0;
	if (pointer_at(im, start + 4 * p, &v) && !string_at(im, v, &parent))
		return 0;
	if (pointer_at(im, start + 5 * p, &v) ||
	    !word_at(im, start + 5 * p, &v) || v >= MAX_INSTANCE_SIZE)
		return 0;
	if (names[0] && push_pair(im, pairs, n, cap, names[0], parent, 0) < 0)
		return -1;
	for (int i = 1; i < 4; i++)
		if (names[i] && push_pair(im, pairs, n, cap, names[i],
					  names[0] ? names[0] : parent, 0) < 0)
			return -1;
	return 0;
}

/* Append the candidate {name, parent} pairs of one image. */
static int collect(const struct image *im, struct pair **pairs_out,
		   size_t *npairs_out, size_t *cap_out)
{
	struct pair *pairs = *pairs_out;
	size_t npairs = *npairs_out, cap = *cap_out;
	uint64_t p = (uint64_t)im->ptr;
	int rc = -1;

	/* Candidate slots: relocated words (PIE) or every aligned word of the
	 * data sections (fixed address). */
	for (size_t si = 0, k = 0;; ) {
		uint64_t at, name_ptr, parent_ptr, v;
		const char *name, *parent = NULL, *other;

		if (im->pie) {
			if (k >= im->nslots)
				break;
			at = im->slots[k++].where;
		} else {
			const struct sec *s;

			if (si >= im->nsecs)
				break;
			s = &im->secs[si];
			/* a const TypeInfo of a fixed-address program needs
			 * no relocation, so it may sit in .rodata too */
			if (s->type != SHT_PROGBITS ||
			    (s->flags & SHF_EXECINSTR) || k * p + p > s->size) {
				si++;
				k = 0;
				continue;
			}
			at = s->addr + k++ * p;
			if (at % p)
				continue;
		}
		if (!pointer_at(im, at, &name_ptr) || !string_at(im, name_ptr, &name))
			continue;
		if (virtio_pci_info(im, at, &pairs, &npairs, &cap) < 0)
			goto out;
		if (pointer_at(im, at + p, &parent_ptr)) {
			if (!string_at(im, parent_ptr, &parent))
				continue;
		} else if (strcmp(name, "object") != 0 && strcmp(name, "interface") != 0) {
			continue;
		}
		/* instance_size: a plain number, not a pointer */
		if (pointer_at(im, at + 2 * p, &v) ||
		    (word_at(im, at + 2 * p, &v) && v >= MAX_INSTANCE_SIZE))
			continue;
		/* a string just before the name means a table of strings
		 * ({"a", "b", "c", NULL}), not a TypeInfo */
		if (pointer_at(im, at - p, &v) && string_at(im, v, &other))
			continue;
		/* instance_init, instance_post_init, instance_finalize */
		if (!code_or_null(im, at + 4 * p) || !code_or_null(im, at + 5 * p) ||
		    !code_or_null(im, at + 6 * p))
			continue;
		if (qh_array_reserve((void **)&pairs, &cap, npairs + 1, sizeof(*pairs)) < 0)
			goto out;
		pairs[npairs].name = name;
		pairs[npairs].parent = parent;
		pairs[npairs].at = at;
		pairs[npairs].im = im;
		npairs++;
	}
	rc = 0;
out:
	*pairs_out = pairs;
	*npairs_out = npairs;
	*cap_out = cap;
	return rc;
}

/* Group the pairs by name and keep the groups that chain up to a root. */
static int resolve(struct pair *pairs, size_t npairs, struct qh_qom_types *out)
{
	struct groups g = { 0 };
	int rc = -1;

	if (npairs)
		qsort(pairs, npairs, sizeof(*pairs), cmp_pair);
	g.pairs = pairs;
	g.start = calloc(npairs + 1, sizeof(*g.start));
	g.state = calloc(npairs + 1, 1);
	g.chosen = calloc(npairs + 1, sizeof(*g.chosen));
	g.device = calloc(npairs + 1, 1);
	if (!g.start || !g.state || !g.chosen || !g.device)
		goto out;
	for (size_t i = 0; i < npairs; i++)
		if (i == 0 || strcmp(pairs[i - 1].name, pairs[i].name) != 0)
			g.start[g.n++] = i;
	g.start[g.n] = npairs;
	for (size_t gi = 0; gi < g.n; gi++) {
		const struct pair *cur;
		struct qh_qom_type *t;

		bool cycle = false;

		if (!group_rooted(&g, gi, 0, &cycle))
			continue;
		cur = &pairs[g.chosen[gi]];
		if (qh_array_reserve((void **)&out->types, &out->cap, out->n + 1,
				     sizeof(*out->types)) < 0)
			goto out;
		t = &out->types[out->n];
		memset(t, 0, sizeof(*t));
		t->name = qh_strdup(cur->name);
		t->parent = qh_strdup(cur->parent);
		if (!t->name || (cur->parent && !t->parent)) {
			free(t->name);
			free(t->parent);
			goto out;
		}
		t->device = g.device[gi];
		t->abstract = cur->at && read_abstract(cur->im, cur->at);
		out->n++;
	}
	rc = 0;
out:
	free(g.start);
	free(g.state);
	free(g.chosen);
	free(g.device);
	return rc;
}

static void image_free(struct image *im)
{
	free(im->secs);
	free(im->slots);
	memset(im, 0, sizeof(*im));
}

/* Sections and (PIE) relocated words of one image. */
static int image_load(const void *data, size_t size, struct image *im,
		      struct qh_error *err)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t cap = 0;
	int rc = -1;

	memset(im, 0, sizeof(*im));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return qh_error_set(err, "libelf: %s", elf_errmsg(-1));
	e = elf_memory((char *)(uintptr_t)data, size);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		qh_error_set(err, "not an ELF file");
		goto done;
	}
	im->data = data;
	im->size = size;
	im->ptr = gelf_getclass(e) == ELFCLASS64 ? 8 : 4;
	im->big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	im->pie = eh.e_type == ET_DYN;
	im->machine = eh.e_machine;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > size || size - sh.sh_offset < sh.sh_size))
			continue; /* truncated: ignore the section */
		if (qh_array_reserve((void **)&im->secs, &cap, im->nsecs + 1,
				     sizeof(*im->secs)) < 0)
			goto oom;
		im->secs[im->nsecs++] = (struct sec){ sh.sh_addr, sh.sh_size,
			sh.sh_offset, sh.sh_flags, sh.sh_type };
	}
	if (im->nsecs == 0) {
		qh_error_set(err, "no section headers: cannot locate TypeInfo data");
		goto done;
	}
	scn = NULL;
	while (im->pie && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if ((sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) &&
		    read_relocs(im, scn, &sh) < 0)
			goto oom;
		if (sh.sh_type == 19 /* SHT_RELR */ && read_relr(im, scn) < 0)
			goto oom;
	}
	if (im->nslots)
		qsort(im->slots, im->nslots, sizeof(*im->slots), cmp_slot);
	rc = 0;
	goto done;
oom:
	qh_error_set(err, "out of memory");
done:
	if (e)
		elf_end(e);
	if (rc)
		image_free(im);
	return rc;
}

int qh_qom_scan_many(const void *const *data, const size_t *size, size_t n,
		     struct qh_qom_types *out, struct qh_error *err)
{
	struct image *ims;
	struct pair *pairs = NULL;
	size_t npairs = 0, cap = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	ims = calloc(n + 1, sizeof(*ims));
	if (!ims)
		return qh_error_set(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		/* the first image must be readable; a bad module is skipped */
		if (image_load(data[i], size[i], &ims[i], err) < 0) {
			if (i == 0)
				goto done;
			continue;
		}
		if (collect(&ims[i], &pairs, &npairs, &cap) < 0)
			goto oom;
	}
	if (resolve(pairs, npairs, out) < 0)
		goto oom;
	rc = 0;
	goto done;
oom:
	qh_error_set(err, "out of memory");
	qh_qom_types_free(out);
done:
	for (size_t i = 0; i < n; i++)
		image_free(&ims[i]);
	free(ims);
	free(pairs);
	return rc;
}

int qh_qom_scan_binary(const void *data, size_t size, struct qh_qom_types *out,
		struct qh_error *err)
{
	return qh_qom_scan_many(&data, &size, 1, out, err);
}

void qh_qom_types_free(struct qh_qom_types *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->types[i].name);
		free(t->types[i].parent);
	}
	free(t->types);
	memset(t, 0, sizeof(*t));
}

size_t qh_qom_device_count(const struct qh_qom_types *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->types[i].device && !t->types[i].abstract;
	return n;
}

/* Measured with qh_qom_scan_many (binary + its 25 modules from
 * qemu-system-modules-*) on Debian 12's packages (qemu-system-x86
 * 1:7.2+dfsg-7+deb12u18+b3); the test t0702 re-measures when that exact
 * package is installed. */
static const struct {
	const char *binary;
	size_t devices;
} debian_full[] = {
	{ "qemu-system-x86_64", 298 },
	{ "qemu-system-i386", 298 },
	{ "qemu-system-x86_64-microvm", 83 },
};

size_t qh_qom_debian_devices(const char *binary_name, const char **release)
{
	*release = "Debian 12 full build (qemu-system-x86 1:7.2+dfsg-7+deb12u18+b3)";
	for (size_t i = 0; i < QH_ARRAY_LEN(debian_full); i++)
		if (strcmp(debian_full[i].binary, binary_name) == 0)
			return debian_full[i].devices;
	return 0;
}
