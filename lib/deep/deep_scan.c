/* deep_scan.c - one pass of capstone over every function, recording the
 * per-function facts of deep_scan.h. The patterns per architecture:
 *
 *  x86-64/i386  canary: a %fs:0x28 / %gs:0x14 operand. Landing pad: the
 *               raw endbr64/endbr32 bytes at entry. Frame: sub $imm,%rsp
 *               (or add of a negative imm); variable: sub %reg,%rsp.
 *               Probe: or $0,(%rsp+d) (GCC), mov $0,(%rsp) right after a
 *               sub (clang). Stack address: lea d(%rsp) or d(%rbp) once
 *               %rbp is the frame pointer.
 *  AArch64      canary: a load from the GOT slot (or the address) of
 *               __stack_chk_guard, found by following adrp/add/ldr.
 *               Landing pad: bti c / bti jc / paciasp / pacibsp at entry
 *               (raw hint words: capstone 4 predates BTI). PAC: paciasp or
 *               pacibsp anywhere; non-leaf: stp/str of x30. Frame: sub sp
 *               and pre-indexed stp; probe: str xzr,[sp,...].
 *  ppc64/s390x  canary only: ld rX,-0x7010(r13) (ppc64), ear from an
 *               access register plus a 0x28 displacement (s390x).
 * Calls (call/jmp/bl/b to a PLT stub, or through a GOT slot) that reach an
 * imported name are recorded for the FORTIFY and canary checks.
 */
#include "deep_scan.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENDBR64 0xfa1e0ff3u /* f3 0f 1e fa, little-endian word */
#define ENDBR32 0xfb1e0ff3u
#define A64_BTI_C 0xd503245fu
#define A64_BTI_JC 0xd50324dfu
#define A64_PACIASP 0xd503233fu
#define A64_PACIBSP 0xd503237fu

struct scan_ctx {
	struct deep_image *img;
	struct deep_scan *scan;
	struct deep_facts *f;
	size_t func;
	bool fp_set;        /* x86: mov %rsp,%rbp seen; arm64: mov x29,sp */
	bool last_sub_sp;   /* previous insn was sub $imm,%rsp (clang probes) */
	bool ear_seen;      /* s390x: thread pointer read */
	bool called;        /* a call was seen (argument spills come before) */
	int64_t param_slot[8]; /* stack slots argument registers were spilled to */
	unsigned nparam_slots;
	x86_reg sp_copy[4];    /* registers holding an unmodified copy of %rsp */
	int64_t addr_slot[8];  /* stack slots whose address was taken */
	unsigned naddr_slots;
	unsigned args_written; /* x86-64 argument registers written so far */
	uint64_t sp_depth;  /* bytes pushed or subtracted so far (never lowered:
			       code after an early epilogue is still in the body) */
	uint64_t regval[31];  /* arm64 adrp/add tracking */
	uint32_t regvalid;
	int err;
};

static bool is_chk_fail(const char *name)
{
	return name && (strcmp(name, "__stack_chk_fail") == 0 ||
			strcmp(name, "__stack_chk_fail_local") == 0);
}

static int add_call(struct scan_ctx *c, uint64_t site, const char *callee)
{
	struct deep_scan *s = c->scan;
	void *arr = s->calls;

	if (is_chk_fail(callee))
		c->f->chk_fail_call = true;
	if (qh_array_reserve(&arr, &s->calls_cap, s->ncalls + 1, sizeof(*s->calls))) {
		c->err = -1;
		return -1;
	}
	s->calls = arr;
	s->calls[s->ncalls++] = (struct deep_call){ site, c->func, callee };
	return 0;
}

/* An address formed in code (lea, adrp+add) that lands in executable
 * code: a function whose address is taken (IBT/BTI must cover it). */
static void add_ref(struct scan_ctx *c, uint64_t target)
{
	struct deep_scan *s = c->scan;
	void *arr = s->refs;

	if (!deep_image_text_at(c->img, target, 1))
		return;
	if (qh_array_reserve(&arr, &s->refs_cap, s->nrefs + 1, sizeof(*s->refs))) {
		c->err = -1;
		return;
	}
	s->refs = arr;
	s->refs[s->nrefs++] = target;
}

/* Name reached by a direct branch to `target`: a PLT stub, or a local
 * function (i386 PIC code calls __stack_chk_fail_local directly). */
static void direct_target(struct scan_ctx *c, uint64_t site, uint64_t target)
{
	const char *name = deep_image_stub_name(c->img, target);

	if (name) {
		add_call(c, site, name);
		return;
	}
	const struct deep_func *fn = deep_image_func_at(c->img, target);
	if (fn && fn->addr == target && is_chk_fail(fn->name))
		c->f->chk_fail_call = true;
}

/* ---- x86 ---------------------------------------------------------------- */

/* x86-64 SysV argument register family (0-9) of a register, or -1. */
static int x86_arg_family(x86_reg r)
{
	switch (r) {
	case X86_REG_RDI: case X86_REG_EDI: case X86_REG_DI: case X86_REG_DIL:
		return 0;
	case X86_REG_RSI: case X86_REG_ESI: case X86_REG_SI: case X86_REG_SIL:
		return 1;
	case X86_REG_RDX: case X86_REG_EDX: case X86_REG_DX: case X86_REG_DL:
		return 2;
	case X86_REG_RCX: case X86_REG_ECX: case X86_REG_CX: case X86_REG_CL:
		return 3;
	case X86_REG_R8: case X86_REG_R8D: case X86_REG_R8W: case X86_REG_R8B:
		return 4;
	case X86_REG_R9: case X86_REG_R9D: case X86_REG_R9W: case X86_REG_R9B:
		return 5;
	case X86_REG_XMM0: return 6;
	case X86_REG_XMM1: return 7;
	case X86_REG_XMM2: return 8;
	case X86_REG_XMM3: return 9;
	default:
		return -1;
	}
}

static void note_param_slot(struct scan_ctx *c, int64_t disp)
{
	if (c->nparam_slots < QH_ARRAY_LEN(c->param_slot))
		c->param_slot[c->nparam_slots++] = disp;
}

/* A stack slot whose address is taken (lea d(%rsp), mov %rsp,%reg). Slots
 * at or above the return address belong to the caller (stack-passed
 * arguments). The rest is judged when the function ends (finish_function),
 * because GCC often schedules the lea before the store that spills an
 * argument there. */
static void note_addr_slot(struct scan_ctx *c, int64_t disp, bool sp_based)
{
	if (sp_based && disp >= 0 && (uint64_t)disp >= c->sp_depth)
		return;
	if (!sp_based || c->naddr_slots >= QH_ARRAY_LEN(c->addr_slot)) {
		c->f->stack_addr = true;
		return;
	}
	c->addr_slot[c->naddr_slots++] = disp;
}

/* Taking the address of a spilled argument (f(&param)) is not a local
 * array: -fstack-protector-strong ignores it. */
static void finish_function(struct scan_ctx *c)
{
	for (unsigned i = 0; i < c->naddr_slots && !c->f->stack_addr; i++) {
		bool param = false;

		for (unsigned j = 0; j < c->nparam_slots; j++)
			param |= c->param_slot[j] == c->addr_slot[i];
		if (!param)
			c->f->stack_addr = true;
	}
}

static uint64_t x86_mem_addr(const struct scan_ctx *c, const cs_insn *in,
			     const x86_op_mem *m, bool *ok)
{
	*ok = true;
	if (m->index != X86_REG_INVALID || m->segment != X86_REG_INVALID)
		return *ok = false, 0;
	if (m->base == X86_REG_RIP)
		return in->address + in->size + (uint64_t)m->disp;
	if (m->base == X86_REG_INVALID)
		return (uint64_t)m->disp & (c->img->elf_class == 32 ? 0xffffffffu : ~0ULL);
	if (m->base == X86_REG_EBX && c->img->got_plt_addr)
		return (c->img->got_plt_addr + (uint64_t)m->disp) & 0xffffffffu;
	return *ok = false, 0;
}

static bool x86_is_sp(x86_reg r)
{
	return r == X86_REG_RSP || r == X86_REG_ESP;
}

static bool x86_is_fp(x86_reg r)
{
	return r == X86_REG_RBP || r == X86_REG_EBP;
}

/* ---- x86: the facts every instruction may give ---------------------- */

/* A memory operand %fs:0x28 (x86-64) / %gs:0x14 (i386): the stack guard. */
static void x86_note_guard_load(struct scan_ctx *c, const cs_x86 *x)
{
	x86_reg seg = c->img->arch == DEEP_ARCH_X86_64 ? X86_REG_FS : X86_REG_GS;
	int64_t disp = c->img->arch == DEEP_ARCH_X86_64 ? 0x28 : 0x14;

	for (int i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];

		if (op->type == X86_OP_MEM && op->mem.segment == seg &&
		    op->mem.base == X86_REG_INVALID && op->mem.disp == disp)
			c->f->guard_load = true;
	}
}

/* A store of a still-untouched argument register is a parameter spill;
 * once the register was written it holds a computed value. */
static void x86_note_param_spill(struct scan_ctx *c, const cs_insn *in,
				 const cs_x86 *x)
{
	int fam;

	if ((in->id != X86_INS_MOV && in->id != X86_INS_MOVSS &&
	     in->id != X86_INS_MOVSD && in->id != X86_INS_MOVQ) ||
	    c->called || x->op_count != 2 || x->operands[0].type != X86_OP_MEM ||
	    !x86_is_sp(x->operands[0].mem.base) ||
	    x->operands[1].type != X86_OP_REG)
		return;
	fam = x86_arg_family(x->operands[1].reg);
	if (fam >= 0 && !(c->args_written & (1u << fam)))
		note_param_slot(c, x->operands[0].mem.disp);
}

/* Registers written: argument registers are no longer the caller's, and a
 * register holding a copy of %rsp no longer does. */
static void x86_note_writes(struct scan_ctx *c, const cs_insn *in,
			    const cs_x86 *x)
{
	for (int i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		int fam;

		if (op->type != X86_OP_REG || !(op->access & CS_AC_WRITE))
			continue;
		if ((fam = x86_arg_family(op->reg)) >= 0)
			c->args_written |= 1u << fam;
		/* The scan is linear: code after the epilogue's pops (cold
		 * paths reached by a jump from the body) still sees the copy. */
		for (size_t k = 0; k < QH_ARRAY_LEN(c->sp_copy) && in->id != X86_INS_POP; k++)
			if (c->sp_copy[k] == op->reg)
				c->sp_copy[k] = X86_REG_INVALID;
	}
}

/* ---- x86: one handler per instruction family (table below) ------------ */

static void x86_on_push(struct scan_ctx *c, const cs_insn *in, const cs_x86 *x,
			bool was_sub)
{
	(void)in, (void)x, (void)was_sub;
	c->sp_depth += c->img->arch == DEEP_ARCH_X86_64 ? 8 : 4;
}

/* call/jmp: direct targets, and calls through a GOT slot by name. */
static void x86_on_branch(struct scan_ctx *c, const cs_insn *in, const cs_x86 *x,
			  bool was_sub)
{
	(void)was_sub;
	if (in->id == X86_INS_CALL)
		c->called = true;
	if (x->op_count != 1)
		return;
	if (x->operands[0].type == X86_OP_IMM) {
		direct_target(c, in->address, (uint64_t)x->operands[0].imm);
	} else if (x->operands[0].type == X86_OP_MEM) {
		bool ok;
		uint64_t a = x86_mem_addr(c, in, &x->operands[0].mem, &ok);
		const char *name = ok ? deep_image_slot_name(c->img, a) : NULL;

		if (name)
			add_call(c, in->address, name);
	}
}

/* sub/add on %rsp: the frame (a constant) or a variable-size one. */
static void x86_on_sp_arith(struct scan_ctx *c, const cs_insn *in,
			    const cs_x86 *x, bool was_sub)
{
	(void)was_sub;
	if (x->op_count != 2 || x->operands[0].type != X86_OP_REG ||
	    !x86_is_sp(x->operands[0].reg))
		return;
	if (x->operands[1].type == X86_OP_IMM) {
		int64_t v = x->operands[1].imm;

		if (in->id == X86_INS_ADD)
			v = -v;
		if (v > 0) {
			c->sp_depth += (uint64_t)v;
			if ((uint64_t)v > c->f->frame)
				c->f->frame = (uint64_t)v;
			c->last_sub_sp = true;
		}
	} else if (in->id == X86_INS_SUB && x->operands[1].type == X86_OP_REG) {
		c->f->var_frame = true;
	}
}

/* mov reg,%rsp: an allocation unless it puts back a saved copy. */
static bool x86_sp_assigned(struct scan_ctx *c, const cs_insn *in,
			    const cs_x86 *x)
{
	bool restore = false;

	if (in->id != X86_INS_MOV || x->op_count != 2 ||
	    x->operands[0].type != X86_OP_REG || !x86_is_sp(x->operands[0].reg) ||
	    x->operands[1].type != X86_OP_REG || x86_is_fp(x->operands[1].reg))
		return false;
	for (size_t k = 0; k < QH_ARRAY_LEN(c->sp_copy); k++)
		restore |= c->sp_copy[k] == x->operands[1].reg;
	/* mov %rbx,%rsp after sub %rax,%rbx allocates; putting back an
	 * untouched copy of %rsp does not. */
	if (!restore)
		c->f->var_frame = true;
	return true;
}

/* or/xor/mov $0 to (%rsp): a stack probe (not lock or, a fence); a plain
 * mov counts only right after the sub that moved %rsp. */
static bool x86_is_probe(const cs_insn *in, const cs_x86 *x, bool was_sub)
{
	return x->op_count == 2 && x->operands[0].type == X86_OP_MEM &&
	       x86_is_sp(x->operands[0].mem.base) &&
	       x->operands[1].type == X86_OP_IMM && x->operands[1].imm == 0 &&
	       x->prefix[0] != X86_PREFIX_LOCK &&
	       (in->id != X86_INS_MOV ||
		(was_sub && x->operands[0].mem.disp == 0 &&
		 x->operands[0].mem.index == X86_REG_INVALID));
}

/* mov %rsp,reg: a frame pointer, or a copy of %rsp (&buf[0] passed on). */
static void x86_sp_copied(struct scan_ctx *c, const cs_x86 *x)
{
	if (x86_is_fp(x->operands[0].reg)) {
		c->fp_set = true;
		return;
	}
	note_addr_slot(c, 0, true); /* mov %rsp,%rdi: &buf[0] */
	for (size_t k = 0; k < QH_ARRAY_LEN(c->sp_copy); k++)
		if (c->sp_copy[k] == X86_REG_INVALID) {
			c->sp_copy[k] = x->operands[0].reg;
			break;
		}
}

static void x86_on_mov_like(struct scan_ctx *c, const cs_insn *in,
			    const cs_x86 *x, bool was_sub)
{
	if (x86_sp_assigned(c, in, x))
		return;
	if (x86_is_probe(in, x, was_sub))
		c->f->probe = true;
	else if (in->id == X86_INS_MOV && x->op_count == 2 &&
		 x->operands[0].type == X86_OP_REG &&
		 x->operands[1].type == X86_OP_REG && x86_is_sp(x->operands[1].reg))
		x86_sp_copied(c, x);
}

/* i386 PIC: lea f@GOTOFF(%reg), the GOT base in any register
 * (get_pc_thunk.ax/.bx/...). Text lies below the GOT, so only a negative
 * offset that lands exactly on a function start counts. */
static bool x86_lea_gotoff(struct scan_ctx *c, const cs_x86 *x)
{
	const x86_op_mem *m = &x->operands[1].mem;
	const struct deep_func *fn;
	uint64_t t;

	if (c->img->arch != DEEP_ARCH_I386 || !c->img->got_plt_addr ||
	    m->disp >= 0 || m->index != X86_REG_INVALID ||
	    m->base == X86_REG_INVALID || x86_is_sp(m->base) || x86_is_fp(m->base))
		return false;
	t = (c->img->got_plt_addr + (uint64_t)m->disp) & 0xffffffffu;
	fn = deep_image_func_at(c->img, t);
	if (fn && fn->addr == t)
		add_ref(c, t);
	return true;
}

/* lea: an address taken (a function, for IBT) or a local's address. */
static void x86_on_lea(struct scan_ctx *c, const cs_insn *in, const cs_x86 *x,
		       bool was_sub)
{
	const x86_op_mem *m = &x->operands[1].mem;

	(void)was_sub;
	if (x->op_count != 2 || x->operands[1].type != X86_OP_MEM)
		return;
	if (m->base == X86_REG_RIP || m->base == X86_REG_EBX) {
		bool ok;
		uint64_t t = x86_mem_addr(c, in, m, &ok);

		if (ok)
			add_ref(c, t);
		return;
	}
	if (x86_lea_gotoff(c, x))
		return;
	if (x->operands[0].type == X86_OP_REG &&
	    !x86_is_sp(x->operands[0].reg) && !x86_is_fp(x->operands[0].reg) &&
	    (x86_is_sp(m->base) || (c->fp_set && x86_is_fp(m->base))))
		note_addr_slot(c, m->disp, x86_is_sp(m->base));
}

typedef void (*x86_handler)(struct scan_ctx *c, const cs_insn *in,
			    const cs_x86 *x, bool was_sub);

static const struct {
	unsigned id;
	x86_handler on;
} x86_handlers[] = {
	{ X86_INS_PUSH, x86_on_push },
	{ X86_INS_CALL, x86_on_branch },
	{ X86_INS_JMP, x86_on_branch },
	{ X86_INS_SUB, x86_on_sp_arith },
	{ X86_INS_ADD, x86_on_sp_arith },
	{ X86_INS_OR, x86_on_mov_like },
	{ X86_INS_XOR, x86_on_mov_like },
	{ X86_INS_MOV, x86_on_mov_like },
	{ X86_INS_LEA, x86_on_lea },
};

static int scan_x86_insn(const cs_insn *in, void *ctx)
{
	struct scan_ctx *c = ctx;
	const cs_x86 *x = &in->detail->x86;
	bool was_sub = c->last_sub_sp;

	c->last_sub_sp = false;
	c->f->decoded = true;
	x86_note_guard_load(c, x);
	x86_note_param_spill(c, in, x);
	x86_note_writes(c, in, x);
	for (size_t i = 0; i < QH_ARRAY_LEN(x86_handlers); i++)
		if (x86_handlers[i].id == in->id) {
			x86_handlers[i].on(c, in, x, was_sub);
			break;
		}
	return 0;
}

/* ---- AArch64 ------------------------------------------------------------ */

static int a64_slot(arm64_reg r)
{
	if (r >= ARM64_REG_X0 && r <= ARM64_REG_X28)
		return (int)(r - ARM64_REG_X0);
	if (r == ARM64_REG_X29)
		return 29;
	if (r == ARM64_REG_X30)
		return 30;
	return -1;
}

static bool a64_is_guard_addr(const struct scan_ctx *c, uint64_t a)
{
	const char *name = deep_image_slot_name(c->img, a);

	if (name && strcmp(name, "__stack_chk_guard") == 0)
		return true;
	return c->img->stack_chk_guard && a == c->img->stack_chk_guard;
}

static int scan_a64_insn(const cs_insn *in, void *ctx)
{
	struct scan_ctx *c = ctx;
	const cs_arm64 *a = &in->detail->arm64;
	struct deep_facts *f = c->f;
	int d = a->op_count > 0 && a->operands[0].type == ARM64_OP_REG ?
		a64_slot(a->operands[0].reg) : -1;
	bool tracked = false;

	f->decoded = true;
	switch (in->id) {
	case ARM64_INS_ADRP:
		if (d >= 0 && a->op_count == 2 && a->operands[1].type == ARM64_OP_IMM) {
			c->regval[d] = (uint64_t)a->operands[1].imm;
			c->regvalid |= 1u << d;
			tracked = true;
			if (a64_is_guard_addr(c, c->regval[d]))
				f->guard_load = true;
		}
		break;
	case ARM64_INS_ADD:
	case ARM64_INS_SUB:
		if (a->op_count == 3 && a->operands[0].type == ARM64_OP_REG &&
		    a->operands[1].type == ARM64_OP_REG) {
			arm64_reg dst = a->operands[0].reg, src = a->operands[1].reg;
			const cs_arm64_op *o2 = &a->operands[2];
			int s = a64_slot(src);

			if (dst == ARM64_REG_SP && src == ARM64_REG_SP &&
			    in->id == ARM64_INS_SUB) {
				int r2 = o2->type == ARM64_OP_REG ? a64_slot(o2->reg) : -1;

				if (o2->type == ARM64_OP_IMM) {
					uint64_t v = (uint64_t)o2->imm;

					if (o2->shift.type == ARM64_SFT_LSL)
						v <<= o2->shift.value;
					f->frame += v;
				} else if (r2 >= 0 && (c->regvalid & (1u << r2))) {
					f->frame += c->regval[r2]; /* mov x12,#N; sub sp,sp,x12 */
				} else {
					f->var_frame = true;
				}
			} else if (in->id == ARM64_INS_ADD && d >= 0 &&
				   d != 29 && o2->type == ARM64_OP_IMM &&
				   (src == ARM64_REG_SP ||
				    (c->fp_set && src == ARM64_REG_X29))) {
				f->stack_addr = true;
			} else if (in->id == ARM64_INS_ADD && d >= 0 && s >= 0 &&
				   (c->regvalid & (1u << s)) &&
				   o2->type == ARM64_OP_IMM) {
				c->regval[d] = c->regval[s] + (uint64_t)o2->imm;
				c->regvalid |= 1u << d;
				tracked = true;
				add_ref(c, c->regval[d]);
				if (a64_is_guard_addr(c, c->regval[d]))
					f->guard_load = true;
			}
		}
		break;
	case ARM64_INS_MOVK:
		if (d >= 0 && (c->regvalid & (1u << d)) && a->op_count == 2 &&
		    a->operands[1].type == ARM64_OP_IMM) {
			unsigned sh = a->operands[1].shift.type == ARM64_SFT_LSL ?
				      a->operands[1].shift.value : 0;

			if (sh < 64) {
				c->regval[d] = (c->regval[d] & ~(0xffffULL << sh)) |
					       ((uint64_t)a->operands[1].imm << sh);
				tracked = true;
			}
		}
		break;
	case ARM64_INS_MOVZ:
	case ARM64_INS_MOV:
		if (d >= 0 && a->op_count == 2 && a->operands[1].type == ARM64_OP_IMM) {
			uint64_t v = (uint64_t)a->operands[1].imm;

			if (a->operands[1].shift.type == ARM64_SFT_LSL &&
			    a->operands[1].shift.value < 64)
				v <<= a->operands[1].shift.value;
			c->regval[d] = v;
			c->regvalid |= 1u << d;
			tracked = true;
		} else if (a->op_count == 2 && a->operands[0].type == ARM64_OP_REG &&
		    a->operands[1].type == ARM64_OP_REG) {
			if (a->operands[0].reg == ARM64_REG_X29 &&
			    a->operands[1].reg == ARM64_REG_SP)
				c->fp_set = true;
			else if (a->operands[0].reg == ARM64_REG_SP)
				f->var_frame = true;
		}
		break;
	case ARM64_INS_LDR:
		if (a->op_count >= 2 && a->operands[1].type == ARM64_OP_MEM) {
			int b = a64_slot(a->operands[1].mem.base);

			if (b >= 0 && (c->regvalid & (1u << b)) &&
			    a->operands[1].mem.index == ARM64_REG_INVALID &&
			    a64_is_guard_addr(c, c->regval[b] +
					      (uint64_t)(int64_t)a->operands[1].mem.disp))
				f->guard_load = true;
		}
		break;
	case ARM64_INS_STP:
	case ARM64_INS_STR:
		for (int i = 0; i < a->op_count; i++) {
			const cs_arm64_op *o = &a->operands[i];

			if (o->type == ARM64_OP_REG && o->reg == ARM64_REG_X30)
				f->saves_lr = true;
			if (o->type == ARM64_OP_MEM && o->mem.base == ARM64_REG_SP) {
				if (in->id == ARM64_INS_STR && i == 1 &&
				    a->operands[0].type == ARM64_OP_REG &&
				    a->operands[0].reg == ARM64_REG_XZR)
					f->probe = true;
				if (a->writeback && o->mem.disp < 0)
					f->frame += (uint64_t)(-(int64_t)o->mem.disp);
			}
		}
		d = -1; /* stores write memory, not their first register */
		break;
	case ARM64_INS_BL:
	case ARM64_INS_B:
		if (a->op_count == 1 && a->operands[0].type == ARM64_OP_IMM &&
		    a->cc == ARM64_CC_INVALID)
			direct_target(c, in->address, (uint64_t)a->operands[0].imm);
		break;
	default:
		break;
	}
	if (d >= 0 && !tracked)
		c->regvalid &= ~(1u << d);
	return 0;
}

/* ---- ppc64 / s390x: canary only ----------------------------------------- */

static int scan_ppc_insn(const cs_insn *in, void *ctx)
{
	struct scan_ctx *c = ctx;
	const cs_ppc *p = &in->detail->ppc;

	c->f->decoded = true;
	for (int i = 0; i < p->op_count; i++) {
		const cs_ppc_op *o = &p->operands[i];

		if (o->type == PPC_OP_MEM && o->mem.base == PPC_REG_R13 &&
		    o->mem.disp == -0x7010)
			c->f->guard_load = true;
		if (o->type == PPC_OP_MEM && o->mem.base == PPC_REG_R1 &&
		    in->id == PPC_INS_STDU && o->mem.disp < 0) {
			uint64_t v = (uint64_t)(-(int64_t)o->mem.disp);

			if (v > c->f->frame)
				c->f->frame = v;
		}
	}
	if (in->id == PPC_INS_ADDI && p->op_count == 3 &&
	    p->operands[1].type == PPC_OP_REG && p->operands[1].reg == PPC_REG_R1 &&
	    p->operands[0].type == PPC_OP_REG && p->operands[0].reg != PPC_REG_R1)
		c->f->stack_addr = true;
	return 0;
}

static int scan_s390_insn(const cs_insn *in, void *ctx)
{
	struct scan_ctx *c = ctx;
	const cs_sysz *z = &in->detail->sysz;

	c->f->decoded = true;
	if (in->id == SYSZ_INS_EAR)
		c->ear_seen = true;
	for (int i = 0; i < z->op_count; i++) {
		const cs_sysz_op *o = &z->operands[i];

		if (o->type == SYSZ_OP_MEM && c->ear_seen && o->mem.disp == 0x28 &&
		    o->mem.base != SYSZ_REG_15)
			c->f->guard_load = true;
		if (o->type == SYSZ_OP_MEM && o->mem.base == SYSZ_REG_15 &&
		    in->id == SYSZ_INS_LA && i == 1)
			c->f->stack_addr = true;
	}
	if ((in->id == SYSZ_INS_AGHI || in->id == SYSZ_INS_AGFI) &&
	    z->op_count == 2 && z->operands[0].type == SYSZ_OP_REG &&
	    z->operands[0].reg == SYSZ_REG_15 && z->operands[1].type == SYSZ_OP_IMM &&
	    z->operands[1].imm < 0) {
		uint64_t v = (uint64_t)(-z->operands[1].imm);

		if (v > c->f->frame)
			c->f->frame = v;
	}
	return 0;
}

/* ---- PLT stubs ---------------------------------------------------------- */

struct stub_ctx {
	struct deep_image *img;
	size_t cap;
	uint64_t start;     /* first instruction of the current stub */
	bool in_stub;
	uint64_t x16;       /* arm64: adrp x16 page */
	bool x16_valid;
	int err;
};

static bool is_nop(const cs_insn *in)
{
	return in->id == X86_INS_NOP || strcmp(in->mnemonic, "nop") == 0;
}

static void stub_add(struct stub_ctx *s, uint64_t slot)
{
	const char *name = deep_image_slot_name(s->img, slot);
	struct deep_image *img = s->img;
	void *arr = img->stubs;

	if (!name)
		return;
	if (qh_array_reserve(&arr, &s->cap, img->nstubs + 1, sizeof(*img->stubs))) {
		s->err = -1;
		return;
	}
	img->stubs = arr;
	img->stubs[img->nstubs++] = (struct deep_stub){ s->start, name };
}

static int stub_insn(const cs_insn *in, void *ctx)
{
	struct stub_ctx *s = ctx;
	bool end = false;

	if (!s->in_stub) {
		if (is_nop(in))
			return 0;
		s->in_stub = true;
		s->start = in->address;
		s->x16_valid = false;
	}
	if (s->img->arch == DEEP_ARCH_X86_64 || s->img->arch == DEEP_ARCH_I386) {
		const cs_x86 *x = &in->detail->x86;

		if (in->id == X86_INS_JMP) {
			end = true;
			if (x->op_count == 1 && x->operands[0].type == X86_OP_MEM) {
				struct scan_ctx tmp = { .img = s->img };
				bool ok;
				uint64_t a = x86_mem_addr(&tmp, in, &x->operands[0].mem, &ok);

				if (ok)
					stub_add(s, a);
			}
		}
	} else if (s->img->arch == DEEP_ARCH_AARCH64) {
		const cs_arm64 *a = &in->detail->arm64;

		if (in->id == ARM64_INS_ADRP && a->op_count == 2 &&
		    a->operands[0].reg == ARM64_REG_X16) {
			s->x16 = (uint64_t)a->operands[1].imm;
			s->x16_valid = true;
		} else if (in->id == ARM64_INS_LDR && a->op_count == 2 &&
			   a->operands[1].type == ARM64_OP_MEM &&
			   a->operands[1].mem.base == ARM64_REG_X16 && s->x16_valid) {
			stub_add(s, s->x16 + (uint64_t)(int64_t)a->operands[1].mem.disp);
		} else if (in->id == ARM64_INS_BR) {
			end = true;
		}
	} else {
		end = true;
	}
	if (end)
		s->in_stub = false;
	return 0;
}

static int cmp_stub(const void *x, const void *y)
{
	const struct deep_stub *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static int find_stubs(struct deep_image *img, struct deep_disasm *dis)
{
	struct stub_ctx s = { .img = img };

	if (img->arch != DEEP_ARCH_X86_64 && img->arch != DEEP_ARCH_I386 &&
	    img->arch != DEEP_ARCH_AARCH64)
		return 0;
	for (size_t i = 0; i < img->ntext; i++) {
		const struct deep_section *sec = &img->text[i];

		if (strncmp(sec->name, ".plt", 4) != 0)
			continue;
		s.in_stub = false;
		deep_disasm_range(dis, sec->data, sec->size, sec->addr, stub_insn, &s);
		if (s.err)
			return -1;
	}
	if (img->nstubs)
		qsort(img->stubs, img->nstubs, sizeof(*img->stubs), cmp_stub);
	return 0;
}

/* ---- driver ------------------------------------------------------------- */

static void entry_landing(const struct deep_image *img, const uint8_t *p,
			  uint64_t size, struct deep_facts *f)
{
	uint32_t w;

	if (size < 4)
		return;
	memcpy(&w, p, 4);
	if (img->big_endian)
		w = __builtin_bswap32(w);
	if (img->arch == DEEP_ARCH_X86_64)
		f->entry_landing = w == ENDBR64;
	else if (img->arch == DEEP_ARCH_I386)
		f->entry_landing = w == ENDBR32;
	else if (img->arch == DEEP_ARCH_AARCH64)
		f->entry_landing = w == A64_BTI_C || w == A64_BTI_JC ||
				   w == A64_PACIASP || w == A64_PACIBSP;
}

static void a64_pac_scan(const struct deep_image *img, const uint8_t *p,
			 uint64_t size, struct deep_facts *f)
{
	for (uint64_t o = 0; o + 4 <= size; o += 4) {
		uint32_t w;

		memcpy(&w, p + o, 4);
		if (img->big_endian)
			w = __builtin_bswap32(w);
		if (w == A64_PACIASP || w == A64_PACIBSP) {
			f->pac_sign = true;
			return;
		}
	}
}

static deep_insn_fn insn_fn(enum deep_arch arch)
{
	switch (arch) {
	case DEEP_ARCH_X86_64:
	case DEEP_ARCH_I386:
		return scan_x86_insn;
	case DEEP_ARCH_AARCH64:
		return scan_a64_insn;
	case DEEP_ARCH_PPC64:
		return scan_ppc_insn;
	default:
		return scan_s390_insn;
	}
}

/* One worker: functions [first, last) with its own capstone handle and its
 * own call list (facts are per function, so workers never share a slot). */
struct scan_worker {
	pthread_t thread;
	struct deep_image *img;
	struct deep_facts *facts;
	size_t first, last;
	struct deep_scan part; /* calls, skipped_bytes */
	int rc;
	bool thread_started;
	struct qh_error err;
};

static void *scan_worker_run(void *arg)
{
	struct scan_worker *w = arg;
	struct deep_image *img = w->img;
	struct deep_disasm dis;
	deep_insn_fn fn = insn_fn(img->arch);

	w->rc = -1;
	if (deep_disasm_open(&dis, img, &w->err) < 0)
		return NULL;
	for (size_t i = w->first; i < w->last; i++) {
		const struct deep_func *f = &img->funcs[i];
		const struct deep_section *sec = deep_image_text_at(img, f->addr, f->size);
		struct scan_ctx c = {
			.img = img, .scan = &w->part, .f = &w->facts[i], .func = i,
		};
		const uint8_t *code;

		if (!sec || deep_is_crt_function(f->name))
			continue; /* normalise() keeps ranges inside sections */
		code = sec->data + (f->addr - sec->addr);
		entry_landing(img, code, f->size, c.f);
		if (img->arch == DEEP_ARCH_AARCH64)
			a64_pac_scan(img, code, f->size, c.f);
		deep_disasm_range(&dis, code, f->size, f->addr, fn, &c);
		finish_function(&c);
		if (c.err) {
			qh_error_set(&w->err, "out of memory");
			deep_disasm_close(&dis);
			return NULL;
		}
	}
	w->part.skipped_bytes = dis.skipped;
	deep_disasm_close(&dis);
	w->rc = 0;
	return NULL;
}

/* Capstone decodes about a million x86 instructions a second; a 30 MB
 * binary has a few million, so the functions are split by bytes over up
 * to DEEP_SCAN_THREADS workers. */
#define DEEP_SCAN_THREADS 4
#define DEEP_SCAN_MIN_BYTES (1u << 20) /* below this one thread is faster */

static size_t worker_count(const struct deep_image *img, uint64_t *total)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n;

	*total = 0;
	for (size_t i = 0; i < img->nfuncs; i++)
		*total += img->funcs[i].size;
	n = cpus > 0 ? (size_t)cpus : 1;
	if (n > DEEP_SCAN_THREADS)
		n = DEEP_SCAN_THREADS;
	if (*total < DEEP_SCAN_MIN_BYTES || img->nfuncs < n)
		n = 1;
	return n;
}

int deep_scan_run(struct deep_image *img, struct deep_scan *scan,
		  struct qh_error *err)
{
	struct scan_worker w[DEEP_SCAN_THREADS];
	struct deep_disasm dis;
	uint64_t total, acc = 0;
	size_t nw, k = 0;
	int rc = 0;

	memset(scan, 0, sizeof(*scan));
	memset(w, 0, sizeof(w));
	if (deep_disasm_open(&dis, img, err) < 0)
		return -1;
	rc = find_stubs(img, &dis);
	deep_disasm_close(&dis);
	if (rc < 0)
		return qh_error_set(err, "out of memory");
	scan->facts = calloc(img->nfuncs ? img->nfuncs : 1, sizeof(*scan->facts));
	if (!scan->facts)
		return qh_error_set(err, "out of memory");
	nw = worker_count(img, &total);
	for (size_t i = 0; i < nw; i++) {
		w[i].img = img;
		w[i].facts = scan->facts;
		w[i].first = k;
		while (k < img->nfuncs &&
		       (i + 1 == nw || acc < total / nw * (i + 1)))
			acc += img->funcs[k++].size;
		w[i].last = k;
	}
	for (size_t i = 1; i < nw; i++)
		if (pthread_create(&w[i].thread, NULL, scan_worker_run, &w[i]) != 0)
			scan_worker_run(&w[i]); /* no thread: do it here */
		else
			w[i].thread_started = true;
	scan_worker_run(&w[0]);
	for (size_t i = 1; i < nw; i++)
		if (w[i].thread_started)
			pthread_join(w[i].thread, NULL);
	/* Workers hold consecutive function ranges: concatenating their call
	 * lists keeps address order. */
	for (size_t i = 0; i < nw && rc == 0; i++) {
		struct deep_scan *p = &w[i].part;
		void *arr = scan->calls;

		if (w[i].rc < 0) {
			rc = qh_error_set(err, "%s", w[i].err.msg);
			break;
		}
		scan->skipped_bytes += p->skipped_bytes;
		for (size_t j = 0; j < p->nrefs && rc == 0; j++)
			if (deep_image_add_taken(img, p->refs[j]) < 0)
				rc = qh_error_set(err, "out of memory");
		if (!p->ncalls)
			continue;
		if (qh_array_reserve(&arr, &scan->calls_cap, scan->ncalls + p->ncalls,
				     sizeof(*scan->calls))) {
			rc = qh_error_set(err, "out of memory");
			break;
		}
		scan->calls = arr;
		memcpy(scan->calls + scan->ncalls, p->calls, p->ncalls * sizeof(*p->calls));
		scan->ncalls += p->ncalls;
	}
	for (size_t i = 0; i < nw; i++) {
		free(w[i].part.calls);
		free(w[i].part.refs);
	}
	deep_image_sort_taken(img);
	if (rc < 0)
		deep_scan_free(scan);
	return rc;
}

void deep_scan_free(struct deep_scan *scan)
{
	free(scan->facts);
	free(scan->calls);
	free(scan->refs);
	memset(scan, 0, sizeof(*scan));
}
