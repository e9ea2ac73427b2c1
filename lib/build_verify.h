/* build_verify.h - turn what a QEMU build really produced into the one
 * qhard report: configure/compile outcome, the flag audit, checksec of
 * every produced binary under the policy, and the device lists of the
 * built emulator against the profile's closure.
 */
#ifndef QHARD_BUILD_VERIFY_H
#define QHARD_BUILD_VERIFY_H

#include <stdbool.h>

#include "build_driver.h"
#include "policy.h"
#include "qemu_plan.h"
#include "report.h"

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

#endif
