/* resolver.c - profile words -> symbols; explanations. */
#include "resolver.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct qh_symbol_rename qh_symbol_renames[] = {
	{ "IDE_QDEV", "IDE_BUS IDE_DEV", "8.2" },
	{ "ACPI_X86_ICH", "ACPI_ICH9", "8.0" },
	{ NULL, NULL, NULL },
};

static bool defined(const struct qh_kconfig *kc, const char *name)
{
	int s = qh_kconfig_find(kc, name);

	return s >= 0 && kc->syms[s].defined;
}

static bool looks_like_symbol(const char *w)
{
	if (strncmp(w, "CONFIG_", 7) == 0)
		return true;
	for (; *w; w++)
		if (!(isupper((unsigned char)*w) || isdigit((unsigned char)*w) || *w == '_'))
			return false;
	return true;
}

/* Try the rename table both ways; adds the names this tree defines. */
static int try_rename(const struct qh_resolver *r, const char *name,
		      struct qh_strlist *syms, char **note)
{
	for (const struct qh_symbol_rename *rn = qh_symbol_renames; rn->old_name; rn++) {
		char buf[256], *save = NULL, *w;
		bool is_old = strcmp(name, rn->old_name) == 0;
		bool is_new = false;
		struct qh_buf msg = QH_BUF_INIT;
		size_t before = syms->n;

		snprintf(buf, sizeof(buf), "%s", rn->new_names);
		for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
			if (strcmp(w, name) == 0)
				is_new = true;
		if (!is_old && !is_new)
			continue;
		if (is_old) {
			snprintf(buf, sizeof(buf), "%s", rn->new_names);
			for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
				if (defined(r->kc, w) && qh_strlist_add(syms, w) < 0)
					return -1;
		} else if (defined(r->kc, rn->old_name) &&
			   qh_strlist_add(syms, rn->old_name) < 0) {
			return -1;
		}
		if (syms->n == before)
			continue;
		qh_buf_printf(&msg, "CONFIG_%s is called", name);
		for (size_t i = before; i < syms->n; i++)
			qh_buf_printf(&msg, " CONFIG_%s", syms->items[i]);
		qh_buf_printf(&msg, " in this QEMU (renamed in %s)", rn->since);
		if (note && msg.data) {
			free(*note);
			*note = qh_buf_detach(&msg);
		}
		qh_buf_free(&msg);
		return 1;
	}
	return 0;
}

static bool file_for_arch(const struct qh_resolver *r, const struct qh_strlist *fsyms)
{
	for (size_t i = 0; i < fsyms->n; i++)
		if (strncmp(fsyms->items[i], "ARCH_", 5) == 0 &&
		    (!r->base_arch || strcmp(fsyms->items[i] + 5, r->base_arch) != 0))
			return false;
	return true;
}

/* Kconfig symbols among a file's conditions (host symbols such as
 * CONFIG_SOFTMMU are not the devices file's business). */
static int kconfig_syms_of_file(const struct qh_resolver *r, const char *file,
				struct qh_strlist *out, bool *arch_ok)
{
	struct qh_strlist fs = { 0 };

	if (qh_meson_file_symbols(r->ms, file, &fs) < 0)
		return -1;
	*arch_ok = file_for_arch(r, &fs);
	for (size_t i = 0; *arch_ok && i < fs.n; i++)
		if (defined(r->kc, fs.items[i]) &&
		    qh_strlist_add(out, fs.items[i] + 7) < 0) {
			qh_strlist_free(&fs);
			return -1;
		}
	qh_strlist_free(&fs);
	return 0;
}

int qh_resolve_word(const struct qh_resolver *r, const char *word, bool machine,
		    struct qh_strlist *syms, char **note, struct qh_error *err)
{
	struct qh_strlist files = { 0 };
	bool any_arch = false, any_file = false;
	int rc = -1;

	if (note)
		*note = NULL;
	if (!machine && looks_like_symbol(word)) {
		const char *name = strncmp(word, "CONFIG_", 7) == 0 ? word + 7 : word;
		int t;

		if (defined(r->kc, name))
			return qh_strlist_add(syms, name);
		t = try_rename(r, name, syms, note);
		if (t != 0)
			return t < 0 ? qh_error_set(err, "out of memory") : 0;
		return qh_error_set(err, "CONFIG_%s: no such Kconfig symbol in this QEMU tree", name);
	}
	if ((machine ? qh_qom_machine_files(r->qom, word, &files)
		     : qh_qom_type_files(r->qom, word, &files)) < 0)
		goto oom;
	for (size_t i = 0; i < files.n; i++) {
		bool arch_ok;
		size_t before = syms->n;

		any_file = true;
		if (kconfig_syms_of_file(r, files.items[i], syms, &arch_ok) < 0)
			goto oom;
		if (!arch_ok)
			continue;
		any_arch = true;
		if (syms->n == before && note && !*note) {
			struct qh_buf m = QH_BUF_INIT;

			qh_buf_printf(&m, "%s (%s) needs no device symbol: it is always built",
				      word, files.items[i]);
			*note = m.data ? qh_buf_detach(&m) : NULL;
		}
		break; /* the first file for this architecture decides */
	}
	if (!any_file) {
		qh_error_set(err, "%s '%s': no QEMU source file in this tree defines it",
			     machine ? "machine" : "device", word);
		goto out;
	}
	if (!any_arch) {
		qh_error_set(err, "%s '%s' exists in this tree (%s) but not for %s targets",
			     machine ? "machine" : "device", word, files.items[0],
			     r->base_arch ? r->base_arch : "these");
		goto out;
	}
	rc = 0;
	goto out;
oom:
	qh_error_set(err, "out of memory");
out:
	qh_strlist_free(&files);
	return rc;
}

int qh_resolve_boards(const struct qh_resolver *r, struct qh_strlist *syms)
{
	/* every machine file of this architecture: reuse the machine lookup
	 * over all known machine names is not exposed, so walk the files of
	 * the tree and keep the ones defining machines */
	struct qh_strlist files = { 0 };
	int rc = -1;

	if (qh_meson_all_files(r->ms, &files) < 0)
		return -1;
	for (size_t i = 0; i < files.n; i++) {
		struct qh_strlist one = { 0 }, types = { 0 };
		bool arch_ok, is_machine = false;

		if (qh_strlist_add(&one, files.items[i]) < 0 ||
		    qh_qom_types_in_files(r->qom, &one, &types) < 0) {
			qh_strlist_free(&one);
			goto out;
		}
		for (size_t t = 0; t < types.n; t++) {
			size_t n = strlen(types.items[t]);

			if (n > 8 && strcmp(types.items[t] + n - 8, "-machine") == 0)
				is_machine = true;
		}
		if (is_machine && kconfig_syms_of_file(r, files.items[i], syms, &arch_ok) < 0) {
			qh_strlist_free(&one);
			qh_strlist_free(&types);
			goto out;
		}
		qh_strlist_free(&one);
		qh_strlist_free(&types);
	}
	qh_strlist_sort(syms);
	rc = 0;
out:
	qh_strlist_free(&files);
	return rc;
}

static void explain_off(const struct qh_kconfig *kc, int sym, struct qh_buf *b)
{
	bool any = false;

	for (size_t i = 0; i < kc->nclauses; i++) {
		const struct qh_kclause *c = &kc->clauses[i];

		if (c->dest != sym)
			continue;
		if (c->kind == QH_KC_DEPENDS) {
			qh_buf_puts(b, "  depends on ");
			qh_kexpr_format(kc, c->cond, true, b);
			qh_buf_printf(b, " (%s:%u)\n", c->file >= 0 ? kc->files[c->file] : "?",
				      c->line);
			any = true;
		} else if (c->kind == QH_KC_SELECT && c->owner >= 0) {
			qh_buf_printf(b, "  could be selected by %s=%s (condition ",
				      kc->syms[c->owner].name,
				      kc->syms[c->owner].value == 1 ? "y" : "n");
			qh_kexpr_format(kc, c->cond, true, b);
			qh_buf_printf(b, ", %s:%u)\n", c->file >= 0 ? kc->files[c->file] : "?",
				      c->line);
			any = true;
		} else if (c->kind == QH_KC_DEFAULT && c->imply && c->owner >= 0) {
			qh_buf_printf(b, "  implied by %s (%s:%u): imply is not followed "
					 "with --without-default-devices\n",
				      kc->syms[c->owner].name,
				      c->file >= 0 ? kc->files[c->file] : "?", c->line);
			any = true;
		} else if (c->kind == QH_KC_DEFAULT && c->value) {
			qh_buf_printf(b, "  has a default y (%s:%u), which "
					 "--without-default-devices ignores\n",
				      c->file >= 0 ? kc->files[c->file] : "?", c->line);
			any = true;
		} else if (c->kind == QH_KC_ASSIGN && !c->value) {
			qh_buf_puts(b, "  assigned n at ");
			if (c->origin)
				qh_buf_puts(b, c->origin);
			else if (c->file >= 0)
				qh_buf_printf(b, "%s:%u", kc->files[c->file], c->line);
			qh_buf_putc(b, '\n');
			any = true;
		}
	}
	if (!any)
		qh_buf_puts(b, "  nothing selects it and the allow list does not name it\n");
}

static void explain_symbol(const struct qh_kconfig *kc, int s, struct qh_buf *b)
{
	if (kc->syms[s].value == 1) {
		qh_buf_printf(b, "CONFIG_%s is in the closure:\n", kc->syms[s].name);
		qh_kconfig_explain(kc, s, b);
	} else {
		qh_buf_printf(b, "CONFIG_%s is not in the closure:\n", kc->syms[s].name);
		explain_off(kc, s, b);
	}
}

int qh_resolve_explain(const struct qh_resolver *r, const char *what,
		       struct qh_buf *out, struct qh_error *err)
{
	struct qh_strlist syms = { 0 }, files = { 0 };
	char *note = NULL;
	bool machine = false;
	int rc = -1;

	if (looks_like_symbol(what)) {
		if (qh_resolve_word(r, what, false, &syms, &note, err) < 0)
			return -1;
	} else if (qh_qom_type_files(r->qom, what, &files) == 0 && files.n) {
		if (qh_resolve_word(r, what, false, &syms, &note, err) < 0)
			goto out;
	} else if (qh_qom_machine_files(r->qom, what, &files) == 0 && files.n) {
		machine = true;
		if (qh_resolve_word(r, what, true, &syms, &note, err) < 0)
			goto out;
	} else {
		qh_error_set(err, "'%s' is neither a Kconfig symbol nor a QOM device or "
				  "machine name of this tree", what);
		goto out;
	}
	if (note)
		qh_buf_printf(out, "note: %s\n", note);
	if (!looks_like_symbol(what)) {
		bool all = true;

		for (size_t i = 0; i < syms.n; i++) {
			int s = qh_kconfig_find(r->kc, syms.items[i]);

			if (s < 0 || r->kc->syms[s].value != 1)
				all = false;
		}
		qh_buf_printf(out, "%s '%s' (%s) is %s: it needs", machine ? "machine" : "device",
			      what, files.n ? files.items[0] : "?", all ? "built in" : "NOT built in");
		for (size_t i = 0; i < syms.n; i++)
			qh_buf_printf(out, " CONFIG_%s", syms.items[i]);
		qh_buf_puts(out, syms.n ? "\n" : " nothing\n");
	}
	for (size_t i = 0; i < syms.n; i++) {
		int s = qh_kconfig_find(r->kc, syms.items[i]);

		if (s >= 0)
			explain_symbol(r->kc, s, out);
	}
	rc = 0;
out:
	free(note);
	qh_strlist_free(&syms);
	qh_strlist_free(&files);
	return rc;
}
