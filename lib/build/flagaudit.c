/* flagaudit.c - replay compile and link argvs, flag what hardening they
 * miss or cancel (see flagaudit.h). */
#include "flagaudit.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ninja.h"
#include "shell_split.h"
#include "strlist.h"

/* ---- requirements ---------------------------------------------------- */

void qh_flag_requirements_default(struct qh_flag_requirements *req)
{
	req->fortify_level = 2;
	req->stack_protector = QH_NEED_ON;
	req->stack_clash = QH_NEED_NOT_OFF;
	req->cf_protection = QH_NEED_NOT_OFF;
	req->pie = QH_NEED_NOT_OFF;
	req->relro = QH_NEED_ON;
	req->bind_now = QH_NEED_ON;
	req->noexecstack = QH_NEED_NOT_OFF;
}

static void need_on(enum qh_flag_need *n)
{
	*n = QH_NEED_ON;
}

static void raise_for_linker_word(struct qh_flag_requirements *req,
				  const char *w)
{
	if (strcmp(w, "relro") == 0)
		need_on(&req->relro);
	else if (strcmp(w, "now") == 0)
		need_on(&req->bind_now);
	else if (strcmp(w, "noexecstack") == 0)
		need_on(&req->noexecstack);
}

static void raise_for_flag(struct qh_flag_requirements *req, const char *f)
{
	if (strncmp(f, "-D_FORTIFY_SOURCE=", 18) == 0) {
		int lvl = atoi(f + 18);

		if (lvl > req->fortify_level)
			req->fortify_level = lvl;
	} else if (strcmp(f, "-fstack-protector-strong") == 0 ||
		   strcmp(f, "-fstack-protector-all") == 0) {
		need_on(&req->stack_protector);
	} else if (strcmp(f, "-fstack-clash-protection") == 0) {
		need_on(&req->stack_clash);
	} else if (strcmp(f, "-fcf-protection") == 0 ||
		   strcmp(f, "-fcf-protection=full") == 0) {
		need_on(&req->cf_protection);
	} else if (strcmp(f, "-fPIE") == 0 || strcmp(f, "-fpie") == 0 ||
		   strcmp(f, "-pie") == 0) {
		need_on(&req->pie);
	} else if (strncmp(f, "-Wl,", 4) == 0) {
		char *copy = strdup(f + 4), *save = NULL;

		if (!copy)
			return;
		for (char *w = strtok_r(copy, ",", &save); w;
		     w = strtok_r(NULL, ",", &save))
			raise_for_linker_word(req, w);
		free(copy);
	}
}

void qh_flag_requirements_from_flags(struct qh_flag_requirements *req,
				     const char *const *flags, size_t n)
{
	/* An entry may hold several flags ("-U_FORTIFY_SOURCE
	 * -D_FORTIFY_SOURCE=3" is one probed unit in the plan). */
	for (size_t i = 0; i < n; i++) {
		char *copy = strdup(flags[i]), *save = NULL;

		if (!copy)
			continue;
		for (char *w = strtok_r(copy, " \t", &save); w;
		     w = strtok_r(NULL, " \t", &save))
			raise_for_flag(req, w);
		free(copy);
	}
}

/* ---- problems list ---------------------------------------------------- */

static int add_problem(char ***problems, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add_problem(char ***problems, size_t *n, const char *fmt, ...)
{
	struct qh_buf b = QH_BUF_INIT;
	va_list ap;
	char **grown;

	va_start(ap, fmt);
	if (qh_buf_vprintf(&b, fmt, ap) < 0) {
		va_end(ap);
		qh_buf_free(&b);
		return -1;
	}
	va_end(ap);
	grown = realloc(*problems, (*n + 2) * sizeof(*grown));
	if (!grown) {
		qh_buf_free(&b);
		return -1;
	}
	*problems = grown;
	grown[(*n)++] = qh_buf_detach(&b);
	grown[*n] = NULL;
	return 0;
}

static void free_problems(char **p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i]);
	free(p);
}

/* ---- compile argv replay ---------------------------------------------- */

enum knob_state { K_ABSENT = 0, K_ON, K_OFF, K_PARTIAL };

struct knob {
	enum knob_state state;
	size_t pos;       /* 1-based argument index of the deciding flag */
	const char *flag; /* the deciding flag as written */
};

static void set_knob(struct knob *k, enum knob_state s, size_t pos,
		     const char *flag)
{
	k->state = s;
	k->pos = pos;
	k->flag = flag;
}

struct compile_state {
	int fortify;          /* -1 undefined, else the level */
	size_t fortify_pos;
	const char *fortify_flag;
	struct knob fortify_undef; /* a -U that undid an earlier -D */
	int opt;              /* -1 no -O seen, 0 for -O0, 1 otherwise */
	size_t opt_pos;
	const char *opt_flag;
	struct knob sp, clash, cf, pie;
};

static void apply_macro(struct compile_state *s, bool define, const char *m,
			size_t pos, const char *flag)
{
	if (strncmp(m, "_FORTIFY_SOURCE", 15) != 0 ||
	    (m[15] != '\0' && m[15] != '='))
		return;
	if (!define) {
		if (s->fortify >= 0)
			set_knob(&s->fortify_undef, K_OFF, pos, flag);
		s->fortify = -1;
		s->fortify_pos = pos;
		s->fortify_flag = flag;
		return;
	}
	/* -D_FORTIFY_SOURCE alone defines it as 1. */
	s->fortify = m[15] == '=' ? atoi(m + 16) : 1;
	s->fortify_pos = pos;
	s->fortify_flag = flag;
	s->fortify_undef.state = K_ABSENT;
}

static void replay_compile(const char *const *argv, size_t argc,
			   struct compile_state *s)
{
	memset(s, 0, sizeof(*s));
	s->fortify = -1;
	s->opt = -1;
	/* argv[0] is the compiler (or a launcher such as ccache). */
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t pos = i;

		if ((strcmp(a, "-D") == 0 || strcmp(a, "-U") == 0) &&
		    i + 1 < argc) {
			apply_macro(s, a[1] == 'D', argv[i + 1], pos, argv[i + 1]);
			i++;
		} else if (strncmp(a, "-D", 2) == 0 || strncmp(a, "-U", 2) == 0) {
			apply_macro(s, a[1] == 'D', a + 2, pos, a);
		} else if (strncmp(a, "-Wp,", 4) == 0) {
			/* -Wp,-D_FORTIFY_SOURCE=2,... passes straight to cpp. */
			const char *p = a + 4;

			while (*p) {
				size_t len = strcspn(p, ",");
				char one[128];

				if (len < sizeof(one) && len > 2 && p[0] == '-' &&
				    (p[1] == 'D' || p[1] == 'U')) {
					memcpy(one, p + 2, len - 2);
					one[len - 2] = '\0';
					apply_macro(s, p[1] == 'D', one, pos, a);
				}
				p += len;
				if (*p == ',')
					p++;
			}
		} else if (strncmp(a, "-O", 2) == 0) {
			s->opt = strcmp(a, "-O0") == 0 ? 0 : 1;
			s->opt_pos = pos;
			s->opt_flag = a;
		} else if (strcmp(a, "-fstack-protector-strong") == 0 ||
			   strcmp(a, "-fstack-protector-all") == 0) {
			set_knob(&s->sp, K_ON, pos, a);
		} else if (strcmp(a, "-fstack-protector") == 0 ||
			   strcmp(a, "-fstack-protector-explicit") == 0) {
			set_knob(&s->sp, K_PARTIAL, pos, a);
		} else if (strcmp(a, "-fno-stack-protector") == 0) {
			set_knob(&s->sp, K_OFF, pos, a);
		} else if (strcmp(a, "-fstack-clash-protection") == 0) {
			set_knob(&s->clash, K_ON, pos, a);
		} else if (strcmp(a, "-fno-stack-clash-protection") == 0) {
			set_knob(&s->clash, K_OFF, pos, a);
		} else if (strcmp(a, "-fcf-protection") == 0 ||
			   strcmp(a, "-fcf-protection=full") == 0) {
			set_knob(&s->cf, K_ON, pos, a);
		} else if (strcmp(a, "-fcf-protection=branch") == 0 ||
			   strcmp(a, "-fcf-protection=return") == 0) {
			set_knob(&s->cf, K_PARTIAL, pos, a);
		} else if (strcmp(a, "-fcf-protection=none") == 0 ||
			   strcmp(a, "-fno-cf-protection") == 0) {
			set_knob(&s->cf, K_OFF, pos, a);
		} else if (strcmp(a, "-fPIE") == 0 || strcmp(a, "-fpie") == 0 ||
			   strcmp(a, "-fPIC") == 0 || strcmp(a, "-fpic") == 0) {
			set_knob(&s->pie, K_ON, pos, a);
		} else if (strcmp(a, "-fno-PIE") == 0 || strcmp(a, "-fno-pie") == 0 ||
			   strcmp(a, "-fno-PIC") == 0 || strcmp(a, "-fno-pic") == 0) {
			set_knob(&s->pie, K_OFF, pos, a);
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "-MF") == 0 ||
			   strcmp(a, "-MQ") == 0 || strcmp(a, "-MT") == 0 ||
			   strcmp(a, "-include") == 0 || strcmp(a, "-isystem") == 0 ||
			   strcmp(a, "-iquote") == 0 || strcmp(a, "-I") == 0) {
			i++; /* the next word is a file name, not a flag */
		}
	}
}

/* One knob against its need; `what` names the protection, `want` the flag
 * that provides it. */
static int judge_knob(const struct knob *k, enum qh_flag_need need,
		      const char *what, const char *want, char ***problems,
		      size_t *n)
{
	if (need == QH_NEED_ANY)
		return 0;
	if (k->state == K_OFF)
		return add_problem(problems, n, "%s cancels %s (argument %zu)",
				   k->flag, what, k->pos);
	if (need != QH_NEED_ON)
		return 0;
	if (k->state == K_PARTIAL)
		return add_problem(problems, n,
				   "%s gives only partial %s (argument %zu); %s required",
				   k->flag, what, k->pos, want);
	if (k->state == K_ABSENT)
		return add_problem(problems, n, "%s missing (%s required)", what,
				   want);
	return 0;
}

int qh_flagaudit_check_compile(const char *const *argv, size_t argc,
			       const struct qh_flag_requirements *req,
			       char ***problems, size_t *n)
{
	struct compile_state s;

	replay_compile(argv, argc, &s);
	if (req->fortify_level > 0) {
		int rc = 0;

		if (s.fortify_undef.state == K_OFF && s.fortify < 0)
			rc = add_problem(problems, n,
					 "%s (argument %zu) undefines _FORTIFY_SOURCE after it was defined",
					 s.fortify_undef.flag, s.fortify_undef.pos);
		else if (s.fortify < 0)
			rc = add_problem(problems, n,
					 "_FORTIFY_SOURCE not defined (-D_FORTIFY_SOURCE=%d required)",
					 req->fortify_level);
		else if (s.fortify < req->fortify_level)
			rc = add_problem(problems, n,
					 "%s (argument %zu) is below the required level %d",
					 s.fortify_flag, s.fortify_pos,
					 req->fortify_level);
		else if (s.opt == 0)
			rc = add_problem(problems, n,
					 "%s (argument %zu) disables _FORTIFY_SOURCE (it needs optimization)",
					 s.opt_flag, s.opt_pos);
		else if (s.opt < 0)
			rc = add_problem(problems, n,
					 "no -O flag: the compiler default -O0 disables _FORTIFY_SOURCE");
		if (rc < 0)
			return -1;
	}
	if (judge_knob(&s.sp, req->stack_protector, "stack protection",
		       "-fstack-protector-strong", problems, n) < 0 ||
	    judge_knob(&s.clash, req->stack_clash, "stack clash protection",
		       "-fstack-clash-protection", problems, n) < 0 ||
	    judge_knob(&s.cf, req->cf_protection, "control-flow protection",
		       "-fcf-protection=full", problems, n) < 0)
		return -1;
	/* Debian's gcc defaults to PIE, so only an explicit -fno-pie counts. */
	if (s.pie.state == K_OFF &&
	    add_problem(problems, n, "%s cancels position independent code (argument %zu)",
			s.pie.flag, s.pie.pos) < 0)
		return -1;
	return 0;
}

/* ---- link argv replay ------------------------------------------------- */

struct link_state {
	bool shared;
	struct knob pie, relro, now, execstack;
};

static void linker_word(struct link_state *s, const char *z, size_t pos,
			const char *flag)
{
	if (strcmp(z, "relro") == 0)
		set_knob(&s->relro, K_ON, pos, flag);
	else if (strcmp(z, "norelro") == 0)
		set_knob(&s->relro, K_OFF, pos, flag);
	else if (strcmp(z, "now") == 0)
		set_knob(&s->now, K_ON, pos, flag);
	else if (strcmp(z, "lazy") == 0)
		set_knob(&s->now, K_OFF, pos, flag);
	else if (strcmp(z, "noexecstack") == 0)
		set_knob(&s->execstack, K_ON, pos, flag);
	else if (strcmp(z, "execstack") == 0)
		set_knob(&s->execstack, K_OFF, pos, flag);
}

/* Linker arguments arrive as "-z X", "-zX" or via -Wl,... / -Xlinker; `pending_z`
 * carries a "-z" whose keyword is in the next linker argument. */
static void linker_arg(struct link_state *s, const char *w, bool *pending_z,
		       size_t pos, const char *flag)
{
	if (*pending_z) {
		*pending_z = false;
		linker_word(s, w, pos, flag);
	} else if (strcmp(w, "-z") == 0) {
		*pending_z = true;
	} else if (strncmp(w, "-z", 2) == 0) {
		linker_word(s, w + 2, pos, flag);
	} else if (strcmp(w, "-pie") == 0 || strcmp(w, "--pic-executable") == 0) {
		set_knob(&s->pie, K_ON, pos, flag);
	} else if (strcmp(w, "-no-pie") == 0 || strcmp(w, "--no-pic-executable") == 0) {
		set_knob(&s->pie, K_OFF, pos, flag);
	}
}

static void replay_link(const char *const *argv, size_t argc,
			struct link_state *s)
{
	bool pending_z = false;

	memset(s, 0, sizeof(*s));
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "-Wl,", 4) == 0) {
			char *copy = strdup(a + 4), *save = NULL;

			if (!copy)
				continue;
			for (char *w = strtok_r(copy, ",", &save); w;
			     w = strtok_r(NULL, ",", &save))
				linker_arg(s, w, &pending_z, i, a);
			free(copy);
		} else if (strcmp(a, "-Xlinker") == 0 && i + 1 < argc) {
			linker_arg(s, argv[i + 1], &pending_z, i, argv[i + 1]);
			i++;
		} else if (strcmp(a, "-z") == 0 && i + 1 < argc) {
			linker_word(s, argv[i + 1], i, argv[i + 1]);
			i++;
		} else if (strcmp(a, "-pie") == 0 || strcmp(a, "-static-pie") == 0) {
			set_knob(&s->pie, K_ON, i, a);
		} else if (strcmp(a, "-no-pie") == 0 || strcmp(a, "-static") == 0) {
			set_knob(&s->pie, K_OFF, i, a);
		} else if (strcmp(a, "-shared") == 0) {
			s->shared = true;
		} else if (strcmp(a, "-o") == 0) {
			i++;
		}
	}
}

int qh_flagaudit_check_link(const char *const *argv, size_t argc,
			    const struct qh_flag_requirements *req,
			    char ***problems, size_t *n)
{
	struct link_state s;

	replay_link(argv, argc, &s);
	if (!s.shared &&
	    judge_knob(&s.pie, req->pie, "PIE", "-pie", problems, n) < 0)
		return -1;
	if (judge_knob(&s.relro, req->relro, "RELRO", "-Wl,-z,relro",
		       problems, n) < 0 ||
	    judge_knob(&s.now, req->bind_now, "immediate binding (full RELRO)",
		       "-Wl,-z,now", problems, n) < 0 ||
	    judge_knob(&s.execstack, req->noexecstack, "the non-executable stack",
		       "-Wl,-z,noexecstack", problems, n) < 0)
		return -1;
	return 0;
}

/* ---- audit results ---------------------------------------------------- */

void qh_flag_audit_free(struct qh_flag_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->noffenders; i++) {
		free(a->offenders[i].subject);
		free_problems(a->offenders[i].problems,
			      a->offenders[i].nproblems);
	}
	free(a->offenders);
	memset(a, 0, sizeof(*a));
}

/* Takes ownership of problems. */
static int add_offender(struct qh_flag_audit *a, const char *subject,
			bool is_link, char **problems, size_t n,
			struct qh_error *err)
{
	struct qh_flag_offender *o;

	if (qh_array_reserve((void **)&a->offenders, &a->cap, a->noffenders + 1,
			     sizeof(*a->offenders)) < 0)
		goto nomem;
	o = &a->offenders[a->noffenders];
	o->subject = strdup(subject);
	if (!o->subject)
		goto nomem;
	o->is_link = is_link;
	o->problems = problems;
	o->nproblems = n;
	a->noffenders++;
	return 0;
nomem:
	free_problems(problems, n);
	return qh_error_set(err, "out of memory");
}

/* Check one command line (a compile unit or a link; argv may be NULL and is
 * freed here) and record what it lacks under `subject`. */
static int audit_argv(struct qh_flag_audit *out, const char *subject,
		      bool is_link, char **argv, size_t argc,
		      const struct qh_flag_requirements *req,
		      struct qh_error *err)
{
	char **problems = NULL;
	size_t n = 0;
	int rc = 0;

	if (argv)
		rc = (is_link ? qh_flagaudit_check_link :
				qh_flagaudit_check_compile)(
			(const char *const *)argv, argc, req, &problems, &n);
	qh_strv_free(argv);
	if (rc < 0) {
		free_problems(problems, n);
		return qh_error_set(err, "out of memory");
	}
	return n ? add_offender(out, subject, is_link, problems, n, err) : 0;
}

static bool is_c_family(const char *file)
{
	static const char *const exts[] = { ".c", ".cc", ".cpp", ".cxx", ".C",
					    ".c++", ".i", ".ii" };
	const char *dot = strrchr(file, '.');

	if (!dot || strchr(dot, '/'))
		return false;
	for (size_t i = 0; i < QH_ARRAY_LEN(exts); i++)
		if (strcmp(dot, exts[i]) == 0)
			return true;
	return false;
}

static int audit_compile_entry(const json_t *entry, size_t idx,
			       const struct qh_strlist *only,
			       const struct qh_flag_requirements *req,
			       struct qh_flag_audit *out, struct qh_error *err)
{
	const json_t *jfile = json_object_get(entry, "file");
	const json_t *jcmd = json_object_get(entry, "command");
	const json_t *jargs = json_object_get(entry, "arguments");
	const char *file;
	char **argv = NULL;
	size_t argc = 0;

	if (!json_is_object(entry) || !json_is_string(jfile))
		return qh_error_set(err, "entry %zu has no \"file\" string", idx);
	file = json_string_value(jfile);
	if (!is_c_family(file))
		return 0;
	if (only) {
		const json_t *jout = json_object_get(entry, "output");

		/* Without "output" the entry cannot be tied to a binary: audit it. */
		if (json_is_string(jout) &&
		    !qh_strlist_has_sorted(only, json_string_value(jout)))
			return 0;
	}
	if (json_is_string(jcmd)) {
		if (qh_shell_split(json_string_value(jcmd), &argv, &argc,
				       err) < 0)
			return qh_error_prefix(err, "entry %zu (%s)", idx, file);
	} else if (json_is_array(jargs)) {
		size_t i, cap = 0;
		json_t *v;

		json_array_foreach(jargs, i, v) {
			if (!json_is_string(v)) {
				qh_strv_free(argv);
				return qh_error_set(err, "entry %zu (%s): non-string argument",
						    idx, file);
			}
			if (qh_array_reserve((void **)&argv, &cap, argc + 2,
					     sizeof(*argv)) < 0 ||
			    !(argv[argc] = strdup(json_string_value(v)))) {
				qh_strv_free(argv);
				return qh_error_set(err, "out of memory");
			}
			argv[++argc] = NULL;
		}
	} else {
		return qh_error_set(err, "entry %zu (%s) has neither \"command\" nor \"arguments\"",
				    idx, file);
	}
	out->units++;
	return audit_argv(out, file, false, argv, argc, req, err);
}

static int compile_db(const char *path, const struct qh_strlist *only,
		      const struct qh_flag_requirements *req,
		      struct qh_flag_audit *out, struct qh_error *err)
{
	json_error_t jerr;
	json_t *db = json_load_file(path, 0, &jerr);
	size_t i;
	json_t *entry;
	int rc = 0;

	if (!db)
		return qh_error_set(err, "%s:%d: %s", path, jerr.line, jerr.text);
	if (!json_is_array(db)) {
		json_decref(db);
		return qh_error_set(err, "%s: not a JSON array of compile commands",
				    path);
	}
	json_array_foreach(db, i, entry) {
		if (audit_compile_entry(entry, i, only, req, out, err) < 0) {
			qh_error_prefix(err, "%s", path);
			rc = -1;
			break;
		}
	}
	json_decref(db);
	return rc;
}

int qh_flagaudit_compile_db(const char *path,
			    const struct qh_flag_requirements *req,
			    struct qh_flag_audit *out, struct qh_error *err)
{
	return compile_db(path, NULL, req, out, err);
}

/* ---- build.ninja links ------------------------------------------------ */

static int audit_link(const struct qh_ninja_graph *g,
		      const struct qh_ninja_stmt *st,
		      const struct qh_flag_requirements *req,
		      struct qh_flag_audit *out, struct qh_error *err)
{
	char *cmd, **argv = NULL;
	size_t argc = 0;

	if (qh_ninja_command(g, st, &cmd, err) < 0)
		return -1;
	if (qh_shell_split(cmd, &argv, &argc, err) < 0) {
		free(cmd);
		return qh_error_prefix(err, "link of %s", st->out);
	}
	free(cmd);
	out->links++;
	return audit_argv(out, st->out, true, argv, argc, req, err);
}

static int audit_graph_links(const char *path, const struct qh_ninja_graph *g,
			     const char *const *targets, size_t ntargets,
			     const struct qh_flag_requirements *req,
			     struct qh_flag_audit *out, struct qh_strlist *objs,
			     struct qh_error *err)
{
	for (size_t i = 0; i < ntargets; i++) {
		const struct qh_ninja_stmt *st = qh_ninja_find(g, targets[i]);

		if (!st || st->is_archive)
			return qh_error_set(err, "%s: no link statement for %s",
					    path, targets[i]);
	}
	for (size_t i = 0; i < g->nstmts; i++) {
		const struct qh_ninja_stmt *st = &g->stmts[i];
		bool wanted = !targets;

		if (st->is_archive)
			continue;
		for (size_t t = 0; t < ntargets && !wanted; t++)
			wanted = strcmp(st->out, targets[t]) == 0;
		if (!wanted)
			continue;
		if (audit_link(g, st, req, out, err) < 0)
			return qh_error_prefix(err, "%s", path);
		if (objs && qh_ninja_collect_objects(g, st, objs) < 0)
			return qh_error_set(err, "out of memory");
	}
	return 0;
}

int qh_flagaudit_ninja_links(const char *path, const char *const *targets,
			     size_t ntargets,
			     const struct qh_flag_requirements *req,
			     struct qh_flag_audit *out, struct qh_error *err)
{
	struct qh_ninja_graph g;
	int rc;

	if (qh_ninja_load(path, &g, err) < 0)
		return -1;
	rc = audit_graph_links(path, &g, targets, ntargets, req, out, NULL, err);
	qh_ninja_free(&g);
	return rc;
}

int qh_flagaudit_build_dir(const char *dir, const char *const *targets,
			   size_t ntargets,
			   const struct qh_flag_requirements *req,
			   struct qh_flag_audit *out, struct qh_error *err)
{
	struct qh_ninja_graph g;
	struct qh_strlist objs = { 0 };
	char *ninja = NULL, *db = NULL;
	int rc = -1;

	if (asprintf(&ninja, "%s/build.ninja", dir) < 0) {
		ninja = NULL;
		return qh_error_set(err, "out of memory");
	}
	if (asprintf(&db, "%s/compile_commands.json", dir) < 0) {
		db = NULL;
		free(ninja);
		return qh_error_set(err, "out of memory");
	}
	if (qh_ninja_load(ninja, &g, err) < 0)
		goto done_nograph;
	if (audit_graph_links(ninja, &g, targets, ntargets, req, out,
			      &objs, err) < 0)
		goto done;
	qh_strlist_sort(&objs);
	rc = compile_db(db, targets ? &objs : NULL, req, out, err);
done:
	qh_ninja_free(&g);
done_nograph:
	qh_strlist_free(&objs);
	free(ninja);
	free(db);
	return rc;
}

/* "dir/../qemu/hw/x.c" -> "/abs/qemu/hw/x.c" without touching the disk:
 * compile_commands.json names sources relative to the build dir. */
static char *join_normalized(const char *dir, const char *file)
{
	struct qh_buf b = QH_BUF_INIT;
	char *path, *out, *save = NULL, *w;
	size_t n = 0;
	char **parts;

	if (file[0] == '/')
		qh_buf_puts(&b, file);
	else
		qh_buf_printf(&b, "%s/%s", dir, file);
	if (!b.data)
		return NULL;
	path = b.data;
	parts = calloc(strlen(path) / 2 + 2, sizeof(*parts));
	out = malloc(strlen(path) + 2);
	if (!parts || !out) {
		free(parts);
		free(out);
		qh_buf_free(&b);
		return NULL;
	}
	for (w = strtok_r(path, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
		if (strcmp(w, ".") == 0)
			continue;
		if (strcmp(w, "..") == 0) {
			if (n)
				n--;
			continue;
		}
		parts[n++] = w;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(out, "/");
		strcat(out, parts[i]);
	}
	if (!n)
		strcpy(out, "/");
	free(parts);
	qh_buf_free(&b);
	return out;
}

int qh_build_linked_sources(const char *dir, const char *target,
			    const char *src_root, struct qh_strlist *out,
			    struct qh_error *err)
{
	struct qh_ninja_graph g;
	struct qh_strlist objs = { 0 };
	const struct qh_ninja_stmt *st;
	char *ninja = NULL, *dbpath = NULL, *root = NULL;
	json_t *db = NULL, *entry;
	json_error_t jerr;
	size_t i, rootlen;
	int rc = -1;

	if (asprintf(&ninja, "%s/build.ninja", dir) < 0 ||
	    asprintf(&dbpath, "%s/compile_commands.json", dir) < 0) {
		free(ninja);
		return qh_error_set(err, "out of memory");
	}
	root = join_normalized("/", src_root);
	if (!root) {
		free(ninja);
		free(dbpath);
		return qh_error_set(err, "out of memory");
	}
	rootlen = strlen(root);
	if (qh_ninja_load(ninja, &g, err) < 0)
		goto nograph;
	st = qh_ninja_find(&g, target);
	if (!st || st->is_archive) {
		qh_error_set(err, "%s: no link statement for %s", ninja, target);
		goto done;
	}
	if (qh_ninja_collect_objects(&g, st, &objs) < 0)
		goto oom;
	qh_strlist_sort(&objs);
	db = json_load_file(dbpath, 0, &jerr);
	if (!db || !json_is_array(db)) {
		qh_error_set(err, "%s:%d: %s", dbpath, db ? 0 : jerr.line,
			     db ? "not a JSON array of compile commands" : jerr.text);
		goto done;
	}
	json_array_foreach(db, i, entry) {
		const char *o = json_string_value(json_object_get(entry, "output"));
		const char *f = json_string_value(json_object_get(entry, "file"));
		const char *d = json_string_value(json_object_get(entry, "directory"));
		char *abs;

		if (!o || !f || !qh_strlist_has_sorted(&objs, o))
			continue;
		abs = join_normalized(d ? d : dir, f);
		if (!abs)
			goto oom;
		if (strncmp(abs, root, rootlen) == 0 && abs[rootlen] == '/' &&
		    qh_strlist_add(out, abs + rootlen + 1) < 0) {
			free(abs);
			goto oom;
		}
		free(abs);
	}
	qh_strlist_sort(out);
	rc = 0;
	goto done;
oom:
	qh_error_set(err, "out of memory");
done:
	qh_ninja_free(&g);
nograph:
	json_decref(db);
	qh_strlist_free(&objs);
	free(ninja);
	free(dbpath);
	free(root);
	return rc;
}
