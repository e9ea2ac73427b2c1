/* build_driver.c - configure + ninja in their own process group, logs,
 * stamp and interruption (see build.h; spawning is lib/run.c). */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json_util.h"
#include "run.h"

extern char **environ;

void qh_build_stamp_hash(const char *text, char out[17])
{
	const char *fields[] = { text ? text : "" };

	snprintf(out, 17, "%016llx",
		 (unsigned long long)qh_fnv1a64(fields, 1));
}

/* ---- environment ------------------------------------------------------ */

struct envp {
	char **v;
	size_t n, cap;
};

static int env_put(struct envp *e, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *s;

	if (asprintf(&s, "%s=%s", name, value) < 0)
		return -1;
	for (size_t i = 0; i < e->n; i++)
		if (strncmp(e->v[i], name, len) == 0 && e->v[i][len] == '=') {
			free(e->v[i]);
			e->v[i] = s;
			return 0;
		}
	if (qh_array_reserve((void **)&e->v, &e->cap, e->n + 2, sizeof(char *)) < 0) {
		free(s);
		return -1;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
	return 0;
}

static void env_free(struct envp *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
}

static int env_from_environ(struct envp *e)
{
	memset(e, 0, sizeof(*e));
	for (char **p = environ; *p; p++) {
		char *eq = strchr(*p, '=');
		char name[256];

		if (!eq || (size_t)(eq - *p) >= sizeof(name))
			continue;
		memcpy(name, *p, (size_t)(eq - *p));
		name[eq - *p] = '\0';
		if (env_put(e, name, eq + 1) < 0)
			return -1;
	}
	if (!e->v && qh_array_reserve((void **)&e->v, &e->cap, 1, sizeof(char *)) < 0)
		return -1;
	e->v[e->n] = NULL;
	return 0;
}

/* ccache's compiler symlinks directory (Debian: /usr/lib/ccache). Putting it
 * first in PATH keeps compile_commands.json free of a launcher word while
 * every "cc" meson runs goes through ccache. */
static const char *ccache_masq_dir(void)
{
	static const char *const dirs[] = { "/usr/lib/ccache",
					    "/usr/lib64/ccache" };

	for (size_t i = 0; i < QH_ARRAY_LEN(dirs); i++) {
		char probe[64];

		snprintf(probe, sizeof(probe), "%s/cc", dirs[i]);
		if (access(probe, X_OK) == 0)
			return dirs[i];
	}
	return NULL;
}

static int build_env(const struct qh_build_options *o, struct envp *e,
		     bool *ccache_used)
{
	const char *masq = o->ccache ? ccache_masq_dir() : NULL;

	*ccache_used = false;
	if (env_from_environ(e) < 0)
		return -1;
	if (masq) {
		const char *path = getenv("PATH");
		char *np;

		if (asprintf(&np, "%s:%s", masq, path ? path : "/usr/bin:/bin") < 0)
			return -1;
		if (env_put(e, "PATH", np) < 0) {
			free(np);
			return -1;
		}
		free(np);
		if ((o->ccache_dir && env_put(e, "CCACHE_DIR", o->ccache_dir) < 0) ||
		    (o->ccache_basedir &&
		     env_put(e, "CCACHE_BASEDIR", o->ccache_basedir) < 0) ||
		    /* QEMU builds with -g; without this the cwd is hashed
		     * and two build dirs never share an object. */
		    env_put(e, "CCACHE_NOHASHDIR", "1") < 0)
			return -1;
		*ccache_used = true;
	}
	return 0;
}

/* ---- interruption ----------------------------------------------------- */

/* Written by the tool's signal handler (qh_build_interrupt), read by the
 * loops below, which wake up with EINTR (no SA_RESTART) or poll with a
 * timeout while a child is being stopped. */
static volatile sig_atomic_t interrupt_signo;
static volatile sig_atomic_t interrupt_count;
/* Process group (= pid) of the running configure or ninja, 0 when none.
 * Cleared before the leader is reaped: while it is unreaped (a zombie at
 * worst) its id cannot name another process group. */
static volatile sig_atomic_t running_pgid;

void qh_build_interrupt(int signo)
{
	int saved = errno;
	pid_t pgid = (pid_t)running_pgid;

	if (!interrupt_signo)
		interrupt_signo = signo;
	if (interrupt_count < 2)
		interrupt_count++;
	/* Asked twice: the user does not want to wait for a clean stop. */
	if (pgid > 0)
		kill(-pgid, interrupt_count > 1 ? SIGKILL : signo);
	errno = saved;
}

int qh_build_interrupted(void)
{
	return interrupt_signo;
}

void qh_build_interrupt_clear(void)
{
	interrupt_signo = 0;
	interrupt_count = 0;
}

const char *qh_signal_name(int signo)
{
	switch (signo) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGQUIT: return "SIGQUIT";
	case SIGKILL: return "SIGKILL";
	case SIGPIPE: return "SIGPIPE";
	default: return "signal";
	}
}

/* ---- a child in its own group ----------------------------------------- */

/* A configure or ninja run in its own group, and how far stopping it got. */
struct child {
	pid_t pid;
	unsigned grace_ms;
	double deadline; /* 0: not being stopped */
	bool killed;     /* the group got SIGKILL */
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL); /* EINTR: the caller's loop looks again */
}

/* Called each time a loop wakes up. At the first sight of an interruption
 * the group gets the signal (again: the handler could not forward it when
 * it came before running_pgid was set) and the grace period starts; when
 * that runs out, the group gets SIGKILL. */
static void child_check(struct child *c)
{
	int sig = interrupt_signo;

	if (!sig)
		return;
	if (c->deadline == 0) {
		kill(-c->pid, sig);
		c->deadline = qh_monotonic_seconds() + c->grace_ms / 1000.0;
	} else if (!c->killed && qh_monotonic_seconds() >= c->deadline) {
		kill(-c->pid, SIGKILL);
		c->killed = true;
	}
}

/* poll timeout: forever normally, up to the deadline while stopping. */
static int child_poll_ms(const struct child *c)
{
	double left;

	if (c->deadline == 0 || c->killed)
		return -1;
	left = (c->deadline - qh_monotonic_seconds()) * 1000 + 1;
	return left < 1 ? 1 : left > 60000 ? 60000 : (int)left;
}

/* Wait for the leader to exit, then reap it. */
static int child_wait(struct child *c)
{
	for (;;) {
		siginfo_t si;
		int flags = WEXITED | WNOWAIT;

		child_check(c);
		if (c->deadline != 0 && !c->killed)
			flags |= WNOHANG;
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)c->pid, &si, flags) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (si.si_pid == c->pid)
			break;
		sleep_ms(20);
	}
	running_pgid = 0;
	/* The leader is a zombie, so its id still names the group: what is
	 * left of an interrupted build (say a shell's background job, which
	 * ignores SIGINT) must not outlive it. */
	if (c->deadline != 0)
		kill(-c->pid, SIGKILL);
	return qh_wait_status(c->pid);
}

/* Copy the child's output to `log` and hand every line to the progress
 * callback; returns the exit status (-1: killed by a signal), -2 + err
 * when it could not be started. *pid: the child's pid. */
static int stream_child(const char *const *argv, const char *cwd,
			char *const *envv, FILE *log, const char *phase,
			const struct qh_build_options *o, pid_t *pid,
			struct qh_error *err)
{
	struct qh_buf line = QH_BUF_INIT;
	struct child c = { 0 };
	char buf[8192];
	int fd;
	ssize_t got;

	if (qh_spawn_piped(argv, cwd, envv, true, &c.pid, &fd, err) < 0)
		return -2;
	*pid = c.pid;
	running_pgid = c.pid;
	c.grace_ms = o->stop_grace_ms ? o->stop_grace_ms : QH_BUILD_STOP_GRACE_MS;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int ready;

		child_check(&c);
		/* After SIGKILL only a process that left the group can still
		 * hold the pipe: stop reading. */
		if (c.killed)
			break;
		ready = poll(&pfd, 1, child_poll_ms(&c));
		if (ready < 0 && errno != EINTR)
			break;
		if (ready <= 0)
			continue;
		got = read(fd, buf, sizeof(buf));
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (got == 0)
			break;
		/* Flushed per chunk so `tail -f` on the log follows the build. */
		fwrite(buf, 1, (size_t)got, log);
		fflush(log);
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] == '\n') {
				if (o->progress)
					o->progress(o->progress_ctx, phase,
						    line.data ? line.data : "");
				qh_buf_reset(&line);
			} else if (line.len < 4096) {
				qh_buf_putc(&line, buf[i]);
			}
		}
	}
	if (line.len && o->progress)
		o->progress(o->progress_ctx, phase, line.data);
	qh_buf_free(&line);
	close(fd);
	fflush(log);
	return child_wait(&c);
}

/* ---- configure + ninja ------------------------------------------------ */

static char *path_in(const char *dir, const char *name)
{
	char *p;

	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

static bool stamp_matches(const char *stamp_path, const char *hash,
			  const char *build_dir)
{
	char buf[64] = "";
	char *ninja = path_in(build_dir, "build.ninja");
	FILE *f;
	bool ok = false;

	if (ninja && access(ninja, R_OK) == 0 && (f = fopen(stamp_path, "r"))) {
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = '\0';
			ok = strcmp(buf, hash) == 0;
		}
		fclose(f);
	}
	free(ninja);
	return ok;
}

/* Has the run been interrupted? Then say where (pid > 0: that child was
 * stopped; else the signal came before `phase` started). */
static bool stopped(struct qh_build_outcome *out, struct qh_error *err,
		    const char *phase, pid_t pid)
{
	int sig = interrupt_signo;

	if (!sig)
		return false;
	out->interrupted = sig;
	if (pid > 0)
		qh_error_set(err, "interrupted by %s; stopped %s (pid %ld)",
			     qh_signal_name(sig), phase, (long)pid);
	else
		qh_error_set(err, "interrupted by %s before %s started",
			     qh_signal_name(sig), phase);
	return true;
}

/* Two runs on one build dir (parallel test suites sharing the cache)
 * would corrupt it: the second waits for the first. Returns the locked
 * descriptor (closing it releases the lock), -1 + err. */
static int lock_build_dir(const char *dir, struct qh_build_outcome *out,
			  struct qh_error *err)
{
	char *lock_path = path_in(dir, "qhard-build.lock");
	int lock_fd;

	if (!lock_path)
		return qh_error_set(err, "out of memory");
	lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(lock_path);
	if (lock_fd < 0)
		return qh_error_errno(err, errno, "%s/qhard-build.lock", dir);
	while (flock(lock_fd, LOCK_EX) < 0) {
		if (errno == EINTR && interrupt_signo) {
			/* Not ours to touch: the stamp belongs to the other run. */
			out->interrupted = interrupt_signo;
			close(lock_fd);
			return qh_error_set(err, "interrupted by %s while waiting "
					    "for another run on %s",
					    qh_signal_name(interrupt_signo), dir);
		}
		if (errno != EINTR) {
			close(lock_fd);
			return qh_error_errno(err, errno, "lock %s", dir);
		}
	}
	return lock_fd;
}

/* ninja -C DIR [-j N] [-k 0] TARGET... (NULL-terminated; the strings are
 * o's and jobs, which holds the -j word). NULL on out-of-memory. */
static const char **ninja_argv(const struct qh_build_options *o, char jobs[32])
{
	const char **v = NULL;
	size_t n = 0, cap = 0;
	size_t ntargets = 0;

	while (o->targets && o->targets[ntargets])
		ntargets++;
	if (qh_array_reserve((void **)&v, &cap, ntargets + 7, sizeof(char *)) < 0)
		return NULL;
	v[n++] = "ninja";
	v[n++] = "-C";
	v[n++] = o->build_dir;
	if (o->jobs) {
		snprintf(jobs, 32, "-j%u", o->jobs);
		v[n++] = jobs;
	}
	if (o->keep_going) {
		v[n++] = "-k";
		v[n++] = "0";
	}
	for (size_t i = 0; i < ntargets; i++)
		v[n++] = o->targets[i];
	v[n] = NULL;
	return v;
}

int qh_build_run(const struct qh_build_options *o,
		 struct qh_build_outcome *out, struct qh_error *err)
{
	struct envp env = { 0 };
	char hash[17];
	char *stamp_path = NULL;
	const char **nargv = NULL;
	char jobs[32];
	FILE *log = NULL;
	pid_t pid = 0;
	int lock_fd;
	double t0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->configure_status = -1;
	out->ninja_status = -1;
	if (mkdir(o->build_dir, 0755) < 0 && errno != EEXIST)
		return qh_error_errno(err, errno, "%s", o->build_dir);
	lock_fd = lock_build_dir(o->build_dir, out, err);
	if (lock_fd < 0)
		return -1;
	qh_build_stamp_hash(o->stamp_text, hash);
	out->stamp = strdup(hash);
	out->configure_log = path_in(o->build_dir, "qhard-configure.log");
	out->ninja_log = path_in(o->build_dir, "qhard-ninja.log");
	stamp_path = path_in(o->build_dir, "qhard-build.stamp");
	if (!out->stamp || !out->configure_log || !out->ninja_log || !stamp_path) {
		qh_error_set(err, "out of memory");
		goto done;
	}
	if (build_env(o, &env, &out->ccache_used) < 0) {
		qh_error_set(err, "out of memory");
		goto done;
	}

	if (o->reuse && stamp_matches(stamp_path, hash, o->build_dir)) {
		out->reused = true;
		out->configured = true;
		out->configure_status = 0;
	} else {
		/* A half-configured dir must not look reusable. */
		unlink(stamp_path);
		if (stopped(out, err, "configure", 0))
			goto done;
		if (!(log = fopen(out->configure_log, "w"))) {
			qh_error_errno(err, errno, "%s", out->configure_log);
			goto done;
		}
		if (o->progress)
			o->progress(o->progress_ctx, "configure", NULL);
		t0 = qh_monotonic_seconds();
		out->configure_status = stream_child(o->configure_argv,
						     o->build_dir, env.v, log,
						     "configure", o, &pid, err);
		out->configure_seconds = qh_monotonic_seconds() - t0;
		fclose(log);
		log = NULL;
		if (out->configure_status == -2 ||
		    stopped(out, err, "configure", pid))
			goto done;
		out->configured = out->configure_status == 0;
		if (!out->configured) {
			rc = 0;
			goto done;
		}
		if ((log = fopen(stamp_path, "w"))) {
			fprintf(log, "%s\n", hash);
			fclose(log);
			log = NULL;
		}
	}
	if (o->configure_only) {
		rc = 0;
		goto done;
	}

	if (!(nargv = ninja_argv(o, jobs))) {
		qh_error_set(err, "out of memory");
		goto done;
	}
	if (stopped(out, err, "ninja", 0))
		goto done;
	if (!(log = fopen(out->ninja_log, "w"))) {
		qh_error_errno(err, errno, "%s", out->ninja_log);
		goto done;
	}
	if (o->progress)
		o->progress(o->progress_ctx, "ninja", NULL);
	t0 = qh_monotonic_seconds();
	pid = 0;
	out->ninja_status = stream_child(nargv, NULL, env.v, log, "ninja", o,
					 &pid, err);
	out->compile_seconds = qh_monotonic_seconds() - t0;
	if (out->ninja_status == -2 || stopped(out, err, "ninja", pid))
		goto done;
	out->compiled = out->ninja_status == 0;
	rc = 0;
done:
	if (log)
		fclose(log);
	/* Whatever the interrupted child left (a half-written build.ninja,
	 * a meson regeneration cut short) is not a configuration --reuse may
	 * trust: the next run configures again. */
	if (out->interrupted && stamp_path)
		unlink(stamp_path);
	close(lock_fd); /* releases the lock */
	free(nargv);
	free(stamp_path);
	env_free(&env);
	return rc;
}

void qh_build_outcome_free(struct qh_build_outcome *out)
{
	if (!out)
		return;
	free(out->configure_log);
	free(out->ninja_log);
	free(out->stamp);
	memset(out, 0, sizeof(*out));
}

/* ---- size ------------------------------------------------------------- */

int qh_elf_load_size(const char *path, uint64_t *size, struct qh_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;
	size_t n;
	int rc = -1;

	*size = 0;
	if (fd < 0)
		return qh_error_errno(err, errno, "%s", path);
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &n) != 0) {
		qh_error_set(err, "%s: %s", path,
			     e ? "not an ELF file" : elf_errmsg(-1));
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
			*size += ph.p_filesz;
	}
	rc = 0;
done:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}
