/* gate.c - qhard gate: the CI gate. Reads ELF files, directories, packages
 * or saved reports; applies a policy, then a baseline, then waivers; emits
 * the report in the format CI wants and returns the contract exit code.
 *
 * Order matters: the baseline is recorded after the policy and before
 * waivers (a waiver's expiry must never be hidden by a baseline), and the
 * waivers come last so they can accept what is still failing.
 *
 * Each result goes through all three stages and is written as soon as it
 * is read, then freed: a package of a million files costs no more memory
 * than one of ten, and what was read before a broken member or a spent
 * budget is in the report.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "datapath.h"
#include "emit/emit.h"
#include "gate.h"
#include "modules.h"
#include "options.h"
#include "outputs.h"
#include "policy/policy.h"
#include "qemu/qemu.h"

enum {
	OPT_POLICY = 1,
	OPT_WAIVERS,
	OPT_BASELINE,
	OPT_WRITE_BASELINE,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_DEEP,
	OPT_TODAY,
	OPT_COLOR,
	OPT_VERBOSE,
	OPT_MAX_UNPACKED,
	OPT_MAX_MEMBERS,
	OPT_MAX_SECONDS,
};

static const struct qh_option options[] = {
	QH_OPTION_POLICY(OPT_POLICY),
	{ 0, "waivers", "FILE", "waiver INI: accepted findings with reason and expiry", OPT_WAIVERS, NULL },
	{ 0, "baseline", "FILE", "fail only on regressions against this baseline", OPT_BASELINE, NULL },
	{ 0, "write-baseline", "FILE", "record this run's verdicts as a baseline", OPT_WRITE_BASELINE, NULL },
	QH_OPTION_FORMAT(OPT_FORMAT),
	QH_OPTION_OUTPUT(OPT_OUTPUT),
	{ 0, "deep", NULL, "also run the deep checks (coverage thresholds need them)", OPT_DEEP, NULL },
	{ 0, "today", "DATE", "judge waiver expiry as of DATE (YYYY-MM-DD; default: today, UTC)", OPT_TODAY, NULL },
	QH_OPTION_COLOR(OPT_COLOR),
	QH_OPTION_VERBOSE(OPT_VERBOSE),
	{ 0, "max-unpacked", "SIZE", "per package: stop past SIZE bytes unpacked (K, M, G suffixes; default 4G; 0: no limit)", OPT_MAX_UNPACKED, NULL },
	{ 0, "max-members", "N", "per package: stop past N members (default 200000; 0: no limit)", OPT_MAX_MEMBERS, NULL },
	{ 0, "max-seconds", "N", "per package: stop reading after N seconds (default 600; 0: no limit)", OPT_MAX_SECONDS, NULL },
	{ 0 },
};

static const struct qh_command_spec spec = {
	"gate",
	"qhard gate [--policy POLICY] [--waivers FILE] [--baseline FILE] "
	"[--write-baseline FILE] [--format FMT] [-o [FORMAT=]PATH]... PATH...",
	"CI gate: hold ELF files, directories, .deb/.rpm packages or saved "
	"qhard reports to a policy, with waivers and a baseline.",
	options,
	"A package past one of its budgets, or one that cannot be read\n"
	"completely, is an input that could not be analysed; what was read\n"
	"before is still judged and reported.\n"
	"Exit codes: 0 pass, 1 a finding fails the policy (or a waiver expired,\n"
	"or a regression against the baseline), 2 usage error or bad policy,\n"
	"waiver or baseline file, 3 an input could not be analysed.\n"
	"See qhard-gate(1) (SECURITY) and qhard-policy(5).",
};
const struct qh_command_spec *const qh_gate_spec = &spec; /* completion */

struct gate_args {
	const char *policy, *waivers, *baseline, *write_baseline;
	const char *format, *today, *color;
	struct qh_outputs outputs;
	bool deep, verbose;
	struct qh_pkg_limits limits;
	bool limits_set[3]; /* --max-unpacked, --max-members, --max-seconds */
};

/* "4G", "512M", "100000": bytes, with binary K, M, G, T suffixes. */
static int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *unit;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		unsigned shift;

		unit = strchr(units, toupper((unsigned char)*end));
		if (!unit || !*unit || end[1])
			return -1;
		shift = 10 * (unsigned)(unit - units + 1);
		if (v > (UINT64_MAX >> shift))
			return -1;
		v <<= shift;
	}
	*out = v;
	return 0;
}

static int on_option(int id, const char *arg, void *ctx)
{
	struct gate_args *a = ctx;
	unsigned long n;

	switch (id) {
	case OPT_POLICY: a->policy = arg; break;
	case OPT_WAIVERS: a->waivers = arg; break;
	case OPT_BASELINE: a->baseline = arg; break;
	case OPT_WRITE_BASELINE: a->write_baseline = arg; break;
	case OPT_OUTPUT: return qh_outputs_add(&a->outputs, arg, &spec);
	case OPT_DEEP: a->deep = true; break;
	case OPT_VERBOSE: a->verbose = true; break;
	case OPT_COLOR: a->color = arg; break;
	case OPT_MAX_UNPACKED:
		if (parse_size(arg, &a->limits.max_unpacked) < 0)
			return qh_usage_error(&spec, "--max-unpacked wants a size "
					      "(4G, 512M, 100000), not '%s'", arg);
		a->limits_set[0] = true;
		break;
	case OPT_MAX_MEMBERS:
		if (qh_parse_uint(arg, ULONG_MAX, &n) < 0)
			return qh_usage_error(&spec, "--max-members wants a "
					      "number, not '%s'", arg);
		a->limits.max_members = n;
		a->limits_set[1] = true;
		break;
	case OPT_MAX_SECONDS:
		if (qh_parse_uint(arg, UINT64_MAX / 1000, &n) < 0)
			return qh_usage_error(&spec, "--max-seconds wants a "
					      "number, not '%s'", arg);
		a->limits.max_ms = (uint64_t)n * 1000;
		a->limits_set[2] = true;
		break;
	case OPT_FORMAT:
		if (!qh_emit_format_known(arg))
			return qh_usage_error(&spec, "unknown format '%s'", arg);
		a->format = arg;
		break;
	case OPT_TODAY:
		if (!qh_date_valid(arg))
			return qh_usage_error(&spec, "--today wants YYYY-MM-DD, "
					      "not '%s'", arg);
		a->today = arg;
		break;
	}
	return 0;
}

/* What the gate held the inputs to, for the report (text shows it as an
 * outline, JSON as a "gate" section). */
static int add_gate_section(struct qh_report *r, const struct qh_policy *p,
			    const struct gate_inputs *in, const char *today)
{
	json_t *sec = json_pack("{s:s,s:s,s:O}", "policy", qh_policy_name(p),
				"date", today, "inputs", in->inputs);

	if (!sec)
		return -1;
	if (qh_policy_profile_path(p) &&
	    json_object_set_new(sec, "profile",
				json_string(qh_policy_profile_path(p))) < 0)
		goto oom;
	if (json_array_size(in->devices) &&
	    json_object_set(sec, "devices", in->devices) < 0)
		goto oom;
	return json_object_set_new(r->extra, "gate", sec);
oom:
	json_decref(sec);
	return -1;
}

struct gate_state {
	struct qh_policy *policy;
	struct qh_waivers *waivers;
	struct qh_baseline *baseline;
	struct qh_profile *profile;
	struct qh_report *report;  /* the command name and extra sections;
				      results are written, not kept */
	struct gate_inputs in;
	struct qh_baseline_diff *diff;
	json_t *new_baseline;
	struct qh_emitter *emitter;
	struct qh_summary summary;
	const char *today;
	FILE *out;
};

static void state_free(struct gate_state *st)
{
	qh_policy_free(st->policy);
	qh_waivers_free(st->waivers);
	qh_baseline_free(st->baseline);
	qh_profile_free(st->profile);
	qh_report_free(st->report);
	qh_baseline_diff_free(st->diff);
	qh_emitter_free(st->emitter);
	json_decref(st->in.devices);
	json_decref(st->in.inputs);
	json_decref(st->in.builds);
	json_decref(st->new_baseline);
	if (st->out && st->out != stdout)
		fclose(st->out);
}

/* Load the policy, waiver and baseline files: any problem is a usage
 * error (exit 2) naming file:line. */
static int load_files(const struct gate_args *a, struct gate_state *st)
{
	struct qh_error err = { "" };
	char path_buf[QH_DATA_PATH_MAX];
	const char *path;

	if (a->policy) {
		path = qh_data_find(QH_DATA_POLICY, a->policy, path_buf,
				    sizeof(path_buf), &err);
		st->policy = path ? qh_policy_load(path, &err) : NULL;
	} else {
		st->policy = qh_policy_default(&err);
	}
	if (!st->policy)
		goto bad;
	if (a->waivers && !(st->waivers = qh_waivers_load(a->waivers, &err)))
		goto bad;
	if (a->baseline && !(st->baseline = qh_baseline_load(a->baseline, &err)))
		goto bad;
	if (a->deep && qh_module_need("deep", &err) < 0) {
		qh_error_prefix(&err, "--deep: ");
		goto bad;
	}
	/* the policy's profile may be a name too */
	if (qh_policy_profile_path(st->policy) &&
	    (!(path = qh_data_find(QH_DATA_PROFILE, qh_policy_profile_path(st->policy),
				   path_buf, sizeof(path_buf), &err)) ||
	     !(st->profile = qh_profile_load(path, &err)))) {
		qh_error_prefix(&err, "%s: profile: ", qh_policy_name(st->policy));
		goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "qhard gate: %s\n", err.msg);
	return 2;
}

/* One result through the three stages, in the order of the file comment:
 * the policy (for what was read, not for the gate's own verdicts), the
 * baseline (recorded, then compared), the waivers; then it is written and
 * freed. */
static int judge_result(struct gate_state *st, struct qh_result *res,
			bool policy, bool baseline, struct qh_error *err)
{
	int rc = 0;

	if (policy && qh_policy_apply(st->policy, res, err) < 0)
		rc = -1;
	if (rc == 0 && baseline && st->new_baseline &&
	    qh_baseline_capture_add(st->new_baseline, res) < 0)
		rc = qh_error_set(err, "out of memory");
	if (rc == 0 && baseline && st->diff &&
	    qh_baseline_diff_add(st->diff, res) < 0)
		rc = qh_error_set(err, "out of memory");
	if (rc == 0 && st->waivers &&
	    qh_waivers_apply(st->waivers, res, st->today, err) < 0)
		rc = -1;
	if (rc == 0) {
		qh_summary_add(&st->summary, res);
		rc = qh_emitter_result(st->emitter, res, err);
	}
	qh_result_free(res);
	return rc;
}

/* gate_inputs' sink: results of what the operands held. */
static int judge_input(void *ctx, struct qh_result *res, struct qh_error *err)
{
	return judge_result(ctx, res, true, true, err);
}

/* The policy's profile holds every qhard build report read: it must have
 * been built from that profile (the build itself checked its devices
 * against it). One "profile-match" check per build report. Like the
 * waiver and baseline checks it is the gate's own verdict, so policy
 * levels do not apply to it. */
static int hold_to_profile(struct gate_state *st, struct qh_error *err)
{
	const char *want = st->profile->name ? st->profile->name : "";
	size_t i;
	json_t *b;

	json_array_foreach(st->in.builds, i, b) {
		const char *got = json_string_value(json_object_get(b, "profile"));
		struct qh_result *res = qh_result_new(
			json_string_value(json_object_get(b, "path")), err);
		bool same = got && strcmp(got, want) == 0;

		if (!res)
			return -1;
		if (!qh_result_add_check(res, "profile-match",
					 same ? QH_PASS : QH_FAIL,
					 json_string(got ? got : ""),
					 "built from profile \"%s\"; the policy holds "
					 "builds to \"%s\" (%s)", got ? got : "?", want,
					 qh_policy_profile_path(st->policy))) {
			qh_result_free(res);
			return qh_error_set(err, "out of memory");
		}
		if (judge_result(st, res, false, true, err) < 0)
			return -1;
	}
	return 0;
}

/* After the inputs: the profile, baseline and waiver verdicts, the
 * sections, the summary. */
static int finish(struct gate_state *st, struct qh_error *err)
{
	struct qh_report *r = st->report;

	if (st->profile && hold_to_profile(st, err) < 0)
		return -1;
	if (st->new_baseline &&
	    qh_baseline_capture_end(st->new_baseline, st->in.devices) < 0)
		return qh_error_set(err, "out of memory");
	if (st->diff) {
		struct qh_result *bres = qh_baseline_diff_end(
			st->diff, st->in.devices, r->extra, NULL, err);

		if (!bres || judge_result(st, bres, false, false, err) < 0)
			return -1;
	}
	if (st->waivers) {
		struct qh_result *wres = qh_waivers_result(st->waivers,
							   st->today, err);
		json_t *sum;
		int rc;

		if (!wres)
			return -1;
		qh_summary_add(&st->summary, wres);
		rc = qh_emitter_result(st->emitter, wres, err);
		qh_result_free(wres);
		if (rc < 0)
			return -1;
		sum = qh_waivers_summary(st->waivers, st->today);
		if (!sum || json_object_set_new(r->extra, "waivers", sum) < 0)
			return qh_error_set(err, "out of memory");
	}
	if (add_gate_section(r, st->policy, &st->in, st->today) < 0)
		return qh_error_set(err, "out of memory");
	return qh_emitter_end(st->emitter, r, &st->summary, err);
}

static int open_output(struct gate_args *a, struct gate_state *st,
		       struct qh_error *err)
{
	struct qh_emit_options eo = { .verbose = a->verbose };

	st->out = qh_outputs_open_main(&a->outputs, err);
	if (!st->out)
		return -1;
	if (st->out == stdout && qh_color_mode(a->color, &eo.color) < 0)
		return qh_error_set(err, "--color wants auto, always or never");
	st->emitter = qh_emitter_new(a->format ? a->format : "text", st->out,
				     &eo, err);
	if (!st->emitter || qh_outputs_attach(&a->outputs, st->emitter, err) < 0)
		return -1;
	return qh_emitter_begin(st->emitter, st->report, err);
}

static void default_limits(struct gate_args *a, const bool set[3])
{
	if (!set[0])
		a->limits.max_unpacked = QH_PKG_DEFAULT_MAX_UNPACKED;
	if (!set[1])
		a->limits.max_members = QH_PKG_DEFAULT_MAX_MEMBERS;
	if (!set[2])
		a->limits.max_ms = (uint64_t)QH_PKG_DEFAULT_MAX_SECONDS * 1000;
	a->limits.max_member = QH_PKG_DEFAULT_MAX_MEMBER;
}

int cmd_gate(int argc, char **argv)
{
	struct gate_args a = { 0 };
	struct gate_state st = { 0 };
	struct qh_error err = { "" };
	char today[11];
	int n = 0, rc;

	rc = qh_parse_options(argc, argv, &spec, on_option, &a, &n);
	if (rc >= 0)
		return rc;
	if (n == 0)
		return qh_usage_error(&spec, "no PATH given");
	if (a.color && strcmp(a.color, "auto") && strcmp(a.color, "always") &&
	    strcmp(a.color, "never"))
		return qh_usage_error(&spec, "--color wants auto, always or never");
	default_limits(&a, a.limits_set);
	if (a.today)
		memcpy(today, a.today, sizeof(today));
	else
		qh_today_utc(today);
	st.today = today;
	rc = load_files(&a, &st);
	if (rc)
		goto out;
	if (!a.deep && qh_policy_deep_required(st.policy)) {
		/* a required deep check must be decided, never skipped */
		struct qh_error err = { "" };

		fprintf(stderr, "qhard gate: policy %s requires %s: running the deep "
			"pass (--deep)\n", qh_policy_name(st.policy),
			qh_policy_deep_required(st.policy));
		if (qh_module_need("deep", &err) < 0) {
			fprintf(stderr, "qhard gate: --deep: %s\n", err.msg);
			rc = 2;
			goto out;
		}
		a.deep = true;
	}
	st.in.deep = a.deep;
	st.in.limits = a.limits;
	st.in.sink = judge_input;
	st.in.sink_ctx = &st;
	st.in.devices = json_array();
	st.in.inputs = json_array();
	st.in.builds = json_array();
	st.report = qh_report_new("gate", &err);
	if (!st.report || !st.in.devices || !st.in.inputs || !st.in.builds)
		goto fail;
	if (a.write_baseline &&
	    !(st.new_baseline = qh_baseline_capture_begin(
		      qh_policy_name(st.policy), today)))
		goto fail;
	if (st.baseline && !(st.diff = qh_baseline_diff_new(st.baseline)))
		goto fail;
	if (open_output(&a, &st, &err) < 0)
		goto fail;
	for (int i = 1; i <= n; i++)
		if (gate_add_input(argv[i], &st.in, &err) < 0)
			goto fail;
	if (finish(&st, &err) < 0)
		goto fail;
	if (fflush(st.out) != 0 || ferror(st.out)) {
		qh_error_errno(&err, errno, "cannot write %s",
			       a.outputs.main_path ? a.outputs.main_path : "stdout");
		goto fail;
	}
	if (st.new_baseline &&
	    qh_baseline_save(st.new_baseline, a.write_baseline, &err) < 0)
		goto fail;
	rc = qh_summary_exit_code(&st.summary);
	goto out;
fail:
	fprintf(stderr, "qhard gate: %s\n", err.msg[0] ? err.msg : "out of memory");
	rc = 3;
out:
	state_free(&st);
	return rc;
}
