/* audit_libvirt.c - libvirt's /etc/libvirt/qemu.conf, parsed with
 * libvirt_conf.h exactly as libvirtd reads it. A setting that is absent
 * takes libvirt's (safe) default and passes. */
#include "audit_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define QEMU_CONF "/etc/libvirt/qemu.conf"

static const struct qh_lvconf_entry *get(struct audit_ctx *c, const char *name)
{
	return qh_lvconf_get(c->qemu_conf, name);
}

/* A numeric setting that must not be 0 (libvirt's default is 1). */
static void must_not_be_zero(struct audit_ctx *c, const char *id,
			     const char *name)
{
	const struct qh_lvconf_entry *e = get(c, name);

	if (!e)
		audit_check(c, QEMU_CONF, id, QH_PASS, NULL, 0,
			    "%s not set (default 1)", name);
	else if (e->value.type != QH_LVCONF_NUMBER)
		audit_check(c, QEMU_CONF, id, QH_FAIL, QEMU_CONF, e->line,
			    "%s is not a number (libvirtd refuses the file)", name);
	else
		audit_check(c, QEMU_CONF, id, e->value.num == 0 ? QH_FAIL : QH_PASS,
			    QEMU_CONF, e->line, "%s = %lld", name, e->value.num);
}

static void not_root(struct audit_ctx *c, const char *id, const char *name)
{
	const struct qh_lvconf_entry *e = get(c, name);
	const char *v;

	if (!e) {
		audit_check(c, QEMU_CONF, id, QH_PASS, NULL, 0,
			    "%s not set (the distribution's unprivileged default)", name);
		return;
	}
	v = e->value.type == QH_LVCONF_STRING ? e->value.str : "";
	audit_check(c, QEMU_CONF, id,
		    strcmp(v, "root") == 0 || strcmp(v, "+0") == 0 ? QH_FAIL : QH_PASS,
		    QEMU_CONF, e->line, "%s = \"%s\"", name, v);
}

static void list_must_have(struct audit_ctx *c, const char *id,
			   const char *name, const char *item)
{
	const struct qh_lvconf_entry *e = get(c, name);

	if (!e)
		audit_check(c, QEMU_CONF, id, QH_PASS, NULL, 0,
			    "%s not set (default includes \"%s\")", name, item);
	else
		audit_check(c, QEMU_CONF, id,
			    qh_lvconf_value_has(&e->value, item) ? QH_PASS : QH_FAIL,
			    QEMU_CONF, e->line, "%s %s \"%s\"", name,
			    qh_lvconf_value_has(&e->value, item) ? "has" : "lacks", item);
}

static bool loopback(const char *addr)
{
	return strcmp(addr, "127.0.0.1") == 0 || strcmp(addr, "::1") == 0 ||
	       strcmp(addr, "localhost") == 0 || strncmp(addr, "127.", 4) == 0;
}

/* Consoles listening beyond loopback must use TLS. */
static void console_tls(struct audit_ctx *c, const char *id, const char *proto)
{
	char listen[32], tls[32];
	const struct qh_lvconf_entry *l, *t;
	bool tls_on;

	snprintf(listen, sizeof(listen), "%s_listen", proto);
	snprintf(tls, sizeof(tls), "%s_tls", proto);
	l = get(c, listen);
	t = get(c, tls);
	tls_on = t && t->value.type == QH_LVCONF_NUMBER && t->value.num == 1;
	if (!l || l->value.type != QH_LVCONF_STRING || loopback(l->value.str)) {
		audit_check(c, QEMU_CONF, id, QH_PASS, l ? QEMU_CONF : NULL,
			    l ? l->line : 0, "%s = \"%s\" (loopback only)%s", listen,
			    l && l->value.type == QH_LVCONF_STRING ? l->value.str : "127.0.0.1",
			    tls_on ? ", TLS on" : "");
		return;
	}
	audit_check(c, QEMU_CONF, id, tls_on ? QH_PASS : QH_FAIL, QEMU_CONF,
		    l->line, "%s = \"%s\" with %s = %s", listen, l->value.str, tls,
		    tls_on ? "1" : t ? "0" : "unset (0)");
}

static void security_driver(struct audit_ctx *c)
{
	const struct qh_lvconf_entry *e = get(c, "security_driver");

	if (!e)
		audit_check(c, QEMU_CONF, "libvirt-security-driver", QH_PASS, NULL, 0,
			    "security_driver not set (libvirt uses the host's MAC)");
	else
		audit_check(c, QEMU_CONF, "libvirt-security-driver",
			    qh_lvconf_value_has(&e->value, "none") ? QH_FAIL : QH_PASS,
			    QEMU_CONF, e->line, "security_driver = %s%s%s",
			    e->value.type == QH_LVCONF_STRING ? "\"" : "",
			    e->value.type == QH_LVCONF_STRING ? e->value.str : "[...]",
			    e->value.type == QH_LVCONF_STRING ? "\"" : "");
}

void audit_libvirt(struct audit_ctx *c)
{
	struct qh_buf b = QH_BUF_INIT;
	struct qh_error err;
	int rc = audit_read(c, QEMU_CONF, &b);

	if (rc == ENOENT || rc == ENOTDIR) {
		qh_buf_free(&b);
		return; /* libvirt not installed: nothing to check */
	}
	if (rc) {
		struct qh_result *res = audit_subject(c, QEMU_CONF);

		if (res)
			qh_result_set_error(res, "cannot read: %s", strerror(rc));
		qh_buf_free(&b);
		return;
	}
	c->qemu_conf = qh_lvconf_parse(b.data, b.len, QEMU_CONF, &err);
	qh_buf_free(&b);
	if (!c->qemu_conf) {
		struct qh_result *res = audit_subject(c, QEMU_CONF);

		if (res)
			qh_result_set_error(res, "%s", err.msg);
		return;
	}
	security_driver(c);
	must_not_be_zero(c, "libvirt-default-confined", "security_default_confined");
	must_not_be_zero(c, "libvirt-seccomp", "seccomp_sandbox");
	not_root(c, "libvirt-user", "user");
	not_root(c, "libvirt-group", "group");
	must_not_be_zero(c, "libvirt-dynamic-ownership", "dynamic_ownership");
	list_must_have(c, "libvirt-cgroup-devices", "cgroup_controllers", "devices");
	list_must_have(c, "libvirt-namespaces", "namespaces", "mount");
	console_tls(c, "libvirt-vnc-tls", "vnc");
	console_tls(c, "libvirt-spice-tls", "spice");
	must_not_be_zero(c, "libvirt-clear-caps", "clear_emulator_capabilities");
}
