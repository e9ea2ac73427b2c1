/* deep_scan.h - one disassembly pass over every function that records the
 * facts each deep check needs (so a 30 MB binary is decoded once, not once
 * per check), plus PLT stub discovery and call sites to imported names.
 */
#ifndef QHARD_DEEP_SCAN_H
#define QHARD_DEEP_SCAN_H

#include "deep_disasm.h"
#include "deep_image.h"

struct deep_facts {
	bool guard_load;    /* reads the canary (%fs:0x28, %gs:0x14, __stack_chk_guard) */
	bool chk_fail_call; /* calls/jumps to __stack_chk_fail(_local) */
	bool entry_landing; /* x86: endbr64/endbr32 first; arm64: bti c/jc or pac*sp */
	bool pac_sign;      /* arm64: paciasp/pacibsp in the function */
	bool saves_lr;      /* arm64: stores x30 (non-leaf) */
	bool var_frame;     /* stack pointer moved by a register amount (alloca, VLA) */
	bool stack_addr;    /* the address of a stack slot is taken */
	bool probe;         /* a stack-clash probe (or $0,(%rsp) / str xzr,[sp]) */
	uint64_t frame;     /* largest constant stack allocation seen */
	bool decoded;       /* at least one instruction decoded */
};

struct deep_call {
	uint64_t site;    /* address of the call instruction */
	size_t func;      /* index into img->funcs */
	const char *callee; /* imported name (points into img->slots) */
};

struct deep_scan {
	struct deep_facts *facts; /* img->nfuncs entries */
	struct deep_call *calls;  /* calls to imported names, in address order */
	size_t ncalls, calls_cap;
	uint64_t *refs;           /* code addresses formed in code (per worker) */
	size_t nrefs, refs_cap;
	size_t skipped_bytes;     /* undecodable bytes (evidence) */
};

/* Finds the PLT stubs (fills img->stubs), then scans every function. */
int deep_scan_run(struct deep_image *img, struct deep_scan *scan,
		  struct qh_error *err);
void deep_scan_free(struct deep_scan *scan);

#endif
