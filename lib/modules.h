/* modules.h - the parts of lib/ that the tool loads only when a run needs
 * them.
 *
 * The deep checks (capstone, libbfd, libdw: deep*.c) and package reading
 * (libarchive, which brings libxml2, ICU and libstdc++: pkg/pkg.c) serve
 * few runs, yet linked into the tool they made every start map 24 shared
 * objects and apply 100k relocations: 3.4 ms before the first file against
 * 0.8 ms without them, a tenth of a whole /usr/bin scan. So the tool binary
 * gets them from two modules, deep.so and pkg.so, opened on first use by
 * lib/dl/modules.c, which defines qh_deep_run() and qh_pkg_foreach_elf()
 * as forwarders. libqhard.a still holds everything, and tests and fuzzers
 * link it whole (modules_static.c).
 *
 * Why modules and not a dlopen() of capstone or libarchive themselves: a
 * module names its libraries in DT_NEEDED, so dpkg-shlibdeps and rpm's
 * dependency generator still see every dependency, and the modules are
 * built, hardened and checked like the tool (git splits git-remote-http
 * out of git for the same start-up reason).
 */
#ifndef QHARD_MODULES_H
#define QHARD_MODULES_H

#include "qh.h"

/* Make sure module `name` ("deep" or "pkg") can be used, loading it now.
 * A command calls this before the work that needs it, so a missing module
 * is one clear error instead of one per input. 0, or -1 with err naming
 * the module's path and why it could not be loaded. */
int qh_module_need(const char *name, struct qh_error *err);

#endif
