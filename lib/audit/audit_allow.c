/* audit_allow.c - the device allow-list of a profile (device_profile.h): the QOM
 * names of [devices] allow and machines. Raw Kconfig symbols (CONFIG_X)
 * cannot be compared with a binary's QOM types and are left out. */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "qemu/qemu.h"

static int add(struct qh_audit_allow *out, size_t *cap, const char *name)
{
	char *d;

	if (strncmp(name, "CONFIG_", 7) == 0)
		return 0;
	d = qh_strdup(name);
	if (!d || qh_array_reserve((void **)&out->names, cap, out->n + 1,
				   sizeof(char *)) < 0) {
		free(d);
		return -1;
	}
	out->names[out->n++] = d;
	return 0;
}

int qh_audit_allow_load(const char *path, struct qh_audit_allow *out,
			struct qh_error *err)
{
	struct qh_profile *p = qh_profile_load(path, err);
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	for (size_t i = 0; i < p->nallow; i++)
		if (add(out, &cap, p->allow[i].name) < 0)
			goto oom;
	for (size_t i = 0; i < p->nmachines; i++)
		if (add(out, &cap, p->machines[i].name) < 0)
			goto oom;
	out->profile = qh_strdup(p->name ? p->name : path);
	if (!out->profile)
		goto oom;
	qh_profile_free(p);
	return 0;
oom:
	qh_profile_free(p);
	qh_audit_allow_free(out);
	return qh_error_set(err, "out of memory");
}

void qh_audit_allow_free(struct qh_audit_allow *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->names[i]);
	free(a->names);
	free(a->profile);
	memset(a, 0, sizeof(*a));
}
