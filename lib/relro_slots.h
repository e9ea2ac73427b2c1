/* relro_slots.h - where the relocated pointer slots of a linked file lie.
 *
 * Full RELRO means every pointer slot the dynamic loader or libc's start-up
 * code writes is read-only once the program runs. The slots are the
 * targets of the relocations that fill a GOT:
 *   JUMP_SLOT and GLOB_DAT, wherever they land;
 *   IRELATIVE and RELATIVE when they land in .got, .got.plt, .igot,
 *     .igot.plt or a writable .plt (elsewhere they initialise the
 *     program's own writable data, e.g. a function pointer variable);
 *   on MIPS the GOT itself, which ld.so relocates without relocation
 *     entries (DT_MIPS_LOCAL_GOTNO + the global entries from
 *     DT_MIPS_GOTSYM to DT_MIPS_SYMTABNO).
 * The tables are those the loader reads (DT_RELA, DT_REL, DT_JMPREL,
 * DT_RELR) or, in a file without a dynamic section (a static executable,
 * whose IRELATIVE relocations libc applies itself), the allocated
 * SHT_RELA/SHT_REL sections. Without section headers IRELATIVE counts
 * everywhere and RELATIVE nowhere.
 */
#ifndef QHARD_RELRO_SLOTS_H
#define QHARD_RELRO_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

enum qh_slot_kind {
	QH_SLOT_JUMP_SLOT,
	QH_SLOT_GLOB_DAT,
	QH_SLOT_IRELATIVE,
	QH_SLOT_RELATIVE,
	QH_SLOT_MIPS_GOT,
	QH_SLOT_KINDS,
};

struct qh_relro_slots {
	/* false: the relocation tables could not be found or read; `why`
	 * says why and nothing else is set */
	bool known;
	char why[160];
	size_t total[QH_SLOT_KINDS];   /* slots found, per kind */
	size_t outside[QH_SLOT_KINDS]; /* of which outside [lo, hi) */
	uint64_t first_out, last_out;  /* lowest and highest slot outside */
	const char *section_out;       /* the section holding first_out */
};

/* Which relocation types count: the machine's (relro_slots.c has the
 * table). False for machines it does not know. */
bool qh_relro_machine_known(const struct qh_elf *e);
/* Find the slots of `e` and count those not wholly inside [lo, hi). */
void qh_relro_slots(const struct qh_elf *e, uint64_t lo, uint64_t hi,
		    struct qh_relro_slots *out);
const char *qh_slot_kind_name(enum qh_slot_kind k);

#endif
