/* rules_gate.c - rule metadata for the gate check ids (see rules.h). */
#include "rules.h"

const struct qh_rule qh_rules_gate[] = {
	{ "waiver-expired", "Expired waiver",
	  "A waiver accepted a finding until its expiry date, and that date has "
	  "passed: the finding is no longer accepted and the gate fails until "
	  "the finding is fixed or the waiver is renewed with a new reason.",
	  "fix the finding, or renew the waiver with a new expires date and "
	  "reason", "7.0" },
	{ "waiver-unused", "Unused waiver",
	  "A waiver matched no failing or warning check: the finding it "
	  "accepted is gone (or its path or check is wrong). Delete it so it "
	  "cannot hide a future regression.",
	  "remove the waiver, or correct its path or check", "1.0" },
	{ "baseline-regression", "Regression against the baseline",
	  "A check that passed in the recorded baseline fails now, a binary "
	  "or device not in the baseline appeared, or a deep check's coverage "
	  "dropped.",
	  "restore the hardening the baseline had, or record a new baseline "
	  "with qhard gate --write-baseline once the change is accepted",
	  "8.0" },
	{ "profile-match", "Build made from the policy's profile",
	  "The policy holds builds to a device allow-list profile; this qhard "
	  "build report was made from another profile (or none), so its device "
	  "checks prove nothing about the allow list the policy asks for.",
	  "rebuild with qhard build --profile <the policy's profile>", "7.5" },
	{ 0 },
};
