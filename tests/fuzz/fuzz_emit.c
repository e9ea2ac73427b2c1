/* fuzz_emit.c - every emitter on hostile strings (paths, evidence, check
 * values, errors, extra sections with any bytes: newlines, escapes, invalid
 * UTF-8), checking the escaping rule of json_util.h on the output:
 *  - every format's output is valid UTF-8;
 *  - JSON and SARIF output parses, and JSON gives the path back escaped;
 *  - line formats (text, csv, junit, markdown) carry no control character
 *    but '\n', '\t' and '\r', so a path can never break a line or a terminal.
 * Input: NUL-separated fields path, evidence, check id, value, error, extra
 * key, extra value; the first byte picks a status. */
#include <jansson.h>
#include <stdbool.h>

#include "emit/emit.h"
#include "fuzz_util.h"
#include "json_util.h"
#include "report.h"

#define NFIELDS 7

static void check_output(const char *fmt, const char *out, size_t len,
			 const char *path)
{
	bool line_format = strcmp(fmt, "json") != 0 && strcmp(fmt, "sarif") != 0;

	for (size_t i = 0; i < len;) {
		size_t n = qh_utf8_seq_len((const unsigned char *)out + i, len - i);
		unsigned char c = (unsigned char)out[i];

		if (n == 0) {
			fprintf(stderr, "%s: invalid UTF-8 at byte %zu:\n%.*s\n",
				fmt, i, (int)len, out);
			__builtin_trap();
		}
		if (line_format && n == 1 && (c < 0x20 || c == 0x7f) &&
		    c != '\n' && c != '\t' && c != '\r') {
			fprintf(stderr, "%s: raw control byte %#x at %zu\n", fmt, c, i);
			__builtin_trap();
		}
		i += n;
	}
	if (!line_format) {
		json_error_t jerr;
		json_t *doc = json_loadb(out, len, 0, &jerr);

		if (!doc)
			__builtin_trap(); /* not JSON */
		if (strcmp(fmt, "json") == 0) {
			json_t *p = json_object_get(json_array_get(
				json_object_get(doc, "results"), 0), "path");
			char *want = qh_escape_dup(path, 0);

			if (want && (!json_is_string(p) ||
				     strcmp(json_string_value(p), want) != 0))
				__builtin_trap(); /* path not escaped per the rule */
			free(want);
		}
		json_decref(doc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[NFIELDS] = { "", "", "relro", "", "", "", "" };
	char *buf;
	size_t nf = 0;
	struct qh_report *r;
	struct qh_result *res, *bad;
	struct qh_error err = { { 0 } };
	struct qh_emit_options eo = { .color = false, .verbose = true };
	const char *const *fmts = qh_emit_formats();
	enum qh_status st = size ? (enum qh_status)(data[0] % 4) : QH_PASS;

	if (size)
		data++, size--;
	buf = fuzz_strndup(data, size);
	if (!buf)
		return 0;
	for (char *p = buf; nf < NFIELDS && p <= buf + size; p += strlen(p) + 1)
		f[nf++] = p;
	if (!*f[2])
		f[2] = "relro";

	r = qh_report_new("checksec", &err);
	res = qh_result_new(f[0], &err);
	bad = qh_result_new(f[0], &err);
	if (!r || !res || !bad)
		goto out;
	qh_check_set_str(&res->type, "pie");
	qh_check_set_str(&res->machine, f[3]);
	res->elf_class = 64;
	{
		/* Values are stored as given: emitters must sanitize them. */
		json_t *arr = json_array();

		json_array_append_new(arr, json_stringn_nocheck(f[3], strlen(f[3])));
		qh_result_add_check(res, f[2], st,
				    json_stringn_nocheck(f[3], strlen(f[3])), "%s", f[1]);
		qh_result_add_check(res, "rpath", QH_FAIL, arr, NULL);
		if (res->nchecks) {
			qh_check_set_str(&res->checks[0].reason, f[4]);
			qh_check_add_location(&res->checks[0], f[5], f[0], 7, 0x1000);
		}
	}
	qh_result_set_error(bad, "%s", *f[4] ? f[4] : "not an ELF file");
	if (*f[5])
		json_object_set_new_nocheck(r->extra, f[5],
					    json_stringn_nocheck(f[6], strlen(f[6])));
	if (qh_report_add(r, res, &err) < 0)
		qh_result_free(res);
	if (qh_report_add(r, bad, &err) < 0)
		qh_result_free(bad);
	res = bad = NULL;

	for (size_t i = 0; fmts[i]; i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&out, &len);

		if (!fp)
			continue;
		if (qh_report_emit(r, fmts[i], fp, &eo, &err) < 0) {
			fclose(fp);
			free(out);
			continue;
		}
		fclose(fp);
		check_output(fmts[i], out, len, f[0]);
		free(out);
	}
out:
	qh_result_free(res);
	qh_result_free(bad);
	qh_report_free(r);
	free(buf);
	return 0;
}
