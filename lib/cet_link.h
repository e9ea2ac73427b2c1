/* cet_link.h - why a binary built with -fcf-protection still lacks the
 * CET property: the linker ANDs X86_FEATURE_1_AND over every input, so one
 * object without IBT/SHSTK (on Debian 12: glibc's Scrt1.o, crti.o and
 * crtn.o, which are assembly) drops it from the whole file. The binary does
 * not record its link inputs; two facts come close:
 *  - its own code: functions that start with ENDBR64/ENDBR32 were compiled
 *    with -fcf-protection=branch/full;
 *  - this host's C startup files: the ones the toolchain links into every
 *    program, read (never run) for their GNU property note.
 * The header check (checks.c) adds both to its evidence for x86 files.
 */
#ifndef QHARD_CET_LINK_H
#define QHARD_CET_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "qh.h"

/* Global/weak defined functions of e (its .symtab, else .dynsym; not the
 * startup files' _start, _init ...) and how
 * many start with ENDBR for e's machine. x86 only: *total 0 otherwise. */
void qh_cet_endbr_count(const struct qh_elf *e, size_t *with_endbr,
			size_t *total);

/* The C startup files of this host for e's machine and class (crt1.o,
 * Scrt1.o, crti.o, crtn.o in the multiarch libdir; crtbegin*.o/crtend*.o
 * of each installed gcc) that lack `bit` (QH_X86_FEATURE_1_IBT or _SHSTK),
 * as base names joined with ", " into out ("" when none or none found),
 * plus the folders they are in. Returns 0, or -1 on out-of-memory. */
int qh_cet_startup_lacking(const struct qh_elf *e, uint32_t bit,
			   struct qh_buf *out);

#endif
