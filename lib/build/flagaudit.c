/* flagaudit.c - replay compile and link argvs, flag what hardening they
 * miss or cancel (see flagaudit.h). */
#include "flagaudit.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
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

/* ---- shell word splitting -------------------------------------------- */

void qh_flagaudit_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

static int push_word(char ***argv, size_t *argc, size_t *cap,
		     struct qh_buf *w)
{
	if (qh_array_reserve((void **)argv, cap, *argc + 2, sizeof(char *)) < 0)
		return -1;
	(*argv)[(*argc)++] = qh_buf_detach(w);
	(*argv)[*argc] = NULL;
	return 0;
}

int qh_flagaudit_split(const char *cmd, char ***argv_out, size_t *argc_out,
		       struct qh_error *err)
{
	struct qh_buf w = QH_BUF_INIT;
	char **argv = NULL;
	size_t argc = 0, cap = 0;
	bool in_word = false;
	const char *p = cmd;

	while (*p) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word && push_word(&argv, &argc, &cap, &w) < 0)
				goto nomem;
			in_word = false;
			p++;
			continue;
		}
		in_word = true;
		if (c == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end) {
				qh_error_set(err, "unterminated ' quote in command");
				goto fail;
			}
			if (qh_buf_append(&w, p + 1, (size_t)(end - p - 1)) < 0)
				goto nomem;
			p = end + 1;
		} else if (c == '"') {
			p++;
			while (*p && *p != '"') {
				/* Inside "", backslash only escapes these. */
				if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1]))
					p++;
				if (qh_buf_putc(&w, *p) < 0)
					goto nomem;
				p++;
			}
			if (*p != '"') {
				qh_error_set(err, "unterminated \" quote in command");
				goto fail;
			}
			p++;
		} else if (c == '\\') {
			if (p[1] && qh_buf_putc(&w, p[1]) < 0)
				goto nomem;
			p += p[1] ? 2 : 1;
		} else {
			if (qh_buf_putc(&w, c) < 0)
				goto nomem;
			p++;
		}
		/* An empty quoted word ('') is still a word. */
		if (!w.data && qh_buf_puts(&w, "") < 0)
			goto nomem;
	}
	if (in_word && push_word(&argv, &argc, &cap, &w) < 0)
		goto nomem;
	if (!argv) {
		argv = calloc(1, sizeof(*argv));
		if (!argv)
			goto nomem;
	}
	*argv_out = argv;
	*argc_out = argc;
	return 0;
nomem:
	qh_error_set(err, "out of memory");
fail:
	qh_buf_free(&w);
	qh_flagaudit_argv_free(argv);
	return -1;
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

/* ---- a sorted set of strings (object files in scope) ------------------ */

struct strset {
	char **items;
	size_t n, cap;
};

static int strset_add(struct strset *s, const char *v)
{
	if (qh_array_reserve((void **)&s->items, &s->cap, s->n + 1,
			     sizeof(*s->items)) < 0)
		return -1;
	if (!(s->items[s->n] = strdup(v)))
		return -1;
	s->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strset_sort(struct strset *s)
{
	if (s->n)
		qsort(s->items, s->n, sizeof(*s->items), cmp_str);
}

static bool strset_has(const struct strset *s, const char *v)
{
	return s->n && bsearch(&v, s->items, s->n, sizeof(*s->items), cmp_str);
}

static void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i]);
	free(s->items);
	memset(s, 0, sizeof(*s));
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
	qh_flagaudit_argv_free(argv);
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
			       const struct strset *only,
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
		    !strset_has(only, json_string_value(jout)))
			return 0;
	}
	if (json_is_string(jcmd)) {
		if (qh_flagaudit_split(json_string_value(jcmd), &argv, &argc,
				       err) < 0)
			return qh_error_prefix(err, "entry %zu (%s)", idx, file);
	} else if (json_is_array(jargs)) {
		size_t i, cap = 0;
		json_t *v;

		json_array_foreach(jargs, i, v) {
			if (!json_is_string(v)) {
				qh_flagaudit_argv_free(argv);
				return qh_error_set(err, "entry %zu (%s): non-string argument",
						    idx, file);
			}
			if (qh_array_reserve((void **)&argv, &cap, argc + 2,
					     sizeof(*argv)) < 0 ||
			    !(argv[argc] = strdup(json_string_value(v)))) {
				qh_flagaudit_argv_free(argv);
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

static int compile_db(const char *path, const struct strset *only,
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

/* ---- build.ninja ------------------------------------------------------ */

struct ninja_var {
	char *name;
	char *value; /* still ninja-escaped */
};

struct ninja_rule {
	char *name;
	char *command;
	char *rspfile_content; /* meson's *_RSP rules: the flags live here */
};

struct ninja_file {
	struct ninja_rule *rules;
	size_t nrules, rules_cap;
};

static void ninja_file_free(struct ninja_file *nf)
{
	for (size_t i = 0; i < nf->nrules; i++) {
		free(nf->rules[i].name);
		free(nf->rules[i].command);
		free(nf->rules[i].rspfile_content);
	}
	free(nf->rules);
}

static const char *ninja_rule_command(const struct ninja_file *nf,
				      const char *rule)
{
	for (size_t i = 0; i < nf->nrules; i++)
		if (strcmp(nf->rules[i].name, rule) == 0)
			return nf->rules[i].command;
	return NULL;
}

static const char *var_lookup(const struct ninja_var *vars, size_t n,
			      const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len &&
		    strncmp(vars[i].name, name, len) == 0)
			return vars[i].value;
	return NULL;
}

static bool is_varchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Expand a rule command with the build statement's variables. $in is
 * dropped (object files carry no flags); $out is the output. Values are
 * expanded recursively once (meson's ARGS/LINK_ARGS hold no references). */
static int ninja_expand(struct qh_buf *b, const char *s,
			const struct ninja_var *vars, size_t nvars,
			const char *out, int depth)
{
	while (*s) {
		if (*s != '$') {
			if (qh_buf_putc(b, *s++) < 0)
				return -1;
			continue;
		}
		s++;
		if (*s == '$' || *s == ' ' || *s == ':') {
			if (qh_buf_putc(b, *s++) < 0)
				return -1;
		} else if (*s == '{' || is_varchar(*s)) {
			bool brace = *s == '{';
			const char *name = brace ? s + 1 : s, *end = name;
			const char *val;

			while (is_varchar(*end) || (brace && *end == '.'))
				end++;
			if (brace && *end != '}')
				return -1;
			if ((size_t)(end - name) == 3 && strncmp(name, "out", 3) == 0)
				val = out;
			else if ((size_t)(end - name) == 2 && strncmp(name, "in", 2) == 0)
				val = "";
			else
				val = var_lookup(vars, nvars, name, (size_t)(end - name));
			if (val && depth < 2 &&
			    ninja_expand(b, val, vars, nvars, out, depth + 1) < 0)
				return -1;
			s = brace ? end + 1 : end;
		} else if (*s) {
			s++; /* "$\n" was joined already; anything else: drop */
		}
	}
	return 0;
}

/* Read the whole file joining "$\n" continuations. */
static char *read_ninja(const char *path, struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;

	if (qh_read_file(path, 0, &b, err) < 0)
		return NULL;
	/* "$" + newline + leading spaces continue the line. A "$$" before the
	 * newline is an escaped dollar, so count the run of '$'. */
	char *w = b.data;
	for (char *r = b.data; *r;) {
		if (r[0] == '$' && r[1] == '\n') {
			size_t run = 0;

			for (char *q = w; q > b.data && q[-1] == '$'; q--)
				run++;
			if (run % 2 == 0) {
				r += 2;
				while (*r == ' ')
					r++;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return qh_buf_detach(&b);
}

/* Split a "build" line (after "build ") into words honouring ninja's "$ ",
 * "$:" and "$$" escapes. An unescaped ':' ends the outputs and becomes the
 * word ":"; "|" and "||" are words of their own already. */
static int build_words(const char *line, char ***words, size_t *n)
{
	struct qh_buf w = QH_BUF_INIT;
	size_t cap = 0;
	const char *p = line;

	*words = NULL;
	*n = 0;
	for (;;) {
		bool end = *p == '\0';

		if (end || *p == ' ' || *p == ':') {
			if (w.data && push_word(words, n, &cap, &w) < 0)
				goto nomem;
			if (end)
				break;
			if (*p == ':') {
				if (qh_buf_puts(&w, ":") < 0 ||
				    push_word(words, n, &cap, &w) < 0)
					goto nomem;
			}
			p++;
			continue;
		}
		if (*p == '$' && p[1])
			p++;
		if (qh_buf_putc(&w, *p++) < 0)
			goto nomem;
	}
	if (!*words && !(*words = calloc(1, sizeof(**words))))
		return -1;
	return 0;
nomem:
	qh_buf_free(&w);
	qh_flagaudit_argv_free(*words);
	*words = NULL;
	return -1;
}

/* A link or archive statement: outputs[0], rule, inputs and variables. */
struct ninja_stmt {
	char *out;
	char *rule;
	char **inputs; /* explicit and implicit (after '|') inputs */
	size_t ninputs;
	struct ninja_var *vars;
	size_t nvars, cap;
	bool is_archive;
};

static void stmt_clear(struct ninja_stmt *st)
{
	free(st->out);
	free(st->rule);
	qh_flagaudit_argv_free(st->inputs);
	for (size_t i = 0; i < st->nvars; i++) {
		free(st->vars[i].name);
		free(st->vars[i].value);
	}
	free(st->vars);
	memset(st, 0, sizeof(*st));
}

static bool is_exe_link_rule(const char *rule)
{
	size_t len = strlen(rule);

	/* c_LINKER, cpp_LINKER, and their response-file forms *_LINKER_RSP */
	if (len > 4 && strcmp(rule + len - 4, "_RSP") == 0)
		len -= 4;
	return len > 7 && strncmp(rule + len - 7, "_LINKER", 7) == 0 &&
	       !strstr(rule, "STATIC_LINKER") && !strstr(rule, "_FOR_BUILD");
}

static bool is_archive_rule(const char *rule)
{
	return strstr(rule, "STATIC_LINKER") != NULL;
}

struct ninja_graph {
	struct ninja_file nf;
	struct ninja_stmt *stmts;
	size_t nstmts, cap;
};

static void graph_free(struct ninja_graph *g)
{
	for (size_t i = 0; i < g->nstmts; i++)
		stmt_clear(&g->stmts[i]);
	free(g->stmts);
	ninja_file_free(&g->nf);
	memset(g, 0, sizeof(*g));
}

static const struct ninja_stmt *graph_find(const struct ninja_graph *g,
					   const char *out)
{
	for (size_t i = 0; i < g->nstmts; i++)
		if (strcmp(g->stmts[i].out, out) == 0)
			return &g->stmts[i];
	return NULL;
}

/* Turn the words of a build line into a statement when its rule is a link
 * or an archive; *st->out == NULL means "not interesting". */
static int parse_build_line(const char *line, struct ninja_stmt *st)
{
	char **w;
	size_t n, i = 0;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (build_words(line, &w, &n) < 0)
		return -1;
	while (i < n && strcmp(w[i], ":") != 0)
		i++;
	if (i == 0 || i + 1 >= n) {
		rc = 0; /* malformed or empty: nothing to audit */
		goto done;
	}
	if (!is_exe_link_rule(w[i + 1]) && !is_archive_rule(w[i + 1])) {
		rc = 0;
		goto done;
	}
	st->is_archive = is_archive_rule(w[i + 1]);
	if (!(st->out = strdup(w[0])) || !(st->rule = strdup(w[i + 1])))
		goto done;
	{
		size_t cap = 0;

		for (size_t k = i + 2; k < n && strcmp(w[k], "||") != 0; k++) {
			if (strcmp(w[k], "|") == 0)
				continue;
			if (qh_array_reserve((void **)&st->inputs, &cap,
					     st->ninputs + 2, sizeof(char *)) < 0)
				goto done;
			if (!(st->inputs[st->ninputs] = strdup(w[k])))
				goto done;
			st->inputs[++st->ninputs] = NULL;
		}
	}
	rc = 0;
done:
	qh_flagaudit_argv_free(w);
	if (rc < 0)
		stmt_clear(st);
	return rc;
}

/* A rule that passes its arguments in a response file (meson switches to
 * c_LINKER_RSP, STATIC_LINKER_RSP for long lines: QEMU 10's emulator
 * link) says "cc -m64 @$out.rsp" and keeps the flags in rspfile_content:
 * put them back where the compiler reads them. */
static int inline_rspfiles(struct ninja_file *nf)
{
	static const char *const refs[] = { "@$out.rsp", "@${out}.rsp", "@$rspfile" };

	for (size_t i = 0; i < nf->nrules; i++) {
		struct ninja_rule *r = &nf->rules[i];

		if (!r->command || !r->rspfile_content)
			continue;
		for (size_t k = 0; k < QH_ARRAY_LEN(refs); k++) {
			char *at = strstr(r->command, refs[k]);
			struct qh_buf b = QH_BUF_INIT;

			if (!at)
				continue;
			qh_buf_append(&b, r->command, (size_t)(at - r->command));
			qh_buf_puts(&b, r->rspfile_content);
			qh_buf_puts(&b, at + strlen(refs[k]));
			if (!b.data)
				return -1;
			free(r->command);
			r->command = qh_buf_detach(&b);
			break;
		}
	}
	return 0;
}

static int graph_load(const char *path, struct ninja_graph *g,
		      struct qh_error *err)
{
	struct ninja_stmt *cur = NULL;
	struct ninja_rule *cur_rule = NULL;
	char *text, *save = NULL;

	memset(g, 0, sizeof(*g));
	text = read_ninja(path, err);
	if (!text)
		return -1;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			char *p = line, *eq, *name, *value, *e;

			if (!cur && !cur_rule)
				continue;
			while (*p == ' ' || *p == '\t')
				p++;
			eq = strchr(p, '=');
			if (!eq)
				continue;
			name = p;
			value = eq + 1;
			while (*value == ' ')
				value++;
			for (e = eq; e > name && e[-1] == ' '; e--)
				;
			*e = '\0';
			if (cur_rule) {
				char **field = strcmp(name, "command") == 0 ? &cur_rule->command :
					       strcmp(name, "rspfile_content") == 0 ?
					       &cur_rule->rspfile_content : NULL;

				if (field) {
					free(*field);
					if (!(*field = strdup(value)))
						goto nomem;
				}
				continue;
			}
			if (qh_array_reserve((void **)&cur->vars, &cur->cap,
					     cur->nvars + 1, sizeof(*cur->vars)) < 0)
				goto nomem;
			cur->vars[cur->nvars].name = strdup(name);
			cur->vars[cur->nvars].value = strdup(value);
			if (!cur->vars[cur->nvars].name ||
			    !cur->vars[cur->nvars].value) {
				free(cur->vars[cur->nvars].name);
				free(cur->vars[cur->nvars].value);
				goto nomem;
			}
			cur->nvars++;
			continue;
		}
		cur = NULL;
		cur_rule = NULL;
		if (strncmp(line, "rule ", 5) == 0) {
			if (qh_array_reserve((void **)&g->nf.rules, &g->nf.rules_cap,
					     g->nf.nrules + 1, sizeof(*g->nf.rules)) < 0)
				goto nomem;
			cur_rule = &g->nf.rules[g->nf.nrules];
			cur_rule->command = NULL;
			cur_rule->rspfile_content = NULL;
			if (!(cur_rule->name = strdup(line + 5)))
				goto nomem;
			g->nf.nrules++;
		} else if (strncmp(line, "build ", 6) == 0) {
			struct ninja_stmt st;

			if (parse_build_line(line + 6, &st) < 0)
				goto nomem;
			if (!st.out)
				continue;
			if (qh_array_reserve((void **)&g->stmts, &g->cap,
					     g->nstmts + 1, sizeof(*g->stmts)) < 0) {
				stmt_clear(&st);
				goto nomem;
			}
			g->stmts[g->nstmts] = st;
			cur = &g->stmts[g->nstmts++];
		}
	}
	free(text);
	if (inline_rspfiles(&g->nf) < 0) {
		graph_free(g);
		return qh_error_set(err, "out of memory");
	}
	return 0;
nomem:
	free(text);
	graph_free(g);
	return qh_error_set(err, "out of memory");
}

static int audit_link(const struct ninja_file *nf, const struct ninja_stmt *st,
		      const struct qh_flag_requirements *req,
		      struct qh_flag_audit *out, struct qh_error *err)
{
	const char *cmd = ninja_rule_command(nf, st->rule);
	struct qh_buf b = QH_BUF_INIT;
	char **argv = NULL;
	size_t argc = 0;

	if (!cmd)
		return qh_error_set(err, "link of %s uses undefined rule %s",
				    st->out, st->rule);
	if (ninja_expand(&b, cmd, st->vars, st->nvars, st->out, 0) < 0 ||
	    !b.data) {
		qh_buf_free(&b);
		return qh_error_set(err, "link of %s: cannot expand its command",
				    st->out);
	}
	if (qh_flagaudit_split(b.data, &argv, &argc, err) < 0) {
		qh_buf_free(&b);
		return qh_error_prefix(err, "link of %s", st->out);
	}
	qh_buf_free(&b);
	out->links++;
	return audit_argv(out, st->out, true, argv, argc, req, err);
}

/* Object files that end up in `st`: its inputs, and through archives built
 * in this graph, their inputs (depth-bounded against cycles). */
static int collect_objects(const struct ninja_graph *g,
			   const struct ninja_stmt *st, struct strset *objs,
			   int depth)
{
	if (depth > 16)
		return 0;
	for (size_t i = 0; i < st->ninputs; i++) {
		const struct ninja_stmt *sub = graph_find(g, st->inputs[i]);

		if (sub && sub->is_archive) {
			if (collect_objects(g, sub, objs, depth + 1) < 0)
				return -1;
		} else if (strset_add(objs, st->inputs[i]) < 0) {
			return -1;
		}
	}
	return 0;
}

static int audit_graph_links(const char *path, const struct ninja_graph *g,
			     const char *const *targets, size_t ntargets,
			     const struct qh_flag_requirements *req,
			     struct qh_flag_audit *out, struct strset *objs,
			     struct qh_error *err)
{
	for (size_t i = 0; i < ntargets; i++) {
		const struct ninja_stmt *st = graph_find(g, targets[i]);

		if (!st || st->is_archive)
			return qh_error_set(err, "%s: no link statement for %s",
					    path, targets[i]);
	}
	for (size_t i = 0; i < g->nstmts; i++) {
		const struct ninja_stmt *st = &g->stmts[i];
		bool wanted = !targets;

		if (st->is_archive)
			continue;
		for (size_t t = 0; t < ntargets && !wanted; t++)
			wanted = strcmp(st->out, targets[t]) == 0;
		if (!wanted)
			continue;
		if (audit_link(&g->nf, st, req, out, err) < 0)
			return qh_error_prefix(err, "%s", path);
		if (objs && collect_objects(g, st, objs, 0) < 0)
			return qh_error_set(err, "out of memory");
	}
	return 0;
}

int qh_flagaudit_ninja_links(const char *path, const char *const *targets,
			     size_t ntargets,
			     const struct qh_flag_requirements *req,
			     struct qh_flag_audit *out, struct qh_error *err)
{
	struct ninja_graph g;
	int rc;

	if (graph_load(path, &g, err) < 0)
		return -1;
	rc = audit_graph_links(path, &g, targets, ntargets, req, out, NULL, err);
	graph_free(&g);
	return rc;
}

int qh_flagaudit_build_dir(const char *dir, const char *const *targets,
			   size_t ntargets,
			   const struct qh_flag_requirements *req,
			   struct qh_flag_audit *out, struct qh_error *err)
{
	struct ninja_graph g;
	struct strset objs = { 0 };
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
	if (graph_load(ninja, &g, err) < 0)
		goto done_nograph;
	if (audit_graph_links(ninja, &g, targets, ntargets, req, out,
			      &objs, err) < 0)
		goto done;
	strset_sort(&objs);
	rc = compile_db(db, targets ? &objs : NULL, req, out, err);
done:
	graph_free(&g);
done_nograph:
	strset_free(&objs);
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
	struct ninja_graph g;
	struct strset objs = { 0 };
	const struct ninja_stmt *st;
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
	if (graph_load(ninja, &g, err) < 0)
		goto nograph;
	st = graph_find(&g, target);
	if (!st || st->is_archive) {
		qh_error_set(err, "%s: no link statement for %s", ninja, target);
		goto done;
	}
	if (collect_objects(&g, st, &objs, 0) < 0)
		goto oom;
	strset_sort(&objs);
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

		if (!o || !f || !strset_has(&objs, o))
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
	graph_free(&g);
nograph:
	json_decref(db);
	strset_free(&objs);
	free(ninja);
	free(dbpath);
	free(root);
	return rc;
}
