/* audit.c - runs the audit collectors over a root and gathers their
 * findings into the report (see audit.h). */
#include "audit_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct qh_result *audit_adopt(struct audit_ctx *c, struct qh_result *res)
{
	if (!res || qh_array_reserve((void **)&c->subjects, &c->subjects_cap,
				     c->nsubjects + 1, sizeof(*c->subjects)) < 0) {
		qh_result_free(res);
		c->oom = true;
		return NULL;
	}
	c->subjects[c->nsubjects++] = res;
	return res;
}

struct qh_result *audit_subject(struct audit_ctx *c, const char *path)
{
	for (size_t i = 0; i < c->nsubjects; i++)
		if (strcmp(c->subjects[i]->path, path) == 0)
			return c->subjects[i];
	return audit_adopt(c, qh_result_new(path, NULL));
}

static const char *severity_word(const char *score)
{
	double s = score ? strtod(score, NULL) : 0;

	return s >= 7.0 ? "high" : s >= 4.0 ? "medium" : s > 0 ? "low" : "info";
}

static struct qh_check *vcheck(struct audit_ctx *c, struct qh_result *res,
			       const char *id, enum qh_status status,
			       const char *file, unsigned line,
			       const char *fmt, va_list ap)
{
	const struct qh_rule *rule = qh_rule_find(id);
	struct qh_buf ev = QH_BUF_INIT;
	struct qh_check *chk;

	if (!res)
		return NULL;
	if (fmt && qh_buf_vprintf(&ev, fmt, ap) < 0)
		goto oom;
	chk = qh_result_add_check(res, id, status, NULL, "%s", ev.data ? ev.data : "");
	qh_buf_free(&ev);
	if (!chk)
		goto oom;
	if (rule && (qh_check_set_str(&chk->reason, rule->help) < 0 ||
		     qh_check_set_str(&chk->fix, rule->fix) < 0 ||
		     qh_check_set_str(&chk->severity,
				      severity_word(rule->severity)) < 0))
		goto oom;
	if (file && qh_check_add_location(chk, NULL, file, line, 0) < 0)
		goto oom;
	return chk;
oom:
	qh_buf_free(&ev);
	c->oom = true;
	return NULL;
}

struct qh_check *audit_check_res(struct audit_ctx *c, struct qh_result *res,
				 const char *id, enum qh_status status,
				 const char *file, unsigned line,
				 const char *fmt, ...)
{
	struct qh_check *chk;
	va_list ap;

	va_start(ap, fmt);
	chk = vcheck(c, res, id, status, file, line, fmt, ap);
	va_end(ap);
	return chk;
}

struct qh_check *audit_check(struct audit_ctx *c, const char *subject,
			     const char *id, enum qh_status status,
			     const char *file, unsigned line,
			     const char *fmt, ...)
{
	struct qh_check *chk;
	va_list ap;

	va_start(ap, fmt);
	chk = vcheck(c, audit_subject(c, subject), id, status, file, line, fmt, ap);
	va_end(ap);
	return chk;
}

/* The finding goes on the link itself, named by its own canonical path
 * (/bin -> usr/bin), once: the shortest prefix of path that leads out
 * (/usr/lib64 for every library looked up under a /usr/lib64 that does). */
void audit_escape(struct audit_ctx *c, const char *path, const char *why)
{
	struct qh_result *res;
	char *canon = NULL, *target = NULL, *prefix = qh_strdup(path);

	for (char *s = prefix ? prefix + 1 : NULL; s; s = strchr(s + 1, '/')) {
		char was = *s;
		bool out;

		*s = '\0';
		out = qh_rootfs_stat(c->fs, prefix, 0, NULL, NULL, NULL) == EXDEV;
		*s = was;
		if (out) {
			*s = '\0';
			break;
		}
	}
	if (!prefix ||
	    qh_rootfs_stat(c->fs, prefix, QH_ROOTFS_NOFOLLOW, NULL, &canon, NULL))
		canon = qh_strdup(path);
	free(prefix);
	res = canon ? audit_subject(c, canon) : NULL;
	if (!canon)
		c->oom = true;
	if (res && !qh_result_find_check(res, "symlink-escape")) {
		if (qh_rootfs_readlink(c->fs, canon, &target, NULL) == 0)
			audit_check_res(c, res, "symlink-escape", QH_FAIL, NULL, 0,
					"%s leads out of the root (link target %s); "
					"not followed", canon, target);
		else
			audit_check_res(c, res, "symlink-escape", QH_FAIL, NULL, 0,
					"%s; not followed", why);
		free(target);
	}
	free(canon);
}

void audit_unreadable(struct audit_ctx *c, const char *path, const char *why)
{
	struct qh_result *res = audit_subject(c, path);

	if (res && !res->error && qh_result_set_error(res, "%s", why) < 0)
		c->oom = true;
}

int audit_read(struct audit_ctx *c, const char *path, struct qh_buf *out)
{
	return qh_rootfs_read(c->fs, path, AUDIT_MAX_CONFIG, out, NULL);
}

char *audit_read_line(struct audit_ctx *c, const char *path)
{
	struct qh_buf b = QH_BUF_INIT;
	char *s, *e;

	if (qh_rootfs_read(c->fs, path, 64 * 1024, &b, NULL) != 0) {
		qh_buf_free(&b);
		return NULL;
	}
	s = b.data;
	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strcspn(s, "\n");
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	s = qh_strdup(s);
	qh_buf_free(&b);
	return s;
}

int qh_audit_run(const struct qh_audit_options *opts, struct qh_report *r,
		 struct qh_error *err)
{
	struct audit_ctx c = { 0 };
	int rc = 0;

	c.opts = opts;
	c.fs = qh_rootfs_open(opts->root ? opts->root : "/", err);
	if (!c.fs)
		return -1;
	c.live = opts->live || qh_rootfs_is_live(c.fs);
	audit_binaries(&c);
	audit_libvirt(&c); /* before MAC: security_driver decides confinement */
	audit_mac(&c);
	audit_svirt_images(&c); /* after MAC: SELinux enforcing or not */
	audit_host(&c);
	audit_virt_host(&c); /* after libvirt: qemu.conf names QEMU's user */
	for (size_t i = 0; i < c.nsubjects; i++) {
		if (rc == 0 && qh_report_add(r, c.subjects[i], err) == 0)
			continue;
		if (rc == 0)
			rc = -1;
		qh_result_free(c.subjects[i]);
	}
	if (rc == 0 && c.oom)
		rc = qh_error_set(err, "out of memory");
	free(c.subjects);
	ldso_dirs_free(&c.conf_dirs);
	qh_lvconf_free(c.qemu_conf);
	audit_procs_free(&c.procs);
	qh_rootfs_free(c.fs);
	return rc;
}
