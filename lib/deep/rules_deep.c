/* rules_deep.c - rule metadata for the deep check ids (see rules.h). */
#include "rules.h"

const struct qh_rule qh_rules_deep[] = {
	{ "canary-coverage", "Stack canary in every function that needs one",
	  "Per function: whether it loads the stack guard, among the functions whose "
	  "frame holds addressable locals (what -fstack-protector-strong protects). "
	  "A unit built without the flag shows up as its unprotected functions.",
	  "compile every unit with -fstack-protector-strong", "7.0" },
	{ "ibt-coverage", "Indirect-branch landing pads (IBT / BTI)",
	  "Global functions without endbr64/endbr32 (x86) or bti c/paciasp (AArch64) "
	  "at entry: they break the CET/BTI property claim, or are why the linker "
	  "dropped it.",
	  "compile every unit with -fcf-protection=full (x86) or "
	  "-mbranch-protection=standard (AArch64)", "6.0" },
	{ "pac-coverage", "Return-address signing (AArch64 PAC)",
	  "Functions that save the link register without paciasp/pacibsp.",
	  "compile every unit with -mbranch-protection=standard", "6.0" },
	{ "stack-clash-coverage", "Stack-clash probes in large or variable frames",
	  "Functions with a frame of a page or more, or alloca/VLA frames, that do "
	  "not probe the stack: they can jump over the guard page.",
	  "compile every unit with -fstack-clash-protection", "6.5" },
	{ "fortify-sites", "Calls to unfortified libc functions",
	  "Each call through the PLT/GOT to the plain version of a function "
	  "_FORTIFY_SOURCE can check, with the caller and file:line when DWARF is "
	  "available. Plain printf-family calls next to __*_chk ones mean a unit "
	  "escaped FORTIFY.",
	  "compile with -O2 -D_FORTIFY_SOURCE=3 (or 2)", "5.0" },
	{ "cu-flags", "Hardening flags per compile unit (DW_AT_producer)",
	  "Compile units whose recorded GCC switches lack -fstack-protector*, use "
	  "-O0 (FORTIFY inactive), or disable PIE or CET explicitly.",
	  "rebuild the listed units with the distribution's hardening flags", "5.0" },
	{ 0 },
};
