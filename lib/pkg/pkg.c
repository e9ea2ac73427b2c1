/* pkg.c - ELF members of .deb/.rpm/tar packages, in memory (see
 * pkg.h): open the file, find its payload by the format's own
 * structure, walk it, and read it once more when hard links need bytes
 * that came before them. */
#include "pkg_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pkg_fail(struct pkg_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = true;
	va_start(ap, fmt);
	if (c->err)
		vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t elapsed_ms(const struct pkg_ctx *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - c->start.tv_sec) * 1000 +
	       (uint64_t)((now.tv_nsec - c->start.tv_nsec) / 1000000);
}

int pkg_check_time(struct pkg_ctx *c)
{
	if (c->failed)
		return -1;
	if (!c->lim->max_ms || elapsed_ms(c) <= c->lim->max_ms)
		return 0;
	return pkg_fail(c, "still reading after %llu s, %llu members in (the "
			"--max-seconds budget); only what was read before is "
			"reported", (unsigned long long)(c->lim->max_ms / 1000),
			(unsigned long long)c->st->members);
}

int pkg_pread(struct pkg_ctx *c, uint64_t off, void *buf, size_t len,
	      const char *what)
{
	size_t got = 0;

	if (off > c->file_size || len > c->file_size - off)
		return pkg_fail(c, "truncated: %s needs %zu bytes at offset "
				"%llu, the file ends at %llu", what, len,
				(unsigned long long)off,
				(unsigned long long)c->file_size);
	while (got < len) {
		ssize_t n = pread(c->fd, (char *)buf + got, len - got,
				  (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pkg_fail(c, "reading %s: %s", what, strerror(errno));
		if (n == 0)
			return pkg_fail(c, "the file shrank while %s was read", what);
		got += (size_t)n;
	}
	return 0;
}

const char *pkg_filter_name(enum pkg_filter f)
{
	static const char *const names[] = {
		[PKG_FILTER_NONE] = "none", [PKG_FILTER_GZIP] = "gzip",
		[PKG_FILTER_BZIP2] = "bzip2", [PKG_FILTER_XZ] = "xz",
		[PKG_FILTER_LZMA] = "lzma", [PKG_FILTER_ZSTD] = "zstd",
	};

	return (unsigned)f < QH_ARRAY_LEN(names) ? names[f] : "?";
}

int pkg_install_path(const char *name, struct qh_buf *out,
		     struct qh_error *err)
{
	const char *p = strcmp(name, ".") == 0 ? "" : name; /* the root */

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	qh_buf_reset(out);
	if (qh_buf_putc(out, '/') < 0)
		return qh_error_set(err, "out of memory");
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 0 && end && end[1] == '\0')
			break; /* a directory's trailing slash */
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return qh_error_set(err, "member name \"%.300s\" has an "
					    "empty, \".\" or \"..\" component: it "
					    "would be judged under one path and "
					    "installed under another", name);
		if ((out->len > 1 && qh_buf_putc(out, '/') < 0) ||
		    qh_buf_append(out, p, len) < 0)
			return qh_error_set(err, "out of memory");
		p += len;
		while (*p == '/') {
			if (p[1] == '/')
				return qh_error_set(err, "member name \"%.300s\" "
						    "has an empty component",
						    name);
			p++;
		}
	}
	return 0;
}

/* A tarball's compression, from its first bytes (pkg_detect.c said tar). */
static enum pkg_filter tar_filter(const unsigned char *head, size_t len)
{
	static const struct {
		const char *magic;
		size_t len;
		enum pkg_filter filter;
	} magics[] = {
		{ "\x1f\x8b", 2, PKG_FILTER_GZIP },
		{ "\xfd" "7zXZ", 5, PKG_FILTER_XZ },
		{ "\x28\xb5\x2f\xfd", 4, PKG_FILTER_ZSTD },
		{ "BZh", 3, PKG_FILTER_BZIP2 },
	};

	for (size_t i = 0; i < QH_ARRAY_LEN(magics); i++)
		if (len >= magics[i].len &&
		    memcmp(head, magics[i].magic, magics[i].len) == 0)
			return magics[i].filter;
	return PKG_FILTER_NONE;
}

static int find_payload(struct pkg_ctx *c, struct pkg_payload *p)
{
	unsigned char head[512];
	size_t len = c->file_size < sizeof(head) ? (size_t)c->file_size
						 : sizeof(head);

	if (pkg_pread(c, 0, head, len, "the package's first bytes") < 0)
		return -1;
	c->st->kind = qh_pkg_detect(head, len);
	switch (c->st->kind) {
	case QH_PKG_DEB:
		return pkg_deb_payload(c, p);
	case QH_PKG_RPM:
		return pkg_rpm_payload(c, p);
	case QH_PKG_TAR:
		*p = (struct pkg_payload){ .offset = 0, .end = c->file_size,
					   .filter = tar_filter(head, len),
					   .format = PKG_FORMAT_TAR };
		snprintf(p->name, sizeof(p->name), "tar archive");
		return 0;
	case QH_PKG_NONE:
		break;
	}
	return pkg_fail(c, "not a .deb, an .rpm or a tar archive");
}

static int open_package(struct pkg_ctx *c, const char *path)
{
	struct stat st;

	c->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (c->fd < 0)
		return pkg_fail(c, "%s", strerror(errno));
	if (fstat(c->fd, &st) < 0)
		return pkg_fail(c, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pkg_fail(c, "not a regular file");
	c->file_size = (uint64_t)st.st_size;
	return 0;
}

static int walk(struct pkg_ctx *c, const char *path)
{
	struct qh_error lerr = { "" };
	struct pkg_payload p;

	if (open_package(c, path) < 0 || find_payload(c, &p) < 0)
		return -1;
	if (pkg_payload_walk(c, &p, false) < 0)
		return -1;
	if (c->files && pkg_filelist_finish(c, p.name) < 0)
		return -1;
	if (pkg_links_pending(c->links) && pkg_payload_walk(c, &p, true) < 0)
		return -1;
	if (pkg_links_finish(c->links, &lerr) < 0)
		return pkg_fail(c, "%s", lerr.msg);
	return 0;
}

long qh_pkg_foreach_elf(const char *path, const struct qh_pkg_limits *limits,
			qh_pkg_elf_fn fn, void *user,
			struct qh_pkg_stats *stats, struct qh_error *err)
{
	struct qh_pkg_stats local;
	struct qh_pkg_limits lim = limits ? *limits : (struct qh_pkg_limits){
		QH_PKG_DEFAULT_MAX_UNPACKED, QH_PKG_DEFAULT_MAX_MEMBERS,
		QH_PKG_DEFAULT_MAX_SECONDS * 1000, QH_PKG_DEFAULT_MAX_MEMBER };
	struct pkg_ctx c = { .fd = -1, .lim = &lim, .st = stats ? stats : &local,
			     .err = err, .fn = fn, .user = user };
	/* libarchive turns pax (UTF-8) names into the locale's charset; in
	 * the C locale every non-ASCII name would be a warning, which is an
	 * error here. This thread reads with a UTF-8 LC_CTYPE; the process's
	 * locale is left alone. */
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
	int rc;

	memset(c.st, 0, sizeof(*c.st));
	if (!lim.max_member)
		lim.max_member = QH_PKG_DEFAULT_MAX_MEMBER;
	clock_gettime(CLOCK_MONOTONIC, &c.start);
	c.links = pkg_links_new();
	rc = c.links ? walk(&c, path) : pkg_fail(&c, "out of memory");
	if (utf8) {
		uselocale(old);
		freelocale(utf8);
	}
	if (c.fd >= 0)
		close(c.fd);
	pkg_rpm_free(c.rpm);
	pkg_filelist_free(c.files);
	pkg_links_free(c.links);
	free(c.small);
	return rc < 0 ? -1 : (long)c.st->elf;
}
