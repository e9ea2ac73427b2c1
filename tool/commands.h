/* commands.h - one entry point per subcommand, each in its own folder. */
#ifndef QHARD_TOOL_COMMANDS_H
#define QHARD_TOOL_COMMANDS_H

/* argv[0] is the subcommand name; the return value is the exit code. */
int cmd_checksec(int argc, char **argv); /* checksec/ */
int cmd_profile(int argc, char **argv);  /* configure-profiles/ */
int cmd_build(int argc, char **argv);    /* configure-profiles/ (driver) */
int cmd_audit(int argc, char **argv);    /* audit/ */
int cmd_gate(int argc, char **argv);     /* ci/ */

/* Each command's option table, as its --help prints it, for the shell
 * completion (tool/completion.h). */
struct qh_command_spec;
extern const struct qh_command_spec *const qh_checksec_spec;
extern const struct qh_command_spec *const qh_profile_spec;
extern const struct qh_command_spec *const qh_build_spec;
extern const struct qh_command_spec *const qh_audit_spec;
extern const struct qh_command_spec *const qh_gate_spec;

#endif
