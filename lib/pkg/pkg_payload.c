/* pkg_payload.c - the payload of a package (a tar or cpio archive behind
 * one compression) read with libarchive, member by member.
 *
 * Two libarchive readers in a row. The first only decompresses: it gets
 * the payload's bytes from our own reader (pread on the package file, so a
 * file that shrinks is an error, never a SIGBUS), only the one decompressor
 * the container named, only its built-in code (no external program), and
 * what it decodes must be that compression. The second reads the archive
 * format (tar, or cpio) from the first, through a callback that counts the
 * bytes decompressed against the budget and bounds what libarchive holds
 * at once: a cpio header may claim a 4 GiB name, which libarchive would
 * otherwise fill from a few MB of compressed zeros. Any error or warning
 * from either is an error for the package. Each member's size is held to
 * the budget from its header before its bytes are read; the time budget is
 * checked between reads.
 *
 * ELF members are read by blocks at their offsets, so a sparse member
 * costs what it stores: small ones into one reused buffer, larger ones
 * into a sparse memfd whose holes are never written (and which the
 * caller analyses as a file: a mapping pages in only what is read).
 */
#include "pkg_internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define READ_BLOCK 65536
#define SMALL_MEMBER ((size_t)1 << 20)
/* What the format reader may hold at once: a pax or GNU long-name header
 * is at most 1 MiB in libarchive, every other read is a block. */
#define LOOKAHEAD_MAX ((uint64_t)16 << 20)

static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static const struct {
	int code;
	int (*support)(struct archive *);
} filters[] = {
	[PKG_FILTER_NONE] = { ARCHIVE_FILTER_NONE, NULL },
	[PKG_FILTER_GZIP] = { ARCHIVE_FILTER_GZIP, archive_read_support_filter_gzip },
	[PKG_FILTER_BZIP2] = { ARCHIVE_FILTER_BZIP2, archive_read_support_filter_bzip2 },
	[PKG_FILTER_XZ] = { ARCHIVE_FILTER_XZ, archive_read_support_filter_xz },
	[PKG_FILTER_LZMA] = { ARCHIVE_FILTER_LZMA, archive_read_support_filter_lzma },
	[PKG_FILTER_ZSTD] = { ARCHIVE_FILTER_ZSTD, archive_read_support_filter_zstd },
};

struct source {
	struct pkg_ctx *c;
	uint64_t pos, end;
	unsigned char buf[READ_BLOCK];
};

/* What the format reader reads: the file's bytes, or the decompressor's. */
struct stream {
	struct pkg_ctx *c;
	const struct pkg_payload *p;
	struct source src;
	struct archive *raw;   /* the decompressor; NULL when uncompressed */
	struct archive *a;     /* the format reader */
	bool counted;          /* the payload's first pass: in the stats */
	uint64_t delivered;    /* bytes handed to the format reader */
};

struct walk {
	struct pkg_ctx *c;
	const struct pkg_payload *p;
	struct archive *a;     /* the format reader (stream.a) */
	struct stream *s;
	bool again;            /* the second, hard-link pass */
	uint64_t index;        /* of the member at hand */
	struct qh_buf path;    /* its installed path */
	struct qh_buf target;  /* its link target's installed path */
	/* pkg_payload_find: the member wanted, at most how big, its bytes */
	const char *want;
	size_t want_max;
	struct qh_buf *got;
	bool found;
};

struct member {
	unsigned char *data; /* the small buffer, or a mapping of fd */
	uint64_t size;
	bool started;        /* it is ELF: its bytes are being kept */
	int fd;              /* a large member's memfd, else -1 */
};

static la_ssize_t source_read(struct archive *a, void *client,
			      const void **out)
{
	struct source *s = client;
	size_t want = s->end - s->pos < sizeof(s->buf) ?
		      (size_t)(s->end - s->pos) : sizeof(s->buf);
	ssize_t n;

	if (pkg_check_time(s->c) < 0) {
		archive_set_error(a, ETIMEDOUT, "time budget spent");
		return -1;
	}
	if (!want)
		return 0;
	do
		n = pread(s->c->fd, s->buf, want, (off_t)s->pos);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	if (n == 0) {
		archive_set_error(a, EIO, "the file shrank while it was read");
		return -1;
	}
	s->pos += (uint64_t)n;
	*out = s->buf;
	return n;
}

/* The next block of decompressed bytes. */
static la_ssize_t raw_read(struct stream *s, struct archive *a,
			   const void **out)
{
	size_t size;
	la_int64_t off;
	int r = archive_read_data_block(s->raw, out, &size, &off);
	const char *msg = archive_error_string(s->raw);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK) {
		pkg_fail(s->c, "%s: %s", s->p->name, msg ? msg : "unreadable");
		archive_set_error(a, EIO, "%s", msg ? msg : "unreadable");
		return -1;
	}
	if (off < 0 || (uint64_t)off != s->delivered) {
		pkg_fail(s->c, "%s: the decompressor skipped bytes", s->p->name);
		archive_set_error(a, EIO, "decompressor out of order");
		return -1;
	}
	return (la_ssize_t)size;
}

static la_ssize_t stream_read(struct archive *a, void *client,
			      const void **out)
{
	struct stream *s = client;
	const struct qh_pkg_limits *lim = s->c->lim;
	la_ssize_t n = s->raw ? raw_read(s, a, out)
			      : source_read(a, &s->src, out);
	uint64_t ahead;

	if (n <= 0)
		return n;
	s->delivered += (uint64_t)n;
	if (s->counted)
		s->c->st->unpacked = s->delivered;
	if (lim->max_unpacked && s->delivered > lim->max_unpacked) {
		pkg_fail(s->c, "%s unpacks past %llu bytes (the --max-unpacked "
			 "budget); only the members before are reported",
			 s->p->name, (unsigned long long)lim->max_unpacked);
		archive_set_error(a, EFBIG, "unpacked size budget spent");
		return -1;
	}
	ahead = s->delivered - (uint64_t)archive_filter_bytes(a, 0);
	if (ahead > LOOKAHEAD_MAX) {
		pkg_fail(s->c, "%s: a member header asks libarchive to hold more "
			 "than %llu MiB at once", s->p->name,
			 (unsigned long long)(LOOKAHEAD_MAX >> 20));
		archive_set_error(a, EFBIG, "look-ahead budget spent");
		return -1;
	}
	return n;
}

/* An error from libarchive (unless a budget or the callback stopped it
 * first: pkg_fail keeps the first cause). `in` says whether it came while
 * reading the member at hand or after it. */
static int archive_fail(struct walk *w, bool in, const char *what)
{
	const char *msg = archive_error_string(w->a);

	if (w->path.len)
		return pkg_fail(w->c, "%s, %s member %s: %s", w->p->name,
				in ? "in" : "after", w->path.data,
				msg ? msg : what);
	return pkg_fail(w->c, "%s: %s", w->p->name, msg ? msg : what);
}

/* The decompressor: only the filter the container named, built in. */
static int open_raw(struct walk *w, struct stream *s)
{
	const struct pkg_payload *p = w->p;

	if (!(s->raw = archive_read_new()))
		return pkg_fail(w->c, "out of memory");
	/* WARN: the library would run an external program */
	if (filters[p->filter].support(s->raw) != ARCHIVE_OK)
		return pkg_fail(w->c, "%s: this libarchive cannot decompress %s "
				"by itself, and qhard runs no external "
				"decompressor", p->name,
				pkg_filter_name(p->filter));
	if (archive_read_support_format_raw(s->raw) != ARCHIVE_OK ||
	    archive_read_set_read_callback(s->raw, source_read) != ARCHIVE_OK ||
	    archive_read_set_callback_data(s->raw, &s->src) != ARCHIVE_OK)
		return pkg_fail(w->c, "%s: cannot set up libarchive", p->name);
	if (archive_read_open1(s->raw) != ARCHIVE_OK) {
		const char *msg = archive_error_string(s->raw);

		return pkg_fail(w->c, "%s: %s", p->name, msg ? msg : "unreadable");
	}
	if (archive_filter_code(s->raw, 0) != filters[p->filter].code)
		return pkg_fail(w->c, "%s is not %s-compressed", p->name,
				pkg_filter_name(p->filter));
	{
		struct archive_entry *e;

		if (archive_read_next_header(s->raw, &e) != ARCHIVE_OK)
			return pkg_fail(w->c, "%s: %s", p->name,
					archive_error_string(s->raw) ?
					archive_error_string(s->raw) :
					"unreadable");
	}
	return 0;
}

static int open_payload(struct walk *w, struct stream *s)
{
	const struct pkg_payload *p = w->p;
	int r;

	if (p->filter != PKG_FILTER_NONE && open_raw(w, s) < 0)
		return -1;
	if (!(w->a = s->a = archive_read_new()))
		return pkg_fail(w->c, "out of memory");
	r = p->format == PKG_FORMAT_TAR ? archive_read_support_format_tar(w->a)
					: archive_read_support_format_cpio(w->a);
	if (r != ARCHIVE_OK ||
	    archive_read_set_read_callback(w->a, stream_read) != ARCHIVE_OK ||
	    archive_read_set_callback_data(w->a, s) != ARCHIVE_OK)
		return pkg_fail(w->c, "%s: cannot set up libarchive", p->name);
	if (archive_read_open1(w->a) != ARCHIVE_OK) {
		const char *msg = archive_error_string(w->a);

		return pkg_fail(w->c, "%s: not a %s archive: %s", p->name,
				p->format == PKG_FORMAT_TAR ? "tar" : "cpio",
				msg ? msg : "unreadable");
	}
	return 0;
}

static int member_alloc(struct walk *w, struct member *m, uint64_t size)
{
	struct pkg_ctx *c = w->c;

	m->size = size;
	m->fd = -1;
	if (size > SMALL_MEMBER) {
		/* a sparse file: holes are never written, so cost nothing */
		m->fd = memfd_create("qhard-member", MFD_CLOEXEC);
		if (m->fd >= 0 && ftruncate(m->fd, (off_t)size) == 0)
			return 0;
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		return pkg_fail(c, "member %s: cannot hold %llu bytes: %s",
				w->path.data, (unsigned long long)size,
				strerror(errno));
	}
	if (c->small_cap < size) {
		free(c->small);
		c->small_cap = 0;
		if (!(c->small = malloc((size_t)size)))
			return pkg_fail(c, "out of memory");
		c->small_cap = (size_t)size;
	}
	memset(c->small, 0, (size_t)size);
	m->data = c->small;
	return 0;
}

static int member_write(struct walk *w, struct member *m, uint64_t off,
			const void *data, size_t n)
{
	size_t done = 0;

	if (m->fd < 0) {
		memcpy(m->data + off, data, n);
		return 0;
	}
	while (done < n) {
		ssize_t r = pwrite(m->fd, (const char *)data + done, n - done,
				   (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return pkg_fail(w->c, "member %s: cannot hold its bytes: "
					"%s", w->path.data,
					r < 0 ? strerror(errno) : "short write");
		done += (size_t)r;
	}
	return 0;
}

/* A large member is read through a read-only view of its memfd. */
static int member_view(struct walk *w, struct member *m)
{
	void *map;

	if (m->fd < 0)
		return 0;
	map = mmap(NULL, (size_t)m->size, PROT_READ, MAP_SHARED, m->fd, 0);
	if (map == MAP_FAILED)
		return pkg_fail(w->c, "member %s: cannot map its %llu bytes: %s",
				w->path.data, (unsigned long long)m->size,
				strerror(errno));
	m->data = map;
	return 0;
}

static void member_release(struct member *m)
{
	if (m->fd >= 0) {
		if (m->data)
			munmap(m->data, (size_t)m->size);
		close(m->fd);
	}
	*m = (struct member){ .fd = -1 };
}

/* 1 and the bytes in m when the member at hand is ELF, 0 when it is not
 * (the rest of it is skipped with the next header), -1 on errors. */
static int read_elf(struct walk *w, uint64_t size, struct member *m)
{
	struct pkg_ctx *c = w->c;
	unsigned char head[4];
	uint64_t have = 0;

	for (;;) {
		const void *blk;
		size_t n;
		la_int64_t off;
		int r = archive_read_data_block(w->a, &blk, &n, &off);
		uint64_t o = (uint64_t)off;

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK)
			return archive_fail(w, true, "unreadable member data");
		if (pkg_check_time(c) < 0)
			return -1;
		if (off < 0 || o > size || n > size - o)
			return pkg_fail(c, "%s, member %s: data past its size",
					w->p->name, w->path.data);
		if (!m->started) {
			if (o > have)
				return 0; /* a hole where the magic would be */
			for (; have < 4 && have < o + n; have++)
				head[have] = ((const unsigned char *)blk)[have - o];
			if (have < 4)
				continue;
			if (memcmp(head, elf_magic, 4) != 0)
				return 0;
			if (size > c->lim->max_member)
				return pkg_fail(c, "ELF member %s is %llu bytes, "
						"more than the %llu bytes qhard "
						"reads into memory", w->path.data,
						(unsigned long long)size,
						(unsigned long long)c->lim->max_member);
			if (member_alloc(w, m, size) < 0 ||
			    member_write(w, m, 0, head, sizeof(head)) < 0)
				return -1;
			m->started = true;
		}
		if (member_write(w, m, o, blk, n) < 0)
			return -1;
	}
	if (!m->started)
		return 0;
	return member_view(w, m) < 0 ? -1 : 1;
}

static int hand_over(struct pkg_ctx *c, const char *name,
		     const struct member *m)
{
	struct qh_pkg_member pm = { name, m->data, (size_t)m->size, m->fd };

	c->st->elf++;
	if (c->fn(c->user, &pm, c->err) < 0) {
		c->failed = true;
		return -1;
	}
	return pkg_check_time(c);
}

/* Read the member at hand; when it is ELF, give its bytes to each of
 * `names`, then to `own` (NULL in the second pass). */
static int read_for(struct walk *w, uint64_t size, const char *const *names,
		    size_t n, const char *own)
{
	struct member m = { .fd = -1 };
	int rc = read_elf(w, size, &m);

	for (size_t i = 0; rc > 0 && i < n; i++)
		if (hand_over(w->c, names[i], &m) < 0)
			rc = -1;
	if (rc > 0 && own && hand_over(w->c, own, &m) < 0)
		rc = -1;
	member_release(&m);
	return rc < 0 ? -1 : 0;
}

/* What a member stores: a sparse one, its data regions. */
static uint64_t stored_size(struct archive_entry *e, uint64_t size)
{
	la_int64_t off, len;
	uint64_t sum = 0;

	if (archive_entry_sparse_reset(e) == 0)
		return size;
	while (archive_entry_sparse_next(e, &off, &len) == ARCHIVE_OK)
		if (len > 0)
			sum += (uint64_t)len;
	return sum < size ? sum : size;
}

static int count_member(struct walk *w, struct archive_entry *e,
			uint64_t size)
{
	struct pkg_ctx *c = w->c;
	const struct qh_pkg_limits *lim = c->lim;
	uint64_t stored = stored_size(e, size);

	if (lim->max_members && c->st->members >= lim->max_members)
		return pkg_fail(c, "more than %llu members (the --max-members "
				"budget); only the members before %s are "
				"reported", (unsigned long long)lim->max_members,
				w->path.data);
	if (lim->max_unpacked && stored > lim->max_unpacked - w->s->delivered)
		return pkg_fail(c, "member %s is %llu bytes: the payload would "
				"unpack past %llu bytes (the --max-unpacked "
				"budget); only the members before it are "
				"reported", w->path.data,
				(unsigned long long)stored,
				(unsigned long long)lim->max_unpacked);
	c->st->members++;
	return 0;
}

static int visit(struct walk *w, struct archive_entry *e)
{
	struct pkg_ctx *c = w->c;
	struct qh_error lerr = { "" };
	const char *raw = archive_entry_pathname(e);
	const char *link = archive_entry_hardlink(e);
	la_int64_t size = archive_entry_size(e);
	bool regular = archive_entry_filetype(e) == AE_IFREG;
	bool bytes = (regular || link) && size > 0;
	const char *const *names;
	size_t n;

	if (pkg_check_time(c) < 0)
		return -1;
	if (!raw)
		return pkg_fail(c, "%s: member %llu has no name", w->p->name,
				(unsigned long long)w->index);
	if (pkg_install_path(raw, &w->path, &lerr) < 0 ||
	    (link && pkg_install_path(link, &w->target, &lerr) < 0))
		return pkg_fail(c, "%s: %s", w->p->name, lerr.msg);
	if (size < 0 || (regular && !archive_entry_size_is_set(e)))
		return pkg_fail(c, "%s, member %s: no size", w->p->name,
				w->path.data);
	if (w->again) {
		if (pkg_links_after(c->links, w->path.data, w->index, &names,
				    &n, &lerr) < 0)
			return pkg_fail(c, "%s", lerr.msg);
		return bytes && n ? read_for(w, (uint64_t)size, names, n, NULL)
				  : 0;
	}
	if (count_member(w, e, (uint64_t)size) < 0 ||
	    (c->files && pkg_filelist_member(c, w->path.data,
					     regular || link) < 0))
		return -1;
	if (bytes) {
		if (link && pkg_links_take(c->links, w->target.data, &names,
					   &n, &lerr) < 0)
			return pkg_fail(c, "%s", lerr.msg);
		return read_for(w, (uint64_t)size, link ? names : NULL,
				link ? n : 0, w->path.data);
	}
	if (link && pkg_links_add(c->links, w->path.data, w->target.data,
				  w->index, &lerr) < 0)
		return pkg_fail(c, "%s", lerr.msg);
	if (!link && regular && archive_entry_nlink(e) > 1 &&
	    pkg_links_add_first(c->links, w->path.data, &lerr) < 0)
		return pkg_fail(c, "%s", lerr.msg);
	return 0;
}

/* A plain tar must end with its two zero blocks: without them a tar cut
 * between two members reads as a shorter, valid one. (A compressed one is
 * held to its compression's end mark instead.) */
static int check_tar_end(struct walk *w)
{
	unsigned char tail[1024];
	const struct pkg_payload *p = w->p;

	if (p->end - p->offset < sizeof(tail))
		return pkg_fail(w->c, "%s: too short for a tar archive", p->name);
	if (pkg_pread(w->c, p->end - sizeof(tail), tail, sizeof(tail),
		      p->name) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(tail); i++)
		if (tail[i])
			return pkg_fail(w->c, "truncated: %s lacks the two zero "
					"blocks that end a tar archive", p->name);
	return 0;
}

/* pkg_payload_find: the member at hand, if it is the one wanted. */
static int visit_find(struct walk *w, struct archive_entry *e)
{
	struct pkg_ctx *c = w->c;
	struct qh_error lerr = { "" };
	const char *raw = archive_entry_pathname(e);
	la_int64_t size = archive_entry_size(e);
	la_ssize_t n;

	if (pkg_check_time(c) < 0)
		return -1;
	if (c->lim->max_members && w->index >= c->lim->max_members)
		return pkg_fail(c, "%s: more than %llu members (the --max-members "
				"budget)", w->p->name,
				(unsigned long long)c->lim->max_members);
	if (!raw)
		return pkg_fail(c, "%s: member %llu has no name", w->p->name,
				(unsigned long long)w->index);
	if (pkg_install_path(raw, &w->path, &lerr) < 0)
		return pkg_fail(c, "%s: %s", w->p->name, lerr.msg);
	if (strcmp(w->path.data, w->want) != 0)
		return 0;
	if (w->found)
		return pkg_fail(c, "%s: %s comes twice", w->p->name, w->want + 1);
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) ||
	    size < 0 || !archive_entry_size_is_set(e))
		return pkg_fail(c, "%s: %s is not a regular file", w->p->name,
				w->want + 1);
	if ((uint64_t)size > w->want_max)
		return pkg_fail(c, "%s: %s is %lld bytes, more than the %zu qhard "
				"reads", w->p->name, w->want + 1, (long long)size,
				w->want_max);
	w->found = true;
	qh_buf_reset(w->got);
	if (qh_buf_grow(w->got, (size_t)size + 1) < 0)
		return pkg_fail(c, "out of memory");
	while (w->got->len < (size_t)size &&
	       (n = archive_read_data(w->a, w->got->data + w->got->len,
				      (size_t)size - w->got->len)) > 0)
		w->got->len += (size_t)n;
	w->got->data[w->got->len] = '\0';
	if (w->got->len < (size_t)size)
		return archive_fail(w, true, "unreadable member data");
	return 0;
}

/* Read the archive p to its end, visiting each member. */
static int walk_archive(struct walk *w, bool counted,
			int (*visit_fn)(struct walk *, struct archive_entry *))
{
	struct pkg_ctx *c = w->c;
	const struct pkg_payload *p = w->p;
	struct stream *s = calloc(1, sizeof(*s));
	struct archive_entry *e;
	int r, rc = -1;

	if (!s)
		return pkg_fail(c, "out of memory");
	*s = (struct stream){ .c = c, .p = p, .counted = counted,
			      .src = { .c = c, .pos = p->offset, .end = p->end } };
	w->s = s;
	if (open_payload(w, s) < 0)
		goto out;
	while ((r = archive_read_next_header(w->a, &e)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK) {
			archive_fail(w, false, "unreadable member header");
			goto out;
		}
		if (visit_fn(w, e) < 0)
			goto out;
		w->index++;
	}
	if (!w->again && p->format == PKG_FORMAT_TAR &&
	    p->filter == PKG_FILTER_NONE && check_tar_end(w) < 0)
		goto out;
	rc = 0;
out:
	if (s->a)
		archive_read_free(s->a);
	if (s->raw)
		archive_read_free(s->raw);
	qh_buf_free(&w->path);
	qh_buf_free(&w->target);
	free(s);
	return rc;
}

int pkg_payload_walk(struct pkg_ctx *c, const struct pkg_payload *p,
		     bool again)
{
	struct walk w = { .c = c, .p = p, .again = again };

	return walk_archive(&w, !again, visit);
}

int pkg_payload_find(struct pkg_ctx *c, const struct pkg_payload *p,
		     const char *want, size_t max, struct qh_buf *got)
{
	struct walk w = { .c = c, .p = p, .want = want, .want_max = max,
			  .got = got };

	if (walk_archive(&w, false, visit_find) < 0)
		return -1;
	return w.found ? 1 : 0;
}
