/* pkg_rpm.c - the lead and headers of an .rpm, checked before the payload
 * is read (the layout is rpm's lib/header.c and the LSB's "Package File
 * Format"):
 *
 *   lead       96 bytes: magic ed ab ee db, major 3 or 4, signature type 5
 *   signature  a header: magic 8e ad e8 01, 4 reserved bytes, index count,
 *              data size, index entries of 16 bytes (tag, type, offset,
 *              count), data; padded to 8 bytes
 *   header     the same structure: names, file list, payload format and
 *              compressor
 *   payload    a cpio archive behind that compressor
 *
 * Index counts and data sizes are held to rpm's own limits (65535 tags,
 * 256 MiB of data) and to the file; every entry must lie inside its data,
 * aligned for its type, strings terminated. The signature's size tag
 * gives the length of header + payload: a file of another length is cut
 * or padded. The payload must then hold exactly the files the header
 * lists (ghosts aside; pkg_filelist.c), which is also how a package
 * without files is told from one whose payload was lost.
 */
#include "pkg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RPM_LEAD_SIZE 96
#define RPM_SIGTYPE_HEADERSIG 5
#define HDR_MAX_TAGS 0xffffu
#define HDR_MAX_DATA 0x0fffffffu
#define RPMFILE_GHOST (1u << 6)

enum rpm_type {
	RPM_NULL, RPM_CHAR, RPM_INT8, RPM_INT16, RPM_INT32, RPM_INT64,
	RPM_STRING, RPM_BIN, RPM_STRING_ARRAY, RPM_I18NSTRING,
};

/* Tags read (rpmtag.h); signature tags are in their own header. */
enum {
	SIGTAG_LONGSIZE = 270, SIGTAG_LONGARCHIVESIZE = 271,
	SIGTAG_SIZE = 1000, SIGTAG_PAYLOADSIZE = 1007,
	TAG_OLDFILENAMES = 1027, TAG_FILEFLAGS = 1037,
	TAG_DIRINDEXES = 1116, TAG_BASENAMES = 1117, TAG_DIRNAMES = 1118,
	TAG_PAYLOADFORMAT = 1124, TAG_PAYLOADCOMPRESSOR = 1125,
};

struct rpm_header {
	const char *what;    /* "signature header" / "header" */
	uint64_t at, end;    /* its first byte and the end of its data */
	uint32_t nindex, dsize;
	unsigned char *blob; /* the index entries, then the data */
};

struct rpm_entry {
	uint32_t tag, type, offset, count;
};

struct rpm_files {
	struct rpm_header sig, main;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static struct rpm_entry entry_at(const struct rpm_header *h, uint32_t i)
{
	const unsigned char *p = h->blob + (size_t)i * 16;

	return (struct rpm_entry){ be32(p), be32(p + 4), be32(p + 8),
				   be32(p + 12) };
}

static const unsigned char *data_of(const struct rpm_header *h,
				    const struct rpm_entry *e)
{
	return h->blob + (size_t)h->nindex * 16 + e->offset;
}

/* Does entry e lie inside the data, aligned, strings terminated? */
static bool entry_valid(const struct rpm_header *h, const struct rpm_entry *e)
{
	static const unsigned width[] = {
		[RPM_CHAR] = 1, [RPM_INT8] = 1, [RPM_INT16] = 2,
		[RPM_INT32] = 4, [RPM_INT64] = 8, [RPM_BIN] = 1,
	};
	uint64_t room;
	const char *s;

	if (e->type == RPM_NULL || e->type > RPM_I18NSTRING ||
	    e->offset > h->dsize || e->count == 0)
		return false;
	room = h->dsize - e->offset;
	switch (e->type) {
	case RPM_STRING:
		if (e->count != 1)
			return false;
		/* fall through */
	case RPM_STRING_ARRAY:
	case RPM_I18NSTRING:
		s = (const char *)data_of(h, e);
		for (uint32_t i = 0; i < e->count; i++) {
			const char *nul = room ? memchr(s, '\0', (size_t)room)
					       : NULL;

			if (!nul)
				return false;
			room -= (uint64_t)(nul - s) + 1;
			s = nul + 1;
		}
		return true;
	default:
		return e->offset % width[e->type] == 0 &&
		       (uint64_t)e->count * width[e->type] <= room;
	}
}

static void header_free(struct rpm_header *h)
{
	free(h->blob);
	h->blob = NULL;
}

static int header_read(struct pkg_ctx *c, uint64_t at, const char *what,
		       struct rpm_header *h)
{
	unsigned char intro[16];
	uint64_t size;

	h->what = what;
	h->at = at;
	if (pkg_pread(c, at, intro, sizeof(intro), what) < 0)
		return -1;
	if (memcmp(intro, "\x8e\xad\xe8\x01", 4) != 0)
		return pkg_fail(c, "no %s at offset %llu (bad magic)", what,
				(unsigned long long)at);
	h->nindex = be32(intro + 8);
	h->dsize = be32(intro + 12);
	if (h->nindex == 0 || h->nindex > HDR_MAX_TAGS)
		return pkg_fail(c, "the %s has %u index entries; rpm allows 1 "
				"to %u", what, h->nindex, HDR_MAX_TAGS);
	if (h->dsize > HDR_MAX_DATA)
		return pkg_fail(c, "the %s has %u bytes of data; rpm allows at "
				"most %u", what, h->dsize, HDR_MAX_DATA);
	size = (uint64_t)h->nindex * 16 + h->dsize;
	if (size > c->file_size - at - sizeof(intro))
		return pkg_fail(c, "truncated: the %s needs %llu bytes at offset "
				"%llu, the file ends at %llu", what,
				(unsigned long long)(size + sizeof(intro)),
				(unsigned long long)at,
				(unsigned long long)c->file_size);
	h->blob = malloc(size ? (size_t)size : 1);
	if (!h->blob)
		return pkg_fail(c, "out of memory");
	if (pkg_pread(c, at + sizeof(intro), h->blob, (size_t)size, what) < 0)
		return -1;
	h->end = at + sizeof(intro) + size;
	for (uint32_t i = 0; i < h->nindex; i++) {
		struct rpm_entry e = entry_at(h, i);

		if (!entry_valid(h, &e))
			return pkg_fail(c, "the %s's entry %u (tag %u, type %u, "
					"offset %u, count %u) does not fit in its "
					"%u bytes of data", what, i, e.tag, e.type,
					e.offset, e.count, h->dsize);
	}
	return 0;
}

static bool find_tag(const struct rpm_header *h, uint32_t tag,
		     struct rpm_entry *e)
{
	for (uint32_t i = 0; i < h->nindex; i++) {
		*e = entry_at(h, i);
		if (e->tag == tag)
			return true;
	}
	return false;
}

/* A number tag (INT32 or INT64, first value): 1 found, 0 absent. */
static int get_number(struct pkg_ctx *c, const struct rpm_header *h,
		      uint32_t tag, uint64_t *v)
{
	struct rpm_entry e;

	if (!find_tag(h, tag, &e))
		return 0;
	if (e.type == RPM_INT32)
		*v = be32(data_of(h, &e));
	else if (e.type == RPM_INT64)
		*v = be64(data_of(h, &e));
	else
		return pkg_fail(c, "the %s's tag %u is not a number", h->what,
				tag);
	return 1;
}

static const char *get_string(const struct rpm_header *h, uint32_t tag,
			      const char *absent)
{
	struct rpm_entry e;

	if (!find_tag(h, tag, &e))
		return absent;
	return e.type == RPM_STRING ? (const char *)data_of(h, &e) : NULL;
}

/* The strings of a STRING_ARRAY tag of `want` strings into v. */
static void get_strings(const struct rpm_header *h, const struct rpm_entry *e,
			const char **v)
{
	const char *s = (const char *)data_of(h, e);

	for (uint32_t i = 0; i < e->count; i++) {
		v[i] = s;
		s += strlen(s) + 1; /* entry_valid: terminated in the data */
	}
}

static int check_lead(struct pkg_ctx *c)
{
	unsigned char lead[RPM_LEAD_SIZE];

	if (pkg_pread(c, 0, lead, sizeof(lead), "the rpm lead") < 0)
		return -1;
	if (memcmp(lead, "\xed\xab\xee\xdb", 4) != 0)
		return pkg_fail(c, "no rpm lead (bad magic)");
	if (lead[4] != 3 && lead[4] != 4)
		return pkg_fail(c, "rpm format version %u; rpm reads 3 and 4",
				lead[4]);
	if (be32(lead + 76) % 65536 != RPM_SIGTYPE_HEADERSIG)
		return pkg_fail(c, "the rpm lead names signature type %u; only "
				"header signatures (5) exist",
				be32(lead + 76) % 65536);
	return 0;
}

/* The signature's sizes: header + payload on disk, the payload unpacked. */
static int check_sizes(struct pkg_ctx *c, const struct rpm_files *f)
{
	uint64_t want, have = c->file_size - f->main.at, unpacked;
	int r = get_number(c, &f->sig, SIGTAG_LONGSIZE, &want);

	if (r == 0)
		r = get_number(c, &f->sig, SIGTAG_SIZE, &want);
	if (r < 0)
		return -1;
	if (r > 0 && want > have)
		return pkg_fail(c, "truncated: the signature header gives %llu "
				"bytes of header and payload, the file has %llu",
				(unsigned long long)want, (unsigned long long)have);
	if (r > 0 && want < have)
		return pkg_fail(c, "%llu bytes of header and payload where the "
				"signature header gives %llu: something was "
				"appended", (unsigned long long)have,
				(unsigned long long)want);
	r = get_number(c, &f->sig, SIGTAG_LONGARCHIVESIZE, &unpacked);
	if (r == 0)
		r = get_number(c, &f->sig, SIGTAG_PAYLOADSIZE, &unpacked);
	if (r < 0)
		return -1;
	if (r > 0 && c->lim->max_unpacked && unpacked > c->lim->max_unpacked)
		return pkg_fail(c, "the payload unpacks to %llu bytes by the "
				"signature header, more than %llu (the "
				"--max-unpacked budget); nothing was read",
				(unsigned long long)unpacked,
				(unsigned long long)c->lim->max_unpacked);
	return 0;
}

static int payload_kind(struct pkg_ctx *c, const struct rpm_header *h,
			struct pkg_payload *p)
{
	static const struct {
		const char *name;
		enum pkg_filter filter;
	} compressors[] = {
		{ "gzip", PKG_FILTER_GZIP }, { "bzip2", PKG_FILTER_BZIP2 },
		{ "xz", PKG_FILTER_XZ }, { "lzma", PKG_FILTER_LZMA },
		{ "zstd", PKG_FILTER_ZSTD },
	};
	/* rpm's defaults when the tags are absent (old packages) */
	const char *format = get_string(h, TAG_PAYLOADFORMAT, "cpio");
	const char *comp = get_string(h, TAG_PAYLOADCOMPRESSOR, "gzip");

	if (!format || strcmp(format, "cpio") != 0)
		return pkg_fail(c, "payload format \"%.40s\": qhard reads cpio "
				"payloads", format ? format : "?");
	for (size_t i = 0; comp && i < QH_ARRAY_LEN(compressors); i++)
		if (strcmp(comp, compressors[i].name) == 0) {
			p->filter = compressors[i].filter;
			p->format = PKG_FORMAT_CPIO;
			snprintf(p->name, sizeof(p->name), "%s payload",
				 compressors[i].name);
			return 0;
		}
	return pkg_fail(c, "payload compressor \"%.40s\" is not one qhard "
			"reads (gzip, bzip2, xz, lzma, zstd)", comp ? comp : "?");
}

/* The header's file list (c->files): base names with directory indexes
 * into a directory list, or whole old names; the ghost flags. */
static int index_files(struct pkg_ctx *c, const struct rpm_header *h)
{
	struct pkg_filelist *l = calloc(1, sizeof(*l));
	struct rpm_entry names, idx, dirnames, flags;
	bool split = find_tag(h, TAG_BASENAMES, &names);
	const char **dirs = NULL;

	if (!l)
		return pkg_fail(c, "out of memory");
	c->files = l;
	snprintf(l->source, sizeof(l->source), "the header");
	l->every_member = true;
	if (!split && !find_tag(h, TAG_OLDFILENAMES, &names))
		return pkg_filelist_alloc(c, l, 0, false) < 0 ? -1 :
		       pkg_filelist_index(c, l); /* no files */
	if (names.type != RPM_STRING_ARRAY)
		return pkg_fail(c, "the header's file names (tag %u) are not "
				"a string array", names.tag);
	/* the budget first: the lists below take memory per file */
	if (c->lim->max_members && names.count > c->lim->max_members)
		return pkg_fail(c, "the header lists %u files, more than %llu "
				"(the --max-members budget); nothing was read",
				names.count,
				(unsigned long long)c->lim->max_members);
	if (pkg_filelist_alloc(c, l, names.count, split) < 0)
		return -1;
	get_strings(h, &names, l->bases);
	if (split) {
		if (!find_tag(h, TAG_DIRNAMES, &dirnames) ||
		    dirnames.type != RPM_STRING_ARRAY ||
		    !find_tag(h, TAG_DIRINDEXES, &idx) ||
		    idx.type != RPM_INT32 || idx.count != l->n)
			return pkg_fail(c, "the header's file list is "
					"inconsistent: %zu base names without "
					"as many directory indexes into a "
					"directory list", l->n);
		if (!(dirs = calloc(dirnames.count, sizeof(*dirs))))
			return pkg_fail(c, "out of memory");
		get_strings(h, &dirnames, dirs);
		for (size_t i = 0; i < l->n; i++) {
			uint32_t d = be32(data_of(h, &idx) + 4 * i);

			if (d >= dirnames.count) {
				free(dirs);
				return pkg_fail(c, "the header's file %zu names "
						"directory %u of %u", i, d,
						dirnames.count);
			}
			l->dirs[i] = dirs[d];
		}
		free(dirs);
	}
	if (find_tag(h, TAG_FILEFLAGS, &flags)) {
		if (flags.type != RPM_INT32 || flags.count != l->n)
			return pkg_fail(c, "the header has %u file flags for %zu "
					"files", flags.count, l->n);
		for (size_t i = 0; i < l->n; i++)
			if (be32(data_of(h, &flags) + 4 * i) & RPMFILE_GHOST)
				l->state[i] = PKG_FILE_GHOST;
	}
	return pkg_filelist_index(c, l);
}

int pkg_rpm_payload(struct pkg_ctx *c, struct pkg_payload *out)
{
	struct rpm_files *f = calloc(1, sizeof(*f));
	uint64_t main_at;

	if (!f)
		return pkg_fail(c, "out of memory");
	c->rpm = f;
	if (check_lead(c) < 0 ||
	    header_read(c, RPM_LEAD_SIZE, "signature header", &f->sig) < 0)
		return -1;
	main_at = (f->sig.end + 7) & ~(uint64_t)7;
	if (main_at > c->file_size)
		return pkg_fail(c, "truncated: the file ends inside the "
				"signature header's padding");
	if (header_read(c, main_at, "header", &f->main) < 0 ||
	    check_sizes(c, f) < 0 || payload_kind(c, &f->main, out) < 0 ||
	    index_files(c, &f->main) < 0)
		return -1;
	out->offset = f->main.end;
	out->end = c->file_size;
	return 0;
}

void pkg_rpm_free(struct rpm_files *f)
{
	if (!f)
		return;
	header_free(&f->sig);
	header_free(&f->main);
	free(f);
}
