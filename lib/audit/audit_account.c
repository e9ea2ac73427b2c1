/* audit_account.c - users and groups of the root, from its own /etc/passwd
 * and /etc/group (never the host's NSS, which would answer for the wrong
 * system and may run modules). */
#include "audit_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field i (0-based) of a colon-separated line, in place: NULL when the line
 * has fewer fields. The line is cut at the field's end. */
static char *field(char *line, int i, char **end)
{
	char *s = line;

	for (; i > 0 && s; i--) {
		s = strchr(s, ':');
		if (s)
			s++;
	}
	if (!s)
		return NULL;
	*end = s + strcspn(s, ":");
	return s;
}

static bool number(const char *s, const char *end, unsigned *out)
{
	unsigned long v;
	char *e;

	if (s == end || !isdigit((unsigned char)*s))
		return false;
	v = strtoul(s, &e, 10);
	if (e != end || v > 0xffffffffUL)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Call fn on each line of a file of the root until it returns true. */
static bool each_line(struct audit_ctx *c, const char *path,
		      bool (*fn)(char *line, void *arg), void *arg)
{
	struct qh_buf b = QH_BUF_INIT;
	bool hit = false;

	if (audit_read(c, path, &b) == 0)
		for (char *p = b.data, *e; p && *p && !hit; p = e ? e + 1 : NULL) {
			e = strchr(p, '\n');
			if (e)
				*e = '\0';
			hit = fn(p, arg);
		}
	qh_buf_free(&b);
	return hit;
}

struct user_query {
	const char *name;
	struct audit_user *out;
};

static bool user_line(char *line, void *arg)
{
	struct user_query *q = arg;
	char *e1, *e3, *e4;
	char *name = field(line, 0, &e1), *uid = field(line, 2, &e3),
	     *gid = field(line, 3, &e4);

	if (!name || !uid || !gid || (size_t)(e1 - name) != strlen(q->name) ||
	    strncmp(name, q->name, (size_t)(e1 - name)) != 0)
		return false;
	return number(uid, e3, &q->out->uid) && number(gid, e4, &q->out->gid);
}

int audit_user_find(struct audit_ctx *c, const char *name, struct audit_user *out)
{
	struct user_query q = { name, out };

	if (strlen(name) >= sizeof(out->name))
		return -1;
	if (!each_line(c, "/etc/passwd", user_line, &q))
		return -1;
	snprintf(out->name, sizeof(out->name), "%s", name);
	return 0;
}

struct group_query {
	unsigned gid;
	const char *member; /* NULL: only the name is wanted */
	char *name;         /* out */
	bool is_member;     /* out */
};

static bool group_line(char *line, void *arg)
{
	struct group_query *q = arg;
	char *e1, *e3, *e4;
	char *name = field(line, 0, &e1), *gid = field(line, 2, &e3);
	char *members = field(line, 3, &e4);
	unsigned v;

	if (!name || !gid || !number(gid, e3, &v) || v != q->gid)
		return false;
	q->name = strndup(name, (size_t)(e1 - name));
	if (q->member && members) {
		size_t n = strlen(q->member);

		*e4 = '\0';
		for (char *m = members; m && *m; m = strchr(m, ',') ? strchr(m, ',') + 1 : NULL)
			if (strncmp(m, q->member, n) == 0 && (m[n] == ',' || m[n] == '\0'))
				q->is_member = true;
	}
	return true;
}

char *audit_group_name(struct audit_ctx *c, unsigned gid)
{
	struct group_query q = { gid, NULL, NULL, false };
	struct qh_buf n = QH_BUF_INIT;

	if (each_line(c, "/etc/group", group_line, &q) && q.name)
		return q.name;
	free(q.name);
	qh_buf_printf(&n, "%u", gid);
	return qh_buf_detach(&n);
}

bool audit_user_in_group(struct audit_ctx *c, const struct audit_user *u,
			 unsigned gid)
{
	struct group_query q = { gid, u->name, NULL, false };

	if (u->gid == gid)
		return true;
	each_line(c, "/etc/group", group_line, &q);
	free(q.name);
	return q.is_member;
}
