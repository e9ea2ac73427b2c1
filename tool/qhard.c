/* qhard.c - the command table and dispatch, git style. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "completion.h"
#include "qh.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	const struct qh_command_spec *const *spec;
};

static const struct command commands[] = {
	{ "checksec", cmd_checksec, "report hardening properties of ELF files", &qh_checksec_spec },
	{ "profile", cmd_profile, "turn a device allow-list profile into a minimized, hardened QEMU configure invocation", &qh_profile_spec },
	{ "build", cmd_build, "configure and build QEMU from a profile, then verify flags, binaries and devices", &qh_build_spec },
	{ "audit", cmd_audit, "audit a virtualization host or image root before deployment", &qh_audit_spec },
	{ "gate", cmd_gate, "CI gate: policy, waivers and baselines over binaries, packages or reports", &qh_gate_spec },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: qhard [--version] [--help] [--completion bash|zsh] <command> [<args>]\n\n"
		     "Harden QEMU builds and prove the hardening is there.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < QH_ARRAY_LEN(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'qhard --completion bash' (or zsh) prints a shell "
		     "completion script.\n'qhard <command> --help' describes a command; "
		     "man qhard-<command> has the details.\n"
		     "Exit codes: 0 ok, 1 policy failure, 2 usage error, "
		     "3 an input could not be analysed.\n");
}

/* qhard --completion SHELL */
static int completion(int argc, char **argv)
{
	struct qh_completion_command cmds[QH_ARRAY_LEN(commands)];

	if (argc != 3) {
		fprintf(stderr, "qhard: --completion wants one shell: bash or zsh\n");
		return 2;
	}
	for (size_t i = 0; i < QH_ARRAY_LEN(commands); i++)
		cmds[i] = (struct qh_completion_command){ commands[i].name,
			commands[i].help, *commands[i].spec };
	if (strcmp(argv[2], "bash") && strcmp(argv[2], "zsh")) {
		fprintf(stderr, "qhard: --completion: no completion for '%s' "
			"(bash or zsh)\n", argv[2]);
		return 2;
	}
	if (qh_completion_print(argv[2], cmds, QH_ARRAY_LEN(cmds), stdout) < 0) {
		fprintf(stderr, "qhard: --completion: cannot write stdout\n");
		return 3;
	}
	return 0;
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
	if (strcmp(name, "--completion") == 0)
		return completion(argc, argv);
	for (size_t i = 0; i < QH_ARRAY_LEN(commands); i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "qhard: '%s' is not a qhard command. See 'qhard --help'.\n",
		name);
	return 2;
}
