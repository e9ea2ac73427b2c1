/* cet_link.c - ENDBR at function entries and the host's startup files'
 * CET properties (see cet_link.h). */
#include "cet_link.h"

#include <glob.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

struct endbr_count {
	const struct qh_elf *e;
	const unsigned char *endbr; /* 4 bytes */
	size_t with, total;
};

/* Functions the C startup files define in every program: assembly, never
 * compiled with the program's flags. */
static const char *const startup_functions[] = {
	"_start", "_init", "_fini", "_dl_relocate_static_pie",
	"__libc_csu_init", "__libc_csu_fini",
};

static bool is_startup_function(const char *name)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(startup_functions); i++)
		if (strcmp(name, startup_functions[i]) == 0)
			return true;
	return false;
}

static int count_fn(const struct qh_elf_symbol *s, void *ctx)
{
	struct endbr_count *c = ctx;
	const unsigned char *p;

	if (!s->defined || s->type != STT_FUNC || s->size < 4 || !s->name ||
	    is_startup_function(s->name))
		return 0;
	c->total++;
	p = qh_elf_bytes_at_vaddr(c->e, s->value, 4, NULL);
	if (p && memcmp(p, c->endbr, 4) == 0)
		c->with++;
	return 0;
}

void qh_cet_endbr_count(const struct qh_elf *e, size_t *with_endbr,
			size_t *total)
{
	static const unsigned char endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const unsigned char endbr32[4] = { 0xf3, 0x0f, 0x1e, 0xfb };
	struct endbr_count c = { .e = e };

	*with_endbr = *total = 0;
	if (qh_elf_machine(e) == EM_X86_64 && qh_elf_class(e) == 64)
		c.endbr = endbr64;
	else if (qh_elf_machine(e) == EM_386 ||
		 (qh_elf_machine(e) == EM_X86_64 && qh_elf_class(e) == 32))
		c.endbr = endbr32;
	else
		return;
	if (qh_elf_sym_foreach_global(e, qh_elf_nsyms(e, QH_SYMTAB_SYMTAB) ?
				      QH_SYMTAB_SYMTAB : QH_SYMTAB_DYNSYM,
				      count_fn, &c) < 0)
		return;
	*with_endbr = c.with;
	*total = c.total;
}

/* ---- the host's startup files ----------------------------------------- */

/* Where Debian (multiarch) and others keep the C startup files, per ABI. */
static const char *const x86_64_files[] = {
	"/usr/lib/x86_64-linux-gnu/crt1.o", "/usr/lib/x86_64-linux-gnu/Scrt1.o",
	"/usr/lib/x86_64-linux-gnu/crti.o", "/usr/lib/x86_64-linux-gnu/crtn.o",
	"/usr/lib64/crt1.o", "/usr/lib64/Scrt1.o", "/usr/lib64/crti.o",
	"/usr/lib64/crtn.o",
	"/usr/lib/gcc/x86_64-linux-gnu/*/crtbegin*.o",
	"/usr/lib/gcc/x86_64-linux-gnu/*/crtend*.o",
	"/usr/lib/gcc/x86_64-*-linux*/*/crtbegin*.o",
	"/usr/lib/gcc/x86_64-*-linux*/*/crtend*.o",
	NULL,
};

static const char *const i386_files[] = {
	"/usr/lib/i386-linux-gnu/crt1.o", "/usr/lib/i386-linux-gnu/Scrt1.o",
	"/usr/lib/i386-linux-gnu/crti.o", "/usr/lib/i386-linux-gnu/crtn.o",
	"/usr/lib32/crt1.o", "/usr/lib32/Scrt1.o", "/usr/lib32/crti.o",
	"/usr/lib32/crtn.o",
	"/usr/lib/gcc/i686-linux-gnu/*/crtbegin*.o",
	"/usr/lib/gcc/i686-linux-gnu/*/crtend*.o",
	"/usr/lib/gcc/x86_64-linux-gnu/*/32/crtbegin*.o",
	"/usr/lib/gcc/x86_64-linux-gnu/*/32/crtend*.o",
	NULL,
};

/* One answer per ABI and bit, computed once per process (checksec -j
 * analyses files on several threads). */
struct startup_answer {
	bool done;
	bool oom;
	struct qh_buf text;
};

static pthread_mutex_t answers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct startup_answer answers[2][2]; /* [x86_64, i386][IBT, SHSTK] */

/* Whether `item` is one of the ", "-separated entries of list. */
static bool list_has(const struct qh_buf *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list->data; p && *p;) {
		const char *end = strstr(p, ", ");
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, item, n) == 0)
			return true;
		p = end ? end + 2 : p + len;
	}
	return false;
}

static int list_add(struct qh_buf *list, const char *item)
{
	if (list_has(list, item))
		return 0;
	return (list->len && qh_buf_puts(list, ", ") < 0) ||
	       qh_buf_puts(list, item) < 0 ? -1 : 0;
}

static int add_lacking(const char *path, uint32_t bit, struct qh_buf *names,
		       struct qh_buf *dirs)
{
	struct qh_elf *o = qh_elf_open(path, NULL);
	struct qh_elf_gnu_props props;
	struct qh_buf dir = QH_BUF_INIT;
	const char *slash = strrchr(path, '/');
	int rc = 0;

	if (!o)
		return 0; /* unreadable: says nothing either way */
	if (qh_elf_gnu_properties(o, &props, NULL) == 0 &&
	    (!props.has_x86_feature_1 || !(props.x86_feature_1 & bit))) {
		if (qh_buf_append(&dir, path, (size_t)(slash - path)) < 0 ||
		    list_add(names, slash + 1) < 0 || list_add(dirs, dir.data) < 0)
			rc = -1;
	}
	qh_buf_free(&dir);
	qh_elf_close(o);
	return rc;
}

static int scan_startup(const char *const *patterns, uint32_t bit,
			struct qh_buf *out)
{
	struct qh_buf names = QH_BUF_INIT, dirs = QH_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; patterns[i] && rc == 0; i++) {
		glob_t g;

		if (glob(patterns[i], 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc && rc == 0; k++)
			rc = add_lacking(g.gl_pathv[k], bit, &names, &dirs);
		globfree(&g);
	}
	if (rc == 0 && names.len &&
	    qh_buf_printf(out, "%s (%s)", names.data, dirs.data) < 0)
		rc = -1;
	if (rc == 0 && !out->data && qh_buf_puts(out, "") < 0)
		rc = -1;
	qh_buf_free(&names);
	qh_buf_free(&dirs);
	return rc;
}

int qh_cet_startup_lacking(const struct qh_elf *e, uint32_t bit,
			   struct qh_buf *out)
{
	bool x86_64 = qh_elf_machine(e) == EM_X86_64 && qh_elf_class(e) == 64;
	struct startup_answer *a;
	int rc = 0;

	qh_buf_reset(out);
	if (qh_elf_machine(e) != EM_X86_64 && qh_elf_machine(e) != EM_386)
		return qh_buf_puts(out, "") < 0 ? -1 : 0;
	if (qh_elf_machine(e) == EM_X86_64 && !x86_64)
		return qh_buf_puts(out, "") < 0 ? -1 : 0; /* x32: not looked for */
	a = &answers[x86_64 ? 0 : 1][bit == QH_X86_FEATURE_1_IBT ? 0 : 1];
	pthread_mutex_lock(&answers_lock);
	if (!a->done || a->oom) {
		qh_buf_free(&a->text);
		a->oom = scan_startup(x86_64 ? x86_64_files : i386_files, bit,
				      &a->text) < 0;
		a->done = true;
	}
	if (a->oom || qh_buf_puts(out, a->text.data) < 0)
		rc = -1;
	pthread_mutex_unlock(&answers_lock);
	return rc;
}
