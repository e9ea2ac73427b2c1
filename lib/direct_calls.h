/* direct_calls.h - does a function's code call one of a few addresses?
 *
 * The static-binary canary check asks whether main() calls
 * __stack_chk_fail: libc links its own copy whatever the program was built
 * with, so only a call from the program's code proves guard code. One call
 * form (or two) per machine is decoded by hand, on every machine the deep
 * disassembler knows and on ARM and MIPS:
 *   x86, x86-64   call rel32
 *   AArch64       BL
 *   ARM           BL/BLX (A32), BL/BLX (Thumb-2)
 *   MIPS          JAL, BAL, and the PIC call through the GOT: a load
 *                 (lw/ld) from $gp of a GOT word holding the target
 *   ppc, ppc64    bl (to the target or its ELFv2 local entry, +8)
 *   s390x         brasl
 * A match inside another instruction's bytes is possible but needs the
 * exact target, as for the x86 case before.
 */
#ifndef QHARD_DIRECT_CALLS_H
#define QHARD_DIRECT_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

/* True when the code of `fn` (a defined function symbol) calls one of
 * targets[0..n); *how names the instruction form found. False for
 * machines without a decoder and for code that is not in the file. */
bool qh_calls_any(const struct qh_elf *e, const struct qh_elf_symbol *fn,
		  const uint64_t *targets, size_t n, const char **how);
/* Whether qh_calls_any can decode this file's machine. */
bool qh_calls_machine_known(const struct qh_elf *e);

#endif
