/* commands.h - one entry point per subcommand, each in its own folder. */
#ifndef QHARD_TOOL_COMMANDS_H
#define QHARD_TOOL_COMMANDS_H

/* argv[0] is the subcommand name; the return value is the exit code. */
int cmd_checksec(int argc, char **argv); /* checksec/ */
int cmd_profile(int argc, char **argv);  /* configure-profiles/ */
int cmd_build(int argc, char **argv);    /* configure-profiles/ (driver) */
int cmd_audit(int argc, char **argv);    /* audit/ */
int cmd_gate(int argc, char **argv);     /* ci/ */

#endif
