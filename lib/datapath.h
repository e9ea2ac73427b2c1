/* datapath.h - installed policies and profiles by name.
 *
 * `--policy strict` and `--profile kvm-virtio-minimal` name a file that
 * qhard looks for in a search path; a value with a '/' or ending in ".ini"
 * is a path and is used as given. The search path, first match wins:
 *
 *   $XDG_CONFIG_HOME/qhard   (unset or empty: ~/.config/qhard)
 *   /etc/qhard
 *   the data dir             ($QHARD_DATADIR, else DATADIR of the build:
 *                             /usr/share/qhard in the Debian package,
 *                             $(PREFIX)/share/qhard after make install,
 *                             build/share/qhard for build/qhard)
 *
 * each with a folder per kind: policies/NAME.ini, profiles/NAME.ini.
 * Every command that takes --policy, --profile or --allow-list, and the
 * `profile` key of a policy, resolves its value here.
 */
#ifndef QHARD_DATAPATH_H
#define QHARD_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"

enum qh_data_kind { QH_DATA_POLICY, QH_DATA_PROFILE };

#define QH_DATA_DIRS 3
#define QH_DATA_PATH_MAX 4096

struct qh_data_dirs {
	size_t n;
	char dir[QH_DATA_DIRS][QH_DATA_PATH_MAX];
};

/* True when value is a path (has a '/' or ends in ".ini"), false for a
 * name to look up. */
bool qh_data_is_path(const char *value);

/* The folder of a kind in each search directory: "policies", "profiles". */
const char *qh_data_subdir(enum qh_data_kind kind);

/* The data dir built in, which $QHARD_DATADIR replaces: DATADIR for the
 * installed qhard (lib/dl/datadir.c, built into the binary like its
 * module dir), the build tree's share/qhard for build/qhard, DATADIR for
 * libqhard.a's other users (lib/datadir_static.c). */
const char *qh_data_builtin_dir(void);

/* The search directories of this process, in order. The user's directory
 * is left out when neither XDG_CONFIG_HOME nor HOME is an absolute path;
 * environment variables are ignored in setuid/setgid processes. */
int qh_data_dirs_get(struct qh_data_dirs *d, struct qh_error *err);

/* Resolve a --policy/--profile value. A path comes back as `value` itself;
 * a name as DIR/<kind folder>/NAME.ini of the first search directory that
 * has it, written to buf. NULL with err when no directory has it, or when
 * a directory cannot be searched (say, no permission): a user's own copy
 * is never silently passed over for a later one. */
const char *qh_data_find_in(const struct qh_data_dirs *d,
			    enum qh_data_kind kind, const char *value,
			    char *buf, size_t size, struct qh_error *err);

/* The same over qh_data_dirs_get(). */
const char *qh_data_find(enum qh_data_kind kind, const char *value,
			 char *buf, size_t size, struct qh_error *err);

#endif
