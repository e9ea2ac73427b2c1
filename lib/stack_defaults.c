/* stack_defaults.c - the per-machine answer to "no PT_GNU_STACK: is the
 * stack executable?" (see stack_defaults.h). Sources: Linux
 * arch/<arch>/include/asm/elf.h (elf_read_implies_exec) and
 * arch/{arm,mips}/kernel/elf.c, glibc 2.36-2.42 sysdeps/<arch>/stackinfo.h
 * (DEFAULT_STACK_PERMS; unchanged for these machines since their ports).
 * Linux 5.8 stopped setting READ_IMPLIES_EXEC for native x86-64 and
 * arm64 processes without PT_GNU_STACK (Kees Cook's "Fix
 * READ_IMPLIES_EXEC" series). A row is executable when either the kernel
 * (on any kernel still in use) or glibc makes it so.
 */
#include "stack_defaults.h"

#include <elf.h>

#include "qh.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

static const struct qh_stack_default table[] = {
	{ EM_X86_64, 64, true,
	  "x86_64 rule: glibc's DEFAULT_STACK_PERMS includes PF_X (thread "
	  "stacks are executable, and ld.so makes the stack executable when "
	  "it loads a library without PT_GNU_STACK); Linux before 5.8 also "
	  "set READ_IMPLIES_EXEC" },
	{ EM_X86_64, 32, true,
	  "x32 rule: Linux sets READ_IMPLIES_EXEC for 32-bit x86 address "
	  "spaces without PT_GNU_STACK; glibc's DEFAULT_STACK_PERMS includes "
	  "PF_X" },
	{ EM_386, 0, true,
	  "i386 rule: Linux sets READ_IMPLIES_EXEC for 32-bit x86 without "
	  "PT_GNU_STACK; glibc's DEFAULT_STACK_PERMS includes PF_X" },
	{ EM_AARCH64, 64, false,
	  "aarch64 rule: not executable: glibc's DEFAULT_STACK_PERMS is "
	  "PF_R|PF_W and Linux (since 5.8) sets no READ_IMPLIES_EXEC for "
	  "64-bit processes (before 5.8 it did)" },
	{ EM_AARCH64, 32, true,
	  "aarch64 ILP32 rule: Linux sets READ_IMPLIES_EXEC for compat "
	  "processes without PT_GNU_STACK" },
	{ EM_ARM, 0, true,
	  "arm rule: Linux sets READ_IMPLIES_EXEC without PT_GNU_STACK "
	  "(arm_elf_read_implies_exec) and glibc's DEFAULT_STACK_PERMS "
	  "includes PF_X" },
	{ EM_PPC64, 64, false,
	  "ppc64 rule: not executable: Linux sets no READ_IMPLIES_EXEC for "
	  "64-bit processes and glibc's DEFAULT_STACK_PERMS is PF_R|PF_W" },
	{ EM_PPC, 0, true,
	  "ppc rule: Linux sets READ_IMPLIES_EXEC for 32-bit processes "
	  "without PT_GNU_STACK; glibc's DEFAULT_STACK_PERMS includes PF_X" },
	{ EM_S390, 0, true,
	  "s390 rule: glibc's DEFAULT_STACK_PERMS includes PF_X (thread "
	  "stacks are executable, and ld.so makes the stack executable when "
	  "it loads a library without PT_GNU_STACK)" },
	{ EM_RISCV, 0, false,
	  "riscv rule: not executable: Linux sets no READ_IMPLIES_EXEC and "
	  "glibc's DEFAULT_STACK_PERMS is PF_R|PF_W" },
	{ EM_LOONGARCH, 0, true,
	  "loongarch rule: Linux sets READ_IMPLIES_EXEC without PT_GNU_STACK "
	  "(glibc's DEFAULT_STACK_PERMS is PF_R|PF_W)" },
	{ EM_MIPS, 0, true,
	  "mips rule: Linux sets READ_IMPLIES_EXEC without PT_GNU_STACK "
	  "(mips_elf_read_implies_exec) and glibc's DEFAULT_STACK_PERMS "
	  "includes PF_X" },
	{ EM_SPARCV9, 0, true,
	  "sparc64 rule: glibc's DEFAULT_STACK_PERMS includes PF_X" },
	{ EM_SPARC, 0, true,
	  "sparc rule: glibc's DEFAULT_STACK_PERMS includes PF_X" },
};

static const struct qh_stack_default unknown = {
	0, 0, true,
	"no rule for this machine: taken as executable (the old x86 default)",
};

const struct qh_stack_default *qh_stack_default(unsigned machine,
						int elf_class)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(table); i++)
		if (table[i].machine == machine &&
		    (!table[i].elf_class || table[i].elf_class == elf_class))
			return &table[i];
	return &unknown;
}
