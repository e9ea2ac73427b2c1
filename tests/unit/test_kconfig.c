/* test_kconfig.c - QEMU's Kconfig dialect: parsing, precedence, and
 * minikconf's evaluation (select, imply, depends on, cycles). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu/kconfig.h"

static struct qh_kconfig *parse(const char *text)
{
	struct qh_error err = { { 0 } };
	struct qh_kconfig *kc = qh_kconfig_new(&err);

	assert_non_null(kc);
	assert_int_equal(qh_kconfig_parse_text(kc, "Kconfig", "", text, &err), 0);
	return kc;
}

static int value(const struct qh_kconfig *kc, const char *name)
{
	int s = qh_kconfig_find(kc, name);

	assert_true(s >= 0);
	return kc->syms[s].value;
}

/* QEMU: `A || B && C` is (A || B) && C; C would read A || (B && C). */
static void test_precedence_or_binds_tighter(void **state)
{
	struct qh_kconfig *kc = parse(
		"config A\n bool\nconfig B\n bool\nconfig C\n bool\n"
		"config X\n bool\n default y if A || B && C\n"
		"config Y\n bool\n default y if A || (B && C)\n");
	struct qh_error err = { { 0 } };

	(void)state;
	assert_int_equal(qh_kconfig_assign(kc, "CONFIG_A", true, true, NULL, &err), 0);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_DEFCONFIG, &err), 0);
	assert_int_equal(value(kc, "X"), 0); /* (y || n) && n */
	assert_int_equal(value(kc, "Y"), 1); /* explicit parentheses */
	qh_kconfig_free(kc);
}

static void test_format_parenthesises_mixes(void **state)
{
	struct qh_kconfig *kc = parse("config A\n bool\n depends on B || C && !D\n"
				      "config B\n bool\nconfig C\n bool\nconfig D\n bool\n");
	struct qh_buf b = QH_BUF_INIT;

	(void)state;
	for (size_t i = 0; i < kc->nclauses; i++)
		if (kc->clauses[i].kind == QH_KC_DEPENDS)
			qh_kexpr_format(kc, kc->clauses[i].cond, false, &b);
	assert_string_equal(b.data, "(B || C) && !D");
	qh_buf_free(&b);
	qh_kconfig_free(kc);
}

static void test_conditional_select(void **state)
{
	struct qh_kconfig *kc = parse(
		"config BOARD\n bool\n select BUS\n select DEV if BUS\n select OTHER if NOPE\n"
		"config BUS\n bool\nconfig DEV\n bool\nconfig OTHER\n bool\nconfig NOPE\n bool\n");
	struct qh_error err = { { 0 } };

	(void)state;
	assert_int_equal(qh_kconfig_assign(kc, "BOARD", true, false, "test:1 board", &err), 0);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_ALLNO, &err), 0);
	assert_int_equal(value(kc, "BUS"), 1);
	assert_int_equal(value(kc, "DEV"), 1);   /* select ... if BUS, BUS is y */
	assert_int_equal(value(kc, "OTHER"), 0); /* select ... if NOPE */
	qh_kconfig_free(kc);
}

/* --without-default-devices = allnoconfig: defaults and imply are not
 * followed; with defconfig they are. */
static void test_imply_and_default_by_mode(void **state)
{
	const char *text = "config PC\n bool\n imply NIC\n"
			   "config NIC\n bool\n"
			   "config SOUND\n bool\n default y\n";
	struct qh_error err = { { 0 } };
	struct qh_kconfig *kc = parse(text);

	(void)state;
	qh_kconfig_assign(kc, "PC", true, false, NULL, &err);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_ALLNO, &err), 0);
	assert_int_equal(value(kc, "NIC"), 0);
	assert_int_equal(value(kc, "SOUND"), 0);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_DEFCONFIG, &err), 0);
	assert_int_equal(value(kc, "NIC"), 1);
	assert_int_equal(value(kc, "SOUND"), 1);
	qh_kconfig_free(kc);
}

static void test_depends_unsatisfiable_prints_chain(void **state)
{
	struct qh_kconfig *kc = parse(
		"config VIRTIO\n bool\nconfig PCI_DEVICES\n bool\n"
		"config VIRTIO_GPU\n bool\n depends on VIRTIO && PCI_DEVICES\n"
		"config GPU_BOARD\n bool\n select VIRTIO_GPU\n select VIRTIO\n");
	struct qh_error err = { { 0 } };

	(void)state;
	qh_kconfig_assign(kc, "GPU_BOARD", true, false, "p.ini:7 gpu-board", &err);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_ALLNO, &err), -1);
	assert_non_null(strstr(err.msg, "VIRTIO_GPU cannot be enabled"));
	assert_non_null(strstr(err.msg, "VIRTIO(y) && PCI_DEVICES(n)"));
	assert_non_null(strstr(err.msg, "selected by GPU_BOARD"));
	assert_non_null(strstr(err.msg, "p.ini:7 gpu-board"));
	qh_kconfig_free(kc);
}

static void test_cycle_is_named(void **state)
{
	struct qh_kconfig *kc = parse("config A\n bool\n select B\n"
				      "config B\n bool\n select C\n"
				      "config C\n bool\n select A\n");
	struct qh_error err = { { 0 } };

	(void)state;
	qh_kconfig_assign(kc, "A", true, false, NULL, &err);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_ALLNO, &err), -1);
	assert_non_null(strstr(err.msg, "cycle"));
	assert_non_null(strstr(err.msg, "A -> B"));
	assert_non_null(strstr(err.msg, "C -> A"));
	qh_kconfig_free(kc);
}

static void test_missing_symbols_listed(void **state)
{
	struct qh_kconfig *kc = parse("config A\n bool\n select GHOST\n depends on PHANTOM\n");
	struct qh_error err = { { 0 } };

	(void)state;
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_ALLNO, &err), -1);
	assert_non_null(strstr(err.msg, "2 undefined symbols"));
	assert_non_null(strstr(err.msg, "GHOST"));
	assert_non_null(strstr(err.msg, "PHANTOM"));
	qh_kconfig_free(kc);
}

/* A bad line is reported with file:line and the rest is still read. */
static void test_diagnostics_keep_going(void **state)
{
	struct qh_kconfig *kc = parse("config A\n bool\n tristate\n"
				      "config B\n bool\n default maybe\n"
				      "config C\n bool\n depends on (A\n"
				      "config D\n bool\n select B if A\n");
	struct qh_error err = { { 0 } };

	(void)state;
	assert_true(kc->ndiags >= 3);
	assert_non_null(strstr(kc->diags[0], "Kconfig:3:"));
	assert_non_null(strstr(kc->diags[1], "Kconfig:6:"));
	/* the unclosed "(" is noticed at the next line's token */
	assert_non_null(strstr(kc->diags[2], "Kconfig:10: expected \")\""));
	assert_int_equal(kc->ndiags, 3);
	assert_true(qh_kconfig_find(kc, "D") >= 0);
	assert_true(kc->syms[qh_kconfig_find(kc, "D")].defined);
	qh_kconfig_assign(kc, "D", true, false, NULL, &err);
	qh_kconfig_assign(kc, "A", true, false, NULL, &err);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_ALLNO, &err), 0);
	assert_int_equal(value(kc, "B"), 1);
	qh_kconfig_free(kc);
}

static void test_assignments_equality_and_source(void **state)
{
	char dir[] = "/tmp/qhard-kconfig.XXXXXX";
	char path[256];
	FILE *f;
	struct qh_error err = { { 0 } };
	struct qh_kconfig *kc = qh_kconfig_new(&err);

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub.kconfig", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("config SUB\n bool\n default y if TOP = y && OFF != y\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/Kconfig", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("config TOP\n bool\nconfig OFF\n bool\nsource sub.kconfig\n"
	      "source sub.kconfig\nCONFIG_TOP=y # a devices-file line\n", f);
	fclose(f);
	assert_int_equal(qh_kconfig_parse_file(kc, path, &err), 0);
	assert_int_equal(kc->ndiags, 0); /* sourced twice: read once */
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_DEFCONFIG, &err), 0);
	assert_int_equal(value(kc, "SUB"), 1);
	assert_int_equal(value(kc, "OFF"), 0);
	qh_kconfig_free(kc);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub.kconfig", dir);
	unlink(path);
	rmdir(dir);
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int parse_tree_file(const char *dir, struct qh_kconfig **kc,
			   struct qh_error *err)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/Kconfig", dir);
	*kc = qh_kconfig_new(err);
	assert_non_null(*kc);
	return qh_kconfig_parse_file(*kc, path, err);
}

/* The tree is read like an audit root: x -> . and y -> . sourced over and
 * over read each file once; absolute sources, ".." above the tree,
 * symlinks out of it and FIFOs are errors naming the source line. */
static void test_source_stays_in_the_tree(void **state)
{
	char top[] = "/tmp/qhard-kconfig.XXXXXX", dir[300], cmd[400], p[400];
	struct qh_error err = { { 0 } };
	struct qh_kconfig *kc;

	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(dir, sizeof(dir), "%s/tree", top);
	assert_int_equal(mkdir(dir, 0755), 0);
	put_file(top, "outside", "config OUTSIDE\n bool\n");
	snprintf(p, sizeof(p), "%s/x", dir);
	assert_int_equal(symlink(".", p), 0);
	snprintf(p, sizeof(p), "%s/y", dir);
	assert_int_equal(symlink(".", p), 0);
	put_file(dir, "sub", "config SUB\n bool\nsource x/sub\nsource y/x/sub\n");
	put_file(dir, "Kconfig", "config TOP\n bool\nsource x/Kconfig\nsource y/Kconfig\n"
		 "source x/y/sub\nsource y/sub\n");
	assert_int_equal(parse_tree_file(dir, &kc, &err), 0);
	assert_int_equal(kc->nfiles, 2); /* Kconfig and sub, once each */
	assert_int_equal(kc->ndiags, 0);
	qh_kconfig_free(kc);

	put_file(dir, "Kconfig", "config TOP\n bool\nsource /etc/passwd\n");
	assert_int_equal(parse_tree_file(dir, &kc, &err), -1);
	assert_non_null(strstr(err.msg, "Kconfig:3: source /etc/passwd: an absolute "
				       "path leads out of the tree"));
	qh_kconfig_free(kc);
	put_file(dir, "Kconfig", "source ../outside\n");
	assert_int_equal(parse_tree_file(dir, &kc, &err), -1);
	assert_non_null(strstr(err.msg, "leads out of the tree"));
	assert_int_equal(qh_kconfig_find(kc, "OUTSIDE"), -1);
	qh_kconfig_free(kc);
	snprintf(p, sizeof(p), "%s/link", dir);
	assert_int_equal(symlink("../outside", p), 0);
	put_file(dir, "Kconfig", "source link\n");
	assert_int_equal(parse_tree_file(dir, &kc, &err), -1);
	assert_non_null(strstr(err.msg, "Kconfig:1: "));
	assert_non_null(strstr(err.msg, "/link (-> ../outside) leads out of the tree"));
	qh_kconfig_free(kc);
	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	put_file(dir, "Kconfig", "source fifo\n");
	assert_int_equal(parse_tree_file(dir, &kc, &err), -1);
	assert_non_null(strstr(err.msg, "fifo: not a regular file"));
	qh_kconfig_free(kc);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
}

static void test_explain_chain(void **state)
{
	struct qh_kconfig *kc = parse("config BOARD\n bool\n select BUS\n"
				      "config BUS\n bool\n select CORE\n"
				      "config CORE\n bool\n");
	struct qh_error err = { { 0 } };
	struct qh_buf b = QH_BUF_INIT;

	(void)state;
	qh_kconfig_assign(kc, "BOARD", true, false, "p.ini:3 board", &err);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_ALLNO, &err), 0);
	qh_kconfig_explain(kc, qh_kconfig_find(kc, "CORE"), &b);
	assert_non_null(strstr(b.data, "CORE=y: selected by BUS (Kconfig:6)"));
	assert_non_null(strstr(b.data, "BUS=y: selected by BOARD (Kconfig:3)"));
	assert_non_null(strstr(b.data, "assigned CONFIG_BOARD=y at p.ini:3 board"));
	qh_buf_free(&b);
	qh_kconfig_free(kc);
}

/* A symbol declared twice (QEMU 7.2's and 10.x's CXL): minikconf keeps
 * every clause of both declarations, in source order. */
static void test_redeclaration_keeps_both(void **state)
{
	static const char text[] =
		"config PCI_EXPRESS\n bool\nconfig MSI_NONBROKEN\n bool\nconfig PXB\n bool\n"
		"config CXL\n bool\n default y if PCI_EXPRESS\n"
		"config CXL\n bool\n default y if PCI_EXPRESS && PXB\n"
		" depends on PCI_EXPRESS && MSI_NONBROKEN && PXB\n"
		"config BOARD\n bool\n select CXL\n";
	struct qh_error err = { { 0 } };
	struct qh_kconfig *kc = parse(text);

	(void)state;
	assert_int_equal(kc->ndiags, 0); /* not a problem: QEMU's own trees do it */
	/* defconfig: the first default fires, the second `depends on` wins */
	assert_int_equal(qh_kconfig_assign(kc, "PCI_EXPRESS", true, true, NULL, &err), 0);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_DEFCONFIG, &err), 0);
	assert_int_equal(value(kc, "CXL"), 0);
	assert_int_equal(qh_kconfig_assign(kc, "PXB", true, true, NULL, &err), 0);
	assert_int_equal(qh_kconfig_assign(kc, "MSI_NONBROKEN", true, true, NULL, &err), 0);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_DEFCONFIG, &err), 0);
	assert_int_equal(value(kc, "CXL"), 1);
	/* allnoconfig: a select against the second declaration's depends on */
	qh_kconfig_drop_assignments(kc);
	assert_int_equal(qh_kconfig_assign(kc, "PCI_EXPRESS", true, true, NULL, &err), 0);
	assert_int_equal(qh_kconfig_assign(kc, "BOARD", true, false, "t:1 board", &err), 0);
	assert_int_equal(qh_kconfig_evaluate(kc, QH_KCONFIG_ALLNO, &err), -1);
	assert_non_null(strstr(err.msg, "CXL cannot be enabled"));
	assert_non_null(strstr(err.msg, "PXB(n)"));
	qh_kconfig_free(kc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence_or_binds_tighter),
		cmocka_unit_test(test_format_parenthesises_mixes),
		cmocka_unit_test(test_conditional_select),
		cmocka_unit_test(test_imply_and_default_by_mode),
		cmocka_unit_test(test_depends_unsatisfiable_prints_chain),
		cmocka_unit_test(test_cycle_is_named),
		cmocka_unit_test(test_missing_symbols_listed),
		cmocka_unit_test(test_diagnostics_keep_going),
		cmocka_unit_test(test_assignments_equality_and_source),
		cmocka_unit_test(test_source_stays_in_the_tree),
		cmocka_unit_test(test_explain_chain),
		cmocka_unit_test(test_redeclaration_keeps_both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
