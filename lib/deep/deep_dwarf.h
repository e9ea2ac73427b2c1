/* deep_dwarf.h - compiler provenance per compile unit from DW_AT_producer
 * (libdw): which CUs were built without the hardening flags. GCC records
 * its switches there by default (-grecord-gcc-switches); clang and the
 * assembler do not, and no compiler records -D options, so _FORTIFY_SOURCE
 * itself is invisible here (see deep_fortify.c for the code-level view).
 */
#ifndef QHARD_DEEP_DWARF_H
#define QHARD_DEEP_DWARF_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"

#define DEEP_CU_NO_STACK_PROTECTOR 0x1u /* no -fstack-protector*, or -fno-... last */
#define DEEP_CU_NO_PIE 0x2u             /* -fno-PIE/-fno-pie/-fno-PIC/-fno-pic last */
#define DEEP_CU_NO_FORTIFY 0x4u         /* -O0: _FORTIFY_SOURCE has no effect */
#define DEEP_CU_NO_CF_PROTECTION 0x8u   /* -fcf-protection=none */

struct deep_cu {
	char *name;     /* DW_AT_name (source file) */
	char *producer; /* DW_AT_producer */
	bool recorded;  /* the producer lists the compiler's switches */
	unsigned missing; /* DEEP_CU_* */
};

/* Reads every CU of the ELF file at `path`. No DWARF: 0 with *n == 0. */
int deep_dwarf_cus(const char *path, struct deep_cu **out, size_t *n,
		   struct qh_error *err);
void deep_dwarf_free(struct deep_cu *cus, size_t n);
/* Flags judgement of one producer string (exposed for unit tests). */
unsigned deep_dwarf_producer_missing(const char *producer, bool *recorded);

#endif
