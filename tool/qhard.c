/* qhard.c - the command table and dispatch, git style. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "qh.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "checksec", cmd_checksec, "report hardening properties of ELF files" },
	{ "profile", cmd_profile, "turn a device allow-list profile into a minimized, hardened QEMU configure invocation" },
	{ "build", cmd_build, "configure and build QEMU from a profile, then verify flags, binaries and devices" },
	{ "audit", cmd_audit, "audit a virtualization host or image root before deployment" },
	{ "gate", cmd_gate, "CI gate: policy, waivers and baselines over binaries, packages or reports" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: qhard [--version] [--help] <command> [<args>]\n\n"
		     "Harden QEMU builds and prove the hardening is there.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < QH_ARRAY_LEN(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'qhard <command> --help' describes a command; "
		     "man qhard-<command> has the details.\n"
		     "Exit codes: 0 ok, 1 policy failure, 2 usage error, "
		     "3 an input could not be analysed.\n");
}

int main(int argc, char **argv)
{
	const char *name;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	name = argv[1];
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 ||
	    strcmp(name, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("qhard %s\n", QHARD_VERSION);
		return 0;
	}
	for (size_t i = 0; i < QH_ARRAY_LEN(commands); i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "qhard: '%s' is not a qhard command. See 'qhard --help'.\n",
		name);
	return 2;
}
