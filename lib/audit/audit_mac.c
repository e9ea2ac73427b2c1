/* audit_mac.c - mandatory access control around QEMU: SELinux mode and the
 * sVirt booleans, AppArmor's libvirt profiles, and (on a live host) the
 * labels of running QEMU processes. */
#include "audit_internal.h"
#include "selinux_context.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SELINUX_CONFIG "/etc/selinux/config"

static const char *const sebools[] = {
	"virt_use_comm", "virt_use_fusefs", "virt_use_nfs", "virt_use_samba",
	"virt_use_sanlock", "virt_use_sysfs", "virt_use_usb", "virt_use_xserver",
};

/* Value of KEY=VALUE in a shell-like config; line number in *line. */
static char *config_value(const char *text, const char *key, unsigned *line)
{
	unsigned n = 0;
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; ) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		n++;
		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t vlen = len - klen - 1;

			while (vlen && isspace((unsigned char)v[vlen - 1]))
				vlen--;
			if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
				v++;
				vlen -= 2;
			}
			*line = n;
			return strndup(v, vlen);
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static void selinux(struct audit_ctx *c, char **policy_type)
{
	struct qh_buf b = QH_BUF_INIT;
	char *mode = NULL, *runtime;
	unsigned line = 0, tline = 0;
	bool enforcing = false;

	*policy_type = NULL;
	if (audit_read(c, SELINUX_CONFIG, &b) == 0) {
		mode = config_value(b.data, "SELINUX", &line);
		*policy_type = config_value(b.data, "SELINUXTYPE", &tline);
		enforcing = mode && strcmp(mode, "enforcing") == 0;
		audit_check(c, SELINUX_CONFIG, "selinux-mode",
			    enforcing ? QH_PASS : QH_FAIL, SELINUX_CONFIG, line,
			    "SELINUX=%s", mode ? mode : "(not set)");
	}
	runtime = audit_read_line(c, "/sys/fs/selinux/enforce");
	if (runtime) {
		bool on = strcmp(runtime, "1") == 0;

		audit_check(c, "host", "selinux-enforce", on ? QH_PASS : QH_FAIL,
			    "/sys/fs/selinux/enforce", 1, "enforce = %s", runtime);
		enforcing = (mode ? enforcing : true) && on;
	}
	c->selinux_enforcing = enforcing;
	free(runtime);
	free(mode);
	qh_buf_free(&b);
}

static bool truthy(const char *v)
{
	return strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 ||
	       strcasecmp(v, "on") == 0;
}

/* A boolean set in a booleans.local-style file ("name=1" lines). */
static int bool_in_file(struct audit_ctx *c, const char *file, const char *name,
			bool *on, unsigned *line)
{
	struct qh_buf b = QH_BUF_INIT;
	unsigned n = 0;
	int found = 0;

	if (audit_read(c, file, &b) != 0) {
		qh_buf_free(&b);
		return 0;
	}
	for (char *p = b.data, *e; p && *p; p = e ? e + 1 : NULL) {
		char *eq, *k, *v;

		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		n++;
		k = p + strspn(p, " \t");
		if (*k == '#' || !(eq = strchr(k, '=')))
			continue;
		*eq = '\0';
		v = eq + 1 + strspn(eq + 1, " \t");
		k[strcspn(k, " \t")] = '\0';
		v[strcspn(v, " \t\r#")] = '\0';
		if (strcmp(k, name) == 0) {
			*on = truthy(v);
			*line = n;
			found = 1; /* the last assignment wins, as in semanage */
		}
	}
	qh_buf_free(&b);
	return found;
}

static void booleans(struct audit_ctx *c, const char *type)
{
	char files[4][160];

	snprintf(files[0], sizeof(files[0]), "/var/lib/selinux/%s/active/booleans.local", type);
	snprintf(files[1], sizeof(files[1]), "/etc/selinux/%s/modules/active/booleans.local", type);
	snprintf(files[2], sizeof(files[2]), "/etc/selinux/%s/booleans.local", type);
	snprintf(files[3], sizeof(files[3]), "/etc/selinux/%s/booleans", type);
	for (size_t i = 0; i < QH_ARRAY_LEN(sebools); i++) {
		char id[64], sys[128], *live;
		bool on = false;
		unsigned line = 0;
		const char *where = NULL;

		snprintf(id, sizeof(id), "sebool-%s", sebools[i]);
		snprintf(sys, sizeof(sys), "/sys/fs/selinux/booleans/%s", sebools[i]);
		live = audit_read_line(c, sys);
		if (live) {
			/* "current pending" */
			on = live[0] == '1';
			where = sys;
			line = 1;
			free(live);
		} else {
			for (size_t f = 0; f < QH_ARRAY_LEN(files); f++)
				if (bool_in_file(c, files[f], sebools[i], &on, &line)) {
					where = files[f];
					break;
				}
		}
		if (!where)
			audit_check(c, "host", id, QH_SKIP, NULL, 0,
				    "%s not set locally: the policy's default applies",
				    sebools[i]);
		else
			audit_check(c, "host", id, on ? QH_FAIL : QH_PASS, where, line,
				    "%s = %s", sebools[i], on ? "on" : "off");
	}
}

#define LIBVIRTD_PROFILE "/etc/apparmor.d/usr.sbin.libvirtd"
#define QEMU_TEMPLATE "/etc/apparmor.d/libvirt/TEMPLATE.qemu"

static void apparmor(struct audit_ctx *c)
{
	struct qh_buf b = QH_BUF_INIT;
	struct stat st;
	bool have_profile, have_template, complain = false;
	char *enabled;

	c->apparmor_confines = false;
	if (qh_rootfs_stat(c->fs, "/etc/apparmor.d", 0, &st, NULL, NULL) != 0)
		return;
	have_profile = audit_read(c, LIBVIRTD_PROFILE, &b) == 0;
	if (have_profile)
		complain = strstr(b.data, "complain") != NULL &&
			   strstr(b.data, "flags=") != NULL;
	qh_buf_free(&b);
	have_template = qh_rootfs_stat(c->fs, QEMU_TEMPLATE, 0, &st, NULL, NULL) == 0;
	enabled = audit_read_line(c, "/sys/module/apparmor/parameters/enabled");
	if (!c->qemu_conf && !have_profile)
		goto out; /* no libvirt here: nothing of libvirt's to confine */
	if (!have_profile || !have_template)
		audit_check(c, LIBVIRTD_PROFILE, "apparmor-libvirt", QH_FAIL, NULL, 0,
			    "missing %s", !have_profile ? LIBVIRTD_PROFILE : QEMU_TEMPLATE);
	else if (complain)
		audit_check(c, LIBVIRTD_PROFILE, "apparmor-libvirt", QH_FAIL,
			    LIBVIRTD_PROFILE, 0, "profile in complain mode");
	else if (enabled && enabled[0] != 'Y')
		audit_check(c, LIBVIRTD_PROFILE, "apparmor-libvirt", QH_FAIL,
			    "/sys/module/apparmor/parameters/enabled", 1,
			    "AppArmor disabled in the running kernel");
	else {
		audit_check(c, LIBVIRTD_PROFILE, "apparmor-libvirt", QH_PASS,
			    LIBVIRTD_PROFILE, 0, "profiles present, enforce mode");
		c->apparmor_confines = true;
	}
out:
	free(enabled);
}

/* A VM's QEMU under sVirt: svirt_t (svirt_tcg_t without KVM) with a
 * category pair of its own. */
static bool svirt_process(const char *label, struct qh_secontext *ctx)
{
	return label && qh_secontext_parse(label, ctx) == 0 && ctx->pair &&
	       (strcmp(ctx->type, "svirt_t") == 0 || strcmp(ctx->type, "svirt_tcg_t") == 0);
}

static void processes(struct audit_ctx *c)
{
	const struct audit_procs *p = audit_qemu_procs(c);
	struct qh_buf bad = QH_BUF_INIT;

	for (size_t i = 0; i < p->n; i++) {
		const struct audit_qemu_proc *q = &p->v[i];
		struct qh_secontext ctx, other;
		const char *shares = NULL;
		bool ok;

		if (c->selinux_enforcing) {
			ok = svirt_process(q->label, &ctx);
			for (size_t k = 0; ok && k < i; k++)
				if (svirt_process(p->v[k].label, &other) &&
				    qh_secontext_same_pair(&ctx, &other))
					shares = p->v[k].pid; /* two VMs, one pair */
			ok = ok && !shares;
		} else {
			ok = q->label && strncmp(q->label, "libvirt-", 8) == 0 &&
			     strstr(q->label, "(enforce)");
		}
		if (ok)
			continue;
		qh_buf_printf(&bad, "%spid %s (%s) label %s", bad.len ? "; " : "",
			      q->pid, q->comm, q->label ? q->label : "unconfined");
		if (shares)
			qh_buf_printf(&bad, ", the categories of pid %s too", shares);
	}
	if (p->n)
		audit_check(c, "host", "svirt-label", bad.len ? QH_FAIL : QH_PASS,
			    NULL, 0, "%s", bad.len ? bad.data :
			    "every running QEMU has its own label");
	qh_buf_free(&bad);
}

void audit_mac(struct audit_ctx *c)
{
	char *type = NULL;
	struct stat st;
	bool selinux_present;

	selinux(c, &type);
	selinux_present = qh_rootfs_stat(c->fs, SELINUX_CONFIG, 0, &st, NULL, NULL) == 0 ||
			  qh_rootfs_stat(c->fs, "/sys/fs/selinux/enforce", 0, &st, NULL, NULL) == 0;
	if (selinux_present)
		booleans(c, type && *type ? type : "targeted");
	free(type);
	apparmor(c);
	if (c->qemu_conf || c->nbinaries)
		audit_check(c, "host", "mac-confinement",
			    c->selinux_enforcing || c->apparmor_confines ? QH_PASS : QH_FAIL,
			    NULL, 0, "%s",
			    c->selinux_enforcing ? "SELinux enforcing (sVirt)" :
			    c->apparmor_confines ? "AppArmor libvirt profiles enforcing" :
			    "neither SELinux enforcing nor AppArmor libvirt profiles");
	processes(c);
}
