/* rules_build.c - rule metadata for the build check ids (see rules.h). */
#include "rules.h"

const struct qh_rule qh_rules_build[] = {
	{ 0 },
};
