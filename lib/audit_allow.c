/* audit_allow.c - the device allow-list of a profile (INI, libinih):
 * [profile] name, [devices] allow and machines, space separated. Only what
 * the audit compares with; the profile area owns the full format. */
#include "audit.h"

#include <ini.h>
#include <stdlib.h>
#include <string.h>

struct allow_ctx {
	struct qh_audit_allow *out;
	size_t cap;
	int failed;
};

static int add_words(struct allow_ctx *a, const char *value)
{
	char *copy = qh_strdup(value), *save = NULL;

	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		char *d = qh_strdup(t);

		if (!d || qh_array_reserve((void **)&a->out->names, &a->cap,
					   a->out->n + 1, sizeof(char *)) < 0) {
			free(d);
			free(copy);
			return -1;
		}
		a->out->names[a->out->n++] = d;
	}
	free(copy);
	return 0;
}

static int on_entry(void *user, const char *section, const char *name,
		    const char *value)
{
	struct allow_ctx *a = user;

	if (strcmp(section, "profile") == 0 && strcmp(name, "name") == 0) {
		free(a->out->profile);
		a->out->profile = qh_strdup(value);
		return a->out->profile != NULL;
	}
	if (strcmp(section, "devices") == 0 &&
	    (strcmp(name, "allow") == 0 || strcmp(name, "machines") == 0)) {
		if (add_words(a, value) < 0) {
			a->failed = 1;
			return 0;
		}
	}
	return 1;
}

int qh_audit_allow_load(const char *path, struct qh_audit_allow *out,
			struct qh_error *err)
{
	struct allow_ctx a = { out, 0, 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ini_parse(path, on_entry, &a);
	if (rc < 0)
		return qh_error_set(err, "%s: cannot read the profile", path);
	if (a.failed)
		return qh_audit_allow_free(out), qh_error_set(err, "out of memory");
	if (rc > 0) {
		qh_audit_allow_free(out);
		return qh_error_set(err, "%s:%d: syntax error", path, rc);
	}
	if (out->n == 0) {
		qh_audit_allow_free(out);
		return qh_error_set(err, "%s: no [devices] allow list", path);
	}
	return 0;
}

void qh_audit_allow_free(struct qh_audit_allow *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->names[i]);
	free(a->names);
	free(a->profile);
	memset(a, 0, sizeof(*a));
}
