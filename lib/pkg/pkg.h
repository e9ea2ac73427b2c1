/* pkg.h - the ELF files inside a .deb, an .rpm or a tarball.
 *
 * A package is hostile input. Its container is checked by its own rules
 * before any payload byte is trusted: the ar members of a .deb
 * (debian-binary first, control.tar.*, data.tar.* with a compression dpkg
 * knows, sizes within the file), the lead, signature header and main
 * header of an .rpm (magic, index counts and data sizes within rpm's own
 * limits and the file, 8-byte alignment, the payload compressor and file
 * list from the header). Then libarchive reads the payload (a tar or a
 * cpio archive behind one known compression, never an external program)
 * straight into memory, member by member: nothing is written to disk, no
 * dpkg-deb, rpm2cpio or cpio runs. Any archive error or warning at any
 * point is an error for the package; so is a payload that disagrees with
 * its metadata (an .rpm whose payload lacks files its header lists, a
 * .deb whose data.tar lacks files its md5sums lists).
 *
 * Each ELF member is handed over with the path it installs to
 * ("./usr/bin/x" becomes "/usr/bin/x"); a hard link is handed over once
 * per name, with the same bytes, so each name is judged on its own. Budgets
 * (struct qh_pkg_limits) are checked from the headers before a member is
 * read; when one runs out the walk stops with an error, after the members
 * already handed over.
 */
#ifndef QHARD_PKG_UNPACK_H
#define QHARD_PKG_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "qh.h"

enum qh_pkg_kind {
	QH_PKG_NONE = 0, /* not a package we read */
	QH_PKG_DEB,
	QH_PKG_RPM,
	QH_PKG_TAR,      /* tar, possibly gzip/xz/zstd/bzip2 compressed */
};

/* Recognise a package from its first bytes (512 are enough). */
enum qh_pkg_kind qh_pkg_detect(const void *head, size_t len);
const char *qh_pkg_kind_name(enum qh_pkg_kind kind);

/* Per-package budgets; 0 means no limit (max_member 0: the default). */
struct qh_pkg_limits {
	uint64_t max_unpacked; /* bytes of the payload archive decompressed
				  (its headers included; the holes of a
				  sparse member are not stored, so not
				  counted), checked from each member's
				  header before it is read, and as the
				  decompressor goes */
	uint64_t max_members;  /* payload members (files, directories,
				  links...) */
	uint64_t max_ms;       /* wall-clock milliseconds for the package,
				  callbacks included */
	uint64_t max_member;   /* largest ELF member read into memory */
};

/* Defaults of qhard gate (qhard-gate(1), SECURITY). */
#define QH_PKG_DEFAULT_MAX_UNPACKED ((uint64_t)4 << 30)
#define QH_PKG_DEFAULT_MAX_MEMBERS 200000
#define QH_PKG_DEFAULT_MAX_SECONDS 600
#define QH_PKG_DEFAULT_MAX_MEMBER ((uint64_t)1 << 30)

/* How far the reading got; filled in on errors too. */
struct qh_pkg_stats {
	enum qh_pkg_kind kind;
	uint64_t members;  /* payload members read */
	uint64_t unpacked; /* bytes decompressed (as limits.max_unpacked) */
	uint64_t elf;      /* names handed to the callback */
};

/* An ELF member, for the callback. Large members (over 1 MiB) are kept in
 * a sparse memfd, so that the holes of a sparse member cost neither memory
 * nor time: analyse those through `fd` (a mapping of a file only pages in
 * what is read; a copy of `data` would touch every page). */
struct qh_pkg_member {
	const char *path;  /* the path it installs to: "/usr/bin/qemu-img" */
	const void *data;  /* its bytes (holes read as zeros) */
	size_t size;
	int fd;            /* >= 0: the same bytes as a file; else -1 */
};

/* Return 0 to go on, -1 (with err set) to stop. The member is valid during
 * the call only. */
typedef int (*qh_pkg_elf_fn)(void *user, const struct qh_pkg_member *m,
			     struct qh_error *err);

/* Call fn for every name of a regular member that starts with the ELF
 * magic, in archive order (names of a hard link whose bytes came earlier
 * may come after the end of the archive: it is read once more for them).
 * Returns the number of calls, or -1 with err set when the package cannot
 * be read completely (the caller reports it as an input that could not
 * be analysed, after what fn was already given), a budget ran out, or fn
 * stopped. `stats` may be NULL. */
long qh_pkg_foreach_elf(const char *path, const struct qh_pkg_limits *limits,
			qh_pkg_elf_fn fn, void *user,
			struct qh_pkg_stats *stats, struct qh_error *err);

#endif
