/* cmacro.h - a bounded C macro expander, for reading QEMU sources without
 * compiling them.
 *
 * QEMU 9 and later name machine types through macros with arguments:
 *   DEFINE_Q35_MACHINE_AS_LATEST(10, 0)
 *     -> DEFINE_PC_VER_MACHINE(pc_q35, "pc-q35", ..., "q35", 10, 0)
 *     -> static const TypeInfo ... = { .name = "pc-q35" "-" "10" "." "0"
 *                                       "-machine", ... }; mc->alias = "q35";
 * so the QOM index (qom_index.h) has to expand macros the way the C
 * preprocessor does: object- and function-like #defines, argument
 * pre-expansion, `#` and `##`, __VA_ARGS__ (and GNU's `, ## __VA_ARGS__`),
 * rescanning with hide sets (C11 6.10.3.4; Prosser's algorithm), so that
 * a macro never expands inside its own expansion.
 *
 * What it does not do: #if/#ifdef, #include and #undef are not
 * interpreted; the first definition of a name in a table wins, and a
 * table may have a parent that is searched after it (file-local macros
 * before header macros before built-in fallbacks).
 *
 * Every expansion is bounded (tokens produced, macro calls, nesting of
 * argument pre-expansion): input that exceeds a bound is not expanded,
 * never a hang or a blow-up.
 */
#ifndef QHARD_CMACRO_H
#define QHARD_CMACRO_H

#include <stdbool.h>
#include <stddef.h>

#define QH_CMACRO_MAX_TOKENS 65536 /* tokens handled by one expansion */
#define QH_CMACRO_MAX_CALLS 4096   /* macro replacements in one expansion */
#define QH_CMACRO_MAX_DEPTH 32     /* nested argument pre-expansion */

struct qh_cmacros;

/* A table of macros; `parent` (may be NULL) is searched after it and must
 * outlive it. NULL on ENOMEM. */
struct qh_cmacros *qh_cmacros_new(struct qh_cmacros *parent);
void qh_cmacros_free(struct qh_cmacros *m);
size_t qh_cmacros_count(const struct qh_cmacros *m);

/* Define a macro: `params` NULL for object-like, else the text between
 * the parentheses ("a, b, ..."). A name already in this table keeps its
 * first definition. 0, or -1 on ENOMEM or a malformed parameter list. */
int qh_cmacros_define(struct qh_cmacros *m, const char *name,
		      const char *params, const char *body);

/* Collect every `#define` line of a C text (continuation lines joined;
 * comments should already be blanked). -1 on ENOMEM only. */
int qh_cmacros_scan_defines(struct qh_cmacros *m, const char *text);

/* Fully expand a C fragment; the result has one space where the source
 * had white space. NULL on ENOMEM or when a bound was hit. */
char *qh_cmacros_expand(struct qh_cmacros *m, const char *text);

/* A copy of `text` in which every invocation, outside preprocessor lines,
 * string literals and other invocations, of a function-like macro whose
 * replacement (through the macros it uses) contains one of the
 * identifiers in `words` (NULL-terminated) is replaced by its expansion.
 * Newlines inside an invocation are kept after it, so line numbers of the
 * rest of the text do not move. An invocation that hits a bound is left
 * as written and counted in *skipped (may be NULL). NULL on ENOMEM. */
char *qh_cmacros_expand_calls(struct qh_cmacros *m, const char *text,
			      const char *const *words, size_t *skipped);

#endif
