/* qemu_plan_output.c - a plan for people and tools: the --format json
 * object, --explain, and the Kconfig chain behind a device. */
#include "qemu_plan_internal.h"

#include <stdio.h>
#include <string.h>

#include "resolver.h"

static json_t *jlist(const struct qh_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < l->n; i++)
		json_array_append_new(a, json_string(l->items[i]));
	return a;
}

json_t *qh_plan_to_json(const struct qh_plan *p)
{
	json_t *o = json_object(), *targets = json_array();

	if (!o || !targets) {
		json_decref(o);
		json_decref(targets);
		return NULL;
	}
	json_object_set_new(o, "profile", json_string(p->profile_name));
	json_object_set_new(o, "profile_path", json_string(p->profile_path));
	json_object_set_new(o, "description", json_string(p->description));
	json_object_set_new(o, "qemu", json_pack("{s:s, s:s}", "source", p->qemu_src,
						 "version", p->version));
	json_object_set_new(o, "out_dir", json_string(p->out_dir));
	for (size_t i = 0; i < p->ntargets; i++) {
		const struct qh_plan_target *t = &p->targets[i];
		json_t *jt = json_object();

		json_object_set_new(jt, "name", json_string(t->name));
		json_object_set_new(jt, "arch", json_string(t->arch));
		json_object_set_new(jt, "devices_file", json_string(t->devices_file));
		json_object_set_new(jt, "devices_arg", json_string(t->devices_arg));
		json_object_set_new(jt, "devices", jlist(&t->devices));
		json_object_set_new(jt, "machines", jlist(&t->machines));
		json_object_set_new(jt, "symbols", jlist(&t->symbols));
		json_object_set_new(jt, "qom_types", jlist(&t->qom_types));
		json_object_set_new(jt, "removed_qom_types", jlist(&t->removed_qom_types));
		json_object_set_new(jt, "sources", jlist(&t->sources));
		/* what meson passes minikconf besides the devices file */
		if (p->priv && i < p->priv->nts)
			json_object_set_new(jt, "kconfig_external", jlist(&p->priv->ts[i].host));
		json_object_set_new(jt, "default", json_pack("{s:o, s:I, s:I}",
			"symbols", jlist(&t->default_symbols),
			"sources", (json_int_t)t->default_sources.n,
			"qom_types", (json_int_t)(t->qom_types.n + t->removed_qom_types.n)));
		json_array_append_new(targets, jt);
	}
	json_object_set_new(o, "targets", targets);
	json_object_set_new(o, "configure", jlist(&p->configure_argv));
	json_object_set_new(o, "cflags", jlist(&p->cflags));
	json_object_set_new(o, "ldflags", jlist(&p->ldflags));
	json_object_set_new(o, "accelerators", jlist(&p->accelerators));
	json_object_set_new(o, "warnings", jlist(&p->warnings));
	return o;
}

int qh_plan_device_chain(const struct qh_plan *p, size_t ti, const char *device,
			 struct qh_strlist *chain, struct qh_error *err)
{
	struct qh_strlist syms = { 0 };
	struct qh_buf b = QH_BUF_INIT;
	struct qh_resolver r;
	int rc = -1;

	if (!p->priv || ti >= p->ntargets)
		return qh_error_set(err, "no such target");
	r.kc = p->priv->ts[ti].kc;
	r.ms = p->priv->ms;
	r.qom = p->priv->qom;
	r.base_arch = p->targets[ti].base_arch;
	if (qh_resolve_word(&r, device, false, &syms, NULL, err) < 0)
		return -1;
	for (size_t i = 0; i < syms.n; i++) {
		int s = qh_kconfig_find(r.kc, syms.items[i]);

		if (s < 0 || r.kc->syms[s].value != 1)
			continue;
		qh_kconfig_explain(r.kc, s, &b);
		break;
	}
	if (!syms.n) {
		rc = qh_strlist_add(chain, "needs no device symbol: always built") < 0 ?
			qh_error_set(err, "out of memory") : 0;
		goto out;
	}
	if (!b.data) {
		qh_error_set(err, "%s: none of its symbols is in the closure", device);
		goto out;
	}
	/* one step per line, as qh_kconfig_explain writes them */
	for (char *line = b.data, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		while (*line == ' ')
			line++;
		if (*line && qh_strlist_add(chain, line) < 0) {
			qh_error_set(err, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	qh_buf_free(&b);
	qh_strlist_free(&syms);
	return rc;
}

char *qh_plan_explain(const struct qh_plan *p, const char *target,
		      const char *what, struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	struct qh_resolver r;
	size_t ti = 0;

	if (!p->ntargets || !p->priv) {
		qh_error_set(err, "empty plan");
		return NULL;
	}
	if (target) {
		for (ti = 0; ti < p->ntargets; ti++)
			if (strcmp(p->targets[ti].name, target) == 0)
				break;
		if (ti == p->ntargets) {
			qh_error_set(err, "target %s is not in this profile", target);
			return NULL;
		}
	}
	r.kc = p->priv->ts[ti].kc;
	r.ms = p->priv->ms;
	r.qom = p->priv->qom;
	r.base_arch = p->targets[ti].base_arch;
	qh_buf_printf(&b, "[%s, QEMU %s]\n", p->targets[ti].name, p->version);
	if (qh_resolve_explain(&r, what, &b, err) < 0) {
		qh_buf_free(&b);
		return NULL;
	}
	{
		char sym[256];
		const char *w = strncmp(what, "CONFIG_", 7) == 0 ? what : NULL;

		if (w) {
			snprintf(sym, sizeof(sym), "%s", w);
			qh_buf_printf(&b, "%s is %sin the distro default set\n", sym,
				      qh_strlist_has(&p->targets[ti].default_symbols, sym) ? "" : "not ");
		}
	}
	return b.data ? qh_buf_detach(&b) : NULL;
}
