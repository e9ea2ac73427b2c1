/* test_emit_text_audit.c - qhard audit's text layout: the verdict and the
 * findings per severity first, then the groups (unreadable, host, QEMU),
 * then the libraries summarised per failing check unless verbose. The
 * results are freed as soon as the emitter has seen them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "emit_fixture.h"

static struct qh_check *finding(struct qh_result *res, const char *id,
				enum qh_status st, const char *severity)
{
	struct qh_check *c = qh_result_add_check(res, id, st, NULL, "evidence of %s", id);

	qh_check_set_str(&c->reason, "why it matters");
	qh_check_set_str(&c->fix, "how to fix it");
	qh_check_set_str(&c->severity, severity);
	return c;
}

static struct qh_result *library(const char *path, bool relro_ok, bool ww)
{
	struct qh_result *res = qh_result_new(path, NULL);

	res->type = strdup("dso");
	qh_result_add_check(res, "relro", relro_ok ? QH_PASS : QH_FAIL,
			    json_string(relro_ok ? "full" : "partial"), "relro");
	qh_result_add_check(res, "cet-ibt", QH_WARN, json_string("no"), "no IBT");
	if (ww)
		finding(res, "world-writable", QH_FAIL, "high");
	return res;
}

/* The audit's subjects, handed over one at a time and freed at once. */
static char *emit_audit(bool verbose, bool color)
{
	struct qh_report *r = qh_report_new("audit", NULL);
	struct qh_emit_options opts = { .verbose = verbose, .color = color };
	struct qh_error err = { "" };
	struct qh_result *res[9];
	struct qh_emitter *e;
	char *data = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&data, &len);

	res[n] = qh_result_new("host", NULL);
	finding(res[n], "kvm-available", QH_FAIL, "high");
	finding(res[n], "vhost-net", QH_WARN, "info");
	qh_result_add_check(res[n++], "ksm", QH_PASS, NULL, "ksm/run = 0");
	res[n] = library("/usr/lib/x86_64-linux-gnu/liba.so.1", false, false);
	n++;
	res[n] = qh_result_new("/etc/libvirt/qemu.conf", NULL);
	finding(res[n++], "libvirt-user", QH_FAIL, "high");
	res[n] = qh_result_new("/usr/bin/qemu-system-x86_64", NULL);
	res[n]->type = strdup("pie");
	qh_result_add_check(res[n], "relro", QH_PASS, json_string("full"), "ok");
	qh_result_add_check(res[n++], "cet-ibt", QH_WARN, json_string("no"), "no IBT");
	res[n++] = library("/usr/lib/x86_64-linux-gnu/libb.so.2", false, false);
	res[n++] = library("/usr/lib/x86_64-linux-gnu/lib\nc.so", false, false);
	res[n++] = library("/usr/lib/x86_64-linux-gnu/libd.so", true, false);
	res[n++] = library("/usr/lib/x86_64-linux-gnu/libww.so", true, true);
	res[n] = qh_result_new("/usr/bin/qemu-img", NULL);
	qh_result_set_error(res[n++], "cannot read: Permission denied");
	e = qh_emitter_new("text", f, &opts, &err);
	assert_non_null(e);
	assert_int_equal(qh_emitter_begin(e, r, &err), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(qh_emitter_result(e, res[i], &err), 0);
		qh_result_free(res[i]); /* the layout keeps no pointer to it */
	}
	json_object_set_new(r->extra, "root", json_string("/"));
	assert_int_equal(qh_emitter_end(e, r, NULL, &err), 0);
	qh_emitter_free(e);
	fclose(f);
	qh_report_free(r);
	return data;
}

static void in_order(const char *out, const char *const *parts, size_t n)
{
	const char *at = out;

	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(at, parts[i]);

		if (!p)
			fail_msg("\"%s\" not found in what follows the previous part:\n%s", parts[i], at);
		at = p + strlen(parts[i]);
	}
}

static void test_layout(void **state)
{
	static const char *const parts[] = {
		"verdict: ERROR: 2 findings on the host and QEMU fail the policy "
		"(2 more warn), 4 of 5 libraries and modules fail; 1 subject could "
		"not be read (exit 3)\n",
		"\nfindings                  high  medium     low    info\n"
		"  host and QEMU   fail       2       0       0       0\n"
		"                  warn       0       1       0       1\n"
		"  libraries       fail       4       0       0       0\n"
		"                  warn       0       5       0       0\n",
		"\ncould not be read:\n/usr/bin/qemu-img ",
		"error: cannot read: Permission denied\n",
		"\nhost and configuration:\nhost ",
		"kvm-available=fail!",
		"    fail kvm-available [high]: evidence of kvm-available\n",
		"      why: why it matters\n",
		"\n/etc/libvirt/qemu.conf ",
		"\nQEMU executables:\n/usr/bin/qemu-system-x86_64 ",
		"\nlibraries and QEMU modules: 5, 4 fail, 1 warn, 0 pass\n",
		"  relro!                3  liba.so.1, libb.so.2, lib\\x0ac.so\n",
		"  world-writable!       1  libww.so\n",
		"  cet-ibt?              5  liba.so.1, libb.so.2, lib\\x0ac.so and 2 more\n",
		"  (--verbose: one line per library)\n",
		"/usr/lib/x86_64-linux-gnu/libww.so ",
		"    fail world-writable [high]",
		"\nroot: /\n",
		"(a trailing ! fails the policy, ? is a warning)\n",
		"qhard audit: 9 files, 2 pass (2 with warnings), 6 fail, 1 error\n",
	};
	char *out = emit_audit(false, false);

	(void)state;
	in_order(out, parts, sizeof(parts) / sizeof(parts[0]));
	/* a library with only checksec findings has no line of its own */
	assert_null(strstr(out, "/usr/lib/x86_64-linux-gnu/liba.so.1 "));
	assert_null(strstr(out, "/usr/lib/x86_64-linux-gnu/libd.so "));
	free(out);
}

static void test_verbose_lists_every_library(void **state)
{
	char *out = emit_audit(true, false);

	(void)state;
	assert_non_null(strstr(out, "/usr/lib/x86_64-linux-gnu/liba.so.1 "));
	assert_non_null(strstr(out, "/usr/lib/x86_64-linux-gnu/libd.so "));
	assert_non_null(strstr(out, "/usr/lib/x86_64-linux-gnu/lib\\x0ac.so "));
	assert_null(strstr(out, "(--verbose"));
	free(out);
}

static void test_color(void **state)
{
	char *out = emit_audit(false, true);

	(void)state;
	assert_non_null(strstr(out, "verdict: \033[31mERROR\033[0m: "));
	assert_non_null(strstr(out, "  \033[31mrelro!\033[0m"));
	assert_non_null(strstr(out, "  \033[33mcet-ibt?\033[0m"));
	free(out);
}

static void test_clean_host(void **state)
{
	struct qh_report *r = qh_report_new("audit", NULL);
	struct qh_result *res = qh_result_new("host", NULL);
	int rc;
	char *out;

	(void)state;
	qh_result_add_check(res, "ksm", QH_PASS, NULL, "ksm/run = 0");
	qh_report_add(r, res, NULL);
	out = emit_to_string(r, "text", false, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "verdict: pass: 0 findings on the host and QEMU fail "
				    "the policy; everything was read\n"));
	assert_null(strstr(out, "libraries"));
	free(out);
	qh_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_verbose_lists_every_library),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_clean_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
