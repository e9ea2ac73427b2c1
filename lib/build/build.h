/* build/build.h - `qhard build`'s library: run QEMU's configure and ninja
 * (build_driver.c) and verify what the build produced (build_verify.c).
 */
#ifndef QHARD_BUILD_BUILD_H
#define QHARD_BUILD_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "qemu/qemu.h"
#include "qh.h"
#include "report.h"

/* ---- The driver (build_driver.c): run QEMU's configure and ninja in a
 * build dir, and run the produced emulator for its help listings only.
 *
 * Every program is started with posix_spawn and an argv (never a shell).
 * The full output of configure and ninja goes to logs in the build dir
 * (qhard-configure.log, qhard-ninja.log); lines are also handed to the
 * caller's progress callback, because lib/ never prints.
 *
 * Facts about Debian's QEMU 7.2 dfsg source that the driver relies on:
 *  - the bundled meson/, dtc/, slirp/ and the firmware blobs are removed:
 *    the system meson (>= 0.61.5, Debian 12 has 1.0.1) is picked up by
 *    configure, fdt must come from libfdt-dev (--enable-fdt=system), and
 *    --disable-install-blobs keeps meson from installing missing ROMs;
 *  - Debian's skip-meson-pc-bios.diff (applied by apt-get source) keeps
 *    pc-bios/meson.build out of the build, so the missing edk2 .fd.bz2
 *    files are never referenced even when bzip2 is installed;
 *  - --with-devices-ARCH=NAME is resolved by configure as
 *    configs/devices/ARCH-softmmu/NAME.mak inside the source tree, so a
 *    devices file outside the tree is passed as a relative path from there
 *    (an absolute path does not work) without the ".mak" suffix.
 */

/* phase: "configure", "ninja", "run"; line: one output line without '\n'
 * (NULL when the phase starts). */
typedef void (*qh_build_progress_fn)(void *ctx, const char *phase,
				     const char *line);

struct qh_build_options {
	const char *build_dir;             /* created when missing */
	const char *const *configure_argv; /* NULL-terminated; [0] = configure */
	const char *const *targets;        /* ninja targets, NULL-terminated */
	unsigned jobs;                     /* 0: ninja's default */
	bool keep_going;                   /* ninja -k 0 */
	bool reuse;     /* skip configure when the stamp matches */
	bool configure_only; /* stop after configure (a reference build
				whose build.ninja is all that is read) */
	const char *stamp_text; /* what defines the configuration (argv,
				   devices files...): hashed into the stamp */
	bool ccache;            /* put ccache in front when installed */
	const char *ccache_dir; /* CCACHE_DIR (NULL: ccache's default) */
	const char *ccache_basedir; /* CCACHE_BASEDIR: relative paths let
				       several build dirs share objects */
	qh_build_progress_fn progress;
	void *progress_ctx;
	unsigned stop_grace_ms; /* after an interruption, how long the
				   child's group may take to exit before it
				   gets SIGKILL (0: QH_BUILD_STOP_GRACE_MS) */
};

#define QH_BUILD_STOP_GRACE_MS 10000

struct qh_build_outcome {
	bool reused;          /* configure skipped: the stamp matched */
	bool configured;      /* configure succeeded (or was reused) */
	int configure_status; /* exit status (-1: not run / killed) */
	bool compiled;
	int ninja_status;
	bool ccache_used;
	double configure_seconds;
	double compile_seconds;
	char *configure_log; /* paths of the logs */
	char *ninja_log;
	char *stamp;         /* hex hash of stamp_text */
	int interrupted;     /* signal that stopped the run (0: none) */
};

/* Configure (unless reused) and build. Returns 0 when the steps could be
 * run at all (look at outcome for success), -1 + err when not (no build
 * dir, cannot spawn, interrupted: then outcome->interrupted is the signal
 * and err says which child was stopped). */
int qh_build_run(const struct qh_build_options *o,
		 struct qh_build_outcome *out, struct qh_error *err);
void qh_build_outcome_free(struct qh_build_outcome *out);

/* Interruption. configure and ninja run in their own process group, so a
 * terminal's Ctrl-C reaches qhard only, and a SIGTERM sent to qhard alone
 * would leave the build running. The tool's handler for SIGINT, SIGTERM
 * and SIGHUP calls qh_build_interrupt(signo): it records the signal and
 * forwards it to the running child's whole group (ninja passes it on to
 * its compilers); a second signal sends SIGKILL instead. Async-signal-safe
 * (it stores a sig_atomic_t and calls kill). qh_build_run then waits for
 * the child (SIGKILL to the group after stop_grace_ms), removes the reuse
 * stamp, and returns -1. A signal that came before or between the children
 * stops the run before the next one starts. */
void qh_build_interrupt(int signo);
/* The recorded signal, 0 when none. */
int qh_build_interrupted(void);
/* Forget a recorded signal (tests run several builds in one process). */
void qh_build_interrupt_clear(void);
/* "SIGINT", "SIGTERM", "SIGHUP", ... ("signal" for others). */
const char *qh_signal_name(int signo);

/* Sum of the PT_LOAD file sizes of an ELF file (what gets mapped: a size
 * comparable between stripped and unstripped builds). */
int qh_elf_load_size(const char *path, uint64_t *size, struct qh_error *err);

/* Hex FNV-1a of text (the stamp). */
void qh_build_stamp_hash(const char *text, char out[17]);

/* ---- Verification (build_verify.c): turn what a QEMU build really
 * produced into the one qhard report: configure/compile outcome, the flag audit, checksec of
 * every produced binary under the policy, and the device lists of the
 * built emulator against the profile's closure.
 */

/* The ninja targets (= produced executables, relative to the build dir)
 * of a plan: qemu-system-ARCH per softmmu target. NULL-terminated. */
char **qh_build_targets(const struct qh_plan *plan, struct qh_error *err);

struct qh_build_verify_options {
	const char *build_dir;
	const char *profile_path;
	const struct qh_build_outcome *outcome;
	const struct qh_policy *policy;
	/* The distro emulator to compare device counts and size with, per
	 * arch: "/usr/bin/qemu-system-%s" (NULL: no comparison). */
	const char *compare_pattern;
	unsigned help_timeout; /* seconds for each -device/-machine help run */
	/* A configured default-devices build of the same tree and flags
	 * (qh_plan_reference_argv): the report counts the hw/ units its
	 * emulators link beside ours. NULL: none, reference_note says why. */
	const char *reference_dir;
	const char *reference_note;
	double started;        /* CLOCK_MONOTONIC seconds when the run began */
};

/* Fill r (command "build"): results and the "build" extra section.
 * Returns -1 only on out-of-memory; every other problem is a result. */
int qh_build_verify(const struct qh_plan *plan,
		    const struct qh_build_verify_options *o,
		    struct qh_report *r, struct qh_error *err);

/* A devices .mak reduced to what configure reads: comments (which name
 * the profile's path) and blank lines dropped, lines trimmed. */
char *qh_mak_meaningful(const char *text, size_t len);

/* What the configuration depends on, hashed into the reuse stamp: the
 * configure argv and the meaningful content of every devices file. */
char *qh_build_stamp_text(const struct qh_plan *plan);

/* ---- Progress (build_progress.c): ninja's "[n/total]" status lines ->
 * steps done, elapsed time and an estimate of what is left. The caller
 * passes its clock (seconds, any origin) and decides what to print. */
struct qh_build_progress {
	bool started;
	double start;         /* clock at the first status line */
	unsigned long done, total;
	double elapsed;       /* seconds since the first status line */
	double remaining;     /* estimate in seconds, -1 when too early */
};

/* Reads one output line; false (p unchanged) when it is not a status line. */
bool qh_build_progress_line(struct qh_build_progress *p, const char *line,
			    double now);
unsigned qh_build_progress_percent(const struct qh_build_progress *p);
/* "42% (840/2000), 3:05 elapsed, about 4:15 left" into out. */
void qh_build_progress_format(const struct qh_build_progress *p, char *out,
			      size_t size);

/* ---- Kept mtimes (keep_mtime.c): the devices files of a plan folder
 * whose meaningful lines (qh_mak_meaningful) did not change get their old
 * mtime back, so ninja does not regenerate the build for a comment. */
struct qh_mtime_keep;

/* The regular files of dir with their content and mtime (best effort:
 * what cannot be read is not kept; NULL only on out-of-memory). */
struct qh_mtime_keep *qh_mtime_keep_snapshot(const char *dir);
/* Put back the mtime of each file whose meaning is unchanged; frees k
 * (NULL is fine). */
void qh_mtime_keep_restore(struct qh_mtime_keep *k);

#endif
