/* build_driver.c - configure + ninja with posix_spawn, logs, stamp, and a
 * bounded runner for the emulator's help listings (see build_driver.h). */
#include "build_driver.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json_util.h"

extern char **environ;

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

/* ---- spawning --------------------------------------------------------- */

/* Spawn argv with stdout+stderr on a pipe (returned in *rfd), stdin from
 * /dev/null, in cwd. */
static int spawn_piped(const char *const *argv, const char *cwd,
		       char *const *envv, pid_t *pid, int *rfd,
		       struct qh_error *err)
{
	posix_spawn_file_actions_t fa;
	int fds[2], rc;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return qh_error_errno(err, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	rc = posix_spawnp(pid, argv[0], &fa, NULL, (char *const *)argv,
			  envv ? envv : environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return qh_error_errno(err, rc, "cannot run %s", argv[0]);
	}
	*rfd = fds[0];
	return 0;
}

static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Copy the child's output to `log` and hand every line to the progress
 * callback; returns the exit status. */
static int stream_child(const char *const *argv, const char *cwd,
			char *const *envv, FILE *log, const char *phase,
			const struct qh_build_options *o, struct qh_error *err)
{
	struct qh_buf line = QH_BUF_INIT;
	char buf[8192];
	pid_t pid;
	int fd;
	ssize_t got;

	if (spawn_piped(argv, cwd, envv, &pid, &fd, err) < 0)
		return -2;
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
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
	return wait_status(pid);
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

int qh_build_run(const struct qh_build_options *o,
		 struct qh_build_outcome *out, struct qh_error *err)
{
	struct envp env = { 0 };
	char hash[17];
	char *stamp_path = NULL;
	const char **nargv = NULL;
	size_t nargc = 0, ncap = 0;
	char jobs[32];
	FILE *log = NULL;
	char *lock_path;
	int lock_fd;
	double t0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->configure_status = -1;
	out->ninja_status = -1;
	if (mkdir(o->build_dir, 0755) < 0 && errno != EEXIST)
		return qh_error_errno(err, errno, "%s", o->build_dir);
	/* Two runs on one build dir (parallel test suites sharing the cache)
	 * would corrupt it: the second waits for the first. */
	lock_path = path_in(o->build_dir, "qhard-build.lock");
	if (!lock_path)
		return qh_error_set(err, "out of memory");
	lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(lock_path);
	if (lock_fd < 0)
		return qh_error_errno(err, errno, "%s/qhard-build.lock", o->build_dir);
	while (flock(lock_fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(lock_fd);
			return qh_error_errno(err, errno, "lock %s", o->build_dir);
		}
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
		if (!(log = fopen(out->configure_log, "w"))) {
			qh_error_errno(err, errno, "%s", out->configure_log);
			goto done;
		}
		if (o->progress)
			o->progress(o->progress_ctx, "configure", NULL);
		t0 = now_seconds();
		out->configure_status = stream_child(o->configure_argv,
						     o->build_dir, env.v, log,
						     "configure", o, err);
		out->configure_seconds = now_seconds() - t0;
		fclose(log);
		log = NULL;
		if (out->configure_status == -2)
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

	/* ninja -C DIR [-j N] [-k 0] TARGET... */
#define PUSH(s) do { \
		if (qh_array_reserve((void **)&nargv, &ncap, nargc + 2, sizeof(char *)) < 0) { \
			qh_error_set(err, "out of memory"); goto done; } \
		nargv[nargc++] = (s); nargv[nargc] = NULL; } while (0)
	PUSH("ninja");
	PUSH("-C");
	PUSH(o->build_dir);
	if (o->jobs) {
		snprintf(jobs, sizeof(jobs), "-j%u", o->jobs);
		PUSH(jobs);
	}
	if (o->keep_going) {
		PUSH("-k");
		PUSH("0");
	}
	for (size_t i = 0; o->targets && o->targets[i]; i++)
		PUSH(o->targets[i]);
#undef PUSH
	if (!(log = fopen(out->ninja_log, "w"))) {
		qh_error_errno(err, errno, "%s", out->ninja_log);
		goto done;
	}
	if (o->progress)
		o->progress(o->progress_ctx, "ninja", NULL);
	t0 = now_seconds();
	out->ninja_status = stream_child(nargv, NULL, env.v, log, "ninja", o, err);
	out->compile_seconds = now_seconds() - t0;
	if (out->ninja_status == -2)
		goto done;
	out->compiled = out->ninja_status == 0;
	rc = 0;
done:
	if (log)
		fclose(log);
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

/* ---- bounded capture -------------------------------------------------- */

int qh_run_capture(const char *const *argv, const char *cwd,
		   unsigned timeout_s, size_t max_bytes, char **output,
		   int *status, struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	double deadline = now_seconds() + timeout_s;
	bool killed = false;
	pid_t pid;
	int fd;

	*output = NULL;
	*status = -1;
	if (spawn_piped(argv, cwd, NULL, &pid, &fd, err) < 0)
		return -1;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int left = (int)((deadline - now_seconds()) * 1000);
		char buf[8192];
		ssize_t got;

		if (left <= 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		if (poll(&pfd, 1, left) <= 0)
			continue;
		got = read(fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (b.len < max_bytes &&
		    qh_buf_append(&b, buf, (size_t)got < max_bytes - b.len ?
					       (size_t)got : max_bytes - b.len) < 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
	}
	close(fd);
	*status = wait_status(pid);
	if (killed) {
		*status = -1;
		qh_buf_free(&b);
		return qh_error_set(err, "%s: killed after %u s or out of memory",
				    argv[0], timeout_s);
	}
	if (!b.data && qh_buf_puts(&b, "") < 0)
		return qh_error_set(err, "out of memory");
	*output = qh_buf_detach(&b);
	return 0;
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
