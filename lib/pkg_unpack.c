/* pkg_unpack.c - ELF members of .deb/.rpm/tar packages, in memory (see
 * pkg_unpack.h). */
#include "pkg_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

struct walk {
	const char *pkg;
	size_t max_member;
	qh_pkg_elf_fn fn;
	void *user;
	struct qh_error *err;
	long nelf;
	bool stopped; /* fn asked to stop: its message is in err */
	unsigned char *buf;
	size_t cap;
};

static struct archive *reader_new(void)
{
	struct archive *a = archive_read_new();

	if (a) {
		archive_read_support_filter_all(a);
		archive_read_support_format_all(a);
	}
	return a;
}

/* "./usr/bin/x", "usr/bin/x" and "/usr/bin/x" all install to /usr/bin/x. */
static int member_path(const char *name, struct qh_buf *out)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (*name == '/')
		name++;
	qh_buf_reset(out);
	return qh_buf_printf(out, "/%s", name);
}

/* Read the rest of the current member into w->buf after the `len` bytes
 * already there; returns the member's size or -1. */
static long read_member(struct walk *w, struct archive *a, const char *name,
			size_t len)
{
	for (;;) {
		la_ssize_t n;

		if (len == w->cap) {
			size_t want = w->cap ? w->cap * 2 : 1 << 20;
			void *nb;

			if (w->cap >= w->max_member) {
				qh_error_set(w->err, "%s: member %s is larger than "
					     "%zu bytes", w->pkg, name,
					     w->max_member);
				return -1;
			}
			if (want > w->max_member)
				want = w->max_member;
			nb = realloc(w->buf, want);
			if (!nb) {
				qh_error_set(w->err, "out of memory");
				return -1;
			}
			w->buf = nb;
			w->cap = want;
		}
		n = archive_read_data(a, w->buf + len, w->cap - len);
		if (n < 0) {
			qh_error_set(w->err, "%s: %s: %s", w->pkg, name,
				     archive_error_string(a));
			return -1;
		}
		if (n == 0)
			return (long)len;
		len += (size_t)n;
		if (len > w->max_member) {
			qh_error_set(w->err, "%s: member %s is larger than %zu "
				     "bytes", w->pkg, name, w->max_member);
			return -1;
		}
	}
}

static int visit_member(struct walk *w, struct archive *a,
			struct archive_entry *e)
{
	struct qh_buf path = QH_BUF_INIT;
	unsigned char head[4];
	la_ssize_t n;
	long size;
	int rc = -1;

	if (archive_entry_filetype(e) != AE_IFREG)
		return 0;
	if (member_path(archive_entry_pathname(e) ? archive_entry_pathname(e)
						  : "?", &path) < 0) {
		qh_error_set(w->err, "out of memory");
		return -1;
	}
	/* A peek at the magic first: most of a package is not ELF. The peek
	 * goes into buf so no bytes are lost for the full read. */
	n = archive_read_data(a, head, sizeof(head));
	if (n < 0) {
		qh_error_set(w->err, "%s: %s: %s", w->pkg, path.data,
			     archive_error_string(a));
		goto out;
	}
	if (n < (la_ssize_t)sizeof(head) || memcmp(head, elf_magic, 4) != 0) {
		rc = 0;
		goto out;
	}
	if (!w->buf || w->cap < sizeof(head)) {
		free(w->buf);
		w->cap = 1 << 20;
		w->buf = malloc(w->cap);
		if (!w->buf) {
			w->cap = 0;
			qh_error_set(w->err, "out of memory");
			goto out;
		}
	}
	memcpy(w->buf, head, sizeof(head));
	size = read_member(w, a, path.data, sizeof(head));
	if (size < 0)
		goto out;
	w->nelf++;
	if (w->fn(w->user, path.data, w->buf, (size_t)size, w->err) < 0) {
		w->stopped = true;
		goto out;
	}
	rc = 0;
out:
	qh_buf_free(&path);
	return rc;
}

/* The inner archive of a .deb reads its bytes from the outer one. */
static la_ssize_t inner_read(struct archive *inner, void *client,
			     const void **buf)
{
	struct archive *outer = client;
	size_t size;
	la_int64_t offset;
	int r = archive_read_data_block(outer, buf, &size, &offset);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK) {
		archive_set_error(inner, EIO, "%s",
				  archive_error_string(outer));
		return -1;
	}
	return (la_ssize_t)size;
}

static int walk_archive(struct walk *w, struct archive *a, bool outer);

static int walk_deb_data(struct walk *w, struct archive *outer)
{
	struct archive *inner = reader_new();
	int rc;

	if (!inner)
		return qh_error_set(w->err, "out of memory");
	if (archive_read_open(inner, outer, NULL, inner_read, NULL) != ARCHIVE_OK) {
		qh_error_set(w->err, "%s: data archive: %s", w->pkg,
			     archive_error_string(inner));
		archive_read_free(inner);
		return -1;
	}
	rc = walk_archive(w, inner, false);
	archive_read_free(inner);
	return rc;
}

static int walk_archive(struct walk *w, struct archive *a, bool outer)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		bool deb_data = outer && name &&
				(archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
					ARCHIVE_FORMAT_AR &&
				strncmp(name, "data.tar", 8) == 0;

		if (deb_data ? walk_deb_data(w, a) < 0 : visit_member(w, a, e) < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return qh_error_set(w->err, "%s: %s", w->pkg,
				    archive_error_string(a) ?
				    archive_error_string(a) : "unreadable archive");
	return 0;
}

long qh_pkg_foreach_elf(const char *path, size_t max_member, qh_pkg_elf_fn fn,
			void *user, struct qh_error *err)
{
	struct walk w = { .pkg = path, .max_member = max_member, .fn = fn,
			  .user = user, .err = err };
	struct archive *a = reader_new();
	int rc;

	if (!a)
		return qh_error_set(err, "out of memory");
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		qh_error_set(err, "%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	rc = walk_archive(&w, a, true);
	archive_read_free(a);
	free(w.buf);
	return rc < 0 ? -1 : w.nelf;
}
