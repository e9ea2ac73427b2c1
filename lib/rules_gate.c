/* rules_gate.c - rule metadata for the gate check ids (see rules.h). */
#include "rules.h"

const struct qh_rule qh_rules_gate[] = {
	{ 0 },
};
