/* rules_build.c - rule metadata for the build check ids (see rules.h). */
#include "rules.h"

const struct qh_rule qh_rules_build[] = {
	{ "flag-audit", "Hardening flags really used",
	  "Every C/C++ unit compiled into a produced binary, and every link of "
	  "one, carries the required hardening flags and no later flag cancels "
	  "them (read from compile_commands.json and build.ninja, like blhc).",
	  "remove the cancelling flag (-U_FORTIFY_SOURCE, -fno-stack-protector, "
	  "-O0, -no-pie, -z lazy, -z execstack) from the unit's build "
	  "description, or add the missing one",
	  "8.0" },
	{ "configure", "QEMU configure accepted the profile",
	  "The configure line the profile produced ran to completion in the "
	  "build directory.",
	  "read configure.log in the build directory", "9.0" },
	{ "compile", "QEMU compiled",
	  "ninja built every target of the profile.",
	  "read ninja.log in the build directory", "9.0" },
	{ "devices-extra", "No device outside the profile",
	  "`-device help` of the built emulator lists only devices of the "
	  "profile's closure: anything else widens the attack surface.",
	  "find which Kconfig symbol selects the device (qhard profile "
	  "--explain) and drop it from the devices file", "7.0" },
	{ "devices-missing", "Every allowed device present",
	  "Each device and machine the profile allows appears in `-device "
	  "help` / `-machine help` of the built emulator.",
	  "check the profile's allow list and the devices file", "5.0" },
	{ "devices-closure", "Kconfig closure as planned",
	  "The CONFIG_* set QEMU computed (<target>-config-devices.mak) equals "
	  "the closure the profile planned.",
	  "compare the devices file with the plan (qhard profile --explain)",
	  "6.0" },
	{ 0 },
};
