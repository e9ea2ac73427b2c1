/* profile.c - qhard profile: a device allow-list profile (or OpenStack
 * image properties) + a QEMU source tree -> a minimized, hardened configure
 * invocation, its devices file, and --explain. The work is in lib/
 * (qemu_plan.h); this file parses options and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "datapath.h"
#include "json_util.h"
#include "options.h"
#include "outputs.h"
#include "qemu/qemu.h"

enum {
	OPT_PROFILE = 1, OPT_GLANCE, OPT_QEMU_SRC, OPT_OUT, OPT_FORMAT, OPT_EXPLAIN,
	OPT_TARGET, OPT_CC, OPT_CXX, OPT_CFLAGS, OPT_LDFLAGS, OPT_SAVE, OPT_NO_PROBE,
	OPT_ASSUME_VERSION, OPT_OUTPUT,
};

/* Its own outputs, not the report formats. */
static const char *const profile_formats[] = { "text", "json", "shell", NULL };

static const struct qh_option options[] = {
	{ 'p', "profile", "PROFILE", "device allow-list profile: a name (kvm-virtio-minimal) or an INI path, see qhard-profile(5)", OPT_PROFILE, NULL },
	{ 0, "from-glance", "PROPS", "build the profile from OpenStack image properties: hw_disk_bus=ide,hw_vif_model=e1000,...", OPT_GLANCE, NULL },
	{ 's', "qemu-src", "DIR", "QEMU source tree to read (Kconfig, meson.build, configure); default $QHARD_QEMU_SRC", OPT_QEMU_SRC, NULL },
	{ 'd', "out", "DIR", "where the devices files <target>.mak go (never the QEMU tree); default ./qhard-out", OPT_OUT, NULL },
	{ 'f', "format", "FMT", "output: %s (text: summary vs the default build; shell: the configure line)", OPT_FORMAT, profile_formats },
	QH_OPTION_OUTPUT(OPT_OUTPUT),
	{ 'e', "explain", "WHAT", "why a CONFIG_ symbol, device or machine is in the closure, or why not", OPT_EXPLAIN, NULL },
	{ 't', "target", "TARGET", "target for --explain (default: the profile's first)", OPT_TARGET, NULL },
	{ 0, "cc", "CC", "C compiler to probe hardening flags with (default $CC or cc)", OPT_CC, NULL },
	{ 0, "cxx", "CXX", "C++ compiler to probe with (default $CXX or c++)", OPT_CXX, NULL },
	{ 0, "extra-cflags", "FLAGS", "more compiler flags; each is probed and refused ones are reported", OPT_CFLAGS, NULL },
	{ 0, "extra-ldflags", "FLAGS", "more linker flags; each is probed and refused ones are reported", OPT_LDFLAGS, NULL },
	{ 0, "save", "FILE", "with --from-glance: write the profile INI to FILE", OPT_SAVE, NULL },
	{ 0, "no-probe", NULL, "do not run the compiler: trust the flag table (cross builds)", OPT_NO_PROBE, NULL },
	{ 0, "assume-version", "X.Y.Z", "apply the version quirks of QEMU X.Y.Z instead of the tree's VERSION", OPT_ASSUME_VERSION, NULL },
	{ 0 },
};

static const struct qh_command_spec spec = {
	"profile",
	"qhard profile (--profile PROFILE | --from-glance PROPS) [--qemu-src DIR] [options]",
	"turn a device allow-list profile into a minimized, hardened QEMU configure invocation",
	options,
	"Reads the QEMU tree itself (VERSION, Kconfig, meson.build, TypeInfo\n"
	"definitions, configure options): no per-release device tables.\n"
	"Exit: 0 ok, 2 bad profile or options (an allow list that cannot be\n"
	"satisfied prints the chain), 3 the QEMU tree cannot be read.",
};
const struct qh_command_spec *const qh_profile_spec = &spec; /* completion */

struct opts {
	const char *profile, *glance, *src, *out, *format, *explain, *target;
	const char *save;
	struct qh_plan_options plan;
	struct qh_outputs outputs;
};

static int on_option(int id, const char *arg, void *vctx)
{
	struct opts *o = vctx;

	switch (id) {
	case OPT_PROFILE: o->profile = arg; break;
	case OPT_OUTPUT: return qh_outputs_add(&o->outputs, arg, &spec);
	case OPT_GLANCE: o->glance = arg; break;
	case OPT_QEMU_SRC: o->src = arg; break;
	case OPT_OUT: o->out = arg; break;
	case OPT_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "shell") && strcmp(arg, "json"))
			return qh_usage_error(&spec, "--format must be text, shell or json, not '%s'", arg);
		o->format = arg;
		break;
	case OPT_EXPLAIN: o->explain = arg; break;
	case OPT_TARGET: o->target = arg; break;
	case OPT_CC: o->plan.cc = arg; break;
	case OPT_CXX: o->plan.cxx = arg; break;
	case OPT_CFLAGS: o->plan.extra_cflags = arg; break;
	case OPT_LDFLAGS: o->plan.extra_ldflags = arg; break;
	case OPT_SAVE: o->save = arg; break;
	case OPT_NO_PROBE: o->plan.no_probe = true; break;
	case OPT_ASSUME_VERSION: o->plan.version_override = arg; break;
	default: break;
	}
	return 0;
}

static void print_some(FILE *f, const struct qh_strlist *l, size_t max)
{
	for (size_t i = 0; i < l->n && i < max; i++)
		fprintf(f, "%s%s", i ? " " : "", l->items[i]);
	if (l->n > max)
		fprintf(f, " ... (%zu more)", l->n - max);
}

static size_t count_kept(const struct qh_strlist *mine, const struct qh_strlist *def)
{
	size_t n = 0;

	for (size_t i = 0; i < mine->n; i++)
		if (qh_strlist_has(def, mine->items[i]))
			n++;
	return n;
}

/* Notes quote the tree (file names, Kconfig text): control characters are
 * written as \xNN, as in every message. */
static void print_note(const char *prefix, const char *note, FILE *f)
{
	char *clean = qh_escape_dup(note, QH_ESC_CONTROL);

	fprintf(f, "%s%s\n", prefix, clean ? clean : "(out of memory)");
	free(clean);
}

static void print_text(FILE *f, const struct qh_plan *p)
{
	char *line = qh_plan_shell_line(p);

	fprintf(f, "profile %s: %s\n", p->profile_name, p->description);
	fprintf(f, "QEMU %s at %s\n", p->version, p->qemu_src);
	for (size_t i = 0; i < p->ntargets; i++) {
		const struct qh_plan_target *t = &p->targets[i];
		size_t ndef_types = t->qom_types.n + t->removed_qom_types.n;

		fprintf(f, "\ntarget %s (devices file %s)\n", t->name, t->devices_file);
		fprintf(f, "  machines:         ");
		print_some(f, &t->machines, 20);
		fprintf(f, "\n  devices allowed:  ");
		print_some(f, &t->devices, 40);
		fprintf(f, "\n  Kconfig symbols:  %zu (default build: %zu; %zu of them kept)\n",
			   t->symbols.n, t->default_symbols.n,
		       count_kept(&t->symbols, &t->default_symbols));
		fprintf(f, "  QOM types built:  %zu (default build: %zu; %zu removed, e.g. ",
			   t->qom_types.n, ndef_types, t->removed_qom_types.n);
		print_some(f, &t->removed_qom_types, 8);
		fprintf(f, ")\n  hw/ source files: %zu compiled (default build: %zu)\n",
			   t->sources.n, t->default_sources.n);
		fprintf(f, "  symbols: ");
		print_some(f, &t->symbols, 400);
		fprintf(f, "\n");
	}
	fprintf(f, "\naccelerators: ");
	print_some(f, &p->accelerators, 10);
	fprintf(f, "\ncflags:  ");
	print_some(f, &p->cflags, 50);
	fprintf(f, "\nldflags: ");
	print_some(f, &p->ldflags, 50);
	fprintf(f, "\n\nconfigure (run it from an empty build directory):\n  %s\n",
		line ? line : "");
	if (p->warnings.n) {
		fprintf(f, "\nnotes:\n");
		for (size_t i = 0; i < p->warnings.n; i++)
			print_note("  ", p->warnings.items[i], f);
	}
	free(line);
}

/* The plan in one of qhard profile's formats (text, json, shell). */
static int write_format(const char *format, FILE *f, void *ctx)
{
	const struct qh_plan *plan = ctx;

	if (strcmp(format, "shell") == 0) {
		char *line = qh_plan_shell_line(plan);

		fprintf(f, "%s\n", line ? line : "");
		free(line);
	} else if (strcmp(format, "json") == 0) {
		json_t *root = json_pack("{s:i, s:{s:s, s:s}}", "schema", QHARD_SCHEMA, "tool",
					 "name", "qhard", "version", QHARD_VERSION);
		json_t *pj = qh_plan_to_json(plan);
		int rc = !root || !pj || json_object_set_new(root, "plan", pj) < 0 ||
			 json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ?
			 -1 : 0;

		if (!root)
			json_decref(pj);
		json_decref(root);
		if (rc < 0)
			return -1;
		fputc('\n', f);
	} else {
		print_text(f, plan);
	}
	return ferror(f) ? -1 : 0;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

/* After a failed plan: could the tree's Kconfig and meson.build files be
 * read at all? If not, the tree is "input that could not be analysed" (3),
 * not a profile problem (2). */
static bool tree_files_readable(const char *root)
{
	struct qh_error err = { "" };
	struct qh_kconfig *kc = qh_kconfig_new(&err);
	struct qh_meson_scan *ms = NULL;
	struct qh_buf path = QH_BUF_INIT;
	bool ok = kc && qh_buf_printf(&path, "%s/Kconfig", root) == 0 &&
		  qh_kconfig_parse_file(kc, path.data, &err) == 0 &&
		  (ms = qh_meson_scan_tree(root, "hw", &err)) != NULL;

	qh_meson_scan_free(ms);
	qh_kconfig_free(kc);
	qh_buf_free(&path);
	return ok;
}

int cmd_profile(int argc, char **argv)
{
	struct opts o = { 0 };
	struct qh_error err = { { 0 } };
	struct qh_profile *pr = NULL;
	struct qh_qemu_tree *tree;
	struct qh_plan *plan;
	FILE *out;
	char profile_buf[QH_DATA_PATH_MAX];
	const char *path;
	int n = 0, rc;

	o.format = "text";
	o.out = "qhard-out";
	o.outputs.formats = profile_formats;
	rc = qh_parse_options(argc, argv, &spec, on_option, &o, &n);
	if (rc >= 0)
		return rc;
	if (n > 0)
		return qh_usage_error(&spec, "unexpected argument '%s'", argv[1]);
	if (!!o.profile == !!o.glance)
		return qh_usage_error(&spec, "give exactly one of --profile PROFILE or --from-glance PROPS");
	if (!o.src)
		o.src = getenv("QHARD_QEMU_SRC");
	if (o.glance) {
		char *ini;

		pr = qh_glance_profile(o.glance, &err);
		if (!pr)
			return qh_usage_error(&spec, "%s", err.msg);
		if (!o.src || o.save) {
			ini = qh_profile_to_ini(pr);
			if (!ini) {
				qh_profile_free(pr);
				fprintf(stderr, "qhard profile: out of memory\n");
				return 3;
			}
			if (o.save ? write_file(o.save, ini) < 0 : fputs(ini, stdout) < 0) {
				fprintf(stderr, "qhard profile: cannot write %s\n",
					o.save ? o.save : "stdout");
				free(ini);
				qh_profile_free(pr);
				return 3;
			}
			free(ini);
			if (!o.src) {
				qh_profile_free(pr);
				return 0;
			}
		}
	} else {
		path = qh_data_find(QH_DATA_PROFILE, o.profile, profile_buf,
				    sizeof(profile_buf), &err);
		pr = path ? qh_profile_load(path, &err) : NULL;
		if (!pr)
			return qh_usage_error(&spec, "%s", err.msg);
	}
	if (!o.src) {
		qh_profile_free(pr);
		return qh_usage_error(&spec, "--qemu-src DIR is needed (or $QHARD_QEMU_SRC)");
	}
	/* an unreadable tree is "input could not be analysed" (3), not usage */
	tree = qh_qemu_tree_open(o.src, &err);
	if (!tree) {
		qh_profile_free(pr);
		fprintf(stderr, "qhard profile: %s\n", err.msg);
		return 3;
	}
	plan = qh_plan_create_from(pr, o.src, o.out, &o.plan, &err);
	if (!plan) {
		int code = tree_files_readable(tree->root) ? 2 : 3;

		qh_qemu_tree_free(tree);
		fprintf(stderr, "qhard profile: %s\n", err.msg);
		return code;
	}
	qh_qemu_tree_free(tree);
	if (qh_plan_write(plan, &err) < 0) {
		fprintf(stderr, "qhard profile: %s\n", err.msg);
		qh_plan_free(plan);
		return 2;
	}
	if (o.explain) {
		char *text = qh_plan_explain(plan, o.target, o.explain, &err);

		if (!text) {
			fprintf(stderr, "qhard profile: %s\n", err.msg);
			qh_plan_free(plan);
			return 2;
		}
		fputs(text, stdout);
		free(text);
	} else {
		if (strcmp(o.format, "shell") == 0)
			for (size_t i = 0; i < plan->warnings.n; i++)
				print_note("qhard profile: note: ", plan->warnings.items[i],
					   stderr);
		if (!(out = qh_outputs_open_main(&o.outputs, &err)) ||
		    write_format(o.format, out, plan) < 0 ||
		    qh_outputs_write_each(&o.outputs, write_format, plan, &err) < 0 ||
		    qh_outputs_close_main(&o.outputs, &err) < 0) {
			fprintf(stderr, "qhard profile: %s\n",
				err.msg[0] ? err.msg : "cannot write the output");
			qh_outputs_close_main(&o.outputs, NULL);
			qh_plan_free(plan);
			return 3;
		}
	}
	qh_plan_free(plan);
	return 0;
}
