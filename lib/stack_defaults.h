/* stack_defaults.h - is the stack executable when a file has no
 * PT_GNU_STACK? It depends on the machine: the kernel's
 * elf_read_implies_exec() (READ_IMPLIES_EXEC makes every readable mapping,
 * the main stack too, executable) and glibc's DEFAULT_STACK_PERMS
 * (sysdeps/<arch>/stackinfo.h: the permissions of thread stacks, and
 * whether loading a library without PT_GNU_STACK makes ld.so turn the
 * stack executable). The table is in stack_defaults.c, with the kernel
 * version where a rule changed.
 */
#ifndef QHARD_STACK_DEFAULTS_H
#define QHARD_STACK_DEFAULTS_H

#include <stdbool.h>

struct qh_stack_default {
	unsigned machine; /* EM_* */
	int elf_class;    /* 32 or 64; 0 for either */
	bool executable;  /* the stack ends up executable */
	const char *rule; /* which rule applied, for the evidence */
};

/* The row for this machine and class; a catch-all row (executable, the
 * old x86 rule) for machines the table does not know. Never NULL. */
const struct qh_stack_default *qh_stack_default(unsigned machine,
						int elf_class);

#endif
