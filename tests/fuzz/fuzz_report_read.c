/* fuzz_report_read.c - the strict reader of saved JSON reports (gate reads
 * reports produced elsewhere, so they are untrusted input). Whatever it
 * accepts must survive a round trip: emit it as JSON, read that back
 * (must succeed) and emit again: the two outputs must be the same bytes. */
#include "emit/emit.h"
#include "fuzz_util.h"
#include "report_read.h"

static char *emit_json(const struct qh_report *r)
{
	struct qh_error err = { { 0 } };
	struct qh_emit_options eo = { .color = false, .verbose = false };
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	int rc;

	if (!fp)
		return NULL;
	rc = qh_report_emit(r, "json", fp, &eo, &err);
	fclose(fp);
	if (rc < 0) {
		free(out);
		return NULL;
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	struct qh_report *r = qh_report_read_buffer((const char *)data, size,
						    "report.json", &err);
	struct qh_report *back;
	char *a, *b;

	if (!r)
		return 0;
	a = emit_json(r);
	qh_report_free(r);
	if (!a)
		return 0; /* out of memory */
	back = qh_report_read_buffer(a, strlen(a), "again.json", &err);
	if (!back) {
		fprintf(stderr, "re-reading our own output failed: %s\n%s\n", err.msg, a);
		__builtin_trap();
	}
	b = emit_json(back);
	qh_report_free(back);
	if (b && strcmp(a, b) != 0) {
		fprintf(stderr, "emit/read/emit differs:\n%s\n---\n%s\n", a, b);
		__builtin_trap();
	}
	free(a);
	free(b);
	return 0;
}
