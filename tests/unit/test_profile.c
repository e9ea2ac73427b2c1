/* test_profile.c - profile INI, Glance properties, and the build plan on
 * the synthetic tree (version quirks included). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/device_profile.h"
#include "qemu/glance.h"
#include "qemu/qemu_plan.h"

#define MINI "tests/fixtures/qemu-mini"
#define MINI10 "tests/fixtures/qemu-mini-10"

static const char *const good =
	"[profile]\nname = t\ndescription = a test\ntargets = x86_64-softmmu\n"
	"[devices]\nmachines = q35\nallow = virtio-net-pci\nallow = CONFIG_IDE_QDEV\n"
	"[features]\nenable = kvm vhost-net\naccelerators = kvm\n"
	"[hardening]\nlevel = standard\ncflags = -g\n";

static void test_parse_good(void **state)
{
	struct qh_error err = { { 0 } };
	struct qh_profile *p = qh_profile_parse("t.ini", good, &err);

	(void)state;
	assert_non_null(p);
	assert_string_equal(p->name, "t");
	assert_int_equal(p->targets.n, 1);
	assert_int_equal(p->nmachines, 1);
	assert_int_equal(p->nallow, 2); /* a repeated key appends */
	assert_string_equal(p->allow[1].name, "CONFIG_IDE_QDEV");
	assert_int_equal(p->allow[0].line, 7);
	assert_string_equal(p->allow[0].origin, "t.ini:7 virtio-net-pci");
	assert_string_equal(p->level, "standard");
	assert_string_equal(p->cflags, "-g");
	qh_profile_free(p);
}

static void test_parse_errors_name_the_line(void **state)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "[profile]\ntargets = x86_64-softmmu\n[devices]\nallow = a\ncolour = red\n",
		  "t.ini:5: unknown key 'colour' in [devices]" },
		{ "[profile]\ntargets = x86_64-softmmu\n[gadgets]\nx = y\n",
		  "t.ini:3: unknown section [gadgets]" },
		/* empty, misspelt: an error too (as in policies) */
		{ "[profile]\ntargets = x86_64-softmmu\n[devices]\nallow = a\n[hardenning]\n",
		  "t.ini:5: unknown section [hardenning]" },
		{ "name = x\n[profile]\n", "t.ini:1: unknown section []" },
		{ "[profile]\ntargets = x86_64-softmmu\n[devices]\nallow = a\n[hardening]\nlevel = max\n",
		  "t.ini:6: level must be none, standard or strict" },
		{ "[profile]\ntargets = x86_64-linux-user\n[devices]\nallow = a\n",
		  "not a system emulator" },
		{ "[devices]\nallow = a\n", "targets is missing" },
		{ "[profile]\ntargets = x86_64-softmmu\n", "allows nothing" },
		{ "[profile]\ntargets = x86_64-softmmu\n[devices]\nallow = a;rm\n",
		  "t.ini:4: bad word 'a;rm'" },
		{ "[profile\n", "t.ini:1: syntax error" },
	};
	struct qh_error err = { { 0 } };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(qh_profile_parse("t.ini", bad[i].text, &err));
		if (!strstr(err.msg, bad[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].want);
	}
}

/* libinih hands a reader at most 200 bytes per call: a longer line was
 * split and its tail read as a line of its own, so this added e1000 to
 * the allow list. Now it is an error, as in policies and waivers. */
static void test_long_line_is_an_error(void **state)
{
	char text[512];
	struct qh_error err = { { 0 } };
	struct qh_profile *p;

	(void)state;
	snprintf(text, sizeof(text), "[profile]\ntargets = x86_64-softmmu\n"
		 "[devices]\nmachines = q35%*sallow = e1000\n", 185, "");
	assert_int_equal(strlen(strstr(text, "machines")) - 1, 212);
	p = qh_profile_parse("t.ini", text, &err);
	if (p) {
		for (size_t i = 0; i < p->nallow; i++)
			fail_msg("allow list has '%s'", p->allow[i].name);
		qh_profile_free(p);
		fail_msg("a 212-character line was accepted");
	}
	assert_non_null(strstr(err.msg, "t.ini:4: line longer than"));
}

static void test_ini_round_trip(void **state)
{
	struct qh_error err = { { 0 } };
	struct qh_profile *p = qh_profile_parse("t.ini", good, &err), *q;
	char *ini;

	(void)state;
	ini = qh_profile_to_ini(p);
	q = qh_profile_parse("again.ini", ini, &err);
	assert_non_null(q);
	assert_int_equal(q->nallow, p->nallow);
	assert_int_equal(q->enable.n, p->enable.n);
	assert_string_equal(q->level, "standard");
	free(ini);
	qh_profile_free(p);
	qh_profile_free(q);
}

static void test_glance(void **state)
{
	struct qh_error err = { { 0 } };
	struct qh_profile *p;

	(void)state;
	p = qh_glance_profile("hw_disk_bus=ide,hw_cdrom_bus=ide,hw_vif_model=e1000", &err);
	assert_non_null(p);
	assert_string_equal(p->machines[0].name, "q35");
	assert_string_equal(p->targets.items[0], "x86_64-softmmu");
	assert_int_equal(p->nallow, 4); /* ide-hd ich9-ahci ide-cd e1000 */
	assert_string_equal(p->allow[0].name, "ide-hd");
	assert_string_equal(p->allow[1].name, "ich9-ahci");
	assert_string_equal(p->allow[2].name, "ide-cd");
	assert_string_equal(p->allow[3].name, "e1000");
	qh_profile_free(p);
	/* IDE sits on PIIX with the pc machine */
	p = qh_glance_profile("hw_machine_type=pc-i440fx-7.2,hw_disk_bus=ide", &err);
	assert_non_null(p);
	assert_string_equal(p->machines[0].name, "pc");
	assert_string_equal(p->allow[1].name, "piix3-ide");
	qh_profile_free(p);
	/* a SCSI disk without hw_scsi_model gets Nova's default controller */
	p = qh_glance_profile("hw_disk_bus=scsi,hw_rng_model=virtio,hw_pointer_model=usbtablet,"
			      "hw_video_model=virtio,hw_machine_type=virt", &err);
	assert_non_null(p);
	assert_string_equal(p->targets.items[0], "aarch64-softmmu");
	assert_string_equal(p->allow[p->nallow - 1].name, "lsi53c895a");
	qh_profile_free(p);
	assert_null(qh_glance_profile("hw_vif_model=tulip", &err));
	assert_non_null(strstr(err.msg, "accepted: virtio e1000"));
	assert_null(qh_glance_profile("hw_cpu_cores=4", &err));
	assert_non_null(strstr(err.msg, "unknown glance property"));
	assert_null(qh_glance_profile("hw_disk_bus", &err));
}

static char *write_profile(const char *dir, const char *text)
{
	char *path = malloc(512);
	FILE *f;

	snprintf(path, 512, "%s/p.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	assert_true(fread(buf, 1, 65535, f) > 0);
	fclose(f);
	return buf;
}

static bool argv_has(const struct qh_plan *p, const char *arg)
{
	return qh_strlist_has(&p->configure_argv, arg);
}

static void test_plan_on_mini_tree(void **state)
{
	char dir[] = "/tmp/qhard-plan.XXXXXX";
	struct qh_plan_options o = { .no_probe = true, .host_arch = "x86_64" };
	struct qh_error err = { { 0 } };
	struct qh_plan *p;
	char *path, *mak, *line, *expl;
	json_t *j;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = write_profile(dir, good);
	p = qh_plan_create(path, MINI, dir, &o, &err);
	if (!p)
		fail_msg("%s", err.msg);
	/* a plan is a value: nothing is on disk until qh_plan_write */
	assert_int_not_equal(access(p->targets[0].devices_file, F_OK), 0);
	assert_int_equal(qh_plan_write(p, &err), 0);
	assert_string_equal(p->version, "7.2.0");
	assert_int_equal(p->ntargets, 1);
	/* closure: Q35 selects PC, PCI, ISA_BUS, IDE_QDEV (if ISA_BUS); the
	 * imply of E1000_PCI and VIRTIO_NET's default y are not followed */
	assert_true(qh_strlist_has(&p->targets[0].symbols, "CONFIG_IDE_QDEV"));
	assert_true(qh_strlist_has(&p->targets[0].symbols, "CONFIG_VIRTIO_NET"));
	assert_false(qh_strlist_has(&p->targets[0].symbols, "CONFIG_E1000_PCI"));
	assert_false(qh_strlist_has(&p->targets[0].symbols, "CONFIG_KVM")); /* external */
	assert_int_equal(p->targets[0].symbols.n, 8);
	assert_true(qh_strlist_has(&p->targets[0].default_symbols, "CONFIG_E1000_PCI"));
	assert_true(qh_strlist_has(&p->targets[0].removed_qom_types, "e1000"));
	assert_true(qh_strlist_has(&p->targets[0].qom_types, "virtio-net-pci"));
	assert_true(qh_strlist_has(&p->targets[0].sources, "hw/virtio/virtio-net-pci.c"));
	assert_false(qh_strlist_has(&p->targets[0].sources, "hw/net/e1000.c"));
	/* configure line */
	assert_true(argv_has(p, "--target-list=x86_64-softmmu"));
	assert_true(argv_has(p, "--without-default-devices"));
	assert_true(argv_has(p, "--enable-vhost-kernel")); /* vhost-net needs it */
	assert_true(argv_has(p, "--enable-seccomp"));      /* default-on hardening */
	assert_true(argv_has(p, "--disable-tcg"));         /* KVM only */
	assert_false(argv_has(p, "--enable-stack-protector")); /* 7.2 needs none */
	assert_true(qh_strlist_has(&p->cflags, "-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3"));
	assert_true(qh_strlist_has(&p->cflags, "-g")); /* the profile's own */
	assert_false(qh_strlist_has(&p->cflags, "-ftrivial-auto-var-init=zero")); /* strict only */
	/* the devices file: in --out, traced to the allow list */
	assert_string_equal(p->targets[0].devices_file + strlen(p->targets[0].devices_file) -
			    strlen("/x86_64-softmmu.mak"), "/x86_64-softmmu.mak");
	mak = slurp(p->targets[0].devices_file);
	assert_non_null(strstr(mak, "CONFIG_Q35=y  # "));
	assert_non_null(strstr(mak, "p.ini:6 q35\n"));
	assert_non_null(strstr(mak, "CONFIG_VIRTIO_NET=y  # "));
	assert_non_null(strstr(mak, "CONFIG_IDE_QDEV=y  # "));
	free(mak);
	/* the generated line is accepted by the fixture's configure */
	line = qh_plan_shell_line(p);
	{
		char cmd[8192];

		snprintf(cmd, sizeof(cmd), "cd %s && %s >/dev/null", dir, line);
		assert_int_equal(system(cmd), 0);
	}
	free(line);
	expl = qh_plan_explain(p, NULL, "CONFIG_PC", &err);
	assert_non_null(expl);
	assert_non_null(strstr(expl, "PC=y: selected by Q35"));
	free(expl);
	j = qh_plan_to_json(p);
	assert_non_null(json_object_get(j, "configure"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "qemu"), "version")),
			    "7.2.0");
	json_decref(j);
	qh_plan_free(p);
	unlink(path);
	{
		char m[600];

		snprintf(m, sizeof(m), "%s/x86_64-softmmu.mak", dir);
		unlink(m);
	}
	free(path);
	rmdir(dir);
}

/* Later QEMU versions: stack protector opt-in (8.1), no forced FORTIFY=2,
 * x86 boards default y (9.1) -> unlisted boards set to n. */
static void test_plan_version_quirks(void **state)
{
	char dir[] = "/tmp/qhard-plan.XXXXXX";
	struct qh_plan_options o = { .no_probe = true, .host_arch = "x86_64",
				     .version_override = "9.1.0" };
	struct qh_error err = { { 0 } };
	struct qh_plan *p;
	char *path, *mak, m[600];
	bool fortify_note = false;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = write_profile(dir, good);
	p = qh_plan_create(path, MINI, dir, &o, &err);
	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(qh_plan_write(p, &err), 0);
	assert_true(argv_has(p, "--enable-stack-protector"));
	for (size_t i = 0; i < p->warnings.n; i++)
		if (strstr(p->warnings.items[i], "forces -D_FORTIFY_SOURCE=2"))
			fortify_note = true;
	assert_false(fortify_note);
	mak = slurp(p->targets[0].devices_file);
	assert_non_null(strstr(mak, "CONFIG_MICROVM=n"));
	assert_null(strstr(mak, "CONFIG_PC=n")); /* Q35 selects it */
	assert_null(strstr(mak, "CONFIG_Q35=n"));
	free(mak);
	assert_false(qh_strlist_has(&p->targets[0].symbols, "CONFIG_MICROVM"));
	qh_plan_free(p);
	snprintf(m, sizeof(m), "%s/x86_64-softmmu.mak", dir);
	unlink(m);
	unlink(path);
	free(path);
	rmdir(dir);
}

static bool has_warning(const struct qh_plan *p, const char *what)
{
	for (size_t i = 0; i < p->warnings.n; i++)
		if (strstr(p->warnings.items[i], what))
			return true;
	return false;
}

/* QEMU 10 shapes (tests/fixtures/qemu-mini-10): q35 named only through
 * versioned machine macros; microvm `depends on FDT`, so the plan turns
 * the FDT host symbol on and asks configure for libfdt; CXL declared
 * twice, the second declaration's `depends on` holds in the default set. */
static void test_plan_qemu10_shapes(void **state)
{
	char dir[] = "/tmp/qhard-plan.XXXXXX";
	struct qh_plan_options o = { .no_probe = true, .host_arch = "x86_64" };
	struct qh_error err = { { 0 } };
	struct qh_plan *p;
	char *path, *mak, m[600];

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = write_profile(dir, good);
	p = qh_plan_create(path, MINI10, dir, &o, &err);
	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(qh_plan_write(p, &err), 0);
	assert_string_equal(p->version, "10.0.0");
	assert_true(qh_strlist_has(&p->targets[0].symbols, "CONFIG_Q35"));
	assert_true(qh_strlist_has(&p->targets[0].qom_types, "pc-q35-10.0-machine"));
	assert_true(qh_strlist_has(&p->targets[0].qom_types, "pc-q35-9.1.1-machine"));
	/* no FDT without a board that needs it */
	assert_false(p->targets[0].needs_fdt);
	assert_false(argv_has(p, "--enable-fdt=system"));
	assert_true(argv_has(p, "--enable-stack-protector")); /* 8.1+ */
	/* the 9.1+ boards quirk: microvm is default y and set to n */
	mak = slurp(p->targets[0].devices_file);
	assert_non_null(strstr(mak, "CONFIG_MICROVM=n"));
	free(mak);
	/* CXL: default y if PCI_EXPRESS (first declaration) would make it y;
	 * the second one's depends on PXB(n)... holds it at n in the
	 * closure; in the default set PXB is y, so CXL is too */
	assert_false(qh_strlist_has(&p->targets[0].symbols, "CONFIG_CXL"));
	assert_true(qh_strlist_has(&p->targets[0].default_symbols, "CONFIG_PXB"));
	assert_true(qh_strlist_has(&p->targets[0].default_symbols, "CONFIG_CXL"));
	assert_true(qh_strlist_has(&p->targets[0].removed_qom_types, "pxb-cxl-host"));
	assert_null(p->targets[0].link_blocker);
	assert_false(has_warning(p, "cxl_fmws_get_all_sorted"));
	qh_plan_free(p);

	/* the same tree read as 10.2: ACPI_CXL without CXL does not link
	 * there, so the plan adds PXB and CXL, with the defect as origin */
	o.version_override = "10.2.0";
	p = qh_plan_create(path, MINI10, dir, &o, &err);
	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(qh_plan_write(p, &err), 0);
	assert_true(qh_strlist_has(&p->targets[0].symbols, "CONFIG_CXL"));
	assert_true(qh_strlist_has(&p->targets[0].symbols, "CONFIG_PXB"));
	assert_true(qh_strlist_has(&p->targets[0].symbols, "CONFIG_CXL_MEM_DEVICE"));
	assert_true(has_warning(p, "cxl_fmws_get_all_sorted"));
	mak = slurp(p->targets[0].devices_file);
	assert_non_null(strstr(mak, "CONFIG_CXL=y  # QEMU 10.1+ builds hw/acpi/cxl.c"));
	free(mak);
	assert_null(p->targets[0].link_blocker);
	qh_plan_free(p);
	o.version_override = NULL;
	unlink(path);
	free(path);

	/* microvm: FDT comes on, by itself */
	path = write_profile(dir, "[profile]\ntargets = x86_64-softmmu\n[devices]\n"
				  "machines = microvm\nallow = CONFIG_VIRTIO_NET\n"
				  "[features]\naccelerators = kvm\n");
	p = qh_plan_create(path, MINI10, dir, &o, &err);
	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(qh_plan_write(p, &err), 0);
	assert_true(p->targets[0].needs_fdt);
	assert_true(argv_has(p, "--enable-fdt=system"));
	assert_true(qh_strlist_has(&p->targets[0].symbols, "CONFIG_MICROVM"));
	assert_true(has_warning(p, "MICROVM depends on FDT"));
	assert_null(p->targets[0].link_blocker);
	qh_plan_free(p);
	/* read as 7.2, microvm (ACPI without PC) cannot link: the plan is
	 * made, and marked for `qhard build` to stop on */
	o.version_override = "7.2.0";
	p = qh_plan_create(path, MINI10, dir, &o, &err);
	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(qh_plan_write(p, &err), 0);
	assert_non_null(p->targets[0].link_blocker);
	assert_non_null(strstr(p->targets[0].link_blocker, "pc_madt_cpu_entry"));
	assert_true(has_warning(p, "pc_madt_cpu_entry"));
	qh_plan_free(p);
	o.version_override = NULL;
	unlink(path);
	free(path);
	snprintf(m, sizeof(m), "%s/x86_64-softmmu.mak", dir);
	unlink(m);
	rmdir(dir);
}

static void test_plan_refusals(void **state)
{
	char dir[] = "/tmp/qhard-plan.XXXXXX";
	struct qh_plan_options o = { .no_probe = true, .host_arch = "x86_64" };
	struct qh_error err = { { 0 } };
	char *path, inside[512];

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* never write into the QEMU tree */
	path = write_profile(dir, good);
	snprintf(inside, sizeof(inside), "%s/hw", MINI);
	assert_null(qh_plan_create(path, MINI, inside, &o, &err));
	assert_non_null(strstr(err.msg, "inside the QEMU source tree"));
	unlink(path);
	free(path);
	/* an allow list whose dependencies fail prints the chain; the
	 * depends on uses QEMU's precedence: (VIRTIO || VIRTIO_MMIO) && PCI_DEVICES */
	path = write_profile(dir, "[profile]\ntargets = x86_64-softmmu\n[devices]\n"
				  "machines = q35\nallow = virtio-gpu-pci\n"
				  "[features]\naccelerators = kvm\n");
	assert_null(qh_plan_create(path, MINI, dir, &o, &err));
	assert_non_null(strstr(err.msg, "VIRTIO_GPU cannot be enabled"));
	assert_non_null(strstr(err.msg, "(VIRTIO(y) || VIRTIO_MMIO(n)) && PCI_DEVICES(n)"));
	assert_non_null(strstr(err.msg, "p.ini:5 virtio-gpu-pci"));
	unlink(path);
	free(path);
	/* a feature this configure does not know */
	path = write_profile(dir, "[profile]\ntargets = x86_64-softmmu\n[devices]\n"
				  "machines = q35\nallow = virtio-net-pci\n[features]\nenable = warp-drive\n"
				  "accelerators = kvm\n");
	assert_null(qh_plan_create(path, MINI, dir, &o, &err));
	assert_non_null(strstr(err.msg, "feature 'warp-drive' does not exist"));
	unlink(path);
	free(path);
	/* KVM cannot run x86 guests on an arm host and nothing else is allowed */
	path = write_profile(dir, good);
	o.host_arch = "aarch64";
	assert_null(qh_plan_create(path, MINI, dir, &o, &err));
	assert_non_null(strstr(err.msg, "no accelerator"));
	unlink(path);
	free(path);
	{
		char m[600];

		snprintf(m, sizeof(m), "%s/x86_64-softmmu.mak", dir);
		unlink(m);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors_name_the_line),
		cmocka_unit_test(test_long_line_is_an_error),
		cmocka_unit_test(test_ini_round_trip),
		cmocka_unit_test(test_glance),
		cmocka_unit_test(test_plan_on_mini_tree),
		cmocka_unit_test(test_plan_version_quirks),
		cmocka_unit_test(test_plan_qemu10_shapes),
		cmocka_unit_test(test_plan_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
