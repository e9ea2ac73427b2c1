/* audit_cgroups.c - the cgroup controllers libvirt puts each QEMU under
 * (the ones virt-host-validate checks): cpu and cpuacct (CPU shares and
 * accounting), cpuset (pinning), memory (limits), devices (which device
 * nodes QEMU may open) and blkio (disk I/O limits).
 *
 * The running kernel's mounts (/proc/mounts) say where each hierarchy is:
 * a cgroup v1 mount names its controllers in its options; a cgroup2 mount
 * lists the ones it offers in cgroup.controllers at its top, with v2 names
 * (cpuacct is part of cpu, blkio is io, and devices is a BPF program
 * attached to the cgroup rather than a controller: offered wherever v2 is
 * in use, since Linux 4.15). A hybrid host has both. */
#include "audit_internal.h"

#include <stdlib.h>
#include <string.h>

#define MOUNTS "/proc/mounts"

static const struct {
	const char *v1, *v2; /* v2 NULL: the BPF device filter */
} wanted[] = {
	{ "cpu", "cpu" }, { "cpuacct", "cpu" }, { "cpuset", "cpuset" },
	{ "memory", "memory" }, { "devices", NULL }, { "blkio", "io" },
};

#define NWANTED (sizeof(wanted) / sizeof(wanted[0]))

static bool in_list(const char *list, const char *name, const char *seps)
{
	size_t n = strlen(name);

	for (const char *p = list; *p; p += strcspn(p, seps), p += strspn(p, seps))
		if (strncmp(p, name, n) == 0 && (p[n] == '\0' || strchr(seps, p[n])))
			return true;
	return false;
}

/* /proc/mounts escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

struct found {
	bool v1[NWANTED], v2[NWANTED]; /* which hierarchy offers each */
	char v2_at[256];               /* where the v2 controllers were read */
};

/* libvirt uses a v2 hierarchy for the controllers it offers; its device
 * filter comes with it. One with none of ours (a hybrid host's
 * /sys/fs/cgroup/unified, every controller bound to v1) is not used. */
static void v2_mount(struct audit_ctx *c, const char *at, struct found *f)
{
	char path[512];
	char *list;
	bool any = false;

	snprintf(path, sizeof(path), "%s/cgroup.controllers",
		 strcmp(at, "/") == 0 ? "" : at);
	list = audit_read_line(c, path);
	for (size_t i = 0; list && i < NWANTED; i++)
		if (wanted[i].v2 && in_list(list, wanted[i].v2, " \t"))
			f->v2[i] = any = true;
	free(list);
	if (!any)
		return;
	for (size_t i = 0; i < NWANTED; i++)
		if (!wanted[i].v2)
			f->v2[i] = true;
	snprintf(f->v2_at, sizeof(f->v2_at), "%s", at);
}

/* "; cgroup v1: cpu, memory" for the controllers one version offers. */
static void describe(struct qh_buf *b, const char *what, const bool *have)
{
	struct qh_buf list = QH_BUF_INIT;

	for (size_t i = 0; i < NWANTED; i++)
		if (have[i])
			qh_buf_printf(&list, "%s%s", list.len ? ", " : "", wanted[i].v1);
	if (list.len)
		qh_buf_printf(b, "%s%s: %s", b->len ? "; " : "", what, list.data);
	qh_buf_free(&list);
}

void audit_cgroups(struct audit_ctx *c)
{
	struct qh_buf b = QH_BUF_INIT, missing = QH_BUF_INIT, how = QH_BUF_INIT;
	struct qh_error err = { "" };
	struct found f;

	memset(&f, 0, sizeof(f));
	if (qh_rootfs_read(c->fs, MOUNTS, AUDIT_MAX_CONFIG, &b, &err) != 0) {
		qh_buf_free(&b);
		audit_unreadable(c, MOUNTS, err.msg);
		return;
	}
	for (char *p = b.data, *e; p && *p; p = e ? e + 1 : NULL) {
		char *fld[4], *save = NULL;
		size_t n = 0;

		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		for (char *t = strtok_r(p, " ", &save); t && n < 4; t = strtok_r(NULL, " ", &save))
			fld[n++] = t;
		if (n < 4)
			continue;
		unescape(fld[1]);
		if (strcmp(fld[2], "cgroup2") == 0) {
			v2_mount(c, fld[1], &f);
		} else if (strcmp(fld[2], "cgroup") == 0) {
			for (size_t i = 0; i < NWANTED; i++)
				if (in_list(fld[3], wanted[i].v1, ","))
					f.v1[i] = true;
		}
	}
	qh_buf_free(&b);
	for (size_t i = 0; i < NWANTED; i++)
		if (!f.v1[i] && !f.v2[i])
			qh_buf_printf(&missing, "%s%s", missing.len ? ", " : "", wanted[i].v1);
	describe(&how, "cgroup v1", f.v1);
	if (f.v2_at[0]) {
		char label[300];

		snprintf(label, sizeof(label), "cgroup v2 at %s (devices by BPF "
			 "program)", f.v2_at);
		describe(&how, label, f.v2);
	}
	if (!how.len)
		qh_buf_puts(&how, "no cgroup hierarchy offers them");
	if (missing.len)
		audit_check(c, "host", "cgroup-controllers", QH_WARN, MOUNTS, 0,
			    "%s; missing: %s", how.data ? how.data : "", missing.data);
	else
		audit_check(c, "host", "cgroup-controllers", QH_PASS, MOUNTS, 0,
			    "%s", how.data ? how.data : "");
	if (!how.data || (missing.len && !missing.data))
		c->oom = true;
	qh_buf_free(&missing);
	qh_buf_free(&how);
}
