/* audit.c - qhard audit: pre-deployment audit of a host or an image root.
 * Thin glue: options, lib/audit/audit.h, the policy, an emitter, the exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "commands.h"
#include "datapath.h"
#include "emit/emit.h"
#include "modules.h"
#include "options.h"
#include "outputs.h"
#include "policy/policy.h"
#include "qemu/qemu.h"
#include "rules.h"

enum { OPT_ROOT = 1, OPT_POLICY, OPT_ALLOW, OPT_FORMAT, OPT_DEEP, OPT_COLOR,
       OPT_VERBOSE, OPT_QEMU_SRC, OPT_LIVE, OPT_OUTPUT };

static const struct qh_option options[] = {
	{ 0, "root", "DIR", "audit the image or chroot at DIR instead of the running host (/)", OPT_ROOT, NULL },
	{ 0, "live", NULL, "with --root: DIR's /proc, /sys and /dev are the running kernel's "
	  "(a host's root mounted in a container): judge /dev/kvm, CPU flags, cgroups, IOMMU, SEV/TDX", OPT_LIVE, NULL },
	QH_OPTION_POLICY(OPT_POLICY),
	{ 0, "allow-list", "PROFILE", "profile (a name or an INI path) whose [devices] allow list the compiled-in devices must stay within", OPT_ALLOW, NULL },
	{ 0, "qemu-src", "DIR", "with --allow-list: also allow every QOM type the profile's Kconfig closure compiles in this QEMU tree", OPT_QEMU_SRC, NULL },
	QH_OPTION_FORMAT(OPT_FORMAT),
	QH_OPTION_OUTPUT(OPT_OUTPUT),
	{ 0, "deep", NULL, "also run the deep (disassembly) checks on binaries", OPT_DEEP, NULL },
	QH_OPTION_COLOR(OPT_COLOR),
	QH_OPTION_VERBOSE(OPT_VERBOSE),
	{ 0 },
};

static const struct qh_command_spec spec = {
	"audit", "qhard audit [--root DIR] [--policy POLICY] [--allow-list PROFILE] [--format FMT] [-o [FORMAT=]PATH]...",
	"audit a virtualization host or image root: QEMU binaries, devices, MAC, libvirt, host",
	options,
	"Reads files only: never starts a guest, never runs a binary of the root,\n"
	"never follows a symlink out of the root. Exit: 0 clean, 1 findings,\n"
	"2 usage, 3 something could not be analysed. See qhard-audit(1).",
};
const struct qh_command_spec *const qh_audit_spec = &spec; /* completion */

struct args {
	const char *root, *policy, *allow, *format, *color, *qemu_src;
	bool deep, verbose, live;
	struct qh_outputs outputs;
};

static int on_option(int id, const char *arg, void *ctx)
{
	struct args *a = ctx;

	switch (id) {
	case OPT_ROOT: a->root = arg; break;
	case OPT_OUTPUT: return qh_outputs_add(&a->outputs, arg, &spec);
	case OPT_POLICY: a->policy = arg; break;
	case OPT_ALLOW: a->allow = arg; break;
	case OPT_QEMU_SRC: a->qemu_src = arg; break;
	case OPT_FORMAT:
		if (!qh_emit_format_known(arg))
			return qh_usage_error(&spec, "unknown format \"%s\"", arg);
		a->format = arg;
		break;
	case OPT_DEEP: a->deep = true; break;
	case OPT_LIVE: a->live = true; break;
	case OPT_COLOR: a->color = arg; break;
	case OPT_VERBOSE: a->verbose = true; break;
	}
	return 0;
}

static bool audit_id(const char *id)
{
	for (const struct qh_rule *r = qh_rules_audit; r->id; r++)
		if (strcmp(r->id, id) == 0)
			return true;
	return false;
}

/* Checksec ids follow the policy as in every command. Audit findings are
 * required unless a policy rule names their id (a policy's default or "*"
 * would otherwise turn every host finding into a warning). */
static int apply_policy(const struct qh_policy *p, struct qh_result *res,
			struct qh_error *err)
{
	if (qh_policy_apply(p, res, err) < 0)
		return -1;
	for (size_t i = 0; i < res->nchecks; i++) {
		struct qh_check *c = &res->checks[i];
		enum qh_level named;

		if (!audit_id(c->id))
			continue;
		c->status = c->raw_status;
		if (!qh_policy_named_level(p, res->path, res->type, c->id, &named))
			continue;
		if (named == QH_LEVEL_WARN && c->status == QH_FAIL)
			c->status = QH_WARN;
		else if (named == QH_LEVEL_IGNORE)
			c->status = QH_SKIP;
	}
	return 0;
}

/* Add the QOM types of the profile's closure (qemu_plan.h) to the allow
 * list, so a minimized build is not blamed for the board devices its
 * machine needs. */
static int add_closure(struct qh_audit_allow *allow, const char *profile,
		       const char *qemu_src, struct qh_error *err)
{
	struct qh_plan_options po = { .no_probe = true };
	struct qh_plan *plan;
	int rc = 0;

	/* only the closure is needed: no output directory, nothing written */
	plan = qh_plan_create(profile, qemu_src, NULL, &po, err);
	if (!plan)
		return -1;
	for (size_t t = 0; t < plan->ntargets && rc == 0; t++) {
		const struct qh_strlist *l = &plan->targets[t].qom_types;
		size_t cap = allow->n;

		for (size_t i = 0; i < l->n && rc == 0; i++) {
			char *d = qh_strdup(l->items[i]);

			if (!d || qh_array_reserve((void **)&allow->names, &cap,
						   allow->n + 1, sizeof(char *)) < 0) {
				free(d);
				rc = qh_error_set(err, "out of memory");
				break;
			}
			allow->names[allow->n++] = d;
		}
	}
	qh_plan_free(plan);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	struct args a = { .root = "/", .format = "text" };
	struct qh_audit_options ao = { 0 };
	struct qh_audit_allow allow = { 0 };
	struct qh_emit_options eo = { 0 };
	struct qh_policy *policy = NULL;
	struct qh_report *r = NULL;
	struct qh_summary sum;
	struct qh_error err = { "" };
	char policy_buf[QH_DATA_PATH_MAX], allow_buf[QH_DATA_PATH_MAX];
	int n = 0, code = 2;
	int rc = qh_parse_options(argc, argv, &spec, on_option, &a, &n);

	if (rc >= 0)
		return rc;
	if (n > 0)
		return qh_usage_error(&spec, "unexpected argument \"%s\" (use --root DIR)", argv[1]);
	if (qh_color_mode(a.color, &eo.color) < 0)
		return qh_usage_error(&spec, "--color wants auto, always or never");
	eo.verbose = a.verbose;
	if ((a.policy && !(a.policy = qh_data_find(QH_DATA_POLICY, a.policy, policy_buf,
						   sizeof(policy_buf), &err))) ||
	    (a.allow && !(a.allow = qh_data_find(QH_DATA_PROFILE, a.allow, allow_buf,
						 sizeof(allow_buf), &err))))
		return qh_usage_error(&spec, "%s", err.msg);
	policy = a.policy ? qh_policy_load(a.policy, &err) : qh_policy_default(&err);
	if (!policy) {
		fprintf(stderr, "qhard audit: %s\n", err.msg);
		return 2;
	}
	if (!a.deep && qh_policy_deep_required(policy)) {
		/* a required deep check must be decided, never skipped */
		fprintf(stderr, "qhard audit: policy %s requires %s: running the deep "
			"pass (--deep)\n", qh_policy_name(policy),
			qh_policy_deep_required(policy));
		a.deep = true;
	}
	if (a.deep && qh_module_need("deep", &err) < 0) {
		fprintf(stderr, "qhard audit: --deep: %s\n", err.msg);
		qh_policy_free(policy);
		return 2;
	}
	if (a.allow && qh_audit_allow_load(a.allow, &allow, &err) < 0) {
		fprintf(stderr, "qhard audit: %s\n", err.msg);
		goto out;
	}
	if (a.qemu_src && !a.allow) {
		code = qh_usage_error(&spec, "--qemu-src needs --allow-list");
		goto out;
	}
	if (a.qemu_src && add_closure(&allow, a.allow, a.qemu_src, &err) < 0) {
		fprintf(stderr, "qhard audit: %s\n", err.msg);
		goto out;
	}
	ao.root = a.root;
	ao.deep = a.deep;
	ao.live = a.live;
	if (a.allow) {
		ao.allow = (const char *const *)allow.names;
		ao.nallow = allow.n;
		ao.allow_name = allow.profile ? allow.profile : a.allow;
	}
	r = qh_report_new("audit", &err);
	if (!r || qh_audit_run(&ao, r, &err) < 0) {
		fprintf(stderr, "qhard audit: %s\n", err.msg);
		code = 3;
		goto out;
	}
	json_object_set_new(r->extra, "root", json_string(a.root));
	for (size_t i = 0; i < r->nresults; i++)
		if (apply_policy(policy, r->results[i], &err) < 0) {
			fprintf(stderr, "qhard audit: %s\n", err.msg);
			code = 3;
			goto out;
		}
	if (a.outputs.main_path)
		eo.color = a.color && strcmp(a.color, "always") == 0;
	if (qh_outputs_emit_report(&a.outputs, r, a.format, &eo, &err) < 0 ||
	    qh_outputs_close_main(&a.outputs, &err) < 0) {
		fprintf(stderr, "qhard audit: %s\n", err.msg);
		code = 3;
		goto out;
	}
	qh_report_summary(r, &sum);
	code = qh_summary_exit_code(&sum);
out:
	qh_outputs_close_main(&a.outputs, NULL);
	qh_report_free(r);
	qh_audit_allow_free(&allow);
	qh_policy_free(policy);
	return code;
}
