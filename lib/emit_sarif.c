/* emit_sarif.c - SARIF 2.1.0 for GitHub code scanning and other viewers.
 *
 * One run. Results stream out as they come; the tool object (whose rules
 * array must list every rule id a result used) is written at the end, which
 * JSON allows since member order carries no meaning:
 *
 *   {"$schema": ..., "version": "2.1.0", "runs": [{"results": [
 *   {...}, ...
 *   ], "tool": {"driver": {... "rules": [...]}}, "invocations": [...],
 *   "properties": {"summary": ...}, "automationDetails": {...}}]}
 *
 * Rules: every rule rules.h knows (ruleIndex is stable) followed by unknown
 * check ids in order of first sight, with generic text. A result is written
 * for each fail (level error) and warn (level warning), and for each waived
 * finding (with a suppression carrying the waiver's reason). Files that
 * could not be analysed become toolExecutionNotifications (level error), as
 * do a result's warnings (warning) and type notes (note).
 *
 * Artifact URIs percent-encode the path's raw bytes (RFC 3986), so they are
 * exact even for non-UTF-8 names; absolute paths become file:/// URIs and
 * relative paths stay relative references (GitHub resolves them against the
 * checkout). partialFingerprints.primaryLocationLineHash is a hash of
 * path, check id and function, so an alert keeps its identity across runs.
 */
#include "emit_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define DUMP_FLAGS (JSON_COMPACT)
/* per result, for logical and related locations: GitHub takes at most
 * 1000 locations per result; a few dozen already tell the story */
#define MAX_LOCATIONS 100

struct sarif_state {
	size_t nknown;         /* rules from rules.h, indices 0..nknown-1 */
	const struct qh_rule **known; /* them, in order (qh_rule_at walks the
				       * tables from the start every call) */
	size_t known_cap;
	json_t *unknown_index; /* check id -> index, for ids rules.h lacks */
	json_t *unknown_rules; /* reportingDescriptors of those, in order */
	/* one notification per file that could not be analysed, kept as
	 * compact JSON text (a tenth of a jansson tree's memory) */
	struct qh_buf notifications;
	size_t nwritten;       /* results written so far */
};

static int oom(struct qh_error *err)
{
	return qh_error_set(err, "out of memory");
}

/* RFC 3986: keep unreserved characters and '/', percent-encode the rest. */
static int uri_append(struct qh_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";

	if (path[0] == '/' && qh_buf_puts(b, "file://") < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || strchr("-._~/", *p);
		char enc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

		if (keep ? qh_buf_putc(b, (char)*p) : qh_buf_append(b, enc, 3))
			return -1;
	}
	return 0;
}

static json_t *artifact_location(const char *path)
{
	struct qh_buf b = QH_BUF_INIT;
	json_t *loc = NULL;

	if (uri_append(&b, path ? path : "") == 0 && b.data)
		loc = json_pack("{s:s}", "uri", b.data);
	qh_buf_free(&b);
	return loc;
}

static const char *severity_score(const char *word)
{
	static const struct { const char *word, *score; } map[] = {
		{ "critical", "9.0" }, { "high", "7.5" }, { "medium", "5.0" },
		{ "low", "3.0" }, { "info", "0.0" },
	};

	for (size_t i = 0; word && i < QH_ARRAY_LEN(map); i++)
		if (strcmp(word, map[i].word) == 0)
			return map[i].score;
	return "5.0";
}

/* A message: viewers render it, so control characters are escaped too. */
static json_t *text_obj(const char *s)
{
	char *clean = qh_escape_dup(s ? s : "", QH_ESC_CONTROL);
	json_t *t = clean ? json_pack("{s:s}", "text", clean) : NULL;

	free(clean);
	return t;
}

static json_t *rule_json(const char *id, const char *title, const char *help,
			 const char *fix, const char *score)
{
	struct qh_buf h = QH_BUF_INIT;
	json_t *rule = NULL;

	if (qh_buf_puts(&h, help) == 0 &&
	    (!fix || qh_buf_printf(&h, " Fix: %s", fix) == 0))
		rule = json_pack("{s:o,s:o,s:o,s:o,s:o,s:{s:s},s:{s:[s,s],s:s,s:s}}",
				 "id", qh_json_str(id),
				 "name", qh_json_str(id),
				 "shortDescription", text_obj(title),
				 "fullDescription", text_obj(help),
				 "help", text_obj(h.data),
				 "defaultConfiguration", "level", "error",
				 "properties", "tags", "security", "hardening",
				 "precision", "high",
				 "security-severity", score);
	qh_buf_free(&h);
	return rule;
}

static json_t *known_rule_json(const struct qh_rule *r)
{
	const char *title = r->title ? r->title : r->id;

	return rule_json(r->id, title, r->help ? r->help : title, r->fix,
			 r->severity ? r->severity : "5.0");
}

/* ruleIndex for a check id; registers unknown ids with generic text. They
 * are keyed by the escaped id: rules must be unique as written. */
static json_int_t rule_index(struct qh_emitter *e, const struct qh_check *c)
{
	struct sarif_state *st = e->state;
	const struct qh_rule *r;
	struct qh_buf title = QH_BUF_INIT, help = QH_BUF_INIT;
	char *key;
	json_t *idx, *rule = NULL;
	json_int_t n;

	for (size_t i = 0; i < st->nknown; i++)
		if ((r = st->known[i]) && strcmp(r->id, c->id) == 0)
			return (json_int_t)i;
	key = qh_escape_dup(c->id, QH_ESC_CONTROL);
	if (!key)
		return -1;
	idx = json_object_get(st->unknown_index, key);
	if (idx) {
		free(key);
		return json_integer_value(idx);
	}
	n = (json_int_t)(st->nknown + json_array_size(st->unknown_rules));
	if (qh_buf_printf(&title, "qhard check '%s'", key) == 0 &&
	    qh_buf_printf(&help, "Check '%s' reported by qhard %s; see the "
			  "result's message for its evidence.", key,
			  e->command) == 0)
		rule = rule_json(key, title.data, help.data, c->fix,
				 severity_score(c->severity));
	qh_buf_free(&title);
	qh_buf_free(&help);
	if (!rule || json_array_append_new(st->unknown_rules, rule) < 0 ||
	    json_object_set_new(st->unknown_index, key, json_integer(n)) < 0)
		n = -1;
	free(key);
	return n;
}

static int sarif_begin(struct qh_emitter *e, const struct qh_report *r,
		       struct qh_error *err)
{
	struct sarif_state *st = e->state;

	(void)r;
	for (const struct qh_rule *rule; (rule = qh_rule_at(st->nknown));) {
		void *arr = st->known;

		if (qh_array_reserve(&arr, &st->known_cap, st->nknown + 1,
				     sizeof(*st->known)) < 0)
			return oom(err);
		st->known = arr;
		st->known[st->nknown++] = rule;
	}
	st->unknown_index = json_object();
	st->unknown_rules = json_array();
	if (!st->unknown_index || !st->unknown_rules)
		return oom(err);
	fprintf(e->out, "{\"$schema\":\"%s\",\"version\":\"2.1.0\","
		"\"runs\":[{\"results\":[", SARIF_SCHEMA);
	return 0;
}

/* "<title> failed in <path>: <id>=<value> (<evidence>). Why: ... Fix: ..."
 * (the id=value part only when the check has a value). */
static int message_text(struct qh_buf *b, const struct qh_result *res,
			const struct qh_check *c, enum qh_status shown,
			const struct qh_rule *rule)
{
	bool has_value = c->value && !json_is_null(c->value);
	int rc = 0;

	rc |= qh_buf_puts(b, rule && rule->title ? rule->title : c->id);
	rc |= qh_buf_puts(b, shown == QH_FAIL ? " failed in " : " warning in ");
	rc |= qh_buf_puts(b, res->path);
	if (has_value || c->evidence)
		rc |= qh_buf_puts(b, ": ");
	if (has_value) {
		rc |= qh_buf_puts(b, c->id);
		rc |= qh_buf_putc(b, '=');
		rc |= qh_emit_value_text(b, c->value);
	}
	if (c->evidence) {
		rc |= qh_buf_puts(b, has_value ? " (" : "");
		rc |= qh_buf_puts(b, c->evidence);
		rc |= qh_buf_puts(b, has_value ? ")" : "");
	}
	if (c->reason) {
		rc |= qh_buf_puts(b, ". Why: ");
		rc |= qh_buf_puts(b, c->reason);
	}
	if (c->fix) {
		rc |= qh_buf_puts(b, ". Fix: ");
		rc |= qh_buf_puts(b, c->fix);
	}
	return rc ? -1 : 0;
}

static json_t *primary_location(const struct qh_result *res,
				const struct qh_check *c)
{
	json_t *loc = json_pack("{s:{s:o}}", "physicalLocation",
				"artifactLocation", artifact_location(res->path));
	json_t *logical;
	const struct qh_location *first = c->nlocations ? &c->locations[0] : NULL;

	/* a finding inside the subject itself (audit: a config file's line)
	 * gets a region, so viewers annotate that line */
	if (loc && first && first->file && first->line &&
	    strcmp(first->file, res->path) == 0)
		json_object_set_new(json_object_get(loc, "physicalLocation"),
				    "region", json_pack("{s:I}", "startLine",
							(json_int_t)first->line));
	if (!loc || !first || !first->function)
		return loc;
	logical = json_array();
	json_object_set_new(loc, "logicalLocations", logical);
	/* the schema wants unique items: each function once (compared as
	 * written, after escaping; bounded work for huge location lists) */
	for (size_t i = 0; logical && i < c->nlocations && i < 16 * MAX_LOCATIONS &&
			   json_array_size(logical) < MAX_LOCATIONS; i++) {
		json_t *item, *old;
		size_t j;
		bool seen = false;

		if (!c->locations[i].function)
			continue;
		item = json_pack("{s:o,s:s}", "name",
				 qh_json_str(c->locations[i].function),
				 "kind", "function");
		json_array_foreach(logical, j, old)
			seen = seen || json_equal(old, item);
		if (seen || !item)
			json_decref(item);
		else
			json_array_append_new(logical, item);
	}
	return loc;
}

/* Source positions (deep checks: file:line) as relatedLocations. */
static json_t *related_locations(const struct qh_check *c)
{
	json_t *arr = json_array();
	int id = 0;

	for (size_t i = 0; arr && i < c->nlocations && i < MAX_LOCATIONS; i++) {
		const struct qh_location *l = &c->locations[i];
		json_t *phys, *rel;
		struct qh_buf msg = QH_BUF_INIT;

		if (!l->file)
			continue;
		phys = json_pack("{s:o}", "artifactLocation",
				 artifact_location(l->file));
		if (phys && l->line)
			json_object_set_new(phys, "region",
					    json_pack("{s:I}", "startLine",
						      (json_int_t)l->line));
		if (l->function)
			qh_buf_printf(&msg, "in %s", l->function);
		else
			qh_buf_puts(&msg, "here");
		if (l->address)
			qh_buf_printf(&msg, " at 0x%" PRIx64, l->address);
		rel = json_pack("{s:i,s:o,s:o}", "id", id++, "physicalLocation",
				phys, "message", text_obj(msg.data));
		qh_buf_free(&msg);
		if (!rel || json_array_append_new(arr, rel) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *fingerprints(const struct qh_result *res,
			    const struct qh_check *c)
{
	const char *fields[] = {
		res->path, c->id,
		c->nlocations ? c->locations[0].function : NULL,
	};
	char hash[24];

	snprintf(hash, sizeof(hash), "%016" PRIx64,
		 qh_fnv1a64(fields, QH_ARRAY_LEN(fields)));
	return json_pack("{s:s,s:s}", "primaryLocationLineHash", hash,
			 "qhard/v1", hash);
}

static json_t *finding(struct qh_emitter *e, const struct qh_result *res,
		       const struct qh_check *c, enum qh_status shown)
{
	struct sarif_state *st = e->state;
	struct qh_buf msg = QH_BUF_INIT;
	json_int_t idx = rule_index(e, c);
	json_t *o = NULL, *rel;
	char *rule_id = NULL;
	json_t *props;

	if (idx < 0 || message_text(&msg, res, c, shown,
				    (size_t)idx < st->nknown ? st->known[idx]
							     : NULL) < 0)
		goto out;
	/* ids as the rule wrote them: escaped, control characters too */
	rule_id = qh_escape_dup(c->id, QH_ESC_CONTROL);
	if (!rule_id)
		goto out;
	o = json_pack("{s:s,s:I,s:s,s:s,s:o,s:[o],s:o}",
		      "ruleId", rule_id,
		      "ruleIndex", idx,
		      "kind", "fail",
		      "level", shown == QH_FAIL ? "error" : "warning",
		      "message", text_obj(msg.data),
		      "locations", primary_location(res, c),
		      "partialFingerprints", fingerprints(res, c));
	if (!o)
		goto out;
	rel = related_locations(c);
	if (json_array_size(rel))
		json_object_set_new(o, "relatedLocations", rel);
	else
		json_decref(rel);
	if (c->waived_by)
		json_object_set_new(o, "suppressions", json_pack(
			"[{s:s,s:s,s:o}]", "kind", "external", "status",
			"accepted", "justification", qh_json_str(c->waived_by)));
	props = json_pack("{s:s,s:o}", "status", qh_status_name(c->status),
			  "value", qh_json_sanitize(c->value));
	if (props && c->severity)
		json_object_set_new(props, "severity", qh_json_str(c->severity));
	json_object_set_new(o, "properties", props);
out:
	free(rule_id);
	qh_buf_free(&msg);
	return o;
}

/* A notification about one file: why it could not be analysed (error),
 * a warning of its result, or why its type is uncertain (note). */
static int notify(struct qh_emitter *e, const struct qh_result *res,
		  const char *level, const char *what, struct qh_error *err)
{
	struct sarif_state *st = e->state;
	struct qh_buf msg = QH_BUF_INIT;
	json_t *n;
	char *text;

	if (qh_buf_printf(&msg, "%s: %s", res->path, what) < 0) {
		qh_buf_free(&msg);
		return oom(err);
	}
	n = json_pack("{s:s,s:o,s:[{s:{s:o}}]}", "level", level,
		      "message", text_obj(msg.data), "locations",
		      "physicalLocation", "artifactLocation",
		      artifact_location(res->path));
	qh_buf_free(&msg);
	text = n ? json_dumps(n, DUMP_FLAGS) : NULL;
	json_decref(n);
	if (!text || (st->notifications.len &&
		      qh_buf_putc(&st->notifications, ',') < 0) ||
	    qh_buf_puts(&st->notifications, text) < 0) {
		free(text);
		return oom(err);
	}
	free(text);
	return 0;
}

static int sarif_result(struct qh_emitter *e, const struct qh_result *res,
			struct qh_error *err)
{
	struct sarif_state *st = e->state;

	size_t wi;
	json_t *w;

	if (res->error)
		return notify(e, res, "error", res->error, err);
	json_array_foreach(res->warnings, wi, w)
		if (notify(e, res, "warning", json_string_value(w), err) < 0)
			return -1;
	if (res->type_note &&
	    notify(e, res, "note", json_string_value(json_object_get(
					   res->type_note, "evidence")) ?
				   json_string_value(json_object_get(
					   res->type_note, "evidence")) :
				   "type note", err) < 0)
		return -1;
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct qh_check *c = &res->checks[i];
		/* a waived finding is shown at the level it was found */
		enum qh_status shown = c->waived_by && c->raw_status > c->status
					       ? c->raw_status : c->status;
		json_t *o;
		int rc;

		if (shown != QH_FAIL && shown != QH_WARN)
			continue;
		o = finding(e, res, c, shown);
		if (!o)
			return oom(err);
		fputs(st->nwritten++ ? ",\n" : "\n", e->out);
		rc = qh_emit_dump(e, o, DUMP_FLAGS, err);
		json_decref(o);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int sarif_end(struct qh_emitter *e, const struct qh_report *r,
		     const struct qh_summary *s, struct qh_error *err)
{
	struct sarif_state *st = e->state;
	json_t *rules = json_array(), *tool, *props;
	size_t i;
	json_t *item;
	int rc;

	(void)r;
	for (i = 0; rules && i < st->nknown; i++)
		if (json_array_append_new(rules, known_rule_json(st->known[i])) < 0)
			break;
	json_array_foreach(st->unknown_rules, i, item)
		json_array_append(rules, item);
	tool = json_pack("{s:{s:s,s:s,s:s,s:o}}", "driver", "name", "qhard",
			 "version", QHARD_VERSION, "semanticVersion",
			 QHARD_VERSION, "rules", rules);
	props = json_pack("{s:o,s:o}", "command", qh_json_str(e->command),
			  "summary", qh_json_summary(s));
	fputs(st->nwritten ? "\n],\"tool\":" : "],\"tool\":", e->out);
	rc = qh_emit_dump(e, tool, DUMP_FLAGS, err);
	fputs(",\"invocations\":[{\"executionSuccessful\":true,"
	      "\"toolExecutionNotifications\":[", e->out);
	if (st->notifications.len)
		fwrite(st->notifications.data, 1, st->notifications.len, e->out);
	fputs("]}]", e->out);
	if (rc == 0) {
		fputs(",\"properties\":", e->out);
		rc = qh_emit_dump(e, props, DUMP_FLAGS, err);
	}
	if (rc == 0) {
		/* GitHub keeps one analysis per category and commit: checksec,
		 * audit and gate logs uploaded for one commit must not replace
		 * each other ("category/" with an empty run id) */
		json_t *auto_id = NULL;
		char *cmd = qh_escape_dup(e->command, QH_ESC_CONTROL);
		struct qh_buf id = QH_BUF_INIT;

		if (cmd && qh_buf_printf(&id, "qhard-%s/", cmd[0] ? cmd : "report") == 0)
			auto_id = json_pack("{s:s}", "id", id.data);
		fputs(",\"automationDetails\":", e->out);
		rc = qh_emit_dump(e, auto_id, DUMP_FLAGS, err);
		json_decref(auto_id);
		qh_buf_free(&id);
		free(cmd);
	}
	fputs("}]}\n", e->out);
	json_decref(tool);
	json_decref(props);
	return rc;
}

static void sarif_fini(struct qh_emitter *e)
{
	struct sarif_state *st = e->state;

	free(st->known);
	json_decref(st->unknown_index);
	json_decref(st->unknown_rules);
	qh_buf_free(&st->notifications);
}

const struct qh_emit_format qh_emit_sarif = {
	.name = "sarif",
	.state_size = sizeof(struct sarif_state),
	.begin = sarif_begin,
	.result = sarif_result,
	.end = sarif_end,
	.fini = sarif_fini,
};
