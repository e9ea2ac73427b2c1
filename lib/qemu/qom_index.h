/* qom_index.h - QOM type names and machine names defined by QEMU source
 * files, so that a profile can name devices as users know them
 * (`-device virtio-net-pci`, `-machine q35`).
 *
 * Read from the sources, not a table:
 *  - `.name`, `.generic_name`, `.base_name`, `.transitional_name`,
 *    `.non_transitional_name` inside initializers of `TypeInfo` and
 *    `*TypeInfo` structs, and of other `*Info` tables (E1000Info) in files
 *    that register types from them (`type_info.name = info->name`);
 *  - values resolved through `#define TYPE_X "name"`, chains of macros,
 *    string concatenation and MACHINE_TYPE_NAME("x") (= "x-machine"),
 *    from include/ and hw/ headers and the file itself;
 *  - machine names: `->alias = "q35"`, and "x" for every "x-machine" type.
 * A `.name` that cannot be resolved is a file:line diagnostic.
 */
#ifndef QHARD_QOM_INDEX_H
#define QHARD_QOM_INDEX_H

#include <stddef.h>

#include "qh.h"
#include "strlist.h"

struct qh_qom_index;

/* Index the given source files (paths relative to root). Headers under
 * root/include and root/hw provide the macros. */
struct qh_qom_index *qh_qom_index_build(const char *root,
					const struct qh_strlist *files,
					struct qh_error *err);
void qh_qom_index_free(struct qh_qom_index *q);

/* Source file (relative) defining a QOM type / machine name; NULL if none. */
const char *qh_qom_type_file(const struct qh_qom_index *q, const char *type);
const char *qh_qom_machine_file(const struct qh_qom_index *q, const char *machine);
/* Every file defining it (a name can exist once per target architecture,
 * e.g. machine "virt" in hw/arm and hw/riscv). Appended to out. */
int qh_qom_type_files(const struct qh_qom_index *q, const char *type,
		      struct qh_strlist *out);
int qh_qom_machine_files(const struct qh_qom_index *q, const char *machine,
			 struct qh_strlist *out);
/* Every type name defined by one of `files` (sorted, unique). */
int qh_qom_types_in_files(const struct qh_qom_index *q,
			  const struct qh_strlist *files, struct qh_strlist *out);
size_t qh_qom_ntypes(const struct qh_qom_index *q);
size_t qh_qom_ndiags(const struct qh_qom_index *q);
const char *qh_qom_diag(const struct qh_qom_index *q, size_t i);

/* Resolve a C expression naming a type (exposed for tests): NULL when it
 * cannot be resolved. */
char *qh_qom_resolve(const struct qh_qom_index *q, const char *expr);
/* Add a macro definition (exposed for tests): `#define name body`. */
int qh_qom_define(struct qh_qom_index *q, const char *name, const char *body);
struct qh_qom_index *qh_qom_index_new(struct qh_error *err);
/* Scan one file's text (tests). */
int qh_qom_index_scan_source(struct qh_qom_index *q, const char *relpath,
		     const char *text);

#endif
