/* audit_procs.c - the QEMU processes running in the root's /proc, read once
 * per audit: pid, comm, the security label (/proc/PID/attr/current) and
 * what the command line names (qemu_cmdline.h). A process that exits
 * while it is read is simply not there. */
#include "audit_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_qemu_comm(const char *comm)
{
	return strncmp(comm, "qemu-", 5) == 0 || strcmp(comm, "kvm") == 0;
}

static void load(struct audit_ctx *c, struct audit_procs *p)
{
	char **names = NULL;
	size_t n = 0;

	if (qh_rootfs_list(c->fs, "/proc", &names, &n, NULL) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct audit_qemu_proc *q;
		struct qh_buf cmd = QH_BUF_INIT;
		struct qh_error err = { "" };
		char path[64], *comm;

		if (!isdigit((unsigned char)names[i][0]) || strlen(names[i]) >= sizeof(q->pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", names[i]);
		comm = audit_read_line(c, path);
		if (!comm || !is_qemu_comm(comm) ||
		    qh_array_reserve((void **)&p->v, &p->cap, p->n + 1, sizeof(*p->v)) < 0) {
			c->oom |= comm && is_qemu_comm(comm);
			free(comm);
			continue;
		}
		q = &p->v[p->n++];
		memset(q, 0, sizeof(*q));
		snprintf(q->pid, sizeof(q->pid), "%s", names[i]);
		q->comm = comm;
		snprintf(path, sizeof(path), "/proc/%s/attr/current", names[i]);
		q->label = audit_read_line(c, path);
		if (q->label && !q->label[0]) {
			free(q->label);
			q->label = NULL;
		}
		snprintf(path, sizeof(path), "/proc/%s/cmdline", names[i]);
		if (audit_read(c, path, &cmd) == 0 &&
		    qh_qemu_cmdline_parse(cmd.data, cmd.len, &q->cmd, &err) < 0)
			audit_unreadable(c, path, err.msg);
		qh_buf_free(&cmd);
	}
	qh_rootfs_names_free(names, n);
}

const struct audit_procs *audit_qemu_procs(struct audit_ctx *c)
{
	if (!c->procs.loaded) {
		c->procs.loaded = true;
		load(c, &c->procs);
	}
	return &c->procs;
}

void audit_procs_free(struct audit_procs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].comm);
		free(p->v[i].label);
		qh_qemu_cmdline_free(&p->v[i].cmd);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}
