/* selinux_context.h - an SELinux security context as sVirt uses it:
 * "user:role:type:level", where a VM's level is "s0:cA,cB", the MCS
 * category pair that separates it from every other VM. */
#ifndef QHARD_SELINUX_CONTEXT_H
#define QHARD_SELINUX_CONTEXT_H

#include <stdbool.h>

struct qh_secontext {
	char type[64];    /* "svirt_t", "svirt_image_t", "virt_content_t" */
	char level[64];   /* "s0:c12,c34", "s0", "s0-s0:c0.c1023" */
	bool pair;        /* level is exactly s0:cA,cB with A != B */
	unsigned c1, c2;  /* the pair, c1 < c2 */
	bool categories;  /* the level names any category at all */
};

/* 0, or -1 when s is not user:role:type[:level]. */
int qh_secontext_parse(const char *s, struct qh_secontext *out);
/* Same category pair (both have one). */
bool qh_secontext_same_pair(const struct qh_secontext *a,
			    const struct qh_secontext *b);

#endif
