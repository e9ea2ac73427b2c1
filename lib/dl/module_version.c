/* module_version.c - linked into every module: the qhard version it was
 * built with. lib/dl/modules.c refuses a module of another version, since
 * the structures it is handed (struct qh_elf, qh_result) are not a stable
 * ABI. */
#include "qh.h"

extern const char qh_module_version[];
const char qh_module_version[] = QHARD_VERSION;
