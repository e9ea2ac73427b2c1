/* deep_disasm.h - capstone behind one small interface: open a handle for
 * the image's architecture, stream a bounded byte range with cs_disasm_iter,
 * skip undecodable bytes (re-synchronising at the next instruction boundary
 * the architecture allows) and never read past the range.
 */
#ifndef QHARD_DEEP_DISASM_H
#define QHARD_DEEP_DISASM_H

#include <capstone/capstone.h>

#include "deep_image.h"

struct deep_disasm {
	csh handle;
	cs_insn *insn;
	enum deep_arch arch;
	unsigned resync; /* bytes to skip after an undecodable one */
	size_t skipped;  /* undecodable bytes seen so far (evidence) */
};

/* Returns 0, or -1 with err set (architecture capstone cannot decode). */
int deep_disasm_open(struct deep_disasm *d, const struct deep_image *img,
		     struct qh_error *err);
void deep_disasm_close(struct deep_disasm *d);

/* Called per decoded instruction; return non-zero to stop early. */
typedef int (*deep_insn_fn)(const cs_insn *insn, void *ctx);

/* Disassemble [addr, addr+size) from `code`. */
void deep_disasm_range(struct deep_disasm *d, const uint8_t *code,
		       size_t size, uint64_t addr, deep_insn_fn fn, void *ctx);

#endif
