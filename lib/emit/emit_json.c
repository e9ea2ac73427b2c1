/* emit_json.c - the contract's JSON report, streamed.
 *
 * Layout (valid JSON, one result per line so it greps and diffs well):
 *   {"schema": 1, "tool": {...}, "command": "checksec", "results": [
 *   {...result...},
 *   {...result...}
 *   ], "summary": {...}, "<extra section>": ..., ...}
 * Each result is dumped as soon as it arrives; memory stays flat.
 */
#include "emit_internal.h"

#include <string.h>

#define DUMP_FLAGS (JSON_COMPACT)

static int json_begin(struct qh_emitter *e, const struct qh_report *r,
		      struct qh_error *err)
{
	json_t *cmd = qh_json_str(r && r->command ? r->command : "");
	int rc;

	fprintf(e->out, "{\"schema\":%d,\"tool\":{\"name\":\"qhard\","
		"\"version\":\"%s\"},\"command\":", QHARD_SCHEMA, QHARD_VERSION);
	rc = qh_emit_dump(e, cmd, DUMP_FLAGS, err);
	json_decref(cmd);
	if (rc < 0)
		return -1;
	fputs(",\"results\":[", e->out);
	return 0;
}

static int json_result(struct qh_emitter *e, const struct qh_result *res,
		       struct qh_error *err)
{
	json_t *o = qh_json_result(res);
	int rc;

	fputs(e->nresults ? ",\n" : "\n", e->out);
	rc = qh_emit_dump(e, o, DUMP_FLAGS, err);
	json_decref(o);
	return rc;
}

/* Sections a report's extra must not shadow. */
static bool reserved_key(const char *key)
{
	static const char *const keys[] = {
		"schema", "tool", "command", "results", "summary",
	};

	for (size_t i = 0; i < QH_ARRAY_LEN(keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

static int json_end(struct qh_emitter *e, const struct qh_report *r,
		    const struct qh_summary *s, struct qh_error *err)
{
	json_t *sum = qh_json_summary(s);
	const char *key;
	json_t *val;
	int rc;

	fputs(e->nresults ? "\n],\"summary\":" : "],\"summary\":", e->out);
	rc = qh_emit_dump(e, sum, DUMP_FLAGS, err);
	json_decref(sum);
	if (rc < 0)
		return -1;
	if (r && r->extra) {
		json_object_foreach(r->extra, key, val) {
			json_t *k, *v;

			if (reserved_key(key))
				continue;
			k = qh_json_str(key);
			v = qh_json_sanitize(val);
			fputs(",\n", e->out);
			rc = qh_emit_dump(e, k, DUMP_FLAGS, err);
			fputc(':', e->out);
			if (rc == 0)
				rc = qh_emit_dump(e, v, DUMP_FLAGS, err);
			json_decref(k);
			json_decref(v);
			if (rc < 0)
				return -1;
		}
	}
	fputs("}\n", e->out);
	return 0;
}

const struct qh_emit_format qh_emit_json = {
	.name = "json",
	.begin = json_begin,
	.result = json_result,
	.end = json_end,
};
