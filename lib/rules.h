/* rules.h - metadata for every check id: one row per id, shared by the text
 * legend, SARIF rules, JUnit names, docs and policy key validation.
 *
 * Each area owns its own table file (rules_checksec.c, rules_deep.c,
 * rules_audit.c, rules_build.c, rules_gate.c) so areas never edit one file.
 */
#ifndef QHARD_RULES_H
#define QHARD_RULES_H

#include <stddef.h>

struct qh_rule {
	const char *id;        /* "relro" */
	const char *title;     /* "Full RELRO" */
	const char *help;      /* one or two sentences: what it proves, why it matters */
	const char *fix;       /* how to fix a failure, e.g. "link with -Wl,-z,relro,-z,now" */
	const char *severity;  /* SARIF security-severity as text: "8.0" */
};

/* NULL when unknown. */
const struct qh_rule *qh_rule_find(const char *id);
/* Iterate all rules: returns NULL past the end. */
const struct qh_rule *qh_rule_at(size_t i);
/* The man page documenting a rule, e.g. "qhard-checksec(1)"; "qhard(1)"
 * for a rule of no table (NULL). */
const char *qh_rule_manual(const struct qh_rule *rule);

/* Area tables, each terminated by a row with id == NULL. */
extern const struct qh_rule qh_rules_checksec[];
extern const struct qh_rule qh_rules_deep[];
extern const struct qh_rule qh_rules_audit[];
extern const struct qh_rule qh_rules_build[];
extern const struct qh_rule qh_rules_gate[];

#endif
