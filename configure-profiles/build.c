/* build.c - qhard build: profile -> configure -> ninja -> verify what came
 * out (flag audit, checksec under the policy, device lists) -> one report.
 * The work is in lib/ (qemu_plan.h, build_driver.h, build_verify.h); this
 * file parses options, shows progress and emits. */
#include <dirent.h>
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
#include "qemu/qemu.h"

enum {
	OPT_PROFILE = 1, OPT_QEMU_SRC, OPT_BUILD_DIR, OPT_JOBS, OPT_KEEP_GOING,
	OPT_REUSE, OPT_FORMAT, OPT_CFLAGS, OPT_LDFLAGS, OPT_DEVICES_FILE,
	OPT_NO_CCACHE, OPT_POLICY, OPT_COMPARE, OPT_COLOR, OPT_QUIET,
	OPT_NO_REFERENCE, OPT_OUTPUT,
};

static const struct qh_option options[] = {
	{ 'p', "profile", "PROFILE", "device allow-list profile: a name (kvm-virtio-minimal) or an INI path, see qhard-profile(5)", OPT_PROFILE },
	{ 's', "qemu-src", "DIR", "QEMU source tree (never modified); default $QHARD_QEMU_SRC", OPT_QEMU_SRC },
	{ 'b', "build-dir", "DIR", "out-of-tree build directory; default ./build-<profile name>", OPT_BUILD_DIR },
	{ 'j', "jobs", "N", "parallel compile jobs for ninja (default: ninja's)", OPT_JOBS },
	{ 'k', "keep-going", NULL, "let ninja go on after a failed step (-k 0)", OPT_KEEP_GOING },
	{ 0, "reuse", NULL, "skip configure when the build dir was configured from the same plan", OPT_REUSE },
	{ 'f', "format", "FMT", "report format: text, json, sarif, csv, junit, markdown", OPT_FORMAT },
	QH_OPTION_OUTPUT(OPT_OUTPUT),
	{ 0, "extra-cflags", "FLAGS", "more compiler flags (appended last; e.g. to prove the audit catches -fno-stack-protector)", OPT_CFLAGS },
	{ 0, "extra-ldflags", "FLAGS", "more linker flags (appended last)", OPT_LDFLAGS },
	{ 0, "devices-file", "FILE", "use this devices .mak for the first target instead of the planned one, and verify it against the profile", OPT_DEVICES_FILE },
	{ 0, "no-ccache", NULL, "do not compile through ccache even when it is installed", OPT_NO_CCACHE },
	{ 'P', "policy", "POLICY", "policy for the binaries, a name or an INI path (default: the built-in OpenStack guide policy)", OPT_POLICY },
	{ 0, "compare", "PATTERN", "distro emulator to compare device count and size with; default /usr/bin/qemu-system-%s ('' for none)", OPT_COMPARE },
	{ 0, "no-reference", NULL, "do not configure the default-devices reference build (BUILD_DIR/qhard-reference) whose linked hw/ units the report counts beside ours", OPT_NO_REFERENCE },
	{ 0, "color", "WHEN", "text colors: auto, always, never", OPT_COLOR },
	{ 'q', "quiet", NULL, "no progress on stderr", OPT_QUIET },
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

/* Progress: on a terminal ninja's "[n/total] ..." status rewrites one
 * line; otherwise only the phases are announced (the full output is in the
 * logs). */
struct progress {
	bool tty, quiet, open_line;
	const char *build_dir;
};

static void on_progress(void *ctx, const char *phase, const char *line)
{
	struct progress *p = ctx;

	if (p->quiet)
		return;
	if (!line) {
		if (p->open_line)
			fputc('\n', stderr);
		p->open_line = false;
		fprintf(stderr, "qhard build: %s in %s (log: qhard-%s.log)\n",
			phase, p->build_dir, phase);
		return;
	}
	if (p->tty && strcmp(phase, "ninja") == 0 && line[0] == '[') {
		fprintf(stderr, "\r\033[K%.*s", 110, line);
		p->open_line = true;
	}
}

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "r"), *out;
	char buf[4096];
	size_t got;
	int rc = 0;

	if (!in)
		return -1;
	out = fopen(to, "w");
	if (!out) {
		fclose(in);
		return -1;
	}
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, got, out) != got)
			rc = -1;
	fclose(in);
	if (fclose(out) != 0)
		rc = -1;
	return rc;
}

/* The plan rewrites its devices files on every run. meson's build.ninja
 * depends on them, so a new mtime with the same symbols would make ninja
 * regenerate the whole build description: keep the old mtime when only
 * the comments (or nothing) changed. */
struct kept_file {
	char *path;
	char *data;
	size_t len;
	struct timespec mtime;
};

static char *slurp(const char *path, size_t *len)
{
	struct qh_buf b = QH_BUF_INIT;

	if (qh_read_file(path, 0, &b, NULL) < 0)
		return NULL;
	*len = b.len;
	return qh_buf_detach(&b);
}

static size_t keep_snapshot(const char *dir, struct kept_file **out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct kept_file *grown, *k;
		struct stat st;
		char *path;

		if (de->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			continue;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    !(grown = realloc(*out, (n + 1) * sizeof(**out)))) {
			free(path);
			continue;
		}
		*out = grown;
		k = &grown[n];
		k->path = path;
		k->mtime = st.st_mtim;
		k->data = slurp(path, &k->len);
		if (!k->data) {
			free(path);
			continue;
		}
		n++;
	}
	closedir(d);
	return n;
}

static void keep_restore(struct kept_file *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *now = slurp(k[i].path, &len);

		char *a = now ? qh_mak_meaningful(now, len) : NULL;
		char *b = qh_mak_meaningful(k[i].data, k[i].len);

		/* Same symbols (comments may name another checkout's profile
		 * path): configure would read the same thing, keep the mtime. */
		if (a && b && strcmp(a, b) == 0) {
			struct timespec times[2] = { k[i].mtime, k[i].mtime };

			utimensat(AT_FDCWD, k[i].path, times, 0);
		}
		free(a);
		free(b);
		free(now);
		free(k[i].path);
		free(k[i].data);
	}
	free(k);
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

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
	if (prog->open_line) {
		fputc('\n', stderr);
		prog->open_line = false;
	}
out:
	qh_build_outcome_free(&bo);
	qh_strlist_free(&argv);
	qh_buf_free(&stamp);
	free(cargv);
	return dir;
}

int cmd_build(int argc, char **argv)
{
	struct opts o = { 0 };
	struct qh_error err = { { 0 } };
	struct qh_plan *plan = NULL;
	struct qh_profile *pr = NULL;
	struct qh_qemu_tree *tree;
	struct qh_policy *pol = NULL;
	struct qh_report *r = NULL;
	struct qh_build_outcome bo = { 0 };
	struct qh_summary sum;
	struct qh_emit_options eo = { 0 };
	struct progress prog = { 0 };
	char **targets = NULL, *stamp_text = NULL, *build_dir = NULL, *plan_dir = NULL;
	char *ref_dir = NULL;
	const char *ref_note = NULL;
	char default_dir[256];
	char profile_buf[QH_DATA_PATH_MAX], policy_buf[QH_DATA_PATH_MAX];
	struct kept_file *kept = NULL;
	size_t nkept = 0;
	double started = mono_now();
	int n = 0, rc, interrupted = 0;

	o.format = "text";
	o.compare = "/usr/bin/qemu-system-%s";
	rc = qh_parse_options(argc, argv, &spec, on_option, &o, &n);
	if (rc >= 0)
		return rc;
	if (n > 0)
		return qh_usage_error(&spec, "unexpected argument '%s'", argv[1]);
	if (!o.profile)
		return qh_usage_error(&spec, "--profile PROFILE is needed");
	if (!(o.profile = qh_data_find(QH_DATA_PROFILE, o.profile, profile_buf,
				       sizeof(profile_buf), &err)) ||
	    (o.policy && !(o.policy = qh_data_find(QH_DATA_POLICY, o.policy, policy_buf,
						   sizeof(policy_buf), &err))))
		return qh_usage_error(&spec, "%s", err.msg);
	if (!o.src)
		o.src = getenv("QHARD_QEMU_SRC");
	if (!o.src)
		return qh_usage_error(&spec, "--qemu-src DIR is needed (or $QHARD_QEMU_SRC)");
	if (qh_color_mode(o.color, &eo.color) < 0)
		return qh_usage_error(&spec, "--color wants auto, always or never");
	if (o.compare && !o.compare[0])
		o.compare = NULL;
	if (o.compare && (!strstr(o.compare, "%s") || strchr(strstr(o.compare, "%s") + 2, '%') ||
			  strstr(o.compare, "%") != strstr(o.compare, "%s")))
		return qh_usage_error(&spec, "--compare wants a path with one %%s for the arch");
	if (!o.build_dir) {
		const char *base = strrchr(o.profile, '/');

		base = base ? base + 1 : o.profile;
		snprintf(default_dir, sizeof(default_dir), "build-%.*s",
			 (int)strcspn(base, "."), base);
		o.build_dir = default_dir;
	}
	pol = o.policy ? qh_policy_load(o.policy, &err) : qh_policy_default(&err);
	if (!pol)
		return qh_usage_error(&spec, "%s", err.msg);
	/* Same order and codes as qhard profile: a bad profile is a usage
	 * error (2), an unreadable tree could not be analysed (3); both are
	 * found before anything is created or configured. */
	pr = qh_profile_load(o.profile, &err);
	if (!pr) {
		qh_policy_free(pol);
		return qh_usage_error(&spec, "%s", err.msg);
	}
	tree = qh_qemu_tree_open(o.src, &err);
	if (!tree) {
		fprintf(stderr, "qhard build: %s\n", err.msg);
		qh_profile_free(pr);
		qh_policy_free(pol);
		return 3;
	}
	qh_qemu_tree_free(tree);
	build_dir = absolute(o.build_dir);
	if (!build_dir) {
		fprintf(stderr, "qhard build: %s: %s\n", o.build_dir, strerror(errno));
		rc = 3;
		goto out;
	}
	/* The plan (and its devices files) lives in the build dir: the QEMU
	 * tree is never written to. */
	if (asprintf(&plan_dir, "%s/qhard-plan", build_dir) < 0) {
		plan_dir = NULL;
		rc = 3;
		goto out;
	}
	nkept = keep_snapshot(plan_dir, &kept);
	plan = qh_plan_create_from(pr, o.src, plan_dir, &o.plan, &err);
	pr = NULL; /* owned by the plan now, freed on failure too */
	if (!plan || qh_plan_write(plan, &err) < 0) {
		fprintf(stderr, "qhard build: %s\n", err.msg);
		rc = 2;
		goto out;
	}
	for (size_t i = 0; i < plan->ntargets; i++)
		if (plan->targets[i].link_blocker && !o.devices_file) {
			fprintf(stderr, "qhard build: %s: this QEMU cannot link the profile's "
				"closure, not building: %s\n", plan->targets[i].name,
				plan->targets[i].link_blocker);
			rc = 2;
			goto out;
		}
	if (o.devices_file) {
		if (plan->ntargets == 0 ||
		    copy_file(o.devices_file, plan->targets[0].devices_file) < 0) {
			fprintf(stderr, "qhard build: cannot use devices file %s: %s\n",
				o.devices_file, strerror(errno));
			rc = 2;
			goto out;
		}
	}
	keep_restore(kept, nkept);
	kept = NULL;
	nkept = 0;
	targets = qh_build_targets(plan, &err);
	stamp_text = qh_build_stamp_text(plan);
	if (!targets || !stamp_text) {
		fprintf(stderr, "qhard build: out of memory\n");
		rc = 3;
		goto out;
	}
	{
		const char *cache = getenv("QHARD_CACHE");
		char *ccache_dir = NULL;
		/* qh_strlist is not NULL-terminated; posix_spawn wants it. */
		const char **cargv = calloc(plan->configure_argv.n + 1, sizeof(*cargv));

		if (!cargv) {
			rc = 3;
			goto out;
		}
		for (size_t i = 0; i < plan->configure_argv.n; i++)
			cargv[i] = plan->configure_argv.items[i];
		struct qh_build_options bopt = {
			.build_dir = build_dir,
			.configure_argv = cargv,
			.targets = (const char *const *)targets,
			.jobs = (unsigned)o.jobs,
			.keep_going = o.keep_going,
			.reuse = o.reuse,
			.stamp_text = stamp_text,
			.ccache = !o.no_ccache,
			.progress = on_progress,
			.progress_ctx = &prog,
		};

		/* ccache shares objects between build dirs (same devices and
		 * flags) only when paths in compile lines are relative: base
		 * them at the common parent. */
		if (cache && cache[0] && asprintf(&ccache_dir, "%s/ccache", cache) >= 0) {
			bopt.ccache_dir = ccache_dir;
			bopt.ccache_basedir = cache;
		}
		struct stop_handlers stop;

		prog.tty = isatty(2);
		prog.quiet = o.quiet;
		prog.build_dir = build_dir;
		stop_handlers_install(&stop);
		rc = qh_build_run(&bopt, &bo, &err);
		stop_handlers_restore(&stop);
		free(ccache_dir);
		free(cargv);
		if (prog.open_line)
			fputc('\n', stderr);
		/* A signal that came as ninja finished still means "stop". */
		interrupted = qh_build_interrupted();
		if (interrupted) {
			if (!bo.interrupted)
				snprintf(err.msg, sizeof(err.msg),
					 "interrupted by %s after the build",
					 qh_signal_name(interrupted));
			fprintf(stderr, "qhard build: %s\n", err.msg);
			goto out;
		}
		if (rc < 0) {
			fprintf(stderr, "qhard build: %s\n", err.msg);
			rc = 3;
			goto out;
		}
	}
	if (!bo.compiled)
		ref_note = "the build failed";
	else if (o.no_reference)
		ref_note = "not configured (--no-reference)";
	else {
		struct stop_handlers stop;

		stop_handlers_install(&stop);
		ref_dir = configure_reference(plan, build_dir, &prog, &ref_note);
		stop_handlers_restore(&stop);
		interrupted = qh_build_interrupted();
		if (interrupted) {
			fprintf(stderr, "qhard build: interrupted by %s\n", qh_signal_name(interrupted));
			goto out;
		}
	}
	if (!o.quiet)
		fprintf(stderr, "qhard build: verifying %s\n", build_dir);
	r = qh_report_new("build", &err);
	if (!r) {
		rc = 3;
		goto out;
	}
	{
		struct qh_build_verify_options vo = {
			.build_dir = build_dir,
			.profile_path = o.profile,
			.outcome = &bo,
			.policy = pol,
			.compare_pattern = o.compare,
			.help_timeout = 60,
			.started = started,
			.reference_dir = ref_dir,
			.reference_note = ref_note,
		};

		if (qh_build_verify(plan, &vo, r, &err) < 0) {
			fprintf(stderr, "qhard build: %s\n", err.msg);
			rc = 3;
			goto out;
		}
	}
	if (o.outputs.main_path)
		eo.color = o.color && strcmp(o.color, "always") == 0;
	if (qh_outputs_emit_report(&o.outputs, r, o.format, &eo, &err) < 0 ||
	    qh_outputs_close_main(&o.outputs, &err) < 0) {
		fprintf(stderr, "qhard build: %s\n", err.msg);
		rc = 3;
		goto out;
	}
	qh_report_summary(r, &sum);
	rc = qh_summary_exit_code(&sum);
out:
	qh_outputs_close_main(&o.outputs, NULL);
	keep_restore(kept, nkept);
	qh_report_free(r);
	qh_build_outcome_free(&bo);
	for (size_t i = 0; targets && targets[i]; i++)
		free(targets[i]);
	free(targets);
	free(stamp_text);
	free(plan_dir);
	free(build_dir);
	free(ref_dir);
	qh_plan_free(plan);
	qh_profile_free(pr);
	qh_policy_free(pol);
	return interrupted ? die_of(interrupted) : rc;
}
