/* pkg_detect.c - which package format a file is, from its first bytes.
 * Apart from pkg.c so that recognising a package does not pull
 * libarchive into the tool binary (it lives in the pkg module, modules.h). */
#include "pkg.h"

#include <string.h>

enum qh_pkg_kind qh_pkg_detect(const void *head, size_t len)
{
	static const struct {
		size_t off;
		const char *magic;
		size_t len;
		enum qh_pkg_kind kind;
	} magics[] = {
		{ 0, "!<arch>\ndebian-binary", 21, QH_PKG_DEB },
		{ 0, "\xed\xab\xee\xdb", 4, QH_PKG_RPM },
		{ 257, "ustar", 5, QH_PKG_TAR },
		{ 0, "\x1f\x8b", 2, QH_PKG_TAR },          /* gzip */
		{ 0, "\xfd" "7zXZ", 5, QH_PKG_TAR },       /* xz */
		{ 0, "\x28\xb5\x2f\xfd", 4, QH_PKG_TAR },  /* zstd */
		{ 0, "BZh", 3, QH_PKG_TAR },               /* bzip2 */
	};
	const unsigned char *p = head;

	for (size_t i = 0; i < QH_ARRAY_LEN(magics); i++)
		if (len >= magics[i].off + magics[i].len &&
		    memcmp(p + magics[i].off, magics[i].magic, magics[i].len) == 0)
			return magics[i].kind;
	return QH_PKG_NONE;
}

const char *qh_pkg_kind_name(enum qh_pkg_kind kind)
{
	switch (kind) {
	case QH_PKG_DEB: return "deb";
	case QH_PKG_RPM: return "rpm";
	case QH_PKG_TAR: return "tar";
	case QH_PKG_NONE: break;
	}
	return "none";
}
