/* rules_checksec.c - rule metadata for the checksec check ids (see rules.h).
 * One row per id of lib/checks.c; severities are SARIF security-severity. */
#include "rules.h"

const struct qh_rule qh_rules_checksec[] = {
	{ "relro", "Full RELRO",
	  "PT_GNU_RELRO plus immediate binding (DT_BIND_NOW, DF_BIND_NOW or "
	  "DF_1_NOW), with every relocated pointer slot (JUMP_SLOT, GLOB_DAT, "
	  "and IRELATIVE/RELATIVE in the GOT) inside PT_GNU_RELRO, makes the "
	  "GOT read-only after start-up, so a memory write cannot redirect "
	  "library calls. A static binary's IRELATIVE slots stay writable "
	  "unless it is linked with -z now.",
	  "link with -Wl,-z,relro,-z,now", "7.5" },
	{ "pie", "Position-independent executable",
	  "An ET_DYN executable is loaded at a random address, so ASLR covers "
	  "its code and data too.",
	  "compile with -fPIE and link with -pie", "7.5" },
	{ "nx", "Non-executable stack",
	  "PT_GNU_STACK without PF_X keeps the stack non-executable; without "
	  "PT_GNU_STACK the machine's default applies (executable on x86, "
	  "ARM, MIPS, s390x; not on AArch64, ppc64, RISC-V).",
	  "link with -Wl,-z,noexecstack; find the object without "
	  ".note.GNU-stack (often hand-written assembly)", "8.0" },
	{ "canary", "Stack protector",
	  "Functions check a guard value before returning (imports "
	  "__stack_chk_fail or __stack_chk_guard), stopping many stack "
	  "buffer overflows.",
	  "compile with -fstack-protector-strong", "7.0" },
	{ "fortify", "FORTIFY_SOURCE",
	  "glibc's checked variants (__memcpy_chk, ...) abort on overflows the "
	  "compiler can bound; lists the fortified and the still unfortified "
	  "fortifiable functions.",
	  "compile with -O2 -D_FORTIFY_SOURCE=3 (or 2)", "6.0" },
	{ "rpath", "Safe DT_RPATH",
	  "Relative or empty DT_RPATH entries load libraries from the current "
	  "directory (CWE-426: a library planted there runs); world-writable "
	  "ones from anyone's files.",
	  "drop the rpath, or use absolute or $ORIGIN-relative entries", "6.5" },
	{ "runpath", "Safe DT_RUNPATH",
	  "Relative or empty DT_RUNPATH entries load libraries from the "
	  "current directory (CWE-426: a library planted there runs); "
	  "world-writable ones from anyone's files.",
	  "drop the runpath, or use absolute or $ORIGIN-relative entries",
	  "6.5" },
	{ "textrel", "No text relocations",
	  "Text relocations make the loader write to code pages, which then "
	  "cannot be shared or mapped W^X.",
	  "compile every object with -fPIC/-fPIE; link with -Wl,-z,text",
	  "5.0" },
	{ "rwx-segment", "No writable and executable segment",
	  "A PT_LOAD that is both writable and executable gives an attacker a "
	  "place to write code and run it.",
	  "fix the linker script or section flags; link with "
	  "-Wl,-z,separate-code", "8.0" },
	{ "cet-ibt", "Intel CET indirect branch tracking",
	  "The x86 GNU property note marks every object compiled with "
	  "endbr64 landing pads, so the CPU can enforce indirect-branch "
	  "targets.",
	  "compile and link every object with -fcf-protection=full", "4.0" },
	{ "cet-shstk", "Intel CET shadow stack",
	  "The x86 GNU property note marks the binary shadow-stack compatible, "
	  "so return addresses can be checked by the CPU.",
	  "compile and link every object with -fcf-protection=full", "4.0" },
	{ "bti", "AArch64 branch target identification",
	  "The AArch64 GNU property note marks BTI landing pads in every "
	  "object, so indirect branches to other places fault.",
	  "compile every object with -mbranch-protection=standard", "4.0" },
	{ "pac", "AArch64 pointer authentication",
	  "The AArch64 GNU property note marks return addresses signed with "
	  "pointer authentication.",
	  "compile every object with -mbranch-protection=standard", "4.0" },
	{ "stack-clash", "Stack-clash protection",
	  "Functions with large or variable stack frames probe each page they "
	  "allocate, so the stack cannot jump over the guard page into other "
	  "memory. Only disassembly shows the probes (qhard checksec --deep).",
	  "compile with -fstack-clash-protection", "6.0" },
	{ "sanitizers", "Sanitizer runtimes",
	  "Sanitizer runtimes found by exact entry-point names. ASan, MSan, "
	  "TSan and HWASan are debugging tools that widen the attack surface "
	  "of a release binary; CFI and SafeStack are hardening.",
	  "build release binaries without -fsanitize=address/memory/thread",
	  "3.0" },
	{ "stripped", "Stripped",
	  "No .symtab or .debug_info in the shipped file (debug data belongs "
	  "in a separate debug package).",
	  "strip --strip-unneeded, or use dh_strip / objcopy --only-keep-debug",
	  "1.0" },
	{ 0 },
};
