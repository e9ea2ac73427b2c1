/* deep_cuflags.c - cu-flags: compile units built without the hardening
 * flags, from DW_AT_producer (deep_dwarf.c), named by their source file.
 *
 * Status: skip when there is no DWARF (the evidence says where qhard
 * looked); warn when a CU whose producer records its switches lacks
 * -fstack-protector*, is built -O0 (FORTIFY then does nothing), or disables
 * PIE or CET explicitly; pass otherwise. CUs whose producer records no
 * switches (clang, assembler) are counted as "unknown".
 */
#include "deep_checks.h"
#include "deep_dwarf.h"

static int push_missing(json_t *arr, unsigned m)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ DEEP_CU_NO_STACK_PROTECTOR, "stack-protector" },
		{ DEEP_CU_NO_FORTIFY, "fortify" },
		{ DEEP_CU_NO_PIE, "pie" },
		{ DEEP_CU_NO_CF_PROTECTION, "cf-protection" },
	};

	for (size_t i = 0; i < QH_ARRAY_LEN(names); i++)
		if ((m & names[i].bit) && deep_json_push(arr, names[i].name) < 0)
			return -1;
	return 0;
}

int deep_check_cu_flags(struct deep_ctx *ctx, struct qh_result *res)
{
	const char *src = ctx->lines ? deep_lines_source(ctx->lines) : ctx->path;
	struct deep_cu *cus = NULL;
	size_t n = 0, unknown = 0, nlack = 0;
	struct qh_error err = { { 0 } };
	json_t *val, *lacking;
	struct qh_check *c;

	if (!src || deep_dwarf_cus(src, &cus, &n, &err) < 0 || !n) {
		deep_dwarf_free(cus, n);
		return qh_result_add_check(res, "cu-flags", QH_SKIP, NULL,
					   "no DWARF compile units: %s",
					   err.msg[0] ? err.msg : ctx->lines_why) ? 0 : -1;
	}
	val = json_object();
	lacking = json_array();
	if (!val || !lacking)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		json_t *e, *m;

		if (!cus[i].recorded) {
			unknown++;
			continue;
		}
		if (!cus[i].missing)
			continue;
		nlack++;
		e = json_object();
		m = json_array();
		if (!e || !m || push_missing(m, cus[i].missing) < 0) {
			json_decref(e);
			json_decref(m);
			goto oom;
		}
		json_object_set_new(e, "cu", deep_json_str(cus[i].name));
		json_object_set_new(e, "missing", m);
		json_object_set_new(e, "producer", deep_json_str(cus[i].producer));
		if (json_array_append_new(lacking, e) < 0)
			goto oom;
	}
	json_object_set_new(val, "cus", json_integer((json_int_t)n));
	json_object_set_new(val, "unknown", json_integer((json_int_t)unknown));
	json_object_set_new(val, "lacking", lacking);
	lacking = NULL;
	c = qh_result_add_check(res, "cu-flags", nlack ? QH_WARN : QH_PASS, val,
				"%zu of %zu compile units lack hardening flags in DW_AT_producer (%zu record no switches) in %s",
				nlack, n, unknown, src);
	val = NULL;
	if (!c)
		goto oom;
	for (size_t i = 0; i < n; i++)
		if (cus[i].recorded && cus[i].missing &&
		    c->nlocations < DEEP_MAX_LOCATIONS &&
		    qh_check_add_location(c, NULL, cus[i].name, 0, 0) < 0)
			goto oom;
	deep_dwarf_free(cus, n);
	return 0;
oom:
	json_decref(val);
	json_decref(lacking);
	deep_dwarf_free(cus, n);
	return -1;
}
