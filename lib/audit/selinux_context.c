/* selinux_context.c - SELinux contexts as sVirt writes them (see
 * selinux_context.h). */
#include "selinux_context.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "c12" -> 12; false unless the whole text is one category. */
static bool category(const char *s, size_t n, unsigned *out)
{
	unsigned long v = 0;

	if (n < 2 || s[0] != 'c' || n > 5)
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = (unsigned)v;
	return v < 1024;
}

int qh_secontext_parse(const char *s, struct qh_secontext *out)
{
	const char *f[4] = { s, NULL, NULL, NULL };
	size_t tlen;

	memset(out, 0, sizeof(*out));
	for (int i = 1; i < 4; i++) {
		f[i] = f[i - 1] ? strchr(f[i - 1], ':') : NULL;
		if (f[i])
			f[i]++;
	}
	if (!f[2])
		return -1;
	tlen = f[3] ? (size_t)(f[3] - 1 - f[2]) : strlen(f[2]);
	if (tlen == 0 || tlen >= sizeof(out->type) || f[1] - 1 == s || f[2] - 1 == f[1])
		return -1;
	memcpy(out->type, f[2], tlen);
	if (!f[3])
		return 0;
	snprintf(out->level, sizeof(out->level), "%s", f[3]);
	{
		const char *cats = strchr(f[3], ':'), *comma;

		out->categories = cats != NULL;
		if (!cats || strncmp(f[3], "s0:", 3) != 0)
			return 0;
		cats++;
		comma = strchr(cats, ',');
		if (comma && category(cats, (size_t)(comma - cats), &out->c1) &&
		    category(comma + 1, strlen(comma + 1), &out->c2) &&
		    out->c1 != out->c2) {
			out->pair = true;
			if (out->c1 > out->c2) {
				unsigned t = out->c1;

				out->c1 = out->c2;
				out->c2 = t;
			}
		}
	}
	return 0;
}

bool qh_secontext_same_pair(const struct qh_secontext *a,
			    const struct qh_secontext *b)
{
	return a->pair && b->pair && a->c1 == b->c1 && a->c2 == b->c2;
}
