/* deep_fortify.c - fortify-sites: calls (through the PLT or a GOT slot) to
 * the plain version of a function glibc's _FORTIFY_SOURCE can replace with
 * a checking __*_chk variant, with the calling function and file:line.
 *
 * A plain memcpy/strcpy/read... is also what FORTIFY leaves behind when the
 * destination size is unknown at compile time, so those sites are leads,
 * not proof. The printf family is different: with _FORTIFY_SOURCE=2 glibc
 * turns every call into __printf_chk & co whatever the arguments, so a
 * plain call there means the unit was built without FORTIFY. (Not so for
 * the s*printf family: GCC folds __sprintf_chk back to sprintf when the
 * format has no '%' or the size is unknown at level 1.)
 *
 * Status: pass when there are no sites; fail when a site calls an
 * always-rewritten function while the same file calls __*_chk elsewhere
 * (FORTIFY was meant to be on and a unit escaped it); warn otherwise.
 */
#include "deep_checks.h"

#include <stdio.h>
#include <string.h>

/* Functions with a glibc __*_chk variant. `always`: rewritten at any call
 * site under _FORTIFY_SOURCE=2, whatever the destination size. */
static const struct {
	const char *name;
	bool always;
} fortifiable[] = {
	{ "asprintf", true }, { "confstr", false }, { "dprintf", true },
	{ "explicit_bzero", false }, { "fgets", false },
	{ "fgets_unlocked", false }, { "fgetws", false }, { "fprintf", true },
	{ "fread", false }, { "fread_unlocked", false }, { "fwprintf", true },
	{ "getcwd", false }, { "getdomainname", false }, { "getgroups", false },
	{ "gethostname", false }, { "getlogin_r", false }, { "gets", true },
	{ "getwd", false }, { "longjmp", false }, { "mbsnrtowcs", false },
	{ "mbsrtowcs", false }, { "mbstowcs", false }, { "memcpy", false },
	{ "memmove", false }, { "mempcpy", false }, { "memset", false },
	{ "obstack_printf", true }, { "obstack_vprintf", true },
	{ "poll", false }, { "ppoll", false }, { "pread", false },
	{ "pread64", false }, { "printf", true }, { "read", false },
	{ "readlink", false }, { "readlinkat", false }, { "realpath", false },
	{ "recv", false }, { "recvfrom", false }, { "snprintf", false },
	{ "sprintf", false }, { "stpcpy", false }, { "stpncpy", false },
	{ "strcat", false }, { "strcpy", false }, { "strncat", false },
	{ "strncpy", false }, { "swprintf", false }, { "syslog", true },
	{ "ttyname_r", false }, { "vasprintf", true }, { "vdprintf", true },
	{ "vfprintf", true }, { "vfwprintf", true }, { "vprintf", true },
	{ "vsnprintf", false }, { "vsprintf", false }, { "vswprintf", false },
	{ "vsyslog", true }, { "vwprintf", true }, { "wcpcpy", false },
	{ "wcpncpy", false }, { "wcrtomb", false }, { "wcscat", false },
	{ "wcscpy", false }, { "wcsncat", false }, { "wcsncpy", false },
	{ "wcsnrtombs", false }, { "wcsrtombs", false }, { "wcstombs", false },
	{ "wctomb", false }, { "wmemcpy", false }, { "wmemmove", false },
	{ "wmempcpy", false }, { "wmemset", false }, { "wprintf", true },
};

/* Index in fortifiable[] of a (possibly versioned) name, or -1. */
static int fortifiable_index(const char *name)
{
	size_t len = strcspn(name, "@");

	for (size_t i = 0; i < QH_ARRAY_LEN(fortifiable); i++)
		if (strlen(fortifiable[i].name) == len &&
		    strncmp(fortifiable[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static bool is_chk(const char *name)
{
	size_t len = strcspn(name, "@");

	return len > 6 && strncmp(name, "__", 2) == 0 &&
	       strncmp(name + len - 4, "_chk", 4) == 0 &&
	       strncmp(name, "__stack_chk", 11) != 0;
}

int deep_check_fortify(struct deep_ctx *ctx, struct qh_result *res)
{
	const struct deep_image *img = ctx->img;
	const struct deep_scan *scan = ctx->scan;
	size_t count = 0, chk_calls = 0, always = 0;
	json_t *val = json_object(), *sites = json_array(), *callees = json_object();
	struct qh_check *c;
	enum qh_status st;

	if (!val || !sites || !callees)
		goto oom;
	if (img->arch != DEEP_ARCH_X86_64 && img->arch != DEEP_ARCH_I386 &&
	    img->arch != DEEP_ARCH_AARCH64) {
		json_decref(val);
		json_decref(sites);
		json_decref(callees);
		return qh_result_add_check(res, "fortify-sites", QH_SKIP, NULL,
					   "PLT call stubs not decoded on %s",
					   deep_arch_name(img->arch)) ? 0 : -1;
	}
	for (size_t i = 0; i < scan->ncalls; i++) {
		const struct deep_call *call = &scan->calls[i];
		int k;

		if (is_chk(call->callee)) {
			chk_calls++;
			continue;
		}
		if ((k = fortifiable_index(call->callee)) < 0)
			continue;
		count++;
		if (fortifiable[k].always)
			always++;
		json_t *n = json_object_get(callees, fortifiable[k].name);
		json_object_set_new(callees, fortifiable[k].name,
				    json_integer(n ? json_integer_value(n) + 1 : 1));
	}
	if (!scan->ncalls && !img->nstubs)
		st = QH_SKIP;
	else if (!count)
		st = QH_PASS;
	else if (always && chk_calls)
		st = QH_FAIL;
	else
		st = QH_WARN;
	json_object_set_new(val, "count", json_integer((json_int_t)count));
	json_object_set_new(val, "fortified_calls", json_integer((json_int_t)chk_calls));
	json_object_set_new(val, "callees", callees);
	callees = NULL;
	json_object_set_new(val, "sites", sites);
	if (st == QH_SKIP)
		c = qh_result_add_check(res, "fortify-sites", st, val,
					"no calls through the PLT or GOT (static, or no imports)");
	else
		c = qh_result_add_check(res, "fortify-sites", st, val,
				"%zu calls to plain fortifiable functions (%zu always rewritten by FORTIFY), %zu calls to __*_chk; lines: %s",
				count, always, chk_calls,
				ctx->lines ? deep_lines_source(ctx->lines) : ctx->lines_why);
	if (!c)
		return -1;
	/* Sites, in address order, with caller and file:line. */
	size_t listed = 0;
	for (size_t i = 0; i < scan->ncalls && count; i++) {
		const struct deep_call *call = &scan->calls[i];
		const struct deep_func *fn = &img->funcs[call->func];
		const char *file = NULL;
		unsigned line = 0;
		char addr[32];
		json_t *site;
		int k;

		if (is_chk(call->callee) || (k = fortifiable_index(call->callee)) < 0)
			continue;
		if (listed >= DEEP_MAX_SITES)
			break;
		if (ctx->lines && deep_lines_find(ctx->lines, call->site, &file, &line) < 0)
			file = NULL;
		site = json_object();
		if (!site)
			return -1;
		snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)call->site);
		json_object_set_new(site, "function", deep_json_str(fn->name));
		json_object_set_new(site, "callee", json_string(fortifiable[k].name));
		json_object_set_new(site, "address", json_string(addr));
		if (file) {
			json_object_set_new(site, "file", deep_json_str(file));
			json_object_set_new(site, "line", json_integer(line));
		}
		if (json_array_append_new(sites, site) < 0)
			return -1;
		listed++;
		if (c->nlocations < DEEP_MAX_LOCATIONS &&
		    qh_check_add_location(c, fn->name, file, line, call->site) < 0)
			return -1;
	}
	if (listed < count)
		json_object_set_new(c->value, "truncated", json_true());
	return 0;
oom:
	json_decref(val);
	json_decref(sites);
	json_decref(callees);
	return -1;
}
