/* rules.c - lookup over the per-area rule tables. */
#include "rules.h"

#include <string.h>

static const struct qh_rule *const tables[] = {
	qh_rules_checksec, qh_rules_deep, qh_rules_audit,
	qh_rules_build, qh_rules_gate,
};

/* The man page that documents each table's checks, in the same order. */
static const char *const manuals[] = {
	"qhard-checksec(1)", "qhard-checksec(1)", "qhard-audit(1)",
	"qhard-build(1)", "qhard-gate(1)",
};

const char *qh_rule_manual(const struct qh_rule *rule)
{
	for (size_t t = 0; rule && t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct qh_rule *r = tables[t]; r->id; r++)
			if (r == rule)
				return manuals[t];
	return "qhard(1)";
}

const struct qh_rule *qh_rule_at(size_t i)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct qh_rule *r = tables[t]; r->id; r++) {
			if (i == 0)
				return r;
			i--;
		}
	}
	return NULL;
}

const struct qh_rule *qh_rule_find(const char *id)
{
	const struct qh_rule *r;

	for (size_t i = 0; (r = qh_rule_at(i)); i++)
		if (strcmp(r->id, id) == 0)
			return r;
	return NULL;
}
