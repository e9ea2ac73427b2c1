/* run.c - posix_spawn with a pipe, reaping, and a bounded capture (see
 * run.h). */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

double qh_monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int qh_spawn_piped(const char *const *argv, const char *cwd,
		   char *const *envv, bool own_group, pid_t *pid, int *rfd,
		   struct qh_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int fds[2], rc;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return qh_error_errno(err, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	posix_spawnattr_init(&attr);
	if (own_group) {
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
		posix_spawnattr_setpgroup(&attr, 0);
	}
	rc = posix_spawnp(pid, argv[0], &fa, &attr, (char *const *)argv,
			  envv ? envv : environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return qh_error_errno(err, rc, "cannot run %s", argv[0]);
	}
	*rfd = fds[0];
	return 0;
}

int qh_wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int qh_run_capture(const char *const *argv, const char *cwd,
		   unsigned timeout_s, size_t max_bytes, char **output,
		   int *status, struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	double deadline = qh_monotonic_seconds() + timeout_s;
	bool killed = false;
	pid_t pid;
	int fd;

	*output = NULL;
	*status = -1;
	if (qh_spawn_piped(argv, cwd, NULL, false, &pid, &fd, err) < 0)
		return -1;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int left = (int)((deadline - qh_monotonic_seconds()) * 1000);
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
	*status = qh_wait_status(pid);
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
