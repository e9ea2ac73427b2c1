/* ninja.h - what the flag audit reads from a meson build.ninja: the rules
 * (command, rspfile_content) and the build statements whose rule links an
 * executable (*_LINKER, not STATIC_LINKER, not *_FOR_BUILD) or builds a
 * static archive (STATIC_LINKER), with their inputs and variables.
 *
 * "$\n" continuations are joined, "$ ", "$:" and "$$" unescaped; variable
 * values stay ninja-escaped until qh_ninja_command expands them. Other
 * statements (compiles, custom commands, includes) are skipped.
 */
#ifndef QHARD_BUILD_NINJA_H
#define QHARD_BUILD_NINJA_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"
#include "strlist.h"

struct qh_ninja_var {
	char *name;
	char *value; /* still ninja-escaped */
};

struct qh_ninja_rule {
	char *name;
	char *command;
	char *rspfile_content; /* meson's *_RSP rules: the flags live here */
};

/* A link or archive statement: outputs[0], rule, inputs and variables. */
struct qh_ninja_stmt {
	char *out;
	char *rule;
	struct qh_strlist inputs; /* explicit and implicit (after '|') */
	struct qh_ninja_var *vars;
	size_t nvars, cap;
	bool is_archive;
};

struct qh_ninja_graph {
	struct qh_ninja_rule *rules;
	size_t nrules, rules_cap;
	struct qh_ninja_stmt *stmts;
	size_t nstmts, cap;
};

/* Read path. A rule whose command reads a response file ("@$out.rsp") gets
 * its rspfile_content put in its place. */
int qh_ninja_load(const char *path, struct qh_ninja_graph *g,
		  struct qh_error *err);
void qh_ninja_free(struct qh_ninja_graph *g);
/* The statement whose first output is `out`, NULL when none. */
const struct qh_ninja_stmt *qh_ninja_find(const struct qh_ninja_graph *g,
					  const char *out);
/* st's rule command with st's variables expanded: $in is dropped (object
 * files carry no flags), $out is st->out. *cmd is malloc'd. */
int qh_ninja_command(const struct qh_ninja_graph *g,
		     const struct qh_ninja_stmt *st, char **cmd,
		     struct qh_error *err);
/* Add to objs the inputs of st, following archives built in g to their
 * inputs (depth-bounded against cycles). Unsorted, may repeat. */
int qh_ninja_collect_objects(const struct qh_ninja_graph *g,
			     const struct qh_ninja_stmt *st,
			     struct qh_strlist *objs);

#endif
