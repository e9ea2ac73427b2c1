/* qemu_tree.h - facts read from a QEMU source tree: its version, its
 * targets (configs/targets/NAME.mak), the default device sets
 * (configs/devices/<target>/default.mak) and the configure options this
 * version accepts (configure's own case patterns, the generated
 * scripts/meson-buildoptions.sh, and meson_options.txt).
 */
#ifndef QHARD_QEMU_TREE_H
#define QHARD_QEMU_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"
#include "rootfs.h"
#include "strlist.h"

struct qh_qemu_target {
	char *name;      /* "x86_64-softmmu" */
	char *arch;      /* TARGET_ARCH */
	char *base_arch; /* TARGET_BASE_ARCH (defaults to arch) */
	bool softmmu;
	bool need_fdt;   /* TARGET_NEED_FDT=y: configure needs libfdt */
};

enum qh_copt_kind {
	QH_COPT_EXACT,  /* --enable-kvm */
	QH_COPT_VALUE,  /* --target-list=VALUE */
	QH_COPT_PREFIX, /* --with-devices-ARCH=... */
};

struct qh_qemu_tree {
	char *root;     /* absolute */
	char *version;  /* "7.2.22" */
	int major, minor, micro;
	struct qh_qemu_target *targets;
	size_t ntargets;
	/* accepted configure options: names and kinds, parallel arrays */
	struct qh_strlist copt_names;
	enum qh_copt_kind *copt_kinds;
	size_t copt_kinds_cap;
	/* meson feature options (names with dashes: "vhost-net") */
	struct qh_strlist features;
};

struct qh_qemu_tree *qh_qemu_tree_open(const char *root, struct qh_error *err);
void qh_qemu_tree_free(struct qh_qemu_tree *t);

const struct qh_qemu_target *qh_qemu_tree_target(const struct qh_qemu_tree *t,
						 const char *name);
/* Does this version's configure accept `arg` ("--enable-kvm",
 * "--target-list=x86_64-softmmu", "--with-devices-x86_64=foo")? */
bool qh_qemu_tree_accepts(const struct qh_qemu_tree *t, const char *arg);
/* Is NAME ("vhost-net") a feature with --enable-NAME/--disable-NAME? */
bool qh_qemu_tree_has_feature(const struct qh_qemu_tree *t, const char *name);

/* Compare versions: <0, 0, >0 like strcmp, on (major, minor, micro). */
int qh_qemu_version_cmp(int amaj, int amin, int amic, int bmaj, int bmin,
			int bmic);
/* Parse "7.2.22" / "8.1.0-rc1"; returns 0 or -1. */
int qh_qemu_version_parse(const char *s, int *maj, int *min, int *mic);

/* Read a text file of a QEMU tree opened with qh_rootfs_open_tree: the tree
 * is read like an audit root (rootfs.h): regular files only, opened
 * without blocking, never outside the tree (no absolute symlink, no ".."
 * above it), at most max bytes. With `seen` (may be NULL), a file already
 * read under any name (same device and inode) gives EEXIST: a reader that
 * follows `source` or `subdir` reads each file once, whatever symlink
 * loops the tree has. Returns 0 with *text (malloc'd, NUL-terminated) and
 * *len (may be NULL), or a positive errno with err set. */
int qh_tree_read_text(struct qh_rootfs *tree, const char *path, size_t max,
		      struct qh_file_ids *seen, char **text, size_t *len,
		      struct qh_error *err);

#endif
