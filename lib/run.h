/* run.h - start programs without a shell: posix_spawn with an argv, output
 * on a pipe, and a bounded runner that captures it.
 *
 * The build driver (lib/build) streams configure and ninja through
 * qh_spawn_piped; the QEMU host probes (lib/qemu) and the build
 * verification capture short outputs with qh_run_capture.
 */
#ifndef QHARD_RUN_H
#define QHARD_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "qh.h"

/* CLOCK_MONOTONIC in seconds. */
double qh_monotonic_seconds(void);

/* Spawn argv (PATH search) with stdout+stderr on a pipe (returned in *rfd,
 * close-on-exec), stdin from /dev/null, in cwd (NULL: ours), with envv
 * (NULL: our environment); with own_group, as the leader of a new process
 * group (so it and its children can be signalled as a whole). */
int qh_spawn_piped(const char *const *argv, const char *cwd,
		   char *const *envv, bool own_group, pid_t *pid, int *rfd,
		   struct qh_error *err);
/* Reap pid (retrying on EINTR): its exit status, -1 when a signal killed
 * it or it cannot be waited for. */
int qh_wait_status(pid_t pid);

/* Run argv (no shell, stdin /dev/null, in `cwd` or NULL) and capture its
 * stdout+stderr up to max_bytes; kill it after timeout_s seconds. *status
 * is the exit status, or -1 when killed by a signal / the timeout. */
int qh_run_capture(const char *const *argv, const char *cwd,
		   unsigned timeout_s, size_t max_bytes, char **output,
		   int *status, struct qh_error *err);

#endif
