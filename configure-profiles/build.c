/* build.c - qhard build: profile -> configure -> ninja -> verify what came
 * out (flag audit, checksec under the policy, device lists) -> one report.
 * The work is in lib/ (qemu/qemu.h, build/build.h); this
 * file parses options, shows progress and emits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "commands.h"
#include "datapath.h"
#include "emit/emit.h"
#include "fileio.h"
#include "options.h"
#include "outputs.h"
#include "policy/policy.h"
#include "progress.h"
#include "qemu/qemu.h"
#include "run.h"

enum {
	OPT_PROFILE = 1, OPT_QEMU_SRC, OPT_BUILD_DIR, OPT_JOBS, OPT_KEEP_GOING,
	OPT_REUSE, OPT_FORMAT, OPT_CFLAGS, OPT_LDFLAGS, OPT_DEVICES_FILE,
	OPT_NO_CCACHE, OPT_POLICY, OPT_COMPARE, OPT_COLOR, OPT_QUIET,
	OPT_NO_REFERENCE, OPT_OUTPUT,
};

static const struct qh_option options[] = {
	{ 'p', "profile", "PROFILE", "device allow-list profile: a name (kvm-virtio-minimal) or an INI path, see qhard-profile(5)", OPT_PROFILE, NULL },
	{ 's', "qemu-src", "DIR", "QEMU source tree (never modified); default $QHARD_QEMU_SRC", OPT_QEMU_SRC, NULL },
	{ 'b', "build-dir", "DIR", "out-of-tree build directory; default ./build-<profile name>", OPT_BUILD_DIR, NULL },
	{ 'j', "jobs", "N", "parallel compile jobs for ninja (default: ninja's)", OPT_JOBS, NULL },
	{ 'k', "keep-going", NULL, "let ninja go on after a failed step (-k 0)", OPT_KEEP_GOING, NULL },
	{ 0, "reuse", NULL, "skip configure when the build dir was configured from the same plan", OPT_REUSE, NULL },
	QH_OPTION_FORMAT(OPT_FORMAT),
	QH_OPTION_OUTPUT(OPT_OUTPUT),
	{ 0, "extra-cflags", "FLAGS", "more compiler flags (appended last; e.g. to prove the audit catches -fno-stack-protector)", OPT_CFLAGS, NULL },
	{ 0, "extra-ldflags", "FLAGS", "more linker flags (appended last)", OPT_LDFLAGS, NULL },
	{ 0, "devices-file", "FILE", "use this devices .mak for the first target instead of the planned one, and verify it against the profile", OPT_DEVICES_FILE, NULL },
	{ 0, "no-ccache", NULL, "do not compile through ccache even when it is installed", OPT_NO_CCACHE, NULL },
	QH_OPTION_POLICY(OPT_POLICY),
	{ 0, "compare", "PATTERN", "distro emulator to compare device count and size with; default /usr/bin/qemu-system-%s ('' for none)", OPT_COMPARE, NULL },
	{ 0, "no-reference", NULL, "do not configure the default-devices reference build (BUILD_DIR/qhard-reference) whose linked hw/ units the report counts beside ours", OPT_NO_REFERENCE, NULL },
	QH_OPTION_COLOR(OPT_COLOR),
	{ 'q', "quiet", NULL, "no progress on stderr", OPT_QUIET, NULL },
	{ 0 },
};

static const struct qh_command_spec spec = {
	"build",
	"qhard build --profile PROFILE --qemu-src DIR [--build-dir DIR] [options]",
	"build a minimized, hardened QEMU from a profile and verify what came out",
	options,
	"Runs the profile's configure line out of tree, then ninja (logs:\n"
	"qhard-configure.log, qhard-ninja.log in the build dir), then checks the\n"
	"flags every unit really used, checksec of every produced binary, and the\n"
	"devices the emulator lists (-device help / -machine help only; no guest).\n"
	"Exit: 0 all verified, 1 a check failed (configure, compile, flag audit,\n"
	"binary policy, devices), 2 usage or bad profile, 3 a binary could not be\n"
	"analysed. Ctrl-C, SIGTERM or SIGHUP stop configure or ninja and all they\n"
	"started, remove the --reuse stamp, and qhard dies of the signal (130, 143,\n"
	"129).",
};
const struct qh_command_spec *const qh_build_spec = &spec; /* completion */

struct opts {
	const char *profile, *src, *build_dir, *format, *devices_file;
	const char *policy, *compare, *color;
	struct qh_plan_options plan;
	unsigned long jobs;
	bool keep_going, reuse, no_ccache, quiet, no_reference;
	struct qh_outputs outputs;
};

static int on_option(int id, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	switch (id) {
	case OPT_PROFILE: o->profile = arg; break;
	case OPT_QEMU_SRC: o->src = arg; break;
	case OPT_BUILD_DIR: o->build_dir = arg; break;
	case OPT_JOBS:
		if (qh_parse_uint(arg, 1024, &o->jobs) < 0 || o->jobs == 0)
			return qh_usage_error(&spec, "--jobs wants a number from 1 to 1024, not '%s'", arg);
		break;
	case OPT_KEEP_GOING: o->keep_going = true; break;
	case OPT_REUSE: o->reuse = true; break;
	case OPT_FORMAT:
		if (!qh_emit_format_known(arg))
			return qh_usage_error(&spec, "unknown format '%s'", arg);
		o->format = arg;
		break;
	case OPT_CFLAGS: o->plan.extra_cflags = arg; break;
	case OPT_LDFLAGS: o->plan.extra_ldflags = arg; break;
	case OPT_DEVICES_FILE: o->devices_file = arg; break;
	case OPT_NO_CCACHE: o->no_ccache = true; break;
	case OPT_POLICY: o->policy = arg; break;
	case OPT_COMPARE: o->compare = arg; break;
	case OPT_COLOR: o->color = arg; break;
	case OPT_QUIET: o->quiet = true; break;
	case OPT_NO_REFERENCE: o->no_reference = true; break;
	case OPT_OUTPUT: return qh_outputs_add(&o->outputs, arg, &spec);
	}
	return 0;
}

/* Progress: on a terminal, one status line (tool/progress.h) with ninja's
 * [n/total], the elapsed time and an estimate (lib/build: build_progress.c);
 * otherwise one line per stage and one per tenth of ninja's steps, so a CI
 * log shows where a 10-minute build is. The full output is in the logs. */
struct progress {
	bool tty, quiet;
	const char *build_dir;
	struct qh_progress line;       /* the terminal's status line */
	struct qh_build_progress ninja;
	unsigned logged_tenths;        /* not a terminal: tenths logged */
};

static void progress_start(struct progress *p, bool quiet, const char *build_dir)
{
	qh_progress_init(&p->line, !quiet);
	p->tty = p->line.on;
	p->quiet = quiet;
	p->build_dir = build_dir;
}

static void progress_end_line(struct progress *p)
{
	qh_progress_clear(&p->line);
}

static void on_progress(void *ctx, const char *phase, const char *line)
{
	struct progress *p = ctx;
	char where[96];
	const char *what;

	if (p->quiet)
		return;
	if (!line) {
		progress_end_line(p);
		memset(&p->ninja, 0, sizeof(p->ninja));
		p->logged_tenths = 0;
		fprintf(stderr, "qhard build: %s in %s (log: qhard-%s.log)\n",
			phase, p->build_dir, phase);
		return;
	}
	if (strcmp(phase, "ninja") != 0 ||
	    !qh_build_progress_line(&p->ninja, line, qh_monotonic_seconds()))
		return;
	qh_build_progress_format(&p->ninja, where, sizeof(where));
	if (p->tty) {
		what = strchr(line, ']');
		qh_progress_show(&p->line, false, "%s  %s", where,
				 what && what[1] ? what + 2 : "");
	} else if (qh_build_progress_percent(&p->ninja) / 10 > p->logged_tenths) {
		p->logged_tenths = qh_build_progress_percent(&p->ninja) / 10;
		fprintf(stderr, "qhard build: ninja %s\n", where);
	}
}

/* Ctrl-C, a CI runner's SIGTERM, a closed terminal: configure and ninja
 * run in their own process group (lib/build/build.h), so these reach
 * qhard only and the handler forwards them. Installed just around the
 * build; a signal ignored when qhard started (nohup, `&` in a script)
 * stays ignored. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

struct stop_handlers {
	struct sigaction old[QH_ARRAY_LEN(stop_signals)];
	bool set[QH_ARRAY_LEN(stop_signals)];
};

static void on_stop_signal(int signo)
{
	qh_build_interrupt(signo);
}

static void stop_handlers_install(struct stop_handlers *h)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	/* No SA_RESTART: the driver's poll and waitid wake up with EINTR and
	 * look at the flag. One handler at a time: no nesting. */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < QH_ARRAY_LEN(stop_signals); i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	for (size_t i = 0; i < QH_ARRAY_LEN(stop_signals); i++) {
		h->set[i] = false;
		if (sigaction(stop_signals[i], NULL, &h->old[i]) < 0 ||
		    h->old[i].sa_handler == SIG_IGN)
			continue;
		h->set[i] = sigaction(stop_signals[i], &sa, NULL) == 0;
	}
}

static void stop_handlers_restore(struct stop_handlers *h)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(stop_signals); i++)
		if (h->set[i])
			sigaction(stop_signals[i], &h->old[i], NULL);
}

/* After the cleanup: die of the same signal, so that a calling shell sees
 * it (status 128+N; a script's loop stops on Ctrl-C). 128+N is returned
 * only if that did not work. */
static int die_of(int signo)
{
	sigset_t set;

	fflush(NULL);
	signal(signo, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, signo);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(signo);
	return 128 + signo;
}

static char *absolute(const char *path)
{
	char *abs;

	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return NULL;
	abs = realpath(path, NULL);
	return abs;
}

/* The default-devices build of the same tree and flags, configured only
 * (its build.ninja says which hw/ units its emulator links), in
 * BUILD_DIR/qhard-reference and reused while its line is unchanged.
 * Returns the dir, or NULL with *note saying why there is none. */
static char *configure_reference(const struct qh_plan *plan, const char *build_dir,
				 struct progress *prog, const char **note)
{
	struct qh_strlist argv = { 0 };
	struct qh_build_outcome bo = { 0 };
	struct qh_error err = { { 0 } };
	struct qh_buf stamp = QH_BUF_INIT;
	const char **cargv = NULL;
	char *dir = NULL;
	int rc;

	*note = "out of memory";
	if (qh_plan_reference_argv(plan, &argv) < 0 ||
	    !(cargv = calloc(argv.n + 1, sizeof(*cargv))) ||
	    asprintf(&dir, "%s/qhard-reference", build_dir) < 0) {
		dir = NULL;
		goto out;
	}
	for (size_t i = 0; i < argv.n; i++) {
		cargv[i] = argv.items[i];
		qh_buf_printf(&stamp, "%s\n", argv.items[i]);
	}
	struct qh_build_options bopt = {
		.build_dir = dir,
		.configure_argv = cargv,
		.configure_only = true,
		.reuse = true,
		.stamp_text = stamp.data ? stamp.data : "",
		.progress = on_progress,
		.progress_ctx = prog,
	};

	const char *main_dir = prog->build_dir;

	if (!prog->quiet)
		fprintf(stderr, "qhard build: default-devices reference build (configure only)\n");
	prog->build_dir = dir;
	rc = qh_build_run(&bopt, &bo, &err);
	prog->build_dir = main_dir;
	if (rc < 0 || !bo.configured) {
		*note = bo.configure_status > 0 ?
			"the reference configure failed (log: qhard-reference/qhard-configure.log)" :
			"the reference configure could not run";
		free(dir);
		dir = NULL;
	}
	progress_end_line(prog);
out:
	qh_build_outcome_free(&bo);
	qh_strlist_free(&argv);
	qh_buf_free(&stamp);
	free(cargv);
	return dir;
}

/* Everything one `qhard build` run holds, freed by run_free(). */
struct build_run {
	struct opts o;
	struct qh_emit_options eo;
	struct qh_error err;
	struct qh_policy *pol;
	struct qh_profile *pr;
	struct qh_plan *plan;
	struct qh_build_outcome bo;
	struct progress prog;
	struct qh_report *r;
	char **targets, *stamp_text, *build_dir, *plan_dir, *ref_dir;
	const char *ref_note;
	struct qh_mtime_keep *kept;
	double started;
	int interrupted;
	char default_dir[256];
	char profile_buf[QH_DATA_PATH_MAX], policy_buf[QH_DATA_PATH_MAX];
};

static void run_free(struct build_run *b)
{
	qh_outputs_close_main(&b->o.outputs, NULL);
	qh_mtime_keep_restore(b->kept);
	qh_report_free(b->r);
	qh_build_outcome_free(&b->bo);
	for (size_t i = 0; b->targets && b->targets[i]; i++)
		free(b->targets[i]);
	free(b->targets);
	free(b->stamp_text);
	free(b->plan_dir);
	free(b->build_dir);
	free(b->ref_dir);
	qh_plan_free(b->plan);
	qh_profile_free(b->pr);
	qh_policy_free(b->pol);
}

/* Options after parsing: names resolved, defaults set. -1 to go on, else
 * the exit code (usage errors are 2). */
static int check_options(struct build_run *b, int noperands, char **argv)
{
	struct opts *o = &b->o;

	if (noperands > 0)
		return qh_usage_error(&spec, "unexpected argument '%s'", argv[1]);
	if (!o->profile)
		return qh_usage_error(&spec, "--profile PROFILE is needed");
	if (!(o->profile = qh_data_find(QH_DATA_PROFILE, o->profile, b->profile_buf,
					sizeof(b->profile_buf), &b->err)) ||
	    (o->policy && !(o->policy = qh_data_find(QH_DATA_POLICY, o->policy,
						     b->policy_buf,
						     sizeof(b->policy_buf), &b->err))))
		return qh_usage_error(&spec, "%s", b->err.msg);
	if (!o->src)
		o->src = getenv("QHARD_QEMU_SRC");
	if (!o->src)
		return qh_usage_error(&spec, "--qemu-src DIR is needed (or $QHARD_QEMU_SRC)");
	if (qh_color_mode(o->color, &b->eo.color) < 0)
		return qh_usage_error(&spec, "--color wants auto, always or never");
	if (o->compare && !o->compare[0])
		o->compare = NULL;
	if (o->compare && (!strstr(o->compare, "%s") ||
			   strchr(strstr(o->compare, "%s") + 2, '%') ||
			   strstr(o->compare, "%") != strstr(o->compare, "%s")))
		return qh_usage_error(&spec, "--compare wants a path with one %%s for the arch");
	if (!o->build_dir) {
		const char *base = strrchr(o->profile, '/');

		base = base ? base + 1 : o->profile;
		snprintf(b->default_dir, sizeof(b->default_dir), "build-%.*s",
			 (int)strcspn(base, "."), base);
		o->build_dir = b->default_dir;
	}
	return -1;
}

/* Policy, profile and tree, in the order and with the codes of qhard
 * profile: a bad profile is a usage error (2), an unreadable tree could
 * not be analysed (3); both are found before anything is created. */
static int load_inputs(struct build_run *b)
{
	struct qh_qemu_tree *tree;

	b->pol = b->o.policy ? qh_policy_load(b->o.policy, &b->err) :
			       qh_policy_default(&b->err);
	if (!b->pol || !(b->pr = qh_profile_load(b->o.profile, &b->err)))
		return qh_usage_error(&spec, "%s", b->err.msg);
	tree = qh_qemu_tree_open(b->o.src, &b->err);
	if (!tree) {
		fprintf(stderr, "qhard build: %s\n", b->err.msg);
		return 3;
	}
	qh_qemu_tree_free(tree);
	return -1;
}

/* The plan and its devices files, in BUILD_DIR/qhard-plan (the QEMU tree
 * is never written to), with unchanged files keeping their mtime. */
static int make_plan(struct build_run *b)
{
	struct qh_plan *plan;

	b->build_dir = absolute(b->o.build_dir);
	if (!b->build_dir) {
		fprintf(stderr, "qhard build: %s: %s\n", b->o.build_dir, strerror(errno));
		return 3;
	}
	if (asprintf(&b->plan_dir, "%s/qhard-plan", b->build_dir) < 0) {
		b->plan_dir = NULL;
		return 3;
	}
	b->kept = qh_mtime_keep_snapshot(b->plan_dir);
	plan = b->plan = qh_plan_create_from(b->pr, b->o.src, b->plan_dir,
					     &b->o.plan, &b->err);
	b->pr = NULL; /* owned by the plan now, freed on failure too */
	if (!plan || qh_plan_write(plan, &b->err) < 0) {
		fprintf(stderr, "qhard build: %s\n", b->err.msg);
		return 2;
	}
	for (size_t i = 0; i < plan->ntargets; i++)
		if (plan->targets[i].link_blocker && !b->o.devices_file) {
			fprintf(stderr, "qhard build: %s: this QEMU cannot link the profile's "
				"closure, not building: %s\n", plan->targets[i].name,
				plan->targets[i].link_blocker);
			return 2;
		}
	if (b->o.devices_file &&
	    (plan->ntargets == 0 ||
	     qh_copy_file(b->o.devices_file, plan->targets[0].devices_file,
			  &b->err) < 0)) {
		fprintf(stderr, "qhard build: cannot use devices file %s: %s\n",
			b->o.devices_file, plan->ntargets ? b->err.msg : "no target");
		return 2;
	}
	qh_mtime_keep_restore(b->kept);
	b->kept = NULL;
	b->targets = qh_build_targets(plan, &b->err);
	b->stamp_text = qh_build_stamp_text(plan);
	if (!b->targets || !b->stamp_text) {
		fprintf(stderr, "qhard build: out of memory\n");
		return 3;
	}
	return -1;
}

/* A signal that came while (or as) a stage finished still means "stop". */
static bool stopped_by_signal(struct build_run *b, bool after_build)
{
	b->interrupted = qh_build_interrupted();
	if (!b->interrupted)
		return false;
	if (!after_build)
		fprintf(stderr, "qhard build: interrupted by %s\n",
			qh_signal_name(b->interrupted));
	else {
		if (!b->bo.interrupted)
			snprintf(b->err.msg, sizeof(b->err.msg),
				 "interrupted by %s after the build",
				 qh_signal_name(b->interrupted));
		fprintf(stderr, "qhard build: %s\n", b->err.msg);
	}
	return true;
}

/* configure + ninja of the minimized tree. */
static int run_build(struct build_run *b)
{
	const char *cache = getenv("QHARD_CACHE");
	char *ccache_dir = NULL;
	/* qh_strlist is not NULL-terminated; posix_spawn wants it. */
	const char **cargv = calloc(b->plan->configure_argv.n + 1, sizeof(*cargv));
	struct stop_handlers stop;
	int rc;

	if (!cargv)
		return 3;
	for (size_t i = 0; i < b->plan->configure_argv.n; i++)
		cargv[i] = b->plan->configure_argv.items[i];
	struct qh_build_options bopt = {
		.build_dir = b->build_dir,
		.configure_argv = cargv,
		.targets = (const char *const *)b->targets,
		.jobs = (unsigned)b->o.jobs,
		.keep_going = b->o.keep_going,
		.reuse = b->o.reuse,
		.stamp_text = b->stamp_text,
		.ccache = !b->o.no_ccache,
		.progress = on_progress,
		.progress_ctx = &b->prog,
	};

	/* ccache shares objects between build dirs (same devices and flags)
	 * only when paths in compile lines are relative: base them at the
	 * common parent. */
	if (cache && cache[0] && asprintf(&ccache_dir, "%s/ccache", cache) >= 0) {
		bopt.ccache_dir = ccache_dir;
		bopt.ccache_basedir = cache;
	}
	stop_handlers_install(&stop);
	rc = qh_build_run(&bopt, &b->bo, &b->err);
	stop_handlers_restore(&stop);
	free(ccache_dir);
	free(cargv);
	progress_end_line(&b->prog);
	if (stopped_by_signal(b, true))
		return 0; /* the exit status is the signal's */
	if (rc < 0) {
		fprintf(stderr, "qhard build: %s\n", b->err.msg);
		return 3;
	}
	return -1;
}

/* The default-devices reference (configure only), when it can help. */
static int run_reference(struct build_run *b)
{
	struct stop_handlers stop;

	if (!b->bo.compiled) {
		b->ref_note = "the build failed";
		return -1;
	}
	if (b->o.no_reference) {
		b->ref_note = "not configured (--no-reference)";
		return -1;
	}
	stop_handlers_install(&stop);
	b->ref_dir = configure_reference(b->plan, b->build_dir, &b->prog,
					 &b->ref_note);
	stop_handlers_restore(&stop);
	return stopped_by_signal(b, false) ? 0 : -1;
}

/* Verify what the build produced and emit the one report. */
static int verify_and_report(struct build_run *b)
{
	struct qh_summary sum;
	struct qh_build_verify_options vo = {
		.build_dir = b->build_dir,
		.profile_path = b->o.profile,
		.outcome = &b->bo,
		.policy = b->pol,
		.compare_pattern = b->o.compare,
		.help_timeout = 60,
		.started = b->started,
		.reference_dir = b->ref_dir,
		.reference_note = b->ref_note,
	};

	if (!b->o.quiet)
		fprintf(stderr, "qhard build: verifying %s\n", b->build_dir);
	b->r = qh_report_new("build", &b->err);
	if (!b->r)
		return 3;
	if (qh_build_verify(b->plan, &vo, b->r, &b->err) < 0) {
		fprintf(stderr, "qhard build: %s\n", b->err.msg);
		return 3;
	}
	if (b->o.outputs.main_path)
		b->eo.color = b->o.color && strcmp(b->o.color, "always") == 0;
	if (qh_outputs_emit_report(&b->o.outputs, b->r, b->o.format, &b->eo,
				   &b->err) < 0 ||
	    qh_outputs_close_main(&b->o.outputs, &b->err) < 0) {
		fprintf(stderr, "qhard build: %s\n", b->err.msg);
		return 3;
	}
	qh_report_summary(b->r, &sum);
	return qh_summary_exit_code(&sum);
}

int cmd_build(int argc, char **argv)
{
	struct build_run b = { 0 };
	int n = 0, rc;

	b.started = qh_monotonic_seconds();
	b.o.format = "text";
	b.o.compare = "/usr/bin/qemu-system-%s";
	rc = qh_parse_options(argc, argv, &spec, on_option, &b.o, &n);
	if (rc >= 0)
		return rc;
	rc = check_options(&b, n, argv);
	if (rc < 0)
		rc = load_inputs(&b);
	if (rc < 0)
		rc = make_plan(&b);
	if (rc < 0) {
		progress_start(&b.prog, b.o.quiet, b.build_dir);
		rc = run_build(&b);
	}
	if (rc < 0)
		rc = run_reference(&b);
	if (rc < 0)
		rc = verify_and_report(&b);
	run_free(&b);
	return b.interrupted ? die_of(b.interrupted) : rc;
}
