/* pkg_internal.h - the parts of the package reader (pkg.h), private
 * to lib/pkg_*.c:
 *
 *   pkg.c   entry point: open, recognise, run the passes, budgets
 *   pkg_deb.c      the ar container of a .deb -> where data.tar.* is
 *   pkg_rpm.c      lead and headers of an .rpm -> where the payload is,
 *                  its compressor, the file list the payload must match
 *   pkg_payload.c  libarchive on the payload: members, ELF bytes, budgets
 *   pkg_links.c    hard links whose bytes come with another name
 *   pkg_filelist.c the files the metadata lists, which the payload must
 *                  hold
 */
#ifndef QHARD_PKG_INTERNAL_H
#define QHARD_PKG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "pkg.h"

enum pkg_filter {
	PKG_FILTER_NONE,
	PKG_FILTER_GZIP,
	PKG_FILTER_BZIP2,
	PKG_FILTER_XZ,
	PKG_FILTER_LZMA,
	PKG_FILTER_ZSTD,
};

enum pkg_format { PKG_FORMAT_TAR, PKG_FORMAT_CPIO };

/* The archive inside the package file: bytes [offset, end) of the file,
 * compressed with `filter`. */
struct pkg_payload {
	uint64_t offset, end;
	enum pkg_filter filter;
	enum pkg_format format;
	char name[32]; /* for messages: "data.tar.xz", "payload" */
};

struct rpm_files;
struct pkg_links;
struct pkg_filelist;

struct pkg_ctx {
	int fd;
	uint64_t file_size;
	const struct qh_pkg_limits *lim;
	struct qh_pkg_stats *st;
	struct qh_error *err;
	qh_pkg_elf_fn fn;
	void *user;
	struct timespec start;
	bool failed;         /* err holds the first error: keep it */
	struct rpm_files *rpm; /* an .rpm's headers, else NULL */
	struct pkg_filelist *files; /* what the metadata lists, or NULL */
	struct pkg_links *links;
	unsigned char *small;  /* reused buffer for small ELF members */
	size_t small_cap;
};

/* Set the context's error once (the first cause wins over the follow-up
 * errors it provokes); always -1. */
int pkg_fail(struct pkg_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* -1 with the error set when the time budget is spent. */
int pkg_check_time(struct pkg_ctx *c);
/* Read exactly len bytes at off; a short file is a "truncated" error
 * naming `what`. */
int pkg_pread(struct pkg_ctx *c, uint64_t off, void *buf, size_t len,
	      const char *what);
const char *pkg_filter_name(enum pkg_filter f);

/* pkg_deb.c: check the ar container; fill the data.tar.* payload. */
int pkg_deb_payload(struct pkg_ctx *c, struct pkg_payload *out);

/* pkg_rpm.c: check lead and headers, and the budgets the headers allow to
 * check before reading; fill the payload, c->rpm and c->files. */
int pkg_rpm_payload(struct pkg_ctx *c, struct pkg_payload *out);
void pkg_rpm_free(struct rpm_files *f);

/* pkg_filelist.c: the files the metadata lists (an .rpm's header, a
 * .deb's md5sums), which the payload must hold; c->files. */
enum { PKG_FILE_GHOST = 1, PKG_FILE_SEEN = 2 };
struct pkg_filelist {
	char source[48];      /* for messages: "the header" */
	bool every_member;    /* each payload member must be listed (rpm) */
	size_t n;
	const char **dirs;    /* per file: "/usr/bin/"; NULL: bases are whole */
	const char **bases;   /* per file: "qemu-img" */
	unsigned char *state; /* per file: PKG_FILE_* */
	uint32_t *slots;      /* hash of the path -> file index + 1 */
	size_t nslots, expected, seen; /* files the payload must hold / held */
	char *names;          /* what bases point into, when the list owns it */
};
/* Room for n files (dirs too when asked); bases and ghosts are the
 * caller's to fill, then pkg_filelist_index. */
int pkg_filelist_alloc(struct pkg_ctx *c, struct pkg_filelist *l, size_t n,
		       bool dirs);
int pkg_filelist_index(struct pkg_ctx *c, struct pkg_filelist *l);
/* A payload member's installed path (`file`: a regular file or a hard
 * link): marks its entry. Without every_member only files count, and one
 * not listed is no error. */
int pkg_filelist_member(struct pkg_ctx *c, const char *path, bool file);
/* After the payload: every file listed (ghosts aside) came. */
int pkg_filelist_finish(struct pkg_ctx *c, const char *payload);
void pkg_filelist_free(struct pkg_filelist *l);

/* pkg_payload.c: read the payload; `again` is the hard-link pass. */
int pkg_payload_walk(struct pkg_ctx *c, const struct pkg_payload *p,
		     bool again);
/* Read the archive p (a .deb's control.tar) to its end, every error an
 * error, budgets but the stats apart; the regular member that installs
 * as `want` ("/md5sums") into *got, NUL-terminated, at most max bytes. 1
 * found, 0 absent, -1 error. */
int pkg_payload_find(struct pkg_ctx *c, const struct pkg_payload *p,
		     const char *want, size_t max, struct qh_buf *got);

/* pkg_links.c: hard links. A link member without bytes waits for the
 * member that has them (before it in a tar, after it in a cpio). Member
 * indexes count from 0 in archive order, the same in both passes. */
struct pkg_links *pkg_links_new(void);
void pkg_links_free(struct pkg_links *l);
/* `name`, member `index`, is a link to `target` without bytes. */
int pkg_links_add(struct pkg_links *l, const char *name, const char *target,
		  uint64_t index, struct qh_error *err);
/* `name` is a regular member without bytes that has other links (cpio:
 * the bytes come with its last name). */
int pkg_links_add_first(struct pkg_links *l, const char *name,
			struct qh_error *err);
/* First pass: a link member to `target` came with bytes: *names gets the
 * names waiting for them, in archive order, *n how many (0: none); they
 * are done. The array is valid until the next call. -1 on ENOMEM. */
int pkg_links_take(struct pkg_links *l, const char *target,
		   const char *const **names, size_t *n, struct qh_error *err);
/* Second pass: the member `name`, number `index`: the links to it that
 * come after it, which take its bytes if it has any. */
int pkg_links_after(struct pkg_links *l, const char *name, uint64_t index,
		    const char *const **names, size_t *n,
		    struct qh_error *err);
/* Links still waiting whose bytes may have come before them (a tar): the
 * archive must be read again for them. */
bool pkg_links_pending(const struct pkg_links *l);
/* After the second pass: a link whose target did not come before it is
 * an error. */
int pkg_links_finish(const struct pkg_links *l, struct qh_error *err);

/* "./usr/bin/x", "usr/bin/x" and "/usr/bin/x" all install to /usr/bin/x.
 * Empty, "." and ".." components are refused: such a name would be judged
 * under one path and installed under another. -1 with err set. */
int pkg_install_path(const char *name, struct qh_buf *out,
		     struct qh_error *err);

#endif
