/* checksec.c - qhard checksec: ELF hardening report for files and trees.
 *
 * Glue only: options -> input list (operands, stdin, -r walks) -> worker
 * threads running qh_analyze_path -> policy -> emitter, in input order.
 * Workers fill numbered slots; the main thread emits slot i as soon as it
 * is done, so output streams yet stays in the order the inputs were given.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze.h"
#include "commands.h"
#include "datapath.h"
#include "emit/emit.h"
#include "modules.h"
#include "options.h"
#include "outputs.h"
#include "policy/policy.h"
#include "progress.h"
#include "report.h"
#include "walk.h"

enum {
	OPT_RECURSIVE = 1,
	OPT_JOBS,
	OPT_FORMAT,
	OPT_POLICY,
	OPT_COLOR,
	OPT_DEEP,
	OPT_VERBOSE,
	OPT_DEBUG_ROOT,
	OPT_OUTPUT,
};

static const struct qh_option options[] = {
	{ 'r', "recursive", NULL, "walk directories (symlinked directories are "
	  "not followed; non-ELF files are skipped)", OPT_RECURSIVE, NULL },
	{ 'j', "jobs", "N", "analyse N files in parallel (default: number of "
	  "CPUs)", OPT_JOBS, NULL },
	QH_OPTION_FORMAT(OPT_FORMAT),
	QH_OPTION_OUTPUT(OPT_OUTPUT),
	QH_OPTION_POLICY(OPT_POLICY),
	QH_OPTION_COLOR(OPT_COLOR),
	{ 0, "deep", NULL, "also disassemble: canary/IBT/stack-clash coverage, "
	  "fortify call sites, per-CU flags", OPT_DEEP, NULL },
	{ 0, "debug-root", "DIR", "where --deep looks for separate debug files "
	  "(default /usr/lib/debug)", OPT_DEBUG_ROOT, NULL },
	QH_OPTION_VERBOSE(OPT_VERBOSE),
	{ 0 },
};

static const struct qh_command_spec spec = {
	"checksec",
	"qhard checksec [options] PATH...",
	"Report the hardening of ELF files: RELRO, PIE, NX, stack canary, "
	"FORTIFY,\nRPATH/RUNPATH, text relocations, RWX segments, CET, BTI/PAC, "
	"sanitizers.\nPATH '-' reads paths from standard input, one per line.",
	options,
	"exit status: 0 all pass, 1 a check fails the policy, 2 usage error,\n"
	"3 an input could not be analysed (every other input is still "
	"reported).\nSee qhard-checksec(1).",
};
const struct qh_command_spec *const qh_checksec_spec = &spec; /* completion */

struct config {
	bool recursive;
	bool deep;
	bool verbose;
	unsigned long jobs;
	const char *format;
	const char *policy_path;
	const char *color;
	const char *debug_root;
	struct qh_outputs outputs;
};

static int on_option(int id, const char *arg, void *vctx)
{
	struct config *cfg = vctx;

	switch (id) {
	case OPT_RECURSIVE: cfg->recursive = true; break;
	case OPT_DEEP: cfg->deep = true; break;
	case OPT_VERBOSE: cfg->verbose = true; break;
	case OPT_FORMAT: cfg->format = arg; break;
	case OPT_POLICY: cfg->policy_path = arg; break;
	case OPT_COLOR: cfg->color = arg; break;
	case OPT_DEBUG_ROOT: cfg->debug_root = arg; break;
	case OPT_OUTPUT: return qh_outputs_add(&cfg->outputs, arg, &spec);
	case OPT_JOBS:
		if (qh_parse_uint(arg, 1024, &cfg->jobs) < 0 || cfg->jobs == 0)
			return qh_usage_error(&spec, "--jobs wants a number "
					      "from 1 to 1024, not '%s'", arg);
		break;
	default:
		break;
	}
	return 0;
}

/* ---- the input list ---------------------------------------------------- */

struct job {
	char *path;
	char *walk_error;  /* a directory the walk could not read */
	bool walked;       /* found by -r: non-ELF files are dropped */
	bool done;
	struct qh_result *res; /* NULL when dropped (or out of memory) */
};

struct jobs {
	struct job *v;
	size_t n, cap;
};

static int jobs_add(struct jobs *js, const char *path, const char *walk_error,
		    bool walked)
{
	void *arr = js->v;
	struct job *j;

	if (qh_array_reserve(&arr, &js->cap, js->n + 1, sizeof(*js->v)) < 0)
		return -1;
	js->v = arr;
	j = &js->v[js->n];
	memset(j, 0, sizeof(*j));
	j->path = strdup(path);
	j->walk_error = walk_error ? strdup(walk_error) : NULL;
	j->walked = walked;
	if (!j->path || (walk_error && !j->walk_error)) {
		free(j->path);
		free(j->walk_error);
		return -1;
	}
	js->n++;
	return 0;
}

static void jobs_free(struct jobs *js)
{
	for (size_t i = 0; i < js->n; i++) {
		free(js->v[i].path);
		free(js->v[i].walk_error);
		qh_result_free(js->v[i].res);
	}
	free(js->v);
}

/* A status line while -r lists and analyses a tree (tool/progress.h):
 * set up once in cmd_checksec, used by the main thread only. */
static struct qh_progress progress;
static bool stdout_is_tty;

static int on_walk(const char *path, const char *error, void *ctx)
{
	struct jobs *js = ctx;

	if (jobs_add(js, path, error, error == NULL) < 0)
		return -1;
	qh_progress_show(&progress, false, "qhard checksec: listing, %zu files",
			 js->n);
	return 0;
}

static int add_operand(struct jobs *js, const char *path, bool recursive)
{
	struct qh_error err = { "" };
	struct stat st;

	if (recursive && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		int rc = qh_walk(path, on_walk, js, &err);

		if (rc == -1 && err.msg[0])
			return jobs_add(js, path, err.msg, false);
		return rc;
	}
	return jobs_add(js, path, NULL, false);
}

static int read_stdin_paths(struct jobs *js, bool recursive)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, stdin)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len > 0)
			rc = add_operand(js, line, recursive);
	}
	free(line);
	return rc;
}

/* ---- workers ------------------------------------------------------------ */

struct pool {
	struct jobs *jobs;
	const struct qh_analyze_options *opts;
	pthread_mutex_t lock;
	pthread_cond_t done;
	size_t next;
	size_t waiting; /* the job emit_all waits for (SIZE_MAX: none) */
	bool inline_jobs; /* -j1: emit_all runs each job itself, no threads */
};

static struct qh_result *run_job(struct job *j,
				 const struct qh_analyze_options *opts)
{
	struct qh_result *res;
	bool not_elf;

	if (j->walk_error) {
		res = qh_result_new(j->path, NULL);
		if (res && qh_result_set_error(res, "%s", j->walk_error) < 0) {
			qh_result_free(res);
			res = NULL;
		}
		return res;
	}
	/* -r skips non-ELF files silently (an unreadable one is reported) */
	if (j->walked)
		return qh_analyze_walked(j->path, opts, &not_elf);
	return qh_analyze_path(j->path, opts);
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		struct qh_result *res;
		size_t i;

		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->jobs->n)
			return NULL;
		res = run_job(&p->jobs->v[i], p->opts);
		pthread_mutex_lock(&p->lock);
		p->jobs->v[i].res = res;
		p->jobs->v[i].done = true;
		/* wake the emitter only for the one job it waits for: a wake-up
		 * per file was most of the system time of a /usr/bin scan */
		if (p->waiting == i)
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->lock);
	}
}

/* A dropped job that was not a non-ELF walk entry means out of memory. */
static bool job_dropped_ok(const struct job *j)
{
	return j->walked && !j->walk_error;
}

/* Emit results in input order as workers finish them. */
static int emit_all(struct pool *p, struct qh_emitter *em,
		    const struct qh_policy *pol, struct qh_summary *sum)
{
	struct qh_error err = { "" };
	int rc = 0;

	for (size_t i = 0; i < p->jobs->n; i++) {
		struct job *j = &p->jobs->v[i];
		struct qh_result *res;

		if (p->inline_jobs) {
			res = run_job(j, p->opts);
		} else {
			pthread_mutex_lock(&p->lock);
			p->waiting = i;
			while (!j->done)
				pthread_cond_wait(&p->done, &p->lock);
			p->waiting = SIZE_MAX;
			res = j->res;
			j->res = NULL;
			pthread_mutex_unlock(&p->lock);
		}
		if (!res) {
			if (job_dropped_ok(j))
				continue;
			qh_progress_clear(&progress);
			qh_error_set(&err, "%s: out of memory", j->path);
			fprintf(stderr, "qhard checksec: %s\n", err.msg);
			rc = -1;
			continue;
		}
		if (!res->error && qh_policy_apply(pol, res, &err) < 0) {
			qh_progress_clear(&progress);
			qh_error_prefix(&err, "%s: ", res->path);
			fprintf(stderr, "qhard checksec: %s\n", err.msg);
			rc = -1;
		}
		qh_summary_add(sum, res);
		if (stdout_is_tty)
			qh_progress_clear(&progress);
		if (rc == 0 && qh_emitter_result(em, res, &err) < 0) {
			qh_progress_clear(&progress);
			fprintf(stderr, "qhard checksec: %s\n", err.msg);
			rc = -1;
		}
		qh_result_free(res);
		qh_progress_show(&progress, false, "[%zu/%zu] %s", i + 1,
				 p->jobs->n, j->path);
	}
	qh_progress_clear(&progress);
	return rc;
}

static unsigned long default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned long)n : 1;
}

/* Everything after option parsing; returns the exit code. */
static int run(struct config *cfg, struct jobs *js,
	       struct qh_policy *pol)
{
	struct qh_analyze_options aopts = { cfg->deep, cfg->debug_root, 0 };
	struct qh_emit_options eopts = { false, cfg->verbose };
	struct qh_summary sum = { 0 };
	struct qh_error err = { "" };
	struct qh_emitter *em = NULL;
	struct qh_report *rep = NULL;
	struct pool p = { js, &aopts, PTHREAD_MUTEX_INITIALIZER,
			  PTHREAD_COND_INITIALIZER, 0, SIZE_MAX, false };
	pthread_t *threads = NULL;
	FILE *out;
	size_t nthreads = cfg->jobs ? cfg->jobs : default_jobs(), started = 0;
	int code = 3, erc;

	if (qh_color_mode(cfg->color, &eopts.color) < 0)
		return qh_usage_error(&spec, "--color wants auto, always or "
				      "never, not '%s'", cfg->color);
	if (cfg->outputs.main_path && !(cfg->color && strcmp(cfg->color, "always") == 0))
		eopts.color = false; /* --output PATH: a file, not the terminal */
	if (cfg->deep && qh_module_need("deep", &err) < 0) {
		fprintf(stderr, "qhard checksec: --deep: %s\n", err.msg);
		return 2;
	}
	if (nthreads > js->n)
		nthreads = js->n ? js->n : 1;
	/* Threads: read small files rather than map them (qh_elf_open_ex),
	 * and keep those buffers in malloc's arenas. An mmap'd chunk or a
	 * trimmed heap is given back with munmap/madvise, and each of those
	 * is a TLB shootdown to every other worker thread. */
	if (nthreads > 1) {
		aopts.read_max = 256 * 1024;
		mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
		mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	}
	rep = qh_report_new("checksec", &err);
	out = rep ? qh_outputs_open_main(&cfg->outputs, &err) : NULL;
	em = out ? qh_emitter_new(cfg->format, out, &eopts, &err) : NULL;
	if (!em || qh_outputs_attach(&cfg->outputs, em, &err) < 0) {
		qh_emitter_free(em);
		qh_report_free(rep);
		qh_outputs_close_main(&cfg->outputs, NULL);
		return qh_usage_error(&spec, "%s", err.msg);
	}
	threads = calloc(nthreads, sizeof(*threads));
	if (!threads || qh_emitter_begin(em, rep, &err) < 0) {
		fprintf(stderr, "qhard checksec: %s\n",
			threads ? err.msg : "out of memory");
		goto out;
	}
	p.inline_jobs = nthreads == 1;
	for (; started < nthreads && !p.inline_jobs; started++)
		if (pthread_create(&threads[started], NULL, worker, &p) != 0)
			break;
	if (started == 0 && !p.inline_jobs) {
		fprintf(stderr, "qhard checksec: cannot start threads\n");
		goto out;
	}
	erc = emit_all(&p, em, pol, &sum);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	started = 0;
	/* a run that failed does not end the report: --output files are
	 * put in place by the end only */
	if (erc < 0 || qh_emitter_end(em, rep, &sum, &err) < 0 ||
	    qh_outputs_close_main(&cfg->outputs, &err) < 0) {
		if (err.msg[0])
			fprintf(stderr, "qhard checksec: %s\n", err.msg);
		goto out;
	}
	code = qh_summary_exit_code(&sum);
out:
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	qh_emitter_free(em);
	qh_outputs_close_main(&cfg->outputs, NULL);
	qh_report_free(rep);
	return code;
}

int cmd_checksec(int argc, char **argv)
{
	struct config cfg = { .format = "text" };
	struct qh_error err = { "" };
	struct jobs js = { 0 };
	struct qh_policy *pol;
	char policy_buf[QH_DATA_PATH_MAX];
	int n = 0, rc;

	rc = qh_parse_options(argc, argv, &spec, on_option, &cfg, &n);
	if (rc >= 0)
		return rc;
	if (n == 0)
		return qh_usage_error(&spec, "no PATH given");
	if (!qh_emit_format_known(cfg.format))
		return qh_usage_error(&spec, "unknown format '%s'", cfg.format);
	if (cfg.policy_path &&
	    !(cfg.policy_path = qh_data_find(QH_DATA_POLICY, cfg.policy_path,
					     policy_buf, sizeof(policy_buf), &err)))
		return qh_usage_error(&spec, "%s", err.msg);
	pol = cfg.policy_path ? qh_policy_load(cfg.policy_path, &err) :
				qh_policy_default(&err);
	if (!pol)
		return qh_usage_error(&spec, "%s", err.msg);
	if (!cfg.deep && qh_policy_deep_required(pol)) {
		/* a required deep check must be decided, never skipped */
		fprintf(stderr, "qhard checksec: policy %s requires %s: running the "
			"deep pass (--deep)\n", qh_policy_name(pol),
			qh_policy_deep_required(pol));
		cfg.deep = true;
	}
	/* an unreadable operand is a job with its error; only running out
	 * of memory stops here, and nothing later may hide it (rc was
	 * qh_parse_options' "go on", a negative value) */
	rc = 0;
	qh_progress_init(&progress, cfg.recursive);
	stdout_is_tty = isatty(STDOUT_FILENO);
	for (int i = 1; i <= n && rc == 0; i++) {
		rc = strcmp(argv[i], "-") == 0 ?
			     read_stdin_paths(&js, cfg.recursive) :
			     add_operand(&js, argv[i], cfg.recursive);
	}
	qh_progress_clear(&progress);
	if (rc != 0) {
		fprintf(stderr, "qhard checksec: out of memory\n");
		rc = 3;
	} else {
		rc = run(&cfg, &js, pol);
	}
	jobs_free(&js);
	qh_policy_free(pol);
	return rc;
}
