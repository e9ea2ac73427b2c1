/* pkg_deb.c - the ar container of a .deb, checked by deb(5) before the
 * payload is read: the common ar format (60-byte member headers, decimal
 * sizes, data padded to an even offset), "debian-binary" first with a 2.x
 * format version, then control.tar[.gz|.xz|.zst], then
 * data.tar[.gz|.xz|.zst|.bz2|.lzma]. Members whose names start with '_'
 * may come between them; whatever follows data.tar is ignored, as dpkg
 * does. A member that does not fit in the file is a truncated package.
 *
 * The control.tar's md5sums (deb-md5sums(5)), when there is one, lists
 * the plain files the package installs: data.tar must hold them all, as
 * an .rpm's payload must hold its header's list. That is how a .deb
 * without files is told from one whose data.tar lost them. (The digests
 * are not checked: qhard judges the bytes it was given.)
 */
#include "pkg_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AR_MAGIC "!<arch>\n"
#define AR_HEADER 60
#define MD5SUMS_MAX ((size_t)64 << 20)
#define MD5_HEX 32

struct ar_member {
	char name[17];
	uint64_t data;  /* offset of its bytes */
	uint64_t size;
	uint64_t next;  /* offset of the next member header */
};

/* The compressions dpkg knows for each tar member (deb(5)). */
static const struct {
	const char *suffix;
	enum pkg_filter filter;
	bool control; /* allowed for control.tar too */
} deb_tars[] = {
	{ "", PKG_FILTER_NONE, true },
	{ ".gz", PKG_FILTER_GZIP, true },
	{ ".xz", PKG_FILTER_XZ, true },
	{ ".zst", PKG_FILTER_ZSTD, true },
	{ ".bz2", PKG_FILTER_BZIP2, false },
	{ ".lzma", PKG_FILTER_LZMA, false },
};

/* Is `name` "<base><suffix>" with a suffix from deb_tars? */
static bool tar_member(const char *name, const char *base, bool control,
		       enum pkg_filter *filter)
{
	size_t blen = strlen(base);

	if (strncmp(name, base, blen) != 0)
		return false;
	for (size_t i = 0; i < QH_ARRAY_LEN(deb_tars); i++)
		if ((deb_tars[i].control || !control) &&
		    strcmp(name + blen, deb_tars[i].suffix) == 0) {
			*filter = deb_tars[i].filter;
			return true;
		}
	return false;
}

static int parse_name(struct pkg_ctx *c, const char *raw, uint64_t at,
		      char out[17])
{
	size_t len = 16;

	memcpy(out, raw, 16);
	while (len && out[len - 1] == ' ')
		len--;
	if (len && out[len - 1] == '/')
		len--; /* GNU ar's terminator */
	out[len] = '\0';
	if (len == 0)
		return pkg_fail(c, "ar member at offset %llu has no name",
				(unsigned long long)at);
	for (size_t i = 0; i < len; i++)
		if (out[i] < 0x21 || out[i] > 0x7e || out[i] == '/')
			return pkg_fail(c, "ar member at offset %llu has a name "
					"dpkg does not read (no long names, "
					"printable ASCII only)",
					(unsigned long long)at);
	return 0;
}

/* ar sizes: decimal digits, then spaces; at most ten digits. */
static int parse_size(struct pkg_ctx *c, const char *raw, const char *name,
		      uint64_t *size)
{
	size_t i = 0;

	*size = 0;
	while (i < 10 && raw[i] >= '0' && raw[i] <= '9')
		*size = *size * 10 + (uint64_t)(raw[i++] - '0');
	if (i == 0)
		return pkg_fail(c, "ar member %s has no size", name);
	while (i < 10 && raw[i] == ' ')
		i++;
	if (i != 10)
		return pkg_fail(c, "ar member %s has a malformed size field",
				name);
	return 0;
}

/* The member header at `at`; 0 at the end of the file, 1 for a member. */
static int ar_next(struct pkg_ctx *c, uint64_t at, struct ar_member *m)
{
	char h[AR_HEADER];

	if (at == c->file_size)
		return 0;
	if (pkg_pread(c, at, h, sizeof(h), "an ar member header") < 0)
		return -1;
	if (h[58] != '`' || h[59] != '\n')
		return pkg_fail(c, "no ar member header at offset %llu",
				(unsigned long long)at);
	if (parse_name(c, h, at, m->name) < 0 ||
	    parse_size(c, h + 48, m->name, &m->size) < 0)
		return -1;
	m->data = at + AR_HEADER;
	if (m->size > c->file_size - m->data)
		return pkg_fail(c, "truncated: member %s needs %llu bytes at "
				"offset %llu, the file ends at %llu", m->name,
				(unsigned long long)m->size,
				(unsigned long long)m->data,
				(unsigned long long)c->file_size);
	m->next = m->data + m->size + (m->size & 1);
	if (m->next > c->file_size)
		m->next = c->file_size; /* the last pad byte may be missing */
	return 1;
}

/* debian-binary: "2.<minor>\n" and maybe more lines (deb(5)). */
static int check_version(struct pkg_ctx *c, const struct ar_member *m)
{
	char v[64] = "";
	size_t len = m->size < sizeof(v) - 1 ? (size_t)m->size : sizeof(v) - 1;
	size_t i = 2;

	if (pkg_pread(c, m->data, v, len, "debian-binary") < 0)
		return -1;
	if (strncmp(v, "2.", 2) == 0) {
		while (i < len && v[i] >= '0' && v[i] <= '9')
			i++;
		if (i > 2 && i < len && v[i] == '\n')
			return 0;
	}
	v[strcspn(v, "\n")] = '\0';
	for (i = 0; v[i]; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			v[i] = '?';
	return pkg_fail(c, "debian-binary says \"%s\": not a format 2.x "
			"package", v);
}

/* One md5sums line: 32 hex digits, two spaces, a path; the path's
 * installed form appended to names with its NUL. */
static int md5sums_line(struct pkg_ctx *c, const char *control,
			const char *line, size_t len, size_t lineno,
			struct qh_buf *names, struct qh_buf tmp[2])
{
	struct qh_error lerr = { "" };
	size_t i = 0;

	while (i < MD5_HEX && i < len && isxdigit((unsigned char)line[i]))
		i++;
	if (i != MD5_HEX || len < MD5_HEX + 3 || line[MD5_HEX] != ' ' ||
	    line[MD5_HEX + 1] != ' ' || memchr(line, '\0', len))
		return pkg_fail(c, "%s: md5sums line %zu is not \"<32 hex "
				"digits>  <path>\" (deb-md5sums(5))", control,
				lineno);
	qh_buf_reset(&tmp[0]);
	if (qh_buf_append(&tmp[0], line + MD5_HEX + 2, len - MD5_HEX - 2) < 0 ||
	    pkg_install_path(tmp[0].data, &tmp[1], &lerr) < 0 ||
	    qh_buf_append(names, tmp[1].data, tmp[1].len + 1) < 0)
		return pkg_fail(c, "%s: md5sums line %zu: %s", control, lineno,
				lerr.msg[0] ? lerr.msg : "out of memory");
	return 0;
}

/* The files md5sums lists, as c->files (it owns their names). */
static int md5sums_files(struct pkg_ctx *c, const struct qh_buf *sums,
			 const char *control)
{
	struct pkg_filelist *l = calloc(1, sizeof(*l));
	struct qh_buf names = QH_BUF_INIT, tmp[2] = { QH_BUF_INIT, QH_BUF_INIT };
	const char *p = sums->data, *end = sums->data + sums->len;
	size_t n = 0;
	int rc = -1;

	if (!l)
		return pkg_fail(c, "out of memory");
	c->files = l;
	snprintf(l->source, sizeof(l->source), "the md5sums of %s", control);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (pkg_check_time(c) < 0 ||
		    md5sums_line(c, control, p, len, n + 1, &names, tmp) < 0)
			goto out;
		n++;
		if (c->lim->max_members && n > c->lim->max_members) {
			pkg_fail(c, "%s: md5sums lists more than %llu files "
				 "(the --max-members budget); nothing was read",
				 control, (unsigned long long)c->lim->max_members);
			goto out;
		}
		p += len + 1;
	}
	if (pkg_filelist_alloc(c, l, n, false) < 0)
		goto out;
	l->names = names.data;
	names = (struct qh_buf)QH_BUF_INIT;
	p = l->names;
	for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
		l->bases[i] = p;
	rc = pkg_filelist_index(c, l);
out:
	qh_buf_free(&names);
	qh_buf_free(&tmp[0]);
	qh_buf_free(&tmp[1]);
	return rc;
}

/* control.tar: its md5sums, if it has one. */
static int read_control(struct pkg_ctx *c, const struct pkg_payload *ctl)
{
	struct qh_buf sums = QH_BUF_INIT;
	int r = pkg_payload_find(c, ctl, "/md5sums", MD5SUMS_MAX, &sums);

	if (r > 0)
		r = md5sums_files(c, &sums, ctl->name);
	qh_buf_free(&sums);
	return r < 0 ? -1 : 0;
}

int pkg_deb_payload(struct pkg_ctx *c, struct pkg_payload *out)
{
	char magic[8];
	struct ar_member m;
	struct pkg_payload ctl;
	bool control = false;
	char last[17] = "debian-binary";
	uint64_t at = sizeof(magic);
	int r;

	if (pkg_pread(c, 0, magic, sizeof(magic), "the ar header") < 0)
		return -1;
	if (memcmp(magic, AR_MAGIC, sizeof(magic)) != 0)
		return pkg_fail(c, "not an ar archive");
	r = ar_next(c, at, &m);
	if (r <= 0 || strcmp(m.name, "debian-binary") != 0)
		return r < 0 ? -1 : pkg_fail(c, "the first member is not "
					     "debian-binary");
	if (check_version(c, &m) < 0)
		return -1;
	for (at = m.next; (r = ar_next(c, at, &m)) > 0; at = m.next) {
		enum pkg_filter filter;

		if (m.name[0] == '_') {
			/* reserved for members older readers may skip */
		} else if (!control && tar_member(m.name, "control.tar", true,
						  &filter)) {
			control = true;
			ctl = (struct pkg_payload){ .offset = m.data,
						    .end = m.data + m.size,
						    .filter = filter,
						    .format = PKG_FORMAT_TAR };
			snprintf(ctl.name, sizeof(ctl.name), "%s", m.name);
		} else if (control && tar_member(m.name, "data.tar", false,
						 &filter)) {
			*out = (struct pkg_payload){ .offset = m.data,
						     .end = m.data + m.size,
						     .filter = filter,
						     .format = PKG_FORMAT_TAR };
			snprintf(out->name, sizeof(out->name), "%s", m.name);
			return read_control(c, &ctl);
		} else {
			return pkg_fail(c, "unexpected member %s after %s: dpkg "
					"wants %s", m.name, last, control ?
					"data.tar[.gz|.xz|.zst|.bz2|.lzma]" :
					"control.tar[.gz|.xz|.zst]");
		}
		memcpy(last, m.name, sizeof(last));
	}
	if (r < 0)
		return -1;
	return pkg_fail(c, "truncated or incomplete: the package ends after %s, "
			"without %s", last, control ? "a data.tar member" :
			"control.tar and data.tar members");
}
