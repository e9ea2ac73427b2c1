/* rules_checksec.c - rule metadata for the checksec check ids (see rules.h). */
#include "rules.h"

const struct qh_rule qh_rules_checksec[] = {
	{ 0 },
};
