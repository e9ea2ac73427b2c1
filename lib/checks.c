/* checks.c - the header-level hardening checks (see checks.h).
 *
 * Each check reads only what proves its answer and says so in `evidence`.
 * Names are matched exactly, never by substring: "pflash_cfi01" is a flash
 * device, not Clang CFI.
 */
#include "checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cet_link.h"
#include "direct_calls.h"
#include "fortify.h"
#include "relro_slots.h"
#include "stack_defaults.h"

#define ADD(res, id, st, val, ...) \
	(qh_result_add_check((res), (id), (st), (val), __VA_ARGS__) ? 0 : -1)

static int oom(struct qh_error *err)
{
	return qh_error_set(err, "out of memory");
}

static json_t *yes_no(bool v)
{
	return json_string(v ? "yes" : "no");
}

/* ---- classification --------------------------------------------------- */

static bool in_exec_segment(const struct qh_elf *e, uint64_t addr)
{
	for (size_t i = 0; i < qh_elf_phnum(e); i++) {
		const GElf_Phdr *p = qh_elf_phdr(e, i);

		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) &&
		    addr >= p->p_vaddr && addr - p->p_vaddr < p->p_memsz)
			return true;
	}
	return false;
}

static void note(struct qh_type_info *t, const char *kind, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
static void note(struct qh_type_info *t, const char *kind, const char *fmt,
		 ...)
{
	va_list ap;

	t->note = kind;
	va_start(ap, fmt);
	vsnprintf(t->evidence, sizeof(t->evidence), fmt, ap);
	va_end(ap);
}

/* An ET_DYN without PT_INTERP, DF_1_PIE, DT_SONAME or DT_NEEDED, with an
 * entry point: a static-pie, or a library linked with -nostdlib and no
 * soname. ld gives every executable a DT_DEBUG (the debugger's hook) and
 * no -shared output one; glibc's static-pie start-up code is
 * _dl_relocate_static_pie; a file without PT_DYNAMIC cannot be loaded as
 * a library. A _start at the entry point without DT_DEBUG points both
 * ways: uncertain. */
static enum qh_file_type classify_bare_dyn(const struct qh_elf *e,
					   struct qh_type_info *t)
{
	const struct qh_elf_symbol *start;
	uint64_t entry = qh_elf_entry(e);

	if (qh_elf_defines(e, "_dl_relocate_static_pie"))
		return QH_TYPE_STATIC_PIE;
	if (!in_exec_segment(e, entry))
		return QH_TYPE_DSO;
	/* ld.so cannot load a library without a dynamic section: a packed
	 * (UPX) or hand-made self-relocating executable */
	if (!qh_elf_phdr_find(e, PT_DYNAMIC))
		return QH_TYPE_STATIC_PIE;
	if (qh_elf_dyn_find(e, DT_DEBUG, NULL))
		return QH_TYPE_STATIC_PIE;
	start = qh_elf_defines(e, "_start");
	if (start && start->value == entry) {
		t->candidates[0] = "dso";
		t->candidates[1] = "static-pie";
		note(t, "uncertain", "ET_DYN without PT_INTERP, DF_1_PIE, "
		     "DT_SONAME, DT_NEEDED or DT_DEBUG, but with _start at its "
		     "entry point %#llx: a library linked with an entry point, "
		     "or a static-pie linked without DT_DEBUG; checked as a dso",
		     (unsigned long long)entry);
	}
	return QH_TYPE_DSO;
}

void qh_file_classify(const struct qh_elf *e, struct qh_type_info *t)
{
	uint64_t flags1 = 0;
	bool interp = qh_elf_phdr_find(e, PT_INTERP) != NULL;
	const char *nobits;

	memset(t, 0, sizeof(*t));
	switch (qh_elf_type(e)) {
	case ET_REL:
		t->type = QH_TYPE_OBJECT;
		return;
	case ET_CORE:
		t->type = QH_TYPE_CORE;
		return;
	case ET_EXEC:
	case ET_DYN:
		break;
	default:
		t->type = QH_TYPE_OTHER;
		return;
	}
	if ((nobits = qh_elf_debug_file(e))) {
		t->type = QH_TYPE_OTHER;
		note(t, "separate-debug", "separate debug file: %s is SHT_NOBITS "
		     "(objcopy --only-keep-debug); its segments have no "
		     "contents", nobits);
		return;
	}
	if (qh_elf_type(e) == ET_EXEC) {
		t->type = interp ? QH_TYPE_EXEC : QH_TYPE_STATIC;
		return;
	}
	qh_elf_dyn_find(e, DT_FLAGS_1, &flags1);
	if (flags1 & DF_1_PIE)
		t->type = interp ? QH_TYPE_PIE : QH_TYPE_STATIC_PIE;
	/* Older linkers did not set DF_1_PIE. A library has a DT_SONAME
	 * (libc.so.6 also has PT_INTERP: it runs). */
	else if (qh_elf_soname(e))
		t->type = QH_TYPE_DSO;
	else if (interp)
		t->type = QH_TYPE_PIE;
	else if (qh_elf_entry(e) == 0 || qh_elf_dyn_find(e, DT_NEEDED, NULL))
		t->type = QH_TYPE_DSO;
	else
		t->type = classify_bare_dyn(e, t);
}

enum qh_file_type qh_file_type_of(const struct qh_elf *e)
{
	struct qh_type_info t;

	qh_file_classify(e, &t);
	return t.type;
}

const char *qh_file_type_name(enum qh_file_type t)
{
	switch (t) {
	case QH_TYPE_EXEC: return "exec";
	case QH_TYPE_STATIC: return "static";
	case QH_TYPE_PIE: return "pie";
	case QH_TYPE_STATIC_PIE: return "static-pie";
	case QH_TYPE_DSO: return "dso";
	case QH_TYPE_OBJECT: return "object";
	case QH_TYPE_CORE: return "core";
	case QH_TYPE_OTHER: break;
	}
	return "other";
}

bool qh_file_type_parse(const char *name, enum qh_file_type *out)
{
	for (unsigned bit = QH_TYPE_EXEC; bit <= QH_TYPE_OTHER; bit <<= 1)
		if (strcmp(name, qh_file_type_name((enum qh_file_type)bit)) == 0) {
			if (out)
				*out = (enum qh_file_type)bit;
			return true;
		}
	return false;
}

static void find_bind_now(struct qh_check_ctx *c)
{
	uint64_t v;

	if (qh_elf_dyn_find(c->elf, DT_BIND_NOW, NULL)) {
		c->bind_now = true;
		c->bind_now_by = "DT_BIND_NOW";
	} else if (qh_elf_dyn_find(c->elf, DT_FLAGS, &v) && (v & DF_BIND_NOW)) {
		c->bind_now = true;
		c->bind_now_by = "DT_FLAGS BIND_NOW";
	} else if (qh_elf_dyn_find(c->elf, DT_FLAGS_1, &v) && (v & DF_1_NOW)) {
		c->bind_now = true;
		c->bind_now_by = "DT_FLAGS_1 NOW";
	}
}

/* ---- relro, pie, nx, textrel, rwx ------------------------------------ */

/* "24 IRELATIVE" / "3 JUMP_SLOT, 20 GLOB_DAT": slots per kind. */
static void kinds_text(char *buf, size_t len, const size_t *count)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int k = 0; k < QH_SLOT_KINDS && at < len; k++) {
		int n;

		if (!count[k])
			continue;
		n = snprintf(buf + at, len - at, "%s%zu %s", at ? ", " : "",
			     count[k], qh_slot_kind_name((enum qh_slot_kind)k));
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

static size_t sum(const size_t *count)
{
	size_t n = 0;

	for (int k = 0; k < QH_SLOT_KINDS; k++)
		n += count[k];
	return n;
}

/* Full RELRO: every relocated pointer slot read-only after start-up
 * (relro_slots.h), and nothing left to bind lazily. A static binary has no
 * loader to bind lazily, but its IRELATIVE slots lie outside PT_GNU_RELRO
 * unless it was linked with -z now. */
static int check_relro(const struct qh_check_ctx *c, struct qh_result *res,
		       struct qh_error *err)
{
	const GElf_Phdr *p = qh_elf_phdr_find(c->elf, PT_GNU_RELRO);
	const char *by = c->linked_statically ? "statically linked" :
						c->bind_now_by;
	struct qh_relro_slots sl;
	char kinds[160];
	int rc;

	if (!p)
		rc = ADD(res, "relro", QH_FAIL, json_string("none"),
			 "no PT_GNU_RELRO");
	else if (!c->bind_now && !c->linked_statically)
		rc = ADD(res, "relro", QH_FAIL, json_string("partial"),
			 "PT_GNU_RELRO but lazy binding (no BIND_NOW/NOW)");
	else if (qh_relro_slots(c->elf, p->p_vaddr, p->p_vaddr + p->p_memsz,
				&sl), !sl.known)
		rc = ADD(res, "relro", QH_WARN, json_string("partial"),
			 "PT_GNU_RELRO, %s, but cannot tell whether every "
			 "relocated pointer slot lies inside it: %s", by,
			 sl.why);
	else if (sum(sl.outside)) {
		kinds_text(kinds, sizeof(kinds), sl.outside);
		rc = ADD(res, "relro", QH_FAIL, json_string("partial"),
			 "PT_GNU_RELRO (%#llx-%#llx), %s, but %s slot%s at "
			 "%#llx-%#llx%s%s lie%s outside it: writable for the "
			 "life of the process", (unsigned long long)p->p_vaddr,
			 (unsigned long long)(p->p_vaddr + p->p_memsz), by,
			 kinds, sum(sl.outside) > 1 ? "s" : "",
			 (unsigned long long)sl.first_out,
			 (unsigned long long)sl.last_out,
			 sl.section_out ? " in " : "",
			 sl.section_out ? sl.section_out : "",
			 sum(sl.outside) > 1 ? "" : "s");
	} else if (sum(sl.total)) {
		kinds_text(kinds, sizeof(kinds), sl.total);
		rc = ADD(res, "relro", QH_PASS, json_string("full"),
			 "PT_GNU_RELRO + %s; every relocated pointer slot "
			 "(%s) lies inside it", by, kinds);
	} else {
		rc = ADD(res, "relro", QH_PASS, json_string("full"),
			 "PT_GNU_RELRO + %s; no relocated pointer slot", by);
	}
	return rc < 0 ? oom(err) : 0;
}

static int check_pie(const struct qh_check_ctx *c, struct qh_result *res,
		     struct qh_error *err)
{
	bool pie = c->type == QH_TYPE_PIE || c->type == QH_TYPE_STATIC_PIE;

	if (ADD(res, "pie", pie ? QH_PASS : QH_FAIL, yes_no(pie),
		pie ? "ET_DYN executable" : "ET_EXEC (fixed address)") < 0)
		return oom(err);
	return 0;
}

static int check_nx(const struct qh_check_ctx *c, struct qh_result *res,
		    struct qh_error *err)
{
	const GElf_Phdr *p;
	const struct qh_elf_section *s;
	int rc;

	if (c->type == QH_TYPE_OBJECT) {
		/* The linker derives PT_GNU_STACK from this marker section;
		 * without it, ld assumes the object needs an executable stack. */
		s = qh_elf_section_by_name(c->elf, ".note.GNU-stack");
		if (!s)
			rc = ADD(res, "nx", QH_FAIL, yes_no(false),
				 "no .note.GNU-stack section");
		else if (s->hdr.sh_flags & SHF_EXECINSTR)
			rc = ADD(res, "nx", QH_FAIL, yes_no(false),
				 ".note.GNU-stack is executable");
		else
			rc = ADD(res, "nx", QH_PASS, yes_no(true),
				 ".note.GNU-stack not executable");
		return rc < 0 ? oom(err) : 0;
	}
	p = qh_elf_phdr_find(c->elf, PT_GNU_STACK);
	if (!p) {
		const struct qh_stack_default *d =
			qh_stack_default(qh_elf_machine(c->elf),
					 qh_elf_class(c->elf));

		rc = ADD(res, "nx", d->executable ? QH_FAIL : QH_PASS,
			 yes_no(!d->executable), "no PT_GNU_STACK: %s", d->rule);
	}
	else if (p->p_flags & PF_X)
		rc = ADD(res, "nx", QH_FAIL, yes_no(false),
			 "PT_GNU_STACK is executable");
	else
		rc = ADD(res, "nx", QH_PASS, yes_no(true),
			 "PT_GNU_STACK not executable");
	return rc < 0 ? oom(err) : 0;
}

static int check_textrel(const struct qh_check_ctx *c, struct qh_result *res,
			 struct qh_error *err)
{
	uint64_t flags = 0;
	const char *by = NULL;

	if (qh_elf_dyn_find(c->elf, DT_TEXTREL, NULL))
		by = "DT_TEXTREL";
	else if (qh_elf_dyn_find(c->elf, DT_FLAGS, &flags) &&
		 (flags & DF_TEXTREL))
		by = "DT_FLAGS TEXTREL";
	if (ADD(res, "textrel", by ? QH_FAIL : QH_PASS, yes_no(by != NULL),
		"%s%s", by ? by : (qh_elf_has_dynamic(c->elf) ?
				   "no DT_TEXTREL" : "no dynamic section"),
		by ? ": the loader writes into code pages at start-up, so "
		     "they are mapped writable (no W^X), and the code "
		     "cannot be shared" : "") < 0)
		return oom(err);
	return 0;
}

static int check_rwx(const struct qh_check_ctx *c, struct qh_result *res,
		     struct qh_error *err)
{
	for (size_t i = 0; i < qh_elf_phnum(c->elf); i++) {
		const GElf_Phdr *p = qh_elf_phdr(c->elf, i);

		if (p->p_type == PT_LOAD && (p->p_flags & PF_W) &&
		    (p->p_flags & PF_X)) {
			if (ADD(res, "rwx-segment", QH_FAIL, yes_no(true),
				"PT_LOAD %zu at %#llx is RWX: code that can be "
				"rewritten at run time (no W^X)", i,
				(unsigned long long)p->p_vaddr) < 0)
				return oom(err);
			return 0;
		}
	}
	if (ADD(res, "rwx-segment", QH_PASS, yes_no(false),
		"no writable+executable PT_LOAD") < 0)
		return oom(err);
	return 0;
}

/* ---- names in symbol tables ------------------------------------------ */

/* What one table holds under one name. */
struct name_hits {
	bool seen;          /* any symbol of that name */
	bool first_defined; /* the first one (index order) is a definition */
	bool defined;       /* some symbol of that name is defined */
	bool undefined;     /* some symbol of that name is an import */
};

/* The pass over one symbol table: the names looked for, and the FORTIFY
 * lists when fortify reads this table. */
struct find_names {
	const char *const *names;
	size_t n;
	struct name_hits *hits;
	bool first[256], second[256]; /* quick reject before any strcmp */
	struct fortify_scan *fortify; /* NULL: not this table */
};

struct fortify_scan {
	json_t *fortified, *unfortified;
	bool want_defined;
};

static int fortify_fn(const struct qh_elf_symbol *s, struct fortify_scan *fs);

static void note_hit(struct name_hits *h, const struct qh_elf_symbol *s)
{
	if (!h->seen)
		h->first_defined = s->defined;
	h->seen = true;
	h->defined |= s->defined;
	h->undefined |= !s->defined;
}

static int find_names_fn(const struct qh_elf_symbol *s, void *ctx)
{
	struct find_names *f = ctx;
	const unsigned char *nm = (const unsigned char *)s->name;

	if (f->fortify && fortify_fn(s, f->fortify) < 0)
		return -1;
	if (!f->first[nm[0]] || !nm[0] || !f->second[nm[1]])
		return 0;
	for (size_t i = 0; i < f->n; i++) {
		struct name_hits *h = &f->hits[i];

		/* nm[1] is not NUL here, so nm[2] is readable */
		if (nm[2] != (unsigned char)f->names[i][2] ||
		    strcmp(s->name, f->names[i]) != 0)
			continue;
		note_hit(h, s);
	}
	return 0;
}

/* The names the header checks look for: the canary's and the sanitizer
 * runtimes' (check_sanitizers). */
static const char *const canary_syms[] = {
	"__stack_chk_fail", "__stack_chk_guard", "__stack_chk_fail_local",
};

static const struct {
	const char *name;    /* value in the list */
	const char *symbol;  /* exact runtime entry point */
	bool debug_only;     /* unsafe to ship (ASan & co. widen attack surface) */
} sanitizer_syms[] = {
	{ "asan", "__asan_init", true },
	{ "asan", "__asan_report_load8", true },
	{ "hwasan", "__hwasan_init", true },
	{ "ubsan", "__ubsan_handle_type_mismatch_v1", false },
	{ "ubsan", "__ubsan_handle_add_overflow", false },
	{ "ubsan", "__ubsan_handle_out_of_bounds", false },
	{ "ubsan", "__ubsan_handle_builtin_unreachable", false },
	{ "tsan", "__tsan_init", true },
	{ "msan", "__msan_init", true },
	{ "safestack", "__safestack_init", false },
	{ "safestack", "__safestack_unsafe_stack_ptr", false },
	{ "cfi", "__cfi_slowpath", false },
	{ "cfi", "__cfi_slowpath_diag", false },
	{ "cfi", "__cfi_check", false },
	{ "cfi", "__ubsan_handle_cfi_check_fail", false },
};

#define N_SAN QH_ARRAY_LEN(sanitizer_syms)

/* hits[] index: the canary names, then the sanitizers' */
#define SCAN_SAN QH_ARRAY_LEN(canary_syms)
#define SCAN_NAMES (SCAN_SAN + N_SAN)

struct qh_sym_scan {
	struct name_hits dyn[SCAN_NAMES], tab[SCAN_NAMES];
	struct fortify_scan fortify;
};

/* ---- canary ----------------------------------------------------------- */

static int check_canary_static(const struct qh_check_ctx *c,
			       struct qh_result *res, struct qh_error *err)
{
	const struct qh_elf_symbol *mainfn;
	uint64_t targets[QH_ARRAY_LEN(canary_syms)];
	const char *first = NULL, *how = NULL;
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < QH_ARRAY_LEN(canary_syms); i++) {
		const struct qh_elf_symbol *s = qh_elf_defines(c->elf,
							       canary_syms[i]);

		if (!s || i == 1) /* __stack_chk_guard is data, never called */
			continue;
		if (!first)
			first = canary_syms[i];
		targets[n++] = s->value;
	}
	if (qh_elf_nsyms(c->elf, QH_SYMTAB_SYMTAB) == 0)
		rc = ADD(res, "canary", QH_WARN, yes_no(false),
			 "stripped static binary: cannot tell the program's "
			 "guard code from libc's");
	else if (!first)
		rc = ADD(res, "canary", QH_FAIL, yes_no(false),
			 "static binary without __stack_chk_fail");
	else if ((mainfn = qh_elf_sym_find(c->elf, QH_SYMTAB_SYMTAB, "main")) &&
		 qh_calls_any(c->elf, mainfn, targets, n, &how))
		rc = ADD(res, "canary", QH_PASS, yes_no(true),
			 "static: main() calls %s (%s)", first, how);
	else if (!qh_calls_machine_known(c->elf))
		rc = ADD(res, "canary", QH_WARN, yes_no(false),
			 "static: %s is libc's own, and calls are not decoded "
			 "on %s", first, qh_elf_machine_name(c->elf));
	else
		rc = ADD(res, "canary", QH_WARN, yes_no(false),
			 "static: %s is libc's own; no call from main() found",
			 first);
	return rc < 0 ? oom(err) : 0;
}

static int check_canary(const struct qh_check_ctx *c, struct qh_result *res,
			struct qh_error *err)
{
	const struct name_hits *hits = c->type == QH_TYPE_OBJECT ?
					      c->scan->tab : c->scan->dyn;

	if (c->linked_statically && c->type != QH_TYPE_OBJECT)
		return check_canary_static(c, res, err);
	for (size_t i = 0; i < QH_ARRAY_LEN(canary_syms); i++) {
		/* A DSO/PIE may define __stack_chk_fail_local (i386, from
		 * libc_nonshared.a): that also proves guard code. */
		if (!hits[i].seen)
			continue;
		if (ADD(res, "canary", QH_PASS, yes_no(true), "%s %s",
			hits[i].first_defined ? "defines" : "imports",
			canary_syms[i]) < 0)
			return oom(err);
		return 0;
	}
	if (ADD(res, "canary", QH_FAIL, yes_no(false),
		"no __stack_chk_fail/__stack_chk_guard reference") < 0)
		return oom(err);
	return 0;
}

/* ---- fortify ---------------------------------------------------------- */

static int json_add_unique(json_t *arr, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return 0;
	return json_array_append_new(arr, json_string(name));
}

static int fortify_fn(const struct qh_elf_symbol *s, struct fortify_scan *fs)
{
	const struct qh_fortify_fn *f;
	bool checked;

	if (s->defined != fs->want_defined || !s->name[0])
		return 0;
	if (!(f = qh_fortify_lookup(s->name, &checked)))
		return 0;
	if (checked)
		return json_add_unique(fs->fortified, f->plain);
	if (!fs->want_defined)
		return json_add_unique(fs->unfortified, s->name);
	return 0;
}

static int check_fortify(const struct qh_check_ctx *c, struct qh_result *res,
			 struct qh_error *err)
{
	json_t *fortified = c->scan->fortify.fortified;
	json_t *unfortified = c->scan->fortify.unfortified;
	bool want_defined = c->scan->fortify.want_defined;
	size_t nf = json_array_size(fortified), nu = json_array_size(unfortified);
	json_t *val = json_pack("{s:O,s:O}", "fortified", fortified,
				"unfortified", unfortified);
	int rc;

	if (!val)
		return oom(err);
	if (want_defined && nf == 0)
		rc = ADD(res, "fortify", QH_WARN, val,
			 qh_elf_nsyms(c->elf, QH_SYMTAB_SYMTAB) ?
				 "static binary: no __*_chk function linked" :
				 "stripped static binary: cannot tell");
	else if (nf && nu)
		rc = ADD(res, "fortify", QH_WARN, val,
			 "%zu fortified, %zu unfortified fortifiable", nf, nu);
	else if (nu)
		rc = ADD(res, "fortify", QH_FAIL, val,
			 "%zu fortifiable calls, none fortified", nu);
	else if (nf)
		rc = ADD(res, "fortify", QH_PASS, val, "%zu fortified", nf);
	else
		rc = ADD(res, "fortify", QH_PASS, val,
			 "no fortifiable function used");
	return rc < 0 ? oom(err) : 0;
}

/* ---- rpath / runpath -------------------------------------------------- */

/* $ORIGIN or ${ORIGIN} as a whole token (ld.so: "$ORIGINAL" is no DST,
 * it stays a relative path). */
static bool starts_with_origin(const char *p, size_t len)
{
	size_t n = len >= 9 && strncmp(p, "${ORIGIN}", 9) == 0 ? 9 :
		   len >= 7 && strncmp(p, "$ORIGIN", 7) == 0 ? 7 : 0;

	return n && (n == len || p[n] == '/');
}

/* Why an entry is unsafe, or NULL; *st is fail or warn. Empty and
 * relative entries resolve against the process's working directory. */
static const char *path_entry_problem(const char *p, size_t len,
				      enum qh_status *st)
{
	struct stat sb;
	char buf[4096];

	*st = QH_FAIL;
	if (len == 0)
		return "empty entry: the working directory (CWE-426, a "
		       "library planted there is loaded)";
	if (p[0] != '/' && !starts_with_origin(p, len))
		return "relative entry: resolved against the working "
		       "directory (CWE-426, a library planted there is "
		       "loaded)";
	/* a property of this machine, not of the file: a warning */
	*st = QH_WARN;
	if (p[0] == '/' && len < sizeof(buf)) {
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    (sb.st_mode & S_IWOTH) && !(sb.st_mode & S_ISVTX))
			return "world-writable directory here";
	}
	return NULL;
}

static int check_path_tag(const struct qh_check_ctx *c, struct qh_result *res,
			  const char *id, int64_t tag, const char *tagname,
			  struct qh_error *err)
{
	json_t *list = json_array();
	const char *bad = NULL, *why = NULL;
	enum qh_status worst = QH_PASS;
	size_t ntags = 0;
	int rc;

	if (!list)
		return oom(err);
	for (size_t i = 0; i < qh_elf_ndyn(c->elf); i++) {
		const GElf_Dyn *d = qh_elf_dyn(c->elf, i);
		const char *s, *end;

		if (d->d_tag != tag)
			continue;
		s = qh_elf_dynstr(c->elf, d->d_un.d_val);
		if (!s)
			continue;
		ntags++;
		for (;;) {
			size_t len;

			const char *w;
			enum qh_status st;

			end = strchr(s, ':');
			len = end ? (size_t)(end - s) : strlen(s);
			/* raw bytes: the emitters escape what is not UTF-8 */
			if (json_array_append_new(list,
						  json_stringn_nocheck(s, len)) < 0) {
				json_decref(list);
				return oom(err);
			}
			/* the first of the worst kind names the verdict */
			if ((w = path_entry_problem(s, len, &st)) && st > worst) {
				worst = st;
				why = w;
				bad = json_string_value(
					json_array_get(list,
						       json_array_size(list) - 1));
			}
			if (!end)
				break;
			s = end + 1;
		}
	}
	if (why)
		rc = ADD(res, id, worst, list, "%s \"%s\": %s", tagname, bad,
			 why);
	else if (ntags)
		rc = ADD(res, id, QH_PASS, list, "%s: absolute or $ORIGIN only",
			 tagname);
	else
		rc = ADD(res, id, QH_PASS, list, "no %s", tagname);
	return rc < 0 ? oom(err) : 0;
}

static int check_rpath(const struct qh_check_ctx *c, struct qh_result *res,
		       struct qh_error *err)
{
	return check_path_tag(c, res, "rpath", DT_RPATH, "DT_RPATH", err);
}

static int check_runpath(const struct qh_check_ctx *c, struct qh_result *res,
			 struct qh_error *err)
{
	return check_path_tag(c, res, "runpath", DT_RUNPATH, "DT_RUNPATH", err);
}

/* ---- CET / BTI / PAC (GNU property note) ------------------------------ */

static int check_feature_why(const struct qh_check_ctx *c, struct qh_result *res,
			     const char *id, bool machine_ok, const char *machines,
			     bool has_word, uint32_t word, uint32_t bit,
			     const char *what, const char *why,
			     struct qh_error *err)
{
	bool on = has_word && (word & bit);
	int rc;

	if (!machine_ok)
		rc = ADD(res, id, QH_SKIP, NULL, "%s only (this is %s)",
			 machines, qh_elf_machine_name(c->elf));
	else if (on)
		rc = ADD(res, id, QH_PASS, yes_no(true),
			 ".note.gnu.property %s", what);
	else if (!c->props.found)
		rc = ADD(res, id, QH_FAIL, yes_no(false),
			 "no .note.gnu.property%s", why);
	else
		rc = ADD(res, id, QH_FAIL, yes_no(false),
			 ".note.gnu.property without %s%s", what, why);
	return rc < 0 ? oom(err) : 0;
}

static int check_feature(const struct qh_check_ctx *c, struct qh_result *res,
			 const char *id, bool machine_ok, const char *machines,
			 bool has_word, uint32_t word, uint32_t bit,
			 const char *what, struct qh_error *err)
{
	return check_feature_why(c, res, id, machine_ok, machines, has_word,
				 word, bit, what, "", err);
}

static bool is_x86(const struct qh_elf *e)
{
	return qh_elf_machine(e) == EM_X86_64 || qh_elf_machine(e) == EM_386;
}

/* Why an x86 file lacks a CET bit (cet_link.h): its code says whether it
 * was compiled with -fcf-protection; if it was, a link input without the
 * property dropped it, and this host's startup files are the usual ones. */
static int cet_why(const struct qh_check_ctx *c, uint32_t bit,
		   struct qh_buf *why)
{
	struct qh_buf lacking = QH_BUF_INIT;
	size_t with, total;
	int rc;

	if (!is_x86(c->elf) || (c->props.has_x86_feature_1 &&
				(c->props.x86_feature_1 & bit)))
		return qh_buf_puts(why, "");
	qh_cet_endbr_count(c->elf, &with, &total);
	if (total == 0)
		return qh_buf_puts(why, "");
	if (with * 2 < total)
		return qh_buf_printf(why, "; %zu of %zu global functions start "
				     "with ENDBR (%s compiled with "
				     "-fcf-protection=branch/full)", with, total,
				     with ? "most of the code not" : "not");
	if (qh_cet_startup_lacking(c->elf, bit, &lacking) < 0)
		return -1;
	rc = qh_buf_printf(why, "; %zu of %zu global functions start with "
			   "ENDBR, so the code was compiled with "
			   "-fcf-protection and a link input without the "
			   "property dropped it%s%s", with, total,
			   *lacking.data ? "; this host's startup files lacking "
					   "it: " : "", lacking.data);
	qh_buf_free(&lacking);
	return rc;
}

static int check_x86_feature(const struct qh_check_ctx *c,
			     struct qh_result *res, const char *id,
			     uint32_t bit, const char *what,
			     struct qh_error *err)
{
	struct qh_buf why = QH_BUF_INIT;
	int rc;

	if (cet_why(c, bit, &why) < 0) {
		qh_buf_free(&why);
		return oom(err);
	}
	rc = check_feature_why(c, res, id, is_x86(c->elf), "x86",
			       c->props.has_x86_feature_1,
			       c->props.x86_feature_1, bit, what,
			       why.data ? why.data : "", err);
	qh_buf_free(&why);
	return rc;
}

static int check_ibt(const struct qh_check_ctx *c, struct qh_result *res,
		     struct qh_error *err)
{
	return check_x86_feature(c, res, "cet-ibt", QH_X86_FEATURE_1_IBT,
				 "X86_FEATURE_1_IBT", err);
}

static int check_shstk(const struct qh_check_ctx *c, struct qh_result *res,
		       struct qh_error *err)
{
	return check_x86_feature(c, res, "cet-shstk", QH_X86_FEATURE_1_SHSTK,
				 "X86_FEATURE_1_SHSTK", err);
}

static int check_bti(const struct qh_check_ctx *c, struct qh_result *res,
		     struct qh_error *err)
{
	return check_feature(c, res, "bti", qh_elf_machine(c->elf) == EM_AARCH64,
			     "AArch64", c->props.has_aarch64_feature_1,
			     c->props.aarch64_feature_1,
			     QH_AARCH64_FEATURE_1_BTI, "AARCH64_FEATURE_1_BTI",
			     err);
}

static int check_pac(const struct qh_check_ctx *c, struct qh_result *res,
		     struct qh_error *err)
{
	return check_feature(c, res, "pac", qh_elf_machine(c->elf) == EM_AARCH64,
			     "AArch64", c->props.has_aarch64_feature_1,
			     c->props.aarch64_feature_1,
			     QH_AARCH64_FEATURE_1_PAC, "AARCH64_FEATURE_1_PAC",
			     err);
}

/* ---- stack-clash ------------------------------------------------------ */

/* Probes are only visible in the code (deep.h, stack-clash-coverage); no
 * header or symbol proves -fstack-clash-protection. analyze.c fills this
 * id from the deep result when --deep runs. */
static int check_stack_clash(const struct qh_check_ctx *c,
			     struct qh_result *res, struct qh_error *err)
{
	(void)c;
	if (ADD(res, "stack-clash", QH_SKIP, NULL,
		"needs disassembly: run with --deep") < 0)
		return oom(err);
	return 0;
}

/* ---- sanitizers, stripped --------------------------------------------- */


static int check_sanitizers(const struct qh_check_ctx *c,
			    struct qh_result *res, struct qh_error *err)
{
	json_t *list = json_array();
	const char *first = NULL, *debug = NULL;
	const struct name_hits *dyn = c->scan->dyn + SCAN_SAN;
	const struct name_hits *tab = c->scan->tab + SCAN_SAN;
	bool full_runtime = false;
	int rc;

	if (!list)
		return oom(err);
	/* Clang links ASan/TSan/MSan/HWASan statically, and those runtimes
	 * carry every UBSan and CFI handler: their definitions then prove
	 * nothing about -fsanitize=undefined or cfi (an import still does). */
	for (size_t i = 0; i < N_SAN; i++)
		if (sanitizer_syms[i].debug_only && (dyn[i].defined || tab[i].defined))
			full_runtime = true;
	for (size_t i = 0; i < N_SAN; i++) {
		/* the first symbol of that name, .dynsym before .symtab */
		bool defined = dyn[i].seen ? dyn[i].first_defined :
					     tab[i].first_defined;

		if (!dyn[i].seen && !tab[i].seen)
			continue;
		if (full_runtime && !sanitizer_syms[i].debug_only &&
		    !dyn[i].undefined &&
		    !(c->type == QH_TYPE_OBJECT && !defined))
			continue;
		if (json_add_unique(list, sanitizer_syms[i].name) < 0) {
			json_decref(list);
			return oom(err);
		}
		if (!first)
			first = sanitizer_syms[i].symbol;
		if (!debug && sanitizer_syms[i].debug_only)
			debug = sanitizer_syms[i].symbol;
	}
	if (debug)
		rc = ADD(res, "sanitizers", QH_FAIL, list,
			 "%s: a debugging runtime in a release binary", debug);
	else if (first)
		rc = ADD(res, "sanitizers", QH_PASS, list, "%s", first);
	else
		rc = ADD(res, "sanitizers", QH_PASS, list,
			 "no sanitizer runtime symbol");
	return rc < 0 ? oom(err) : 0;
}

static int check_stripped(const struct qh_check_ctx *c, struct qh_result *res,
			  struct qh_error *err)
{
	bool symtab = qh_elf_section_by_type(c->elf, SHT_SYMTAB) != NULL;
	bool debug = qh_elf_section_by_name(c->elf, ".debug_info") != NULL;
	int rc;

	if (!symtab && !debug)
		rc = ADD(res, "stripped", QH_PASS, yes_no(true),
			 "no .symtab, no .debug_info");
	else
		rc = ADD(res, "stripped", QH_FAIL, yes_no(false), "has %s",
			 symtab ? ".symtab" : ".debug_info");
	return rc < 0 ? oom(err) : 0;
}

/* A check reports `fail` whenever the property is missing; whether that
 * fails the run is the policy's call (the default requires RELRO, PIE, NX,
 * canary, FORTIFY, safe run paths, no text relocations and no RWX
 * segment, and warns for the rest). `warn` is kept for "cannot tell", for
 * facts of the analysing machine (a world-writable run path directory) and
 * for the mixed FORTIFY case. */

/* ---- the table -------------------------------------------------------- */

static const struct qh_check_def table[] = {
	{ "relro", QH_TYPES_LINKED, check_relro },
	{ "pie", QH_TYPES_EXECUTABLE, check_pie },
	{ "nx", QH_TYPES_CODE, check_nx },
	{ "canary", QH_TYPES_CODE, check_canary },
	{ "fortify", QH_TYPES_CODE, check_fortify },
	{ "rpath", QH_TYPES_LINKED, check_rpath },
	{ "runpath", QH_TYPES_LINKED, check_runpath },
	{ "textrel", QH_TYPES_LINKED, check_textrel },
	{ "rwx-segment", QH_TYPES_LINKED, check_rwx },
	{ "cet-ibt", QH_TYPES_CODE, check_ibt },
	{ "cet-shstk", QH_TYPES_CODE, check_shstk },
	{ "bti", QH_TYPES_CODE, check_bti },
	{ "pac", QH_TYPES_CODE, check_pac },
	{ "stack-clash", QH_TYPES_CODE, check_stack_clash },
	{ "sanitizers", QH_TYPES_CODE, check_sanitizers },
	{ "stripped", QH_TYPES_CODE, check_stripped },
};

const struct qh_check_def *qh_check_table(size_t *n)
{
	*n = QH_ARRAY_LEN(table);
	return table;
}

const struct qh_check_def *qh_check_find(const char *id)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(table); i++)
		if (strcmp(table[i].id, id) == 0)
			return &table[i];
	return NULL;
}

/* ---- the symbol pass ------------------------------------------------- */

static void scan_one(const struct qh_elf *e, enum qh_elf_symtab which,
		     const char *const *names, struct name_hits *hits,
		     struct fortify_scan *fortify, int *rc)
{
	struct find_names f = { .names = names, .n = SCAN_NAMES, .hits = hits,
				.fortify = fortify };

	for (size_t i = 0; i < SCAN_NAMES; i++) {
		f.first[(unsigned char)names[i][0]] = true;
		f.second[(unsigned char)names[i][1]] = true;
	}
	if (*rc != 0)
		return;
	/* .dynsym: what ld.so finds by hash is looked up the same way (the
	 * FORTIFY lists want its imports, which lie below), the rest walked. */
	if (which == QH_SYMTAB_DYNSYM && !(fortify && fortify->want_defined)) {
		*rc = qh_elf_dynsym_unhashed_foreach(e, find_names_fn, &f);
		for (size_t i = 0; i < SCAN_NAMES && *rc == 0; i++) {
			struct qh_elf_symbol s;

			if (qh_elf_dynsym_hashed_lookup(e, names[i], &s))
				note_hit(&hits[i], &s);
		}
		return;
	}
	/* Every name looked for is a global's (imports, runtime entry points,
	 * __*_chk). A hidden one the link made local (__stack_chk_fail_local
	 * in a static binary) is looked up by qh_elf_defines instead. */
	*rc = qh_elf_sym_foreach_global(e, which, find_names_fn, &f);
}

/* One pass over each symbol table for everything the header checks look
 * up by name: a table of 100k names (node) is read once, never hashed.
 * Returns 0, or -1 (out of memory). */
static int scan_symbols(const struct qh_check_ctx *c, struct qh_sym_scan *scan)
{
	const char *names[SCAN_NAMES];
	bool fortify_symtab = c->type == QH_TYPE_OBJECT || c->linked_statically;
	int rc = 0;

	memset(scan, 0, sizeof(*scan));
	for (size_t i = 0; i < SCAN_SAN; i++)
		names[i] = canary_syms[i];
	for (size_t i = 0; i < N_SAN; i++)
		names[SCAN_SAN + i] = sanitizer_syms[i].symbol;
	scan->fortify.fortified = json_array();
	scan->fortify.unfortified = json_array();
	/* static: libc is inside, so a __*_chk body is linked only when
	 * something called it, and a plain memcpy is always there anyway */
	scan->fortify.want_defined = c->linked_statically &&
				     c->type != QH_TYPE_OBJECT;
	if (!scan->fortify.fortified || !scan->fortify.unfortified)
		return -1;
	scan_one(c->elf, QH_SYMTAB_DYNSYM, names, scan->dyn,
		 fortify_symtab ? NULL : &scan->fortify, &rc);
	scan_one(c->elf, QH_SYMTAB_SYMTAB, names, scan->tab,
		 fortify_symtab ? &scan->fortify : NULL, &rc);
	return rc < 0 ? -1 : 0;
}

static void scan_free(struct qh_sym_scan *scan)
{
	json_decref(scan->fortify.fortified);
	json_decref(scan->fortify.unfortified);
}

int qh_checks_run(const struct qh_elf *e, struct qh_result *res,
		  struct qh_error *err)
{
	struct qh_check_ctx c = { .elf = e };
	struct qh_type_info ti;
	struct qh_sym_scan scan;
	int rc = 0;

	qh_file_classify(e, &ti);
	c.type = ti.type;
	free(res->type);
	free(res->machine);
	free(res->endian);
	res->type = qh_strdup(qh_file_type_name(c.type));
	res->machine = qh_strdup(qh_elf_machine_name(e));
	res->endian = qh_strdup(qh_elf_big_endian(e) ? "big" : "little");
	res->elf_class = qh_elf_class(e);
	if (!res->type || !res->machine || !res->endian)
		return oom(err);
	if (ti.note && qh_result_set_type_note(res, ti.note,
					       ti.candidates[0] ? ti.candidates :
								  NULL,
					       ti.evidence) < 0)
		return oom(err);
	for (size_t i = 0; i < qh_elf_nwarnings(e); i++)
		if (qh_result_add_warning(res, "%s", qh_elf_warning(e, i)) < 0)
			return oom(err);
	if (qh_elf_debug_file(e)) {
		/* nothing a loader would map is in the file */
		for (size_t i = 0; i < QH_ARRAY_LEN(table); i++)
			if (ADD(res, table[i].id, QH_SKIP, NULL,
				"separate debug file: no segment contents to "
				"judge") < 0)
				return oom(err);
		return 0;
	}
	/* libc inside the file: no dynamic loader binds anything lazily,
	 * and libc's own symbols are present whether the program uses them. */
	c.linked_statically = (c.type == QH_TYPE_STATIC ||
			       c.type == QH_TYPE_STATIC_PIE) &&
			      !qh_elf_dyn_find(e, DT_NEEDED, NULL);
	find_bind_now(&c);
	if (qh_elf_gnu_properties(e, &c.props, err) < 0)
		return -1;
	if (scan_symbols(&c, &scan) < 0) {
		scan_free(&scan);
		return oom(err);
	}
	c.scan = &scan;
	for (size_t i = 0; i < QH_ARRAY_LEN(table) && rc == 0; i++) {
		if (!(table[i].applies_to & c.type)) {
			if (ADD(res, table[i].id, QH_SKIP, NULL,
				"not applicable to %s",
				qh_file_type_name(c.type)) < 0)
				rc = oom(err);
			continue;
		}
		rc = table[i].run(&c, res, err);
	}
	scan_free(&scan);
	return rc < 0 ? -1 : 0;
}
