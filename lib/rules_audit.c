/* rules_audit.c - rule metadata for the audit check ids (see rules.h). */
#include "rules.h"

const struct qh_rule qh_rules_audit[] = {
	{ 0 },
};
