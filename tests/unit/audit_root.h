/* audit_root.h - fake roots for the audit's unit tests: a temp dir with
 * the files a host or image would have, built by the test itself, and the
 * audit's result read back by subject and check id.
 * (Header-only: tests/unit/test_*.c are single-file programs.) */
#ifndef QHARD_TEST_AUDIT_ROOT_H
#define QHARD_TEST_AUDIT_ROOT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "audit/audit.h"

static char root[64];

static inline void new_root(void)
{
	strcpy(root, "/tmp/qh-audit.XXXXXX");
	assert_non_null(mkdtemp(root));
}

static inline void rm_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* The absolute path of rel in the root (a static buffer). */
static inline const char *at(const char *rel)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return p;
}

static inline void mkdirs(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
}

static inline void put(const char *rel, const char *text)
{
	FILE *f;

	mkdirs(rel);
	f = fopen(at(rel), "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static inline void del(const char *rel)
{
	assert_int_equal(unlink(at(rel)), 0);
}

/* A character device node (needs CAP_MKNOD): false when refused. */
static inline bool chardev(const char *rel, unsigned mode, unsigned major,
		    unsigned minor)
{
	mkdirs(rel);
	unlink(at(rel));
	if (mknod(at(rel), S_IFCHR | mode, makedev(major, minor)) != 0) {
		assert_int_equal(errno, EPERM);
		return false;
	}
	assert_int_equal(chmod(at(rel), mode), 0);
	return true;
}

static inline struct qh_report *audit_root(bool live)
{
	struct qh_audit_options o = { .root = root, .live = live };
	struct qh_report *r = qh_report_new("audit", NULL);
	struct qh_error err;

	assert_non_null(r);
	if (qh_audit_run(&o, r, &err) < 0)
		fail_msg("audit failed: %s", err.msg);
	return r;
}

static inline const struct qh_result *subject(const struct qh_report *r,
				       const char *path)
{
	for (size_t i = 0; i < r->nresults; i++)
		if (strcmp(r->results[i]->path, path) == 0)
			return r->results[i];
	return NULL;
}

/* The check, or a test failure naming what is missing. */
static inline const struct qh_check *finding(const struct qh_report *r,
				      const char *path, const char *id)
{
	const struct qh_result *res = subject(r, path);
	const struct qh_check *c = res ? qh_result_find_check(res, id) : NULL;

	if (!c)
		fail_msg("no %s check on %s", id, path);
	return c;
}

/* Status and a piece of the evidence of one finding. */
static inline void expect_finding(const struct qh_report *r, const char *path,
			   const char *id, enum qh_status want,
			   const char *evidence_part)
{
	const struct qh_check *c = finding(r, path, id);

	if (c->raw_status != want)
		fail_msg("%s %s: status %s, want %s (evidence: %s)", path, id,
			 qh_status_name(c->raw_status), qh_status_name(want),
			 c->evidence ? c->evidence : "");
	if (evidence_part && (!c->evidence || !strstr(c->evidence, evidence_part)))
		fail_msg("%s %s: evidence \"%s\" lacks \"%s\"", path, id,
			 c->evidence ? c->evidence : "", evidence_part);
}

#endif
