/* rules_deep.c - rule metadata for the deep check ids (see rules.h). */
#include "rules.h"

const struct qh_rule qh_rules_deep[] = {
	{ 0 },
};
