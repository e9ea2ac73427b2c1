/* pkg_unpack.h - the ELF files inside a .deb, an .rpm or a tarball.
 *
 * Read with libarchive straight into memory, member by member: nothing of a
 * possibly hostile package is written to disk, so no path in it (absolute,
 * "..", symlinked directories) can land anywhere, and no dpkg-deb, rpm2cpio
 * or cpio is needed at run time (an RPM-based CI can gate a .deb and the
 * other way round). A .deb is an ar archive whose data.tar.* member is read
 * as an archive of its own; an .rpm is a cpio archive behind the RPM header
 * (libarchive's rpm filter). Each ELF member is handed over with the path it
 * installs to ("./usr/bin/x" becomes "/usr/bin/x"); analyse it with
 * analyze.h's qh_analyze_memory.
 */
#ifndef QHARD_PKG_UNPACK_H
#define QHARD_PKG_UNPACK_H

#include <stddef.h>

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

/* Return 0 to go on, -1 (with err set) to stop. `data` is valid during the
 * call only. */
typedef int (*qh_pkg_elf_fn)(void *user, const char *member,
			     const void *data, size_t size,
			     struct qh_error *err);

/* Call fn for every regular member that starts with the ELF magic, in
 * archive order. Members larger than max_member bytes are refused (the
 * archive is reported broken). Returns the number of ELF members, or -1
 * with err set when the package cannot be read (the caller reports it as
 * an input that could not be analysed) or fn stopped. */
long qh_pkg_foreach_elf(const char *path, size_t max_member, qh_pkg_elf_fn fn,
			void *user, struct qh_error *err);

#endif
