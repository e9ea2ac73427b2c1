/* build_verify.c - verify a QEMU build from what really happened and
 * fill the report (see build.h). */
#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "devices_check.h"
#include "fileio.h"
#include "flagaudit.h"
#include "run.h"
#include "shell_split.h"

/* CPU models are listed by -device help but are not devices a profile
 * allows or forbids (they come from target/, not hw/). */
#define CPU_CATEGORY "CPU devices"

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
	struct qh_buf b = QH_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (qh_buf_vprintf(&b, fmt, ap) < 0) {
		va_end(ap);
		qh_buf_free(&b);
		return NULL;
	}
	va_end(ap);
	return qh_buf_detach(&b);
}

char **qh_build_targets(const struct qh_plan *plan, struct qh_error *err)
{
	char **t = calloc(plan->ntargets + 1, sizeof(*t));
	size_t n = 0;

	if (!t) {
		qh_error_set(err, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < plan->ntargets; i++) {
		const struct qh_plan_target *pt = &plan->targets[i];
		size_t len = strlen(pt->name);

		if (len < 8 || strcmp(pt->name + len - 8, "-softmmu") != 0)
			continue;
		if (!(t[n] = dupf("qemu-system-%s", pt->arch))) {
			for (size_t k = 0; k < n; k++)
				free(t[k]);
			free(t);
			qh_error_set(err, "out of memory");
			return NULL;
		}
		n++;
	}
	return t;
}

char *qh_mak_meaningful(const char *text, size_t len)
{
	struct qh_buf b = QH_BUF_INIT;
	size_t i = 0;

	while (i < len) {
		size_t start = i, end;

		while (i < len && text[i] != '\n')
			i++;
		end = i;
		for (size_t k = start; k < end; k++)
			if (text[k] == '#') {
				end = k;
				break;
			}
		while (start < end && (text[start] == ' ' || text[start] == '\t'))
			start++;
		while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t' ||
				       text[end - 1] == '\r'))
			end--;
		if (end > start && (qh_buf_append(&b, text + start, end - start) < 0 ||
				    qh_buf_putc(&b, '\n') < 0)) {
			qh_buf_free(&b);
			return NULL;
		}
		i++;
	}
	if (!b.data && qh_buf_puts(&b, "") < 0)
		return NULL;
	return qh_buf_detach(&b);
}

/* The devices file without its comments: they name the profile's path,
 * which differs between checkouts sharing one build dir. */
static int append_file(struct qh_buf *b, const char *path)
{
	struct qh_buf raw = QH_BUF_INIT;
	struct qh_error err;
	char *m;
	int rc;

	if (access(path, F_OK) < 0)
		return qh_buf_printf(b, "missing %s\n", path);
	if (qh_read_file(path, 0, &raw, &err) < 0)
		return -1;
	m = qh_mak_meaningful(raw.data ? raw.data : "", raw.len);
	qh_buf_free(&raw);
	if (!m)
		return -1;
	rc = qh_buf_puts(b, m);
	free(m);
	return rc;
}

char *qh_build_stamp_text(const struct qh_plan *plan)
{
	struct qh_buf b = QH_BUF_INIT;

	if (qh_buf_printf(&b, "qhard %s\n", QHARD_VERSION) < 0)
		goto fail;
	for (size_t i = 0; i < plan->configure_argv.n; i++)
		if (qh_buf_printf(&b, "%s\n", plan->configure_argv.items[i]) < 0)
			goto fail;
	for (size_t i = 0; i < plan->ntargets; i++)
		if (qh_buf_printf(&b, "--- %s\n", plan->targets[i].name) < 0 ||
		    append_file(&b, plan->targets[i].devices_file) < 0)
			goto fail;
	return qh_buf_detach(&b);
fail:
	qh_buf_free(&b);
	return NULL;
}

static json_t *jstrlist(const struct qh_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < l->n; i++)
		json_array_append_new(a, json_string(l->items[i]));
	return a;
}

static json_t *jnames(char *const *names)
{
	json_t *a = json_array();

	for (size_t i = 0; a && names && names[i]; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

/* First line of `cmd --version` (the compiler meson used). */
static char *compiler_version(const char *build_dir, char **cc_out)
{
	char *path = dupf("%s/compile_commands.json", build_dir);
	json_t *db = path ? json_load_file(path, 0, NULL) : NULL;
	const char *cmd = json_string_value(
		json_object_get(json_array_get(db, 0), "command"));
	char **argv = NULL, *out = NULL, *line = NULL;
	size_t argc = 0;
	int status;

	*cc_out = NULL;
	if (cmd && qh_shell_split(cmd, &argv, &argc, NULL) == 0 && argc) {
		const char *vargv[] = { argv[0], "--version", NULL };

		*cc_out = strdup(argv[0]);
		if (qh_run_capture(vargv, NULL, 20, 4096, &out, &status, NULL) == 0 &&
		    status == 0)
			line = strndup(out, strcspn(out, "\n"));
	}
	qh_strv_free(argv);
	free(out);
	json_decref(db);
	free(path);
	return line;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* ---- the build dir result: configure, compile, flag audit ------------- */

static int add_flag_audit(const struct qh_plan *plan, const char *build_dir,
			  char *const *targets, struct qh_result *br,
			  struct qh_report *r, json_t *extra,
			  struct qh_error *err)
{
	struct qh_flag_requirements req;
	struct qh_flag_audit a = { 0 };
	struct qh_error aerr;
	size_t nt = 0;

	while (targets[nt])
		nt++;
	qh_flag_requirements_default(&req);
	qh_flag_requirements_from_flags(&req, (const char *const *)plan->cflags.items,
					plan->cflags.n);
	qh_flag_requirements_from_flags(&req, (const char *const *)plan->ldflags.items,
					plan->ldflags.n);
	if (qh_flagaudit_build_dir(build_dir, (const char *const *)targets, nt,
				   &req, &a, &aerr) < 0) {
		/* The build description could not be read: the audit proves
		 * nothing, so it fails rather than passing silently. */
		qh_flag_audit_free(&a);
		return qh_result_add_check(br, "flag-audit", QH_FAIL, NULL,
					   "cannot audit: %s", aerr.msg) ? 0 :
		       qh_error_set(err, "out of memory");
	}
	json_object_set_new(extra, "flag_audit",
			    json_pack("{s:I, s:I, s:I}", "units", (json_int_t)a.units,
				      "links", (json_int_t)a.links, "offenders",
				      (json_int_t)a.noffenders));
	if (!qh_result_add_check(br, "flag-audit",
				 a.noffenders ? QH_FAIL : QH_PASS,
				 json_pack("{s:I, s:I, s:I}", "units",
					   (json_int_t)a.units, "links",
					   (json_int_t)a.links, "offenders",
					   (json_int_t)a.noffenders),
				 "%zu compile units and %zu links of the produced binaries "
				 "replayed from compile_commands.json/build.ninja: %zu offenders",
				 a.units, a.links, a.noffenders))
		goto nomem;
	for (size_t i = 0; i < a.noffenders; i++) {
		const struct qh_flag_offender *o = &a.offenders[i];
		struct qh_result *res = qh_result_new(o->subject, err);
		json_t *probs = json_array();
		struct qh_check *c;

		if (!res || !probs) {
			qh_result_free(res);
			json_decref(probs);
			goto nomem;
		}
		for (size_t k = 0; k < o->nproblems; k++)
			json_array_append_new(probs, json_string(o->problems[k]));
		c = qh_result_add_check(res, "flag-audit", QH_FAIL, probs, "%s%s",
					o->is_link ? "link: " : "",
					o->problems[0]);
		if (!c || qh_report_add(r, res, err) < 0) {
			qh_result_free(res);
			goto nomem;
		}
	}
	qh_flag_audit_free(&a);
	return 0;
nomem:
	qh_flag_audit_free(&a);
	return qh_error_set(err, "out of memory");
}

/* ---- devices ---------------------------------------------------------- */

static int run_help(const char *bin, const char *what, unsigned timeout,
		    char **out, char *msg, size_t msglen)
{
	/* Only help listings: -nodefaults so nothing is instantiated, and
	 * `-machine none` for -device help so no board is even selected. */
	const char *dev_argv[] = { bin, "-nodefaults", "-machine", "none",
				   "-device", "help", NULL };
	const char *mach_argv[] = { bin, "-nodefaults", "-machine", "help", NULL };
	struct qh_error e;
	int status;

	if (qh_run_capture(strcmp(what, "device") == 0 ? dev_argv : mach_argv,
			   NULL, timeout, 1 << 20, out, &status, &e) < 0) {
		snprintf(msg, msglen, "%s -%s help: %s", bin, what, e.msg);
		return -1;
	}
	if (status != 0) {
		/* the emulator's own words say why (QOM aborts name the type) */
		const char *o = *out ? *out : "";

		snprintf(msg, msglen, "%s -%s help %s: %.*s", bin, what,
			 status < 0 ? "was killed (a signal or the timeout)" : "failed",
			 (int)strcspn(o, "\n"), *o ? o : "no output");
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* "8.2.2" from the first line of `bin --version` ("QEMU emulator version
 * 7.2.22 (Debian ...)"): the distro emulator compared with may be another
 * release than the one built. */
static char *emulator_version(const char *bin, unsigned timeout)
{
	const char *argv[] = { bin, "--version", NULL };
	char *out = NULL, *v = NULL, *p;
	int status;

	if (qh_run_capture(argv, NULL, timeout, 4096, &out, &status, NULL) == 0 &&
	    status == 0 && out && (p = strstr(out, "version "))) {
		p += 8;
		v = strndup(p, strcspn(p, " \n"));
	}
	free(out);
	return v;
}

/* CONFIG_X=y lines of <build>/<target>-config-devices.mak. */
static int read_config_symbols(const char *path, struct qh_strlist *out)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		if (strncmp(line, "CONFIG_", 7) != 0 || !eq || eq[1] != 'y')
			continue;
		*eq = '\0';
		if (qh_strlist_add(out, line) < 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	qh_strlist_sort(out);
	return 0;
}

static int add_closure_check(const struct qh_plan_target *t,
			     const char *build_dir, struct qh_result *res)
{
	struct qh_strlist got = { 0 };
	char *path = dupf("%s/%s-config-devices.mak", build_dir, t->name);
	char **unexpected = NULL, **missing = NULL;
	size_t nu = 0, nm = 0;
	int rc = -1;

	if (!path)
		return -1;
	if (read_config_symbols(path, &got) < 0) {
		rc = qh_result_add_check(res, "devices-closure", QH_FAIL, NULL,
					 "cannot read %s", path) ? 0 : -1;
		goto done;
	}
	if (qh_names_missing((const char *const *)got.items, got.n,
			     (const char *const *)t->symbols.items, t->symbols.n,
			     &unexpected, &nu, NULL) < 0 ||
	    qh_names_missing((const char *const *)t->symbols.items, t->symbols.n,
			     (const char *const *)got.items, got.n, &missing,
			     &nm, NULL) < 0)
		goto done;
	rc = qh_result_add_check(res, "devices-closure",
				 nu || nm ? QH_FAIL : QH_PASS,
				 json_pack("{s:o, s:o}", "unexpected",
					   jnames(unexpected), "missing",
					   jnames(missing)),
				 "%s: %zu CONFIG_ symbols, %zu not planned, %zu planned but absent",
				 path, got.n, nu, nm) ? 0 : -1;
done:
	qh_strv_free(unexpected);
	qh_strv_free(missing);
	qh_strlist_free(&got);
	free(path);
	return rc;
}

static size_t count_prefix(const struct qh_strlist *l, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (size_t i = 0; i < l->n; i++)
		if (strncmp(l->items[i], prefix, len) == 0)
			n++;
	return n;
}

/* hw/ translation units linked into the emulator, ours and the
 * default-devices reference's: what the allow list took out of the
 * binary (QEMU 10's compile database also lists units never built). */
static json_t *hw_units(const struct qh_plan *plan, const char *bin,
			const struct qh_build_verify_options *o)
{
	const char *name = strrchr(bin, '/') ? strrchr(bin, '/') + 1 : bin;
	struct qh_strlist ours = { 0 }, ref = { 0 };
	struct qh_error e = { { 0 } };
	json_t *j = json_object();

	if (!j)
		return NULL;
	if (qh_build_linked_sources(o->build_dir, name, plan->qemu_src, &ours, &e) == 0) {
		json_object_set_new(j, "linked", json_integer((json_int_t)count_prefix(&ours, "hw/")));
		json_object_set_new(j, "linked_all", json_integer((json_int_t)ours.n));
	} else {
		json_object_set_new(j, "error", json_string(e.msg));
	}
	if (o->reference_dir &&
	    qh_build_linked_sources(o->reference_dir, name, plan->qemu_src, &ref, &e) == 0) {
		json_object_set_new(j, "reference", json_integer((json_int_t)count_prefix(&ref, "hw/")));
		json_object_set_new(j, "reference_all", json_integer((json_int_t)ref.n));
		json_object_set_new(j, "reference_dir", json_string(o->reference_dir));
	} else {
		json_object_set_new(j, "reference", json_null());
		json_object_set_new(j, "reference_note", json_string(o->reference_dir ? e.msg :
			o->reference_note ? o->reference_note : "no reference build"));
	}
	qh_strlist_free(&ours);
	qh_strlist_free(&ref);
	return j;
}

/* Every device the emulator lists that the allow list does not name,
 * with the Kconfig chain that brought it in (a board's select). */
static json_t *forced_devices(const struct qh_plan *plan, size_t ti,
			      const struct qh_device_list *present)
{
	const struct qh_plan_target *t = &plan->targets[ti];
	json_t *j = json_object();

	for (size_t i = 0; j && i < present->n; i++) {
		const char *name = present->items[i].name;
		struct qh_strlist chain = { 0 };
		struct qh_error e = { { 0 } };
		json_t *steps = json_array();

		if (strcmp(present->items[i].category, CPU_CATEGORY) == 0 ||
		    qh_strlist_has(&t->devices, name) || !steps) {
			json_decref(steps);
			continue;
		}
		if (qh_plan_device_chain(plan, ti, name, &chain, &e) < 0)
			json_array_append_new(steps, json_string(e.msg));
		for (size_t k = 0; k < chain.n; k++)
			json_array_append_new(steps, json_string(chain.items[k]));
		json_object_set_new(j, name, steps);
		qh_strlist_free(&chain);
	}
	return j;
}

static int verify_devices(const struct qh_plan *plan,
			  const struct qh_plan_target *t, const char *bin,
			  const struct qh_build_verify_options *o,
			  struct qh_report *r, json_t *jdev,
			  struct qh_error *err)
{
	struct qh_result *res;
	struct qh_device_list present = { 0 }, distro = { 0 };
	struct qh_devices_diff diff = { 0 };
	struct qh_strlist allowed = { 0 };
	char **machines = NULL, **mmissing = NULL, *out = NULL;
	size_t nmachines = 0, nmm = 0;
	char msg[1200];
	json_t *jt = json_object();
	char *subject = dupf("%s -device help", bin);
	int rc = -1;

	res = subject ? qh_result_new(subject, err) : NULL;
	free(subject);
	if (!res || !jt)
		goto nomem;
	if (add_closure_check(t, o->build_dir, res) < 0)
		goto nomem;
	/* Allowed: every QOM type the planned closure compiles, plus the
	 * allow list itself (names or aliases). */
	for (size_t i = 0; i < t->qom_types.n; i++)
		if (qh_strlist_add(&allowed, t->qom_types.items[i]) < 0)
			goto nomem;
	for (size_t i = 0; i < t->devices.n; i++)
		if (qh_strlist_add(&allowed, t->devices.items[i]) < 0)
			goto nomem;
	if (run_help(bin, "device", o->help_timeout, &out, msg, sizeof(msg)) < 0) {
		if (!qh_result_add_check(res, "devices-extra", QH_FAIL, NULL, "%s", msg))
			goto nomem;
		goto add;
	}
	if (qh_devices_parse_help(out, &present, err) < 0)
		goto nomem;
	free(out);
	out = NULL;
	if (qh_devices_compare(&present, CPU_CATEGORY,
			       (const char *const *)allowed.items, allowed.n,
			       (const char *const *)t->devices.items, t->devices.n,
			       &diff, err) < 0)
		goto nomem;
	if (!qh_result_add_check(res, "devices-extra", diff.nextra ? QH_FAIL : QH_PASS,
				 jnames(diff.extra),
				 "%zu devices listed (CPU models aside), %zu outside the "
				 "profile's closure of %zu types%s%s",
				 qh_device_list_count(&present, CPU_CATEGORY),
				 diff.nextra, t->qom_types.n,
				 diff.nextra ? ": " : "",
				 diff.nextra ? diff.extra[0] : ""))
		goto nomem;
	if (run_help(bin, "machine", o->help_timeout, &out, msg, sizeof(msg)) < 0) {
		if (!qh_result_add_check(res, "devices-missing", QH_FAIL, NULL, "%s", msg))
			goto nomem;
		goto add;
	}
	if (qh_machines_parse_help(out, &machines, &nmachines, err) < 0 ||
	    qh_names_missing((const char *const *)t->machines.items, t->machines.n,
			     (const char *const *)machines, nmachines, &mmissing,
			     &nmm, err) < 0)
		goto nomem;
	{
		json_t *miss = jnames(diff.missing);

		for (size_t i = 0; i < nmm; i++)
			json_array_append_new(miss, json_string(mmissing[i]));
		if (!qh_result_add_check(res, "devices-missing",
					 diff.nmissing || nmm ? QH_FAIL : QH_PASS, miss,
					 "allow list: %zu devices, %zu machines; %zu devices "
					 "and %zu machines absent",
					 t->devices.n, t->machines.n, diff.nmissing, nmm))
			goto nomem;
	}
	/* The report section: expected vs present, and the distro's count. */
	{
		json_t *names = json_array();

		for (size_t i = 0; names && i < present.n; i++)
			if (strcmp(present.items[i].category, CPU_CATEGORY) != 0)
				json_array_append_new(names, json_string(present.items[i].name));
		json_object_set_new(jt, "allowed", jstrlist(&t->devices));
		json_object_set_new(jt, "machines_allowed", jstrlist(&t->machines));
		json_object_set_new(jt, "closure_symbols", json_integer((json_int_t)t->symbols.n));
		json_object_set_new(jt, "closure_types", json_integer((json_int_t)t->qom_types.n));
		json_object_set_new(jt, "present", names);
		json_object_set_new(jt, "present_count",
				    json_integer((json_int_t)qh_device_list_count(&present, CPU_CATEGORY)));
		json_object_set_new(jt, "machines", jnames(machines));
		json_object_set_new(jt, "extra", jnames(diff.extra));
		json_object_set_new(jt, "missing", jnames(diff.missing));
		json_object_set_new(jt, "not_in_allow_list",
				    forced_devices(plan, (size_t)(t - plan->targets), &present));
		json_object_set_new(jt, "hw_units", hw_units(plan, bin, o));
	}
	free(out); /* the -machine help text */
	out = NULL;
	if (o->compare_pattern) {
		char *dbin = dupf(o->compare_pattern, t->arch);

		if (dbin && access(dbin, X_OK) == 0 &&
		    run_help(dbin, "device", o->help_timeout, &out, msg, sizeof(msg)) == 0 &&
		    qh_devices_parse_help(out, &distro, NULL) == 0) {
			uint64_t load = 0;
			char *ver = emulator_version(dbin, o->help_timeout);

			qh_elf_load_size(dbin, &load, NULL);
			json_object_set_new(jt, "distro",
					    json_pack("{s:s, s:s, s:I, s:I, s:I}", "path", dbin,
						      "version", ver ? ver : "?",
						      "device_count",
						      (json_int_t)qh_device_list_count(&distro, CPU_CATEGORY),
						      "size", (json_int_t)file_size(dbin),
						      "loaded_bytes", (json_int_t)load));
			free(ver);
		}
		free(dbin);
	}
add:
	json_object_set_new(jdev, t->name, jt);
	jt = NULL;
	if (qh_report_add(r, res, err) < 0)
		goto nomem;
	res = NULL;
	rc = 0;
	goto done;
nomem:
	qh_error_set(err, "out of memory");
done:
	json_decref(jt);
	qh_result_free(res);
	qh_device_list_free(&present);
	qh_device_list_free(&distro);
	qh_devices_diff_free(&diff);
	qh_strlist_free(&allowed);
	qh_strv_free(machines);
	qh_strv_free(mmissing);
	free(out);
	return rc;
}

/* ---- binaries --------------------------------------------------------- */

static int verify_binary(const char *path, const struct qh_policy *pol,
			 struct qh_report *r, json_t *jbins,
			 struct qh_error *err)
{
	struct qh_analyze_options ao = { 0 };
	struct qh_result *res = qh_analyze_path(path, &ao);
	uint64_t load = 0;

	if (!res)
		return qh_error_set(err, "out of memory");
	if (!res->error && pol && qh_policy_apply(pol, res, err) < 0) {
		qh_result_free(res);
		return -1;
	}
	qh_elf_load_size(path, &load, NULL);
	json_array_append_new(jbins, json_pack("{s:s, s:I, s:I}", "path", path,
					       "size", (json_int_t)file_size(path),
					       "loaded_bytes", (json_int_t)load));
	if (qh_report_add(r, res, err) < 0) {
		qh_result_free(res);
		return -1;
	}
	return 0;
}

/* ---- the whole verification ------------------------------------------- */

int qh_build_verify(const struct qh_plan *plan,
		    const struct qh_build_verify_options *o,
		    struct qh_report *r, struct qh_error *err)
{
	const struct qh_build_outcome *bo = o->outcome;
	json_t *extra = json_object(), *jbins = json_array(), *jdev = json_object();
	struct qh_result *br = qh_result_new(o->build_dir, err);
	char **targets = qh_build_targets(plan, err);
	char *cc = NULL, *ccver = NULL;
	double t_verify = qh_monotonic_seconds();
	int rc = -1;

	if (!extra || !jbins || !jdev || !br || !targets) {
		qh_result_free(br);
		goto nomem;
	}
	/* The build dir's result comes first in the report; the report owns
	 * it from here on and its checks are added below. */
	if (qh_report_add(r, br, err) < 0) {
		qh_result_free(br);
		goto fail;
	}
	json_object_set_new(extra, "profile", json_string(plan->profile_name ?
								 plan->profile_name : ""));
	if (o->profile_path)
		json_object_set_new(extra, "profile_path", json_string(o->profile_path));
	json_object_set_new(extra, "qemu", json_pack("{s:s, s:s}", "source",
						     plan->qemu_src, "version",
						     plan->version ? plan->version : "?"));
	json_object_set_new(extra, "build_dir", json_string(o->build_dir));
	json_object_set_new(extra, "configure", jstrlist(&plan->configure_argv));
	json_object_set_new(extra, "cflags", jstrlist(&plan->cflags));
	json_object_set_new(extra, "ldflags", jstrlist(&plan->ldflags));
	json_object_set_new(extra, "reused", json_boolean(bo->reused));
	json_object_set_new(extra, "ccache", json_boolean(bo->ccache_used));
	json_object_set_new(extra, "logs", json_pack("{s:s, s:s}", "configure",
						     bo->configure_log, "ninja",
						     bo->ninja_log));

	if (bo->reused ?
	    !qh_result_add_check(br, "configure", QH_PASS, json_string("reused"),
				 "build dir matches the plan (stamp %s): configure skipped",
				 bo->stamp) :
	    !qh_result_add_check(br, "configure", bo->configured ? QH_PASS : QH_FAIL,
				 json_string("ran"), "configure exited with %d (log: %s)",
				 bo->configure_status, bo->configure_log))
		goto nomem;
	if (bo->configured &&
	    !qh_result_add_check(br, "compile", bo->compiled ? QH_PASS : QH_FAIL,
				 NULL, "ninja exited with %d after %.0f s (log: %s)",
				 bo->ninja_status, bo->compile_seconds,
				 bo->ninja_log))
		goto nomem;
	if (bo->compiled) {
		ccver = compiler_version(o->build_dir, &cc);
		json_object_set_new(extra, "compiler",
				    json_pack("{s:s, s:s}", "command", cc ? cc : "?",
					      "version", ccver ? ccver : "?"));
		if (add_flag_audit(plan, o->build_dir, targets, br, r, extra, err) < 0)
			goto fail;
	}
	if (bo->compiled) {
		for (size_t i = 0; targets[i]; i++) {
			char *bin = dupf("%s/%s", o->build_dir, targets[i]);

			if (!bin)
				goto nomem;
			if (verify_binary(bin, o->policy, r, jbins, err) < 0) {
				free(bin);
				goto fail;
			}
			free(bin);
		}
		for (size_t i = 0, k = 0; i < plan->ntargets; i++) {
			const struct qh_plan_target *t = &plan->targets[i];
			char *bin;

			if (strstr(t->name, "-softmmu") == NULL)
				continue;
			bin = dupf("%s/%s", o->build_dir, targets[k++]);
			if (!bin)
				goto nomem;
			if (verify_devices(plan, t, bin, o, r, jdev, err) < 0) {
				free(bin);
				goto fail;
			}
			free(bin);
		}
	}
	json_object_set_new(extra, "binaries", jbins);
	jbins = NULL;
	json_object_set_new(extra, "devices", jdev);
	jdev = NULL;
	json_object_set_new(extra, "time",
			    json_pack("{s:f, s:f, s:f, s:f}",
				      "configure_s", bo->configure_seconds,
				      "compile_s", bo->compile_seconds,
				      "verify_s", qh_monotonic_seconds() - t_verify,
				      "total_s", qh_monotonic_seconds() - o->started));
	if (json_object_set_new(r->extra, "build", extra) < 0) {
		extra = NULL;
		goto nomem;
	}
	extra = NULL;
	rc = 0;
	goto fail;
nomem:
	qh_error_set(err, "out of memory");
fail:
	for (size_t i = 0; targets && targets[i]; i++)
		free(targets[i]);
	free(targets);
	free(cc);
	free(ccver);
	json_decref(extra);
	json_decref(jbins);
	json_decref(jdev);
	return rc;
}
