/* emit_sarif.c - SARIF 2.1.0 for GitHub code scanning and other viewers;
 * Microsoft's SARIF Multitool (`validate`) finds nothing to warn about.
 *
 * One run. Results stream out as they come; the tool object (whose rules
 * array must list every rule id a result used) and the artifacts are
 * written at the end, which JSON allows since member order carries no
 * meaning:
 *
 *   {"$schema": ..., "version": "2.1.0", "runs": [{"results": [
 *   {...}, ...
 *   ], "tool": {"driver": {... "rules": [...]}}, "artifacts": [...],
 *   "invocations": [...], "properties": {"summary": ...},
 *   "automationDetails": {...}}]}
 *
 * Rules: only those the results used, in order of first use (ruleIndex
 * counts them), from rules.h, or with generic text for ids it lacks. A rule's
 * name is its title in PascalCase (SARIF wants a name that is not the id),
 * its helpUri the man page that documents it. A result is written for each
 * fail (level error) and warn (level warning), and for each waived finding
 * (with a suppression carrying the waiver's reason); its message reads as
 * sentences. Files that could not be analysed become
 * toolExecutionNotifications (level error), as do a result's warnings
 * (warning) and type notes (note).
 *
 * Locations: the file with a region: the config line an audit finding
 * names, else the whole file as bytes (byteOffset 0, byteLength = size;
 * from offset 0 when the size is unknown, e.g. results read back from a
 * JSON report), else line 1 of a text file. A package member is a nested
 * artifact: its package is artifacts[i], the member an artifact with
 * parentIndex i whose uri is the member's path in the package. A finding
 * about the host itself names the file it read (a /proc or /sys line) when
 * there is one, and the host property as a logical location. An audit of
 * another root (report section "root") names its files inside that root.
 *
 * Artifact URIs percent-encode the path's raw bytes (RFC 3986), so they are
 * exact even for non-UTF-8 names; absolute paths become file:/// URIs and
 * relative paths stay relative references (GitHub resolves them against the
 * checkout). partialFingerprints.primaryLocationLineHash is a hash of
 * path (and package), check id and function, so an alert keeps its identity
 * across runs.
 */
#include "emit_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* qhard has no web home: the man pages are its documentation, named the
 * way systemd units name theirs (Documentation=man:...). A packager with
 * a home page may define it. */
#ifndef QHARD_INFORMATION_URI
#define QHARD_INFORMATION_URI "man:qhard(1)"
#endif
#define DUMP_FLAGS (JSON_COMPACT)
/* per result, for logical and related locations: GitHub takes at most
 * 1000 locations per result; a few dozen already tell the story */
#define MAX_LOCATIONS 100

struct sarif_state {
	json_t *rule_index;     /* escaped check id -> ruleIndex */
	json_t *rules;          /* reportingDescriptors, in order of first use */
	json_t *artifacts;      /* packages and their members */
	json_t *package_index;  /* escaped package path -> artifact index */
	/* one notification per file that could not be analysed, kept as
	 * compact JSON text (a tenth of a jansson tree's memory) */
	struct qh_buf notifications;
	size_t nwritten;        /* results written so far */
	json_int_t member;      /* artifact of the current result; -1: none yet */
	char *root;             /* audit --root DIR other than /: subjects' paths
				 * are inside it */
};

static int oom(struct qh_error *err)
{
	return qh_error_set(err, "out of memory");
}

/* RFC 3986: keep unreserved characters and '/', percent-encode the rest.
 * A path inside a package is a relative reference (no leading '/': SARIF
 * combines it with its parent artifact). */
static int uri_append(struct qh_buf *b, const char *path, bool nested)
{
	static const char hex[] = "0123456789ABCDEF";

	if (nested)
		path += strspn(path, "/");
	else if (path[0] == '/' && qh_buf_puts(b, "file://") < 0)
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

static json_t *uri_location(const char *path, bool nested)
{
	struct qh_buf b = QH_BUF_INIT;
	json_t *loc = NULL;

	/* an empty reference would be the document itself */
	if (uri_append(&b, path ? path : "", nested) == 0 &&
	    (b.data || qh_buf_putc(&b, '.') == 0))
		loc = json_pack("{s:s}", "uri", b.data);
	qh_buf_free(&b);
	return loc;
}

static json_t *artifact_location(const char *path)
{
	return uri_location(path, false);
}

/* A file the audit read: its path names it inside the audited root. */
static json_t *root_location(const struct sarif_state *st, const char *path)
{
	struct qh_buf b = QH_BUF_INIT;
	json_t *loc;

	if (!st->root || !path || path[0] != '/')
		return artifact_location(path);
	if (qh_buf_puts(&b, st->root) < 0 || qh_buf_puts(&b, path) < 0) {
		qh_buf_free(&b);
		return NULL;
	}
	loc = artifact_location(b.data);
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

/* Append s as a sentence: a space before it when text precedes, its
 * trailing blanks and full stops replaced by one '.', so fragments that
 * end with a period themselves ("...disks.") never give "..". */
static int sentence(struct qh_buf *b, const char *prefix, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int rc = 0;

	while (n && strchr(" \t.", s[n - 1]))
		n--;
	if (!n)
		return 0;
	if (b->len)
		rc |= qh_buf_putc(b, ' ');
	if (prefix)
		rc |= qh_buf_puts(b, prefix);
	rc |= qh_buf_append(b, s, n);
	rc |= strchr("!?", s[n - 1]) ? 0 : qh_buf_putc(b, '.');
	return rc ? -1 : 0;
}

/* "Full RELRO" -> "FullRelro", "A MAC policy confines QEMU" ->
 * "MacPolicyConfinesQemu": SARIF's friendly rule name, a PascalCase
 * identifier as the Multitool reads it (each part a capital and then
 * lowercase letters or digits). So a word is capitalised and the rest of
 * it lowercased, a word of one letter ("A") is left out and a word of
 * digits joins the word before it. NULL when nothing is left, or ENOMEM. */
static char *pascal_name(const char *text)
{
	struct qh_buf b = QH_BUF_INIT;
	int rc = 0;

	for (const char *p = text; p && *p && rc == 0;) {
		size_t n = 0;

		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)p[n]))
			n++;
		if (n == 0 || (n == 1 && isalpha((unsigned char)*p)) ||
		    (isdigit((unsigned char)*p) && !b.len)) {
			p += n;
			continue;
		}
		rc |= qh_buf_putc(&b, (char)toupper((unsigned char)*p));
		for (size_t i = 1; i < n; i++)
			rc |= qh_buf_putc(&b, (char)tolower((unsigned char)p[i]));
		p += n;
	}
	if (rc) {
		qh_buf_free(&b);
		return NULL;
	}
	return qh_buf_detach(&b);
}

static json_t *rule_json(const char *id, const char *title, const char *help,
			 const char *fix, const char *score, const char *manual)
{
	struct qh_buf h = QH_BUF_INIT, uri = QH_BUF_INIT;
	char *name = pascal_name(title);
	json_t *rule = NULL;

	if (sentence(&h, NULL, help) == 0 && sentence(&h, "Fix: ", fix) == 0 &&
	    (!manual || qh_buf_printf(&uri, "man:%s", manual) == 0))
		rule = json_pack("{s:o,s:o,s:o,s:o,s:{s:s},s:{s:[s,s],s:s,s:s}}",
				 "id", qh_json_str(id),
				 "shortDescription", text_obj(title),
				 "fullDescription", text_obj(help),
				 "help", text_obj(h.data),
				 "defaultConfiguration", "level", "error",
				 "properties", "tags", "security", "hardening",
				 "precision", "high",
				 "security-severity", score);
	/* a name the same as the id (the Multitool compares them ignoring
	 * case) must be left out */
	if (rule && name && name[0] && strcasecmp(name, id) != 0)
		json_object_set_new(rule, "name", json_string(name));
	if (rule && uri.data)
		json_object_set_new(rule, "helpUri", json_string(uri.data));
	free(name);
	qh_buf_free(&uri);
	qh_buf_free(&h);
	return rule;
}

static json_t *known_rule_json(const struct qh_rule *r)
{
	const char *title = r->title ? r->title : r->id;

	return rule_json(r->id, title, r->help ? r->help : title, r->fix,
			 r->severity ? r->severity : "5.0", qh_rule_manual(r));
}

/* A rule for an id rules.h lacks, in generic words. */
static json_t *unknown_rule_json(struct qh_emitter *e, const char *key,
				 const struct qh_check *c)
{
	struct qh_buf title = QH_BUF_INIT, help = QH_BUF_INIT;
	json_t *rule = NULL;

	if (qh_buf_printf(&title, "qhard check %s", key) == 0 &&
	    qh_buf_printf(&help, "Check '%s' reported by qhard %s; the "
			  "result's message gives its evidence.", key,
			  e->command) == 0)
		rule = rule_json(key, title.data, help.data, c->fix,
				 severity_score(c->severity), NULL);
	qh_buf_free(&title);
	qh_buf_free(&help);
	return rule;
}

/* ruleIndex for a check id: the rule is added on first use. Rules are keyed
 * by the escaped id: ids must be unique as written. *rule_out gets the
 * rules.h row (NULL for unknown ids). */
static json_int_t rule_index(struct qh_emitter *e, const struct qh_check *c,
			     const struct qh_rule **rule_out)
{
	struct sarif_state *st = e->state;
	const struct qh_rule *known;
	char *key = qh_escape_dup(c->id, QH_ESC_CONTROL);
	json_t *idx, *rule;
	json_int_t n;

	if (!key)
		return -1;
	known = strcmp(key, c->id) == 0 ? qh_rule_find(c->id) : NULL;
	*rule_out = known;
	idx = json_object_get(st->rule_index, key);
	if (idx) {
		free(key);
		return json_integer_value(idx);
	}
	n = (json_int_t)json_array_size(st->rules);
	rule = known ? known_rule_json(known) : unknown_rule_json(e, key, c);
	if (!rule || json_array_append_new(st->rules, rule) < 0 ||
	    json_object_set_new(st->rule_index, key, json_integer(n)) < 0)
		n = -1;
	free(key);
	return n;
}

static int sarif_begin(struct qh_emitter *e, const struct qh_report *r,
		       struct qh_error *err)
{
	struct sarif_state *st = e->state;
	const char *root = r ? json_string_value(json_object_get(r->extra,
								  "root")) : NULL;
	size_t n = root ? strlen(root) : 0;

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n && !(n == 1 && root[0] == '/') && !(st->root = strndup(root, n)))
		return oom(err);
	st->rule_index = json_object();
	st->rules = json_array();
	st->artifacts = json_array();
	st->package_index = json_object();
	if (!st->rule_index || !st->rules || !st->artifacts ||
	    !st->package_index)
		return oom(err);
	fprintf(e->out, "{\"$schema\":\"%s\",\"version\":\"2.1.0\","
		"\"runs\":[{\"results\":[", SARIF_SCHEMA);
	return 0;
}

/* Sentences: 'Check "<title>" failed for <subject>: <id>=<value>
 * (<evidence>). <reason>. Fix: <fix>. Waived: <why>.' (the id=value part
 * only when the check has a value). */
static int message_text(struct qh_buf *b, const struct qh_result *res,
			const struct qh_check *c, enum qh_status shown,
			const struct qh_rule *rule)
{
	bool has_value = c->value && !json_is_null(c->value);
	struct qh_buf head = QH_BUF_INIT;
	int rc = 0;

	rc |= qh_buf_printf(&head, "Check \"%s\" %s ",
			    rule && rule->title ? rule->title : c->id,
			    shown == QH_FAIL ? "failed for" : "warned about");
	if (qh_result_is_host(res)) {
		rc |= qh_buf_puts(&head, "the host");
	} else {
		rc |= qh_buf_puts(&head, res->path);
		if (res->container) {
			rc |= qh_buf_puts(&head, " in ");
			rc |= qh_buf_puts(&head, res->container);
		}
	}
	if (has_value || c->evidence)
		rc |= qh_buf_puts(&head, ": ");
	if (has_value) {
		rc |= qh_buf_puts(&head, c->id);
		rc |= qh_buf_putc(&head, '=');
		rc |= qh_emit_value_text(&head, c->value);
	}
	if (c->evidence) {
		rc |= qh_buf_puts(&head, has_value ? " (" : "");
		rc |= qh_buf_puts(&head, c->evidence);
		rc |= qh_buf_puts(&head, has_value ? ")" : "");
	}
	rc |= sentence(b, NULL, head.data);
	rc |= sentence(b, NULL, c->reason);
	rc |= sentence(b, "Fix: ", c->fix);
	rc |= sentence(b, "Waived: ", c->waived_by);
	qh_buf_free(&head);
	return rc ? -1 : 0;
}

static json_t *line_region(unsigned line)
{
	return json_pack("{s:I}", "startLine", (json_int_t)line);
}

/* Where in the subject file: the config line the finding names, else the
 * whole file (bytes from 0, as many as known; line 1 of a text file). */
static json_t *subject_region(const struct qh_result *res,
			      const struct qh_location *first)
{
	if (first && first->file && first->line &&
	    strcmp(first->file, res->path) == 0)
		return line_region(first->line);
	if (res->size)
		return json_pack("{s:i,s:I}", "byteOffset", 0, "byteLength",
				 (json_int_t)res->size);
	if (!res->type) /* a config file: the setting is missing */
		return line_region(1);
	return json_pack("{s:i}", "byteOffset", 0);
}

/* The artifact of a package member (added on the result's first finding),
 * after its package's (added once per package). -1 on ENOMEM. */
static json_int_t member_artifact(struct sarif_state *st,
				  const struct qh_result *res)
{
	char *key;
	json_t *idx, *member;
	json_int_t parent;

	if (st->member >= 0)
		return st->member;
	key = qh_escape_dup(res->container, QH_ESC_CONTROL);
	if (!key)
		return -1;
	idx = json_object_get(st->package_index, key);
	parent = idx ? json_integer_value(idx)
		     : (json_int_t)json_array_size(st->artifacts);
	if (!idx && (json_array_append_new(st->artifacts, json_pack(
			"{s:o,s:[s]}", "location", artifact_location(res->container),
			"roles", "analysisTarget")) < 0 ||
		     json_object_set_new(st->package_index, key,
					 json_integer(parent)) < 0)) {
		free(key);
		return -1;
	}
	free(key);
	member = json_pack("{s:o,s:I,s:[s]}", "location",
			   uri_location(res->path, true), "parentIndex", parent,
			   "roles", "analysisTarget");
	if (member && res->size)
		json_object_set_new(member, "length", json_integer(
			(json_int_t)res->size));
	if (json_array_append_new(st->artifacts, member) < 0)
		return -1;
	st->member = (json_int_t)json_array_size(st->artifacts) - 1;
	return st->member;
}

static json_t *physical_location(struct sarif_state *st,
				 const struct qh_result *res,
				 const struct qh_check *c)
{
	const struct qh_location *first = c->nlocations ? &c->locations[0] : NULL;
	json_t *where;

	if (qh_result_is_host(res)) {
		/* the file the host setting was read from, at its line */
		if (!first || !first->file || !first->line)
			return NULL;
		return json_pack("{s:o,s:o}", "artifactLocation",
				 root_location(st, first->file), "region",
				 line_region(first->line));
	}
	if (res->container) {
		json_int_t idx = member_artifact(st, res);

		where = idx < 0 ? NULL : uri_location(res->path, true);
		if (where)
			json_object_set_new(where, "index", json_integer(idx));
	} else {
		where = root_location(st, res->path);
	}
	return json_pack("{s:o,s:o}", "artifactLocation", where, "region",
			 subject_region(res, first));
}

/* Functions (deep checks) each once (the schema wants unique items;
 * compared as written, after escaping; bounded work for huge location
 * lists), or the host property a host finding is about. */
static json_t *logical_locations(const struct qh_result *res,
				 const struct qh_check *c)
{
	json_t *logical = json_array();

	if (logical && qh_result_is_host(res)) {
		struct qh_buf fq = QH_BUF_INIT;
		char *id = qh_escape_dup(c->id, QH_ESC_CONTROL);

		if (id && qh_buf_printf(&fq, "%s/%s", QH_SUBJECT_HOST, id) == 0)
			json_array_append_new(logical, json_pack(
				"{s:s,s:s,s:s}", "name", id, "fullyQualifiedName",
				fq.data, "kind", "property"));
		qh_buf_free(&fq);
		free(id);
	}
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
	return logical;
}

static json_t *primary_location(struct sarif_state *st,
				const struct qh_result *res,
				const struct qh_check *c)
{
	json_t *loc = json_object(), *phys, *logical;

	if (!loc)
		return NULL;
	/* only the host may lack a file (NULL is out of memory otherwise) */
	phys = physical_location(st, res, c);
	logical = logical_locations(res, c);
	if ((!phys && !qh_result_is_host(res)) || !logical ||
	    (phys && json_object_set_new(loc, "physicalLocation", phys) < 0)) {
		json_decref(logical);
		json_decref(loc);
		return NULL;
	}
	if (json_array_size(logical))
		json_object_set_new(loc, "logicalLocations", logical);
	else
		json_decref(logical);
	/* a result needs somewhere to point at */
	if (!json_object_size(loc)) {
		json_decref(loc);
		return NULL;
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
					    line_region(l->line));
		if (l->function)
			qh_buf_printf(&msg, "In %s", l->function);
		else
			qh_buf_puts(&msg, "Here");
		if (l->address)
			qh_buf_printf(&msg, " at 0x%" PRIx64, l->address);
		qh_buf_putc(&msg, '.');
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
	/* a member's package joins the hash only then, so the fingerprints
	 * of files on disk stay what they were */
	const char *fields[] = {
		res->path, c->id,
		c->nlocations ? c->locations[0].function : NULL,
		res->container,
	};
	char hash[24];

	snprintf(hash, sizeof(hash), "%016" PRIx64,
		 qh_fnv1a64(fields, QH_ARRAY_LEN(fields) - !res->container));
	return json_pack("{s:s,s:s}", "primaryLocationLineHash", hash,
			 "qhard/v1", hash);
}

static json_t *finding(struct qh_emitter *e, const struct qh_result *res,
		       const struct qh_check *c, enum qh_status shown)
{
	struct qh_buf msg = QH_BUF_INIT;
	const struct qh_rule *rule = NULL;
	json_int_t idx = rule_index(e, c, &rule);
	json_t *o = NULL, *rel;
	char *rule_id = NULL;
	json_t *props;

	if (idx < 0 || message_text(&msg, res, c, shown, rule) < 0)
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
		      "locations", primary_location(e->state, res, c),
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
 * a warning of its result, or why its type is uncertain (note). lead joins
 * the file's name to what is said about it. */
static int notify(struct qh_emitter *e, const struct qh_result *res,
		  const char *level, const char *lead, const char *what,
		  struct qh_error *err)
{
	struct sarif_state *st = e->state;
	struct qh_buf msg = QH_BUF_INIT, head = QH_BUF_INIT;
	json_t *n;
	char *text;

	if (qh_buf_printf(&head, "%s%s%s%s%s", res->path,
			  res->container ? " in " : "",
			  res->container ? res->container : "", lead,
			  what) < 0 ||
	    sentence(&msg, NULL, head.data) < 0) {
		qh_buf_free(&head);
		qh_buf_free(&msg);
		return oom(err);
	}
	qh_buf_free(&head);
	n = json_pack("{s:s,s:o,s:[{s:{s:o}}]}", "level", level,
		      "message", text_obj(msg.data), "locations",
		      "physicalLocation", "artifactLocation",
		      /* a package member: the package, which can be opened */
		      root_location(st, res->container ? res->container
						       : res->path));
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
		return notify(e, res, "error", " could not be analysed: ",
			      res->error, err);
	st->member = -1;
	json_array_foreach(res->warnings, wi, w)
		if (json_is_string(w) &&
		    notify(e, res, "warning", ": ", json_string_value(w),
			   err) < 0)
			return -1;
	if (res->type_note) {
		const char *ev = json_string_value(
			json_object_get(res->type_note, "evidence"));

		if (notify(e, res, "note", ": ", ev ? ev : "type note",
			   err) < 0)
			return -1;
	}
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
	json_t *tool, *props;
	int rc;

	(void)r;
	tool = json_pack("{s:{s:s,s:s,s:s,s:s,s:O}}", "driver", "name", "qhard",
			 "version", QHARD_VERSION, "semanticVersion",
			 QHARD_VERSION, "informationUri", QHARD_INFORMATION_URI,
			 "rules", st->rules);
	props = json_pack("{s:o,s:o}", "command", qh_json_str(e->command),
			  "summary", qh_json_summary(s));
	fputs(st->nwritten ? "\n],\"tool\":" : "],\"tool\":", e->out);
	rc = qh_emit_dump(e, tool, DUMP_FLAGS, err);
	if (rc == 0 && json_array_size(st->artifacts)) {
		fputs(",\"artifacts\":", e->out);
		rc = qh_emit_dump(e, st->artifacts, DUMP_FLAGS, err);
	}
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

	json_decref(st->rule_index);
	json_decref(st->rules);
	json_decref(st->artifacts);
	json_decref(st->package_index);
	free(st->root);
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
