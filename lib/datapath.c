/* datapath.c - the search path of installed policies and profiles. */
#include "datapath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const subdirs[] = {
	[QH_DATA_POLICY] = "policies",
	[QH_DATA_PROFILE] = "profiles",
};

/* Singular, for messages: "no policy named ..." */
static const char *const kind_names[] = {
	[QH_DATA_POLICY] = "policy",
	[QH_DATA_PROFILE] = "profile",
};

bool qh_data_is_path(const char *value)
{
	size_t len = strlen(value);

	return strchr(value, '/') ||
	       (len >= 4 && strcmp(value + len - 4, ".ini") == 0);
}

const char *qh_data_subdir(enum qh_data_kind kind)
{
	return subdirs[kind];
}

static int add_dir(struct qh_data_dirs *d, struct qh_error *err,
		   const char *fmt, const char *a, const char *b)
{
	int len = snprintf(d->dir[d->n], sizeof(d->dir[d->n]), fmt, a, b);

	if (len < 0 || (size_t)len >= sizeof(d->dir[d->n]))
		return qh_error_set(err, "search directory too long: %.200s%.200s",
				    a, b);
	d->n++;
	return 0;
}

int qh_data_dirs_get(struct qh_data_dirs *d, struct qh_error *err)
{
	const char *config = secure_getenv("XDG_CONFIG_HOME");
	const char *home = secure_getenv("HOME");
	const char *data = secure_getenv("QHARD_DATADIR");
	int rc = 0;

	d->n = 0;
	/* The XDG spec: an unset, empty or relative XDG_CONFIG_HOME means
	 * $HOME/.config. */
	if (config && config[0] == '/')
		rc = add_dir(d, err, "%s%s", config, "/qhard");
	else if (home && home[0] == '/')
		rc = add_dir(d, err, "%s%s", home, "/.config/qhard");
	if (rc == 0)
		rc = add_dir(d, err, "%s%s", "/etc/qhard", "");
	if (rc == 0)
		rc = add_dir(d, err, "%s%s", data && *data ? data :
			     qh_data_builtin_dir(), "");
	return rc;
}

/* "a, b, c" for the error message. */
static void list_dirs(const struct qh_data_dirs *d, const char *sub,
		      char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < d->n && len < size; i++) {
		int n = snprintf(out + len, size - len, "%s%s/%s",
				 i ? ", " : "", d->dir[i], sub);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

const char *qh_data_find_in(const struct qh_data_dirs *d,
			    enum qh_data_kind kind, const char *value,
			    char *buf, size_t size, struct qh_error *err)
{
	const char *sub = subdirs[kind];
	char where[600];

	if (qh_data_is_path(value))
		return value;
	if (!value[0] || value[0] == '.') {
		qh_error_set(err, "\"%s\" is not a %s name (a name has no '/' "
			     "and does not start with '.')", value,
			     kind_names[kind]);
		return NULL;
	}
	for (size_t i = 0; i < d->n; i++) {
		struct stat st;
		int len = snprintf(buf, size, "%s/%s/%s.ini", d->dir[i], sub,
				   value);

		if (len < 0 || (size_t)len >= size) {
			qh_error_set(err, "%s name too long: %.100s",
				     kind_names[kind], value);
			return NULL;
		}
		if (stat(buf, &st) == 0)
			return buf;
		if (errno != ENOENT && errno != ENOTDIR) {
			qh_error_errno(err, errno, "cannot look for %s %s as %s",
				       kind_names[kind], value, buf);
			return NULL;
		}
	}
	list_dirs(d, sub, where, sizeof(where));
	qh_error_set(err, "no %s named \"%s\": no %s.ini in %s (a value with a "
		     "'/' or ending in .ini is a file path)", kind_names[kind],
		     value, value, where);
	return NULL;
}

const char *qh_data_find(enum qh_data_kind kind, const char *value,
			 char *buf, size_t size, struct qh_error *err)
{
	struct qh_data_dirs *d;
	const char *found;

	if (qh_data_is_path(value))
		return value;
	/* 12 KB: on the heap rather than on a caller's stack */
	d = malloc(sizeof(*d));
	if (!d) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
	found = qh_data_dirs_get(d, err) < 0 ? NULL :
		qh_data_find_in(d, kind, value, buf, size, err);
	free(d);
	return found;
}
