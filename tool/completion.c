/* completion.c - bash and zsh completion scripts from the option tables. */
#include "completion.h"

#include <stdbool.h>
#include <string.h>

#include "datapath.h"
#include "emit/emit.h"
#include "qh.h"

const char *const qh_completion_shells[] = { "bash", "zsh", NULL };

/* How the value of an option is completed in each shell, by its argument
 * name; %s stands for the words put_words() writes. */
struct value_action {
	const char *argname;
	const char *bash, *zsh;
};

#define WORDS_BASH "COMPREPLY=($(compgen -W '%s' -- \"$cur\"))"
#define COMMAND_BASH "COMPREPLY=($(compgen -c -- \"$cur\"))"
static const struct value_action value_actions[] = {
	{ "FILE", "_qhard_files", "_files" },
	{ "DIR", "_qhard_dirs", "_files -/" },
	{ "POLICY", "_qhard_named policies", "_qhard_named policies" },
	{ "PROFILE", "_qhard_named profiles", "_qhard_named profiles" },
	{ "CC", COMMAND_BASH, "_command_names -e" },
	{ "CXX", COMMAND_BASH, "_command_names -e" },
	{ "WHEN", WORDS_BASH, "(%s)" },
	{ "FMT", WORDS_BASH, "(%s)" },
	{ "FORMAT", WORDS_BASH, "(%s)" },
};
/* a number, a date, a name: nothing to offer */
static const struct value_action no_action = { NULL, ":", " " };

static const struct value_action *action_of(const struct qh_option *o)
{
	for (size_t i = 0; o->argname && i < QH_ARRAY_LEN(value_actions); i++)
		if (strcmp(value_actions[i].argname, o->argname) == 0)
			return &value_actions[i];
	return &no_action;
}

/* The words of a value whose action has %s, space separated: the
 * option's choices (--color's words, the formats each command takes). */
static void put_words(FILE *out, const struct qh_option *o)
{
	const char *const *words = o->choices;

	for (size_t i = 0; words && words[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", words[i]);
}

/* An action of value_actions for option o, its %s filled in. */
static void put_action(FILE *out, const char *action, const struct qh_option *o)
{
	for (const char *p = action; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			put_words(out, o);
			p++;
		} else {
			fputc(*p, out);
		}
	}
}

static size_t count(const struct qh_option *o)
{
	size_t n = 0;

	while (o && (o[n].short_name || o[n].long_name))
		n++;
	return n;
}

static bool takes_paths(const struct qh_command_spec *spec)
{
	return strstr(spec->usage, "PATH...") != NULL;
}

/* A string in single quotes for sh and zsh. */
static void put_quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	fputc('\'', out);
}

/* ---- bash ---- */

static const char bash_head[] =
	"# Helpers: the value being completed is $cur.\n"
	"_qhard_files() { local IFS=$'\\n'; COMPREPLY=($(compgen -f -- \"$cur\")); compopt -o filenames 2>/dev/null; }\n"
	"_qhard_dirs() { local IFS=$'\\n'; COMPREPLY=($(compgen -d -- \"$cur\")); compopt -o filenames 2>/dev/null; }\n"
	"# _qhard_named policies|profiles: the names qhard finds (qhard(1) FILES),\n"
	"# then .ini files and directories, since a path works too.\n"
	"_qhard_named()\n"
	"{\n"
	"\tlocal IFS=$'\\n' c=${XDG_CONFIG_HOME:-} d f\n"
	"\t[[ $c == /* ]] || c=$HOME/.config\n"
	"\tCOMPREPLY=()\n"
	"\tfor d in \"$c/qhard\" /etc/qhard \"${QHARD_DATADIR:-$_qhard_datadir}\"; do\n"
	"\t\tfor f in \"$d/$1\"/*.ini; do\n"
	"\t\t\t[[ -f $f ]] || continue\n"
	"\t\t\tf=${f##*/}; f=${f%.ini}\n"
	"\t\t\t[[ $f == \"$cur\"* ]] && COMPREPLY+=(\"$f\")\n"
	"\t\tdone\n"
	"\tdone\n"
	"\tCOMPREPLY+=($(compgen -f -X '!*.ini' -- \"$cur\") $(compgen -d -- \"$cur\"))\n"
	"\tcompopt -o filenames 2>/dev/null\n"
	"}\n\n"
	"_qhard()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\tlocal cmd='' opts='' paths=0 i\n"
	"\t# bash splits --opt=value at '='\n"
	"\tif [[ $cur == = ]]; then\n"
	"\t\tcur=''\n"
	"\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
	"\t\tprev=${COMP_WORDS[COMP_CWORD-2]}\n"
	"\tfi\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tcase ${COMP_WORDS[i]} in\n"
	"\t\t--completion) ((i++)) ;;\n"
	"\t\t-*) ;;\n"
	"\t\t*) cmd=${COMP_WORDS[i]}; break ;;\n"
	"\t\tesac\n"
	"\tdone\n"
	"\tCOMPREPLY=()\n";

static void bash_option_names(FILE *out, const struct qh_option *o)
{
	if (o->short_name)
		fprintf(out, "-%c", o->short_name);
	if (o->short_name && o->long_name)
		fputc('|', out);
	if (o->long_name)
		fprintf(out, "--%s", o->long_name);
}

static void bash_command(FILE *out, const struct qh_completion_command *c)
{
	const struct qh_option *opts = c->spec->options;
	size_t n = count(opts);

	fprintf(out, "\t%s)\n\t\tcase $prev in\n", c->name);
	for (size_t i = 0; i < n; i++) {
		if (!opts[i].argname)
			continue;
		fputs("\t\t", out);
		bash_option_names(out, &opts[i]);
		fputs(") ", out);
		put_action(out, action_of(&opts[i])->bash, &opts[i]);
		fputs("; return ;;\n", out);
	}
	fputs("\t\tesac\n\t\topts='", out);
	for (size_t i = 0; i < n; i++) {
		if (opts[i].short_name)
			fprintf(out, "-%c ", opts[i].short_name);
		if (opts[i].long_name)
			fprintf(out, "--%s ", opts[i].long_name);
	}
	fprintf(out, "-h --help --version'\n\t\tpaths=%d ;;\n", takes_paths(c->spec));
}

static void print_bash(const struct qh_completion_command *cmds, size_t n,
		       FILE *out)
{
	fprintf(out, "# bash completion for qhard(1), written by `qhard --completion bash`\n"
		     "# (qhard %s) from the option tables that `qhard COMMAND --help` prints.\n\n"
		     "_qhard_datadir=", QHARD_VERSION);
	put_quoted(out, qh_data_builtin_dir());
	fprintf(out, "\n%s", bash_head);
	fputs("\tif [[ -z $cmd ]]; then\n"
	      "\t\tif [[ $prev == --completion ]]; then\n\t\t\tCOMPREPLY=($(compgen -W '", out);
	for (size_t i = 0; qh_completion_shells[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", qh_completion_shells[i]);
	fputs("' -- \"$cur\"))\n\t\telse\n\t\t\tCOMPREPLY=($(compgen -W '", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s ", cmds[i].name);
	fputs("--help --version --completion' -- \"$cur\"))\n\t\tfi\n"
	      "\t\treturn\n\tfi\n\tcase $cmd in\n", out);
	for (size_t i = 0; i < n; i++)
		bash_command(out, &cmds[i]);
	fputs("\t*) return ;;\n\tesac\n"
	      "\tif [[ $cur == -* ]] || ((!paths)); then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\telse\n\t\t_qhard_files\n\tfi\n}\n"
	      "complete -F _qhard qhard\n", out);
}

/* ---- zsh ---- */

/* Text for an _arguments description in single quotes: brackets and
 * colons are escaped, quotes closed and reopened. */
static void zsh_desc(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

static void zsh_option(FILE *out, const struct qh_option *o)
{
	const char *arg = o->argname ? "+" : "";
	const char *larg = o->argname ? "=" : "";

	fputs("\t\t\t", out);
	if (o->short_name && o->long_name)
		fprintf(out, "'(-%c --%s)'{-%c%s,--%s%s}'[", o->short_name,
			o->long_name, o->short_name, arg, o->long_name, larg);
	else if (o->short_name)
		fprintf(out, "'-%c%s[", o->short_name, arg);
	else
		fprintf(out, "'--%s%s[", o->long_name, larg);
	zsh_desc(out, o->help);
	fputc(']', out);
	if (o->argname) {
		fputc(':', out);
		zsh_desc(out, o->argname);
		fputc(':', out);
		put_action(out, action_of(o)->zsh, o);
	}
	fputs("' \\\n", out);
}

static const char zsh_head[] =
	"# _qhard_named ... policies|profiles: the names qhard finds (qhard(1)\n"
	"# FILES), or a path, since a path works too. _arguments puts compadd\n"
	"# options first: the kind is the last argument.\n"
	"_qhard_named() {\n"
	"\tlocal kind=${argv[-1]} c=${XDG_CONFIG_HOME:-} d\n"
	"\tlocal -a names\n"
	"\t[[ $c == /* ]] || c=$HOME/.config\n"
	"\tfor d in $c/qhard /etc/qhard ${QHARD_DATADIR:-$_qhard_datadir}; do\n"
	"\t\tnames+=($d/$kind/*.ini(N-.:t:r))\n"
	"\tdone\n"
	"\t_alternative \"names:${kind}:compadd -a names\" 'files:file:_files -g \"*.ini\"'\n"
	"}\n\n";

static void print_zsh(const struct qh_completion_command *cmds, size_t n,
		      FILE *out)
{
	fprintf(out, "#compdef qhard\n"
		     "# zsh completion for qhard(1), written by `qhard --completion zsh`\n"
		     "# (qhard %s) from the option tables that `qhard COMMAND --help` prints.\n\n"
		     "_qhard_datadir=", QHARD_VERSION);
	put_quoted(out, qh_data_builtin_dir());
	fprintf(out, "\n%s", zsh_head);
	fputs("_qhard() {\n"
	      "\tlocal curcontext=$curcontext state line ret=1\n"
	      "\tlocal -a commands\n"
	      "\t_arguments -C \\\n"
	      "\t\t'(- :)'{-h,--help}'[show the help and exit]' \\\n"
	      "\t\t'(- :)--version[show the version and exit]' \\\n"
	      "\t\t'(- :)--completion=[print a shell completion script]:shell:(", out);
	for (size_t i = 0; qh_completion_shells[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", qh_completion_shells[i]);
	fputs(")' \\\n"
	      "\t\t'1:command:->command' '*::argument:->argument' && ret=0\n"
	      "\tcase $state in\n"
	      "\tcommand)\n\t\tcommands=(\n", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "\t\t\t'%s:", cmds[i].name);
		zsh_desc(out, cmds[i].help);
		fputs("'\n", out);
	}
	fputs("\t\t)\n\t\t_describe -t commands 'qhard command' commands && ret=0 ;;\n"
	      "\targument)\n\t\tcurcontext=${curcontext%:*:*}:qhard-$words[1]:\n"
	      "\t\tcase $words[1] in\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct qh_option *o = cmds[i].spec->options;

		fprintf(out, "\t\t%s)\n\t\t\t_arguments -s -S \\\n", cmds[i].name);
		for (size_t k = 0; k < count(o); k++)
			zsh_option(out, &o[k]);
		fputs("\t\t\t'(- *)'{-h,--help}'[show this help and exit]' \\\n"
		      "\t\t\t'(- *)--version[show the version and exit]'", out);
		if (takes_paths(cmds[i].spec))
			fputs(" \\\n\t\t\t'*:path:_files'", out);
		fputs(" && ret=0 ;;\n", out);
	}
	fputs("\t\tesac ;;\n\tesac\n\treturn ret\n}\n\n"
	      "_qhard \"$@\"\n", out);
}

int qh_completion_print(const char *shell,
			const struct qh_completion_command *cmds, size_t n,
			FILE *out)
{
	if (strcmp(shell, "bash") == 0)
		print_bash(cmds, n, out);
	else if (strcmp(shell, "zsh") == 0)
		print_zsh(cmds, n, out);
	else
		return -1;
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
