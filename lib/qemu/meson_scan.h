/* meson_scan.h - which source files each CONFIG symbol compiles, read from
 * QEMU's meson.build files (source sets):
 *   X_ss = ss.source_set()
 *   X_ss.add(files(...))                                  always
 *   X_ss.add(when: 'CONFIG_A', if_true: files(...), if_false: files(...))
 *   X_ss.add(when: ['CONFIG_A', 'CONFIG_B', dep], ...)    A && B (deps: true)
 *   Y_ss.add_all(when: 'CONFIG_A', if_true: X_ss)         X_ss's files need A
 *   if config_all_devices.has_key('CONFIG_A') ... endif   block needs A
 *   subdir('x')                                           x/meson.build
 * Set variables are global (as in meson). Anything else is skipped; a
 * statement that looks like a source-set call but cannot be read becomes a
 * file:line diagnostic.
 */
#ifndef QHARD_MESON_SCAN_H
#define QHARD_MESON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"
#include "strlist.h"

struct qh_meson_scan;

/* Scan `root`/meson.build and, through subdir(), everything below `only`
 * (e.g. "hw"; NULL: the whole tree). Paths in results are relative to root. */
struct qh_meson_scan *qh_meson_scan_tree(const char *root, const char *only,
					 struct qh_error *err);
/* Scan one extra meson.build (relative path "hw/x/meson.build"). */
int qh_meson_scan_file(struct qh_meson_scan *ms, const char *relpath,
		       struct qh_error *err);
void qh_meson_scan_free(struct qh_meson_scan *ms);

size_t qh_meson_ndiags(const struct qh_meson_scan *ms);
const char *qh_meson_diag(const struct qh_meson_scan *ms, size_t i);

/* Decides a symbol ("CONFIG_X"): true when enabled. */
typedef bool (*qh_meson_sym_fn)(const char *sym, void *ctx);

/* Every file compiled under `is_true` whose path starts with `prefix`
 * (NULL: all), and that depends on at least one CONFIG symbol when
 * `conditional_only`. Appended to out (sorted, unique). */
int qh_meson_compiled(const struct qh_meson_scan *ms, qh_meson_sym_fn is_true,
		      void *ctx, const char *prefix, bool conditional_only,
		      struct qh_strlist *out);
/* Every file the scan knows (sorted, unique). */
int qh_meson_all_files(const struct qh_meson_scan *ms, struct qh_strlist *out);
/* The CONFIG symbols that must be y for `file` to be compiled (the first
 * way it is added: its own `when:` plus every enclosing add_all/if). */
int qh_meson_file_symbols(const struct qh_meson_scan *ms, const char *file,
			  struct qh_strlist *out);
/* Files whose conditions mention `sym` ("CONFIG_X"). */
int qh_meson_symbol_files(const struct qh_meson_scan *ms, const char *sym,
			  struct qh_strlist *out);

#endif
