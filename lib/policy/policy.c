/* policy.c - policy files (INI, libinih) and their verdicts.
 *
 * A policy is an ordered list of rules {scope, check id or "*", level}.
 * The most specific scope wins (path glob > file type > [checks] > the
 * default); inside one scope an exact check id beats "*", and a later line
 * beats an earlier one, so a file reads top to bottom like a config.
 */
#include "policy.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "datapath.h"
#include "ini_lines.h"
#include "rules.h"

enum scope {
	SCOPE_GLOBAL = 1, /* [checks] */
	SCOPE_TYPE,       /* [type "dso"] */
	SCOPE_PATH,       /* [path "*\/helpers/\*"] */
};

struct policy_rule {
	enum scope scope;
	char *pattern;  /* type name or path glob; NULL for SCOPE_GLOBAL */
	char *check_id; /* "*" = every check */
	enum qh_level level;
};

struct threshold {
	char *check_id;
	double percent;
};

struct qh_policy {
	char *name;
	char *profile_path;
	enum qh_level default_level;
	struct policy_rule *rules;
	size_t nrules, rules_cap;
	struct threshold *thresholds;
	size_t nthresholds, thresholds_cap;
};

/* The built-in default is written in the policy language itself so the
 * shipped ci/policies/openstack-guide.ini and this text say the same.
 * Besides the guide's five: a relative or empty run path entry (CWE-426:
 * a library planted in the working directory is loaded), text relocations
 * and RWX segments (writable code) are never legitimate in a hardened
 * build and each is a direct path to code execution. */
static const char default_policy_text[] =
	"[policy]\n"
	"name = openstack-guide (built-in)\n"
	"default = warn\n"
	"[checks]\n"
	"relro = required\n"
	"pie = required\n"
	"nx = required\n"
	"canary = required\n"
	"fortify = required\n"
	"rpath = required\n"
	"runpath = required\n"
	"textrel = required\n"
	"rwx-segment = required\n";

static const char *const level_names[] = {
	[QH_LEVEL_REQUIRED] = "required",
	[QH_LEVEL_WARN] = "warn",
	[QH_LEVEL_IGNORE] = "ignore",
};

static bool is_deep_check(const char *id)
{
	if (strcmp(id, "stack-clash") == 0)
		return true;
	for (const struct qh_rule *r = qh_rules_deep; r->id; r++)
		if (strcmp(r->id, id) == 0)
			return true;
	return false;
}

const char *qh_policy_deep_required(const struct qh_policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].level == QH_LEVEL_REQUIRED &&
		    is_deep_check(p->rules[i].check_id))
			return p->rules[i].check_id;
	return NULL;
}

const char *qh_level_name(enum qh_level level)
{
	if ((size_t)level < QH_ARRAY_LEN(level_names))
		return level_names[level];
	return "unknown";
}

int qh_level_parse(const char *name, enum qh_level *out)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(level_names); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum qh_level)i;
			return 0;
		}
	}
	return -1;
}

bool qh_type_known(const char *type)
{
	return qh_file_type_parse(type, NULL);
}

/* Every id of the rule tables (lib/rules*.c), which the contract's. */
bool qh_check_id_known(const char *check_id)
{
	return qh_rule_find(check_id) != NULL;
}

void qh_policy_free(struct qh_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrules; i++) {
		free(p->rules[i].pattern);
		free(p->rules[i].check_id);
	}
	for (size_t i = 0; i < p->nthresholds; i++)
		free(p->thresholds[i].check_id);
	free(p->rules);
	free(p->thresholds);
	free(p->name);
	free(p->profile_path);
	free(p);
}

/* ---- parsing ---------------------------------------------------------- */

enum section_kind {
	SEC_NONE,
	SEC_POLICY,
	SEC_CHECKS,
	SEC_TYPE,
	SEC_PATH,
	SEC_THRESHOLDS,
};

struct parse_ctx {
	struct qh_policy *p;
	char *dir; /* directory of the policy file, for relative paths */
	/* the section being read (cached parse of its name) */
	char *section;
	enum section_kind kind;
	char *pattern;
};

static const struct {
	const char *name;
	enum section_kind kind;
	bool has_arg;
} section_kinds[] = {
	{ "policy", SEC_POLICY, false },
	{ "checks", SEC_CHECKS, false },
	{ "thresholds", SEC_THRESHOLDS, false },
	{ "type", SEC_TYPE, true },
	{ "path", SEC_PATH, true },
};

static int classify_section(const char *section, enum section_kind *kind,
			    char **arg, struct qh_error *err)
{
	size_t klen;

	if (qh_ini_section_split(section, &klen, arg, err) < 0)
		return -1;
	for (size_t i = 0; i < QH_ARRAY_LEN(section_kinds); i++) {
		const char *name = section_kinds[i].name;

		if (strlen(name) != klen || strncmp(section, name, klen) != 0)
			continue;
		if (section_kinds[i].has_arg != (*arg != NULL))
			return qh_error_set(err, section_kinds[i].has_arg ?
					    "section [%s] needs a quoted argument, "
					    "e.g. [%s \"...\"]" :
					    "section [%s] takes no argument",
					    section, name);
		if (section_kinds[i].kind == SEC_TYPE && !qh_type_known(*arg))
			return qh_error_set(err, "unknown file type \"%s\" (one "
					    "of exec, static, pie, static-pie, "
					    "dso, object, core, other)", *arg);
		*kind = section_kinds[i].kind;
		return 0;
	}
	if (!*section)
		return qh_error_set(err, "key outside any section");
	return qh_error_set(err, "unknown section [%s] (one of [policy], "
			    "[checks], [thresholds], [type \"...\"], "
			    "[path \"...\"])", section);
}

static int enter_section(struct parse_ctx *ctx, const char *section,
			 struct qh_error *err)
{
	if (ctx->section && strcmp(ctx->section, section) == 0)
		return 0;
	free(ctx->section);
	free(ctx->pattern);
	ctx->pattern = NULL;
	ctx->kind = SEC_NONE;
	ctx->section = strdup(section);
	if (!ctx->section)
		return qh_error_set(err, "out of memory");
	return classify_section(section, &ctx->kind, &ctx->pattern, err);
}

static int on_section(void *user, const char *section, unsigned line,
		      struct qh_error *err)
{
	(void)line;
	return enter_section(user, section, err);
}

static int add_rule(struct qh_policy *p, enum scope scope, const char *pattern,
		    const char *check_id, enum qh_level level)
{
	struct policy_rule *r;
	void *arr = p->rules;

	if (qh_array_reserve(&arr, &p->rules_cap, p->nrules + 1, sizeof(*r)) < 0)
		return -1;
	p->rules = arr;
	r = &p->rules[p->nrules];
	r->scope = scope;
	r->level = level;
	r->pattern = qh_strdup(pattern);
	r->check_id = strdup(check_id);
	if ((pattern && !r->pattern) || !r->check_id) {
		free(r->pattern);
		free(r->check_id);
		return -1;
	}
	p->nrules++;
	return 0;
}

static int set_threshold(struct qh_policy *p, const char *check_id,
			 double percent)
{
	struct threshold *t;
	void *arr = p->thresholds;

	for (size_t i = 0; i < p->nthresholds; i++) {
		if (strcmp(p->thresholds[i].check_id, check_id) == 0) {
			p->thresholds[i].percent = percent;
			return 0;
		}
	}
	if (qh_array_reserve(&arr, &p->thresholds_cap, p->nthresholds + 1,
			     sizeof(*t)) < 0)
		return -1;
	p->thresholds = arr;
	t = &p->thresholds[p->nthresholds];
	t->check_id = strdup(check_id);
	if (!t->check_id)
		return -1;
	t->percent = percent;
	p->nthresholds++;
	return 0;
}

static int parse_level(const char *value, enum qh_level *level,
		       struct qh_error *err)
{
	if (qh_level_parse(value, level) == 0)
		return 0;
	return qh_error_set(err, "unknown level \"%s\" (one of required, warn, "
			    "ignore)", value);
}

static int parse_percent(const char *value, double *percent,
			 struct qh_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (end != value && *end == '%')
		end++;
	if (errno || end == value || *end || !(v >= 0.0 && v <= 100.0))
		return qh_error_set(err, "threshold \"%s\" is not a percentage "
				    "between 0 and 100", value);
	*percent = v;
	return 0;
}

static int set_profile(struct parse_ctx *ctx, const char *value,
		       struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;

	if (!*value)
		return qh_error_set(err, "profile needs a path");
	/* a relative path is relative to the policy file; a bare name is
	 * looked up by the command (datapath.h) */
	if (value[0] != '/' && ctx->dir && qh_data_is_path(value))
		qh_buf_printf(&b, "%s/%s", ctx->dir, value);
	else
		qh_buf_puts(&b, value);
	if (!b.data)
		return qh_error_set(err, "out of memory");
	free(ctx->p->profile_path);
	ctx->p->profile_path = qh_buf_detach(&b);
	return 0;
}

static int policy_key(struct parse_ctx *ctx, const char *key,
		      const char *value, struct qh_error *err)
{
	if (strcmp(key, "name") == 0) {
		if (!*value)
			return qh_error_set(err, "name is empty");
		if (qh_check_set_str(&ctx->p->name, value) < 0)
			return qh_error_set(err, "out of memory");
		return 0;
	}
	if (strcmp(key, "default") == 0)
		return parse_level(value, &ctx->p->default_level, err);
	if (strcmp(key, "profile") == 0)
		return set_profile(ctx, value, err);
	return qh_error_set(err, "unknown key \"%s\" in [policy] (one of name, "
			    "default, profile)", key);
}

static int on_key(void *user, const char *section, const char *key,
		  const char *value, unsigned line, struct qh_error *err)
{
	struct parse_ctx *ctx = user;
	enum qh_level level = QH_LEVEL_WARN;
	enum scope scope;
	double percent = 0;

	(void)line;
	if (enter_section(ctx, section, err) < 0)
		return -1;
	switch (ctx->kind) {
	case SEC_POLICY:
		return policy_key(ctx, key, value, err);
	case SEC_THRESHOLDS:
		if (!qh_check_id_known(key))
			return qh_error_set(err, "unknown check id \"%s\"", key);
		if (parse_percent(value, &percent, err) < 0)
			return -1;
		if (set_threshold(ctx->p, key, percent) < 0)
			return qh_error_set(err, "out of memory");
		return 0;
	case SEC_CHECKS:
	case SEC_TYPE:
	case SEC_PATH:
		scope = ctx->kind == SEC_CHECKS ? SCOPE_GLOBAL :
			ctx->kind == SEC_TYPE ? SCOPE_TYPE : SCOPE_PATH;
		if (strcmp(key, "*") != 0 && !qh_check_id_known(key))
			return qh_error_set(err, "unknown check id \"%s\"", key);
		if (parse_level(value, &level, err) < 0)
			return -1;
		if (add_rule(ctx->p, scope, ctx->pattern, key, level) < 0)
			return qh_error_set(err, "out of memory");
		return 0;
	case SEC_NONE:
		break;
	}
	return qh_error_set(err, "internal error: unclassified section");
}

static const struct qh_ini_callbacks policy_callbacks = { on_section, on_key };

static struct qh_policy *policy_new(const char *name)
{
	struct qh_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->default_level = QH_LEVEL_WARN;
	p->name = qh_strdup(name);
	if (!p->name) {
		free(p);
		return NULL;
	}
	return p;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Parse text (or the file at path when text is NULL) into a new policy. */
static struct qh_policy *policy_parse(const char *path, const char *text,
				      struct qh_error *err)
{
	struct parse_ctx ctx = { 0 };
	const char *slash = text ? NULL : strrchr(path, '/');
	int rc;

	ctx.p = policy_new(base_name(path));
	if (slash)
		ctx.dir = strndup(path, (size_t)(slash - path + (slash == path)));
	if (!ctx.p || (slash && !ctx.dir)) {
		qh_policy_free(ctx.p);
		free(ctx.dir);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	if (text)
		rc = qh_ini_parse_string(text, path, &policy_callbacks, &ctx, err);
	else
		rc = qh_ini_parse_file(path, &policy_callbacks, &ctx, err);
	free(ctx.section);
	free(ctx.pattern);
	free(ctx.dir);
	if (rc < 0) {
		qh_policy_free(ctx.p);
		return NULL;
	}
	return ctx.p;
}

struct qh_policy *qh_policy_load(const char *path, struct qh_error *err)
{
	return policy_parse(path, NULL, err);
}

struct qh_policy *qh_policy_parse_string(const char *text, const char *name,
					 struct qh_error *err)
{
	return policy_parse(name, text, err);
}

struct qh_policy *qh_policy_default(struct qh_error *err)
{
	return qh_policy_parse_string(default_policy_text, "<built-in policy>",
				      err);
}

/* ---- queries ---------------------------------------------------------- */

const char *qh_policy_name(const struct qh_policy *p)
{
	return p->name;
}

const char *qh_policy_profile_path(const struct qh_policy *p)
{
	return p->profile_path;
}

bool qh_policy_threshold(const struct qh_policy *p, const char *check_id,
			 double *percent)
{
	for (size_t i = 0; i < p->nthresholds; i++) {
		if (strcmp(p->thresholds[i].check_id, check_id) == 0) {
			*percent = p->thresholds[i].percent;
			return true;
		}
	}
	return false;
}

/* A glob without '/' names a file wherever it is (like .gitignore); one with
 * '/' is matched against the whole path, '*' crossing '/' so "*\/libexec/\*"
 * needs no "**". */
static bool path_matches(const char *glob, const char *path)
{
	if (!path)
		return false;
	if (!strchr(glob, '/'))
		return fnmatch(glob, base_name(path), 0) == 0;
	return fnmatch(glob, path, 0) == 0;
}

bool qh_policy_glob_matches(const char *glob, const char *path)
{
	return path_matches(glob, path);
}

enum qh_level qh_policy_level(const struct qh_policy *p, const char *path,
			      const char *type, const char *check_id)
{
	enum qh_level level = p->default_level;
	int best = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];
		bool exact = strcmp(r->check_id, check_id) == 0;
		int rank;

		if (!exact && strcmp(r->check_id, "*") != 0)
			continue;
		if (r->scope == SCOPE_TYPE &&
		    (!type || strcmp(r->pattern, type) != 0))
			continue;
		if (r->scope == SCOPE_PATH && !path_matches(r->pattern, path))
			continue;
		rank = (int)r->scope * 2 + exact;
		if (rank >= best) {
			best = rank;
			level = r->level;
		}
	}
	return level;
}

bool qh_policy_named_level(const struct qh_policy *p, const char *path, const char *type,
			   const char *check_id, enum qh_level *out)
{
	int best = -1;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (strcmp(r->check_id, check_id) != 0)
			continue;
		if (r->scope == SCOPE_TYPE && (!type || strcmp(r->pattern, type) != 0))
			continue;
		if (r->scope == SCOPE_PATH && !path_matches(r->pattern, path))
			continue;
		if ((int)r->scope >= best) {
			best = (int)r->scope;
			*out = r->level;
		}
	}
	return best >= 0;
}

/* Coverage values of the deep checks come in two shapes:
 *   {"protected"|"probed": N, "candidates": M}  N of M candidates are fine;
 *   {"checked": M, "missing": [names]}           all but the missing are. */
int qh_coverage_percent(const json_t *value, double *percent)
{
	json_t *good = json_object_get(value, "protected");
	json_t *all = json_object_get(value, "candidates");
	json_t *missing = json_object_get(value, "missing");
	double n, m;

	if (!good)
		good = json_object_get(value, "probed");
	if (json_is_number(good) && json_is_number(all)) {
		n = json_number_value(good);
		m = json_number_value(all);
	} else if (json_is_number(json_object_get(value, "checked")) &&
		   json_is_array(missing)) {
		m = json_number_value(json_object_get(value, "checked"));
		n = m - (double)json_array_size(missing);
	} else {
		return -1;
	}
	if (n < 0 || m < 0 || n > m)
		return -1;
	*percent = m > 0 ? 100.0 * n / m : 100.0;
	return 0;
}

/* With a threshold, the policy (not the check) decides pass/fail from the
 * coverage, and says so in the check's reason. */
static int apply_threshold(const struct qh_policy *p, struct qh_check *c,
			   enum qh_status *status)
{
	double want, got;
	char msg[160];

	if (!qh_policy_threshold(p, c->id, &want) ||
	    qh_coverage_percent(c->value, &got) < 0)
		return 0;
	*status = got + 1e-9 >= want ? QH_PASS : QH_FAIL;
	snprintf(msg, sizeof(msg), "coverage %.1f%% %s policy threshold %g%%",
		 got, *status == QH_PASS ? ">=" : "<", want);
	return qh_check_set_str(&c->reason, msg);
}

int qh_policy_apply(const struct qh_policy *p, struct qh_result *res,
		    struct qh_error *err)
{
	for (size_t i = 0; i < res->nchecks; i++) {
		struct qh_check *c = &res->checks[i];
		enum qh_status status = c->raw_status;

		if (apply_threshold(p, c, &status) < 0)
			return qh_error_set(err, "out of memory");
		switch (qh_policy_level(p, res->path, res->type, c->id)) {
		case QH_LEVEL_REQUIRED:
			break;
		case QH_LEVEL_WARN:
			if (status == QH_FAIL)
				status = QH_WARN;
			break;
		case QH_LEVEL_IGNORE:
			status = QH_SKIP;
			break;
		}
		c->status = status;
	}
	return 0;
}
