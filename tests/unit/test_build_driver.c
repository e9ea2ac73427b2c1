/* test_build_driver.c - the configure/ninja driver with stand-in scripts:
 * logs, progress lines, the reuse stamp, failures; the bounded runner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/build.h"
#include "run.h"

static char tmpdir[] = "/tmp/qh-driver-XXXXXX";
static char bindir[256], build_dir[256], configure[256], counter[256];
static char hang_configure[256], stubborn_configure[256];
static char sleeper_pid[256], sleeper_done[300];

static void write_script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

static int setup(void **state)
{
	char text[1024], *path;

	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(bindir, sizeof(bindir), "%s/bin", tmpdir);
	snprintf(build_dir, sizeof(build_dir), "%s/b", tmpdir);
	snprintf(configure, sizeof(configure), "%s/configure", tmpdir);
	snprintf(counter, sizeof(counter), "%s/configured", tmpdir);
	mkdir(bindir, 0755);
	/* configure: counts its runs, writes build.ninja, fails on demand. */
	snprintf(text, sizeof(text),
		 "#!/bin/sh\necho configuring \"$@\"\necho run >> %s\n"
		 "[ \"$1\" = --fail ] && { echo broken >&2; exit 1; }\n"
		 "echo 'rule x' > build.ninja\n", counter);
	write_script(configure, text);
	/* A configure that leaves a grandchild running, then signals the test
	 * process (its parent) as a user would signal qhard. The grandchild
	 * leaves SLEEPER.finished if it is not stopped. */
	snprintf(sleeper_pid, sizeof(sleeper_pid), "%s/sleeper.pid", tmpdir);
	snprintf(sleeper_done, sizeof(sleeper_done), "%s.finished", sleeper_pid);
	snprintf(hang_configure, sizeof(hang_configure), "%s/configure-hang", tmpdir);
	snprintf(text, sizeof(text),
		 "#!/bin/sh\nsh -c 'sleep 20; : > \"$0.finished\"' %s &\n"
		 "echo $! > %s\nkill -TERM $PPID\nwait\n", sleeper_pid, sleeper_pid);
	write_script(hang_configure, text);
	/* One that ignores SIGTERM and signals the test process twice. */
	snprintf(stubborn_configure, sizeof(stubborn_configure), "%s/configure-stubborn", tmpdir);
	snprintf(text, sizeof(text),
		 "#!/bin/sh\ntrap '' TERM\n"
		 "sh -c 'sleep 20; : > \"$0.finished\"' %s &\n"
		 "echo $! > %s\nkill -TERM $PPID\nsleep 1\nkill -TERM $PPID\nwait\n",
		 sleeper_pid, sleeper_pid);
	write_script(stubborn_configure, text);
	/* ninja: prints a status line per target and creates it; with
	 * $QH_TEST_NINJA_HANG it ignores SIGTERM (so does its grandchild) and
	 * signals the test process. */
	snprintf(text, sizeof(text), "%s/ninja", bindir);
	write_script(text, "#!/bin/sh\n"
			   "if [ -n \"$QH_TEST_NINJA_HANG\" ]; then trap '' TERM; "
			   "sh -c 'sleep 20; : > \"$0.finished\"' \"$QH_TEST_NINJA_HANG\" & "
			   "echo $! > \"$QH_TEST_NINJA_HANG\"; "
			   "kill -TERM $PPID; wait; fi\n"
			   "d=$2; shift 2\n"
			   "for t; do case $t in -*) continue;; esac; "
			   "echo \"[1/1] Linking target $t\"; : > \"$d/$t\"; done\n");
	/* The fake ninja is found through PATH, like the real one. */
	if (asprintf(&path, "%s:%s", bindir, getenv("PATH")) < 0)
		return -1;
	setenv("PATH", path, 1);
	free(path);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int configure_runs(void)
{
	FILE *f = fopen(counter, "r");
	char line[32];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

struct seen {
	int starts, ninja_lines;
	char last[256];
};

static void progress(void *ctx, const char *phase, const char *line)
{
	struct seen *s = ctx;

	if (!line) {
		s->starts++;
		return;
	}
	if (strcmp(phase, "ninja") == 0 && line[0] == '[')
		s->ninja_lines++;
	snprintf(s->last, sizeof(s->last), "%s", line);
}

static bool file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

static void test_configure_build_reuse(void **state)
{
	const char *cargv[] = { configure, "--target-list=x", NULL };
	const char *targets[] = { "qemu-system-x86_64", NULL };
	struct qh_build_options o = {
		.build_dir = build_dir, .configure_argv = cargv, .targets = targets,
		.jobs = 2, .reuse = true, .stamp_text = "plan A",
		.progress = progress,
	};
	struct qh_build_outcome out;
	struct qh_error err;
	struct seen s = { 0 };
	char path[300];

	(void)state;
	o.progress_ctx = &s;
	assert_int_equal(qh_build_run(&o, &out, &err), 0);
	assert_true(out.configured);
	assert_false(out.reused);
	assert_true(out.compiled);
	assert_int_equal(configure_runs(), 1);
	assert_int_equal(s.starts, 2); /* configure, ninja */
	assert_int_equal(s.ninja_lines, 1);
	assert_true(file_has(out.configure_log, "configuring --target-list=x"));
	assert_true(file_has(out.ninja_log, "Linking target qemu-system-x86_64"));
	snprintf(path, sizeof(path), "%s/qemu-system-x86_64", build_dir);
	assert_int_equal(access(path, F_OK), 0);
	qh_build_outcome_free(&out);

	/* Same plan: configure is skipped, ninja still runs. */
	assert_int_equal(qh_build_run(&o, &out, &err), 0);
	assert_true(out.reused);
	assert_true(out.compiled);
	assert_int_equal(configure_runs(), 1);
	qh_build_outcome_free(&out);

	/* Another plan: configured again. */
	o.stamp_text = "plan B";
	assert_int_equal(qh_build_run(&o, &out, &err), 0);
	assert_false(out.reused);
	assert_int_equal(configure_runs(), 2);
	qh_build_outcome_free(&out);

	/* Without --reuse configure always runs. */
	o.reuse = false;
	assert_int_equal(qh_build_run(&o, &out, &err), 0);
	assert_false(out.reused);
	assert_int_equal(configure_runs(), 3);
	qh_build_outcome_free(&out);
}

static void test_configure_failure(void **state)
{
	const char *cargv[] = { configure, "--fail", NULL };
	const char *targets[] = { "x", NULL };
	struct qh_build_options o = {
		.build_dir = build_dir, .configure_argv = cargv, .targets = targets,
		.reuse = true, .stamp_text = "plan C",
	};
	struct qh_build_outcome out;
	struct qh_error err;

	(void)state;
	assert_int_equal(qh_build_run(&o, &out, &err), 0);
	assert_false(out.configured);
	assert_int_equal(out.configure_status, 1);
	assert_false(out.compiled);
	assert_true(file_has(out.configure_log, "broken"));
	qh_build_outcome_free(&out);
	/* A failed configure leaves no stamp: reuse must not skip it now. */
	cargv[1] = "--ok";
	assert_int_equal(qh_build_run(&o, &out, &err), 0);
	assert_false(out.reused);
	assert_true(out.configured);
	qh_build_outcome_free(&out);
}

static void test_missing_program(void **state)
{
	const char *cargv[] = { "/nonexistent/configure", NULL };
	struct qh_build_options o = {
		.build_dir = build_dir, .configure_argv = cargv,
		.stamp_text = "plan D",
	};
	struct qh_build_outcome out;
	struct qh_error err;

	(void)state;
	assert_int_equal(qh_build_run(&o, &out, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/configure"));
	qh_build_outcome_free(&out);
}

/* ---- interruption ---- */

static void on_term(int signo)
{
	qh_build_interrupt(signo);
}

static void catch_term(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on ? on_term : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGTERM, &sa, NULL), 0);
}

static pid_t read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid_t)pid;
}

/* Gone, or a zombie nobody reaped yet (the container's init may not):
 * either way it runs nothing. Bounded wait, no timing assert. */
static bool process_gone(pid_t pid)
{
	for (int i = 0; i < 100; i++) {
		char path[64], buf[512], *paren;
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
		if (!(f = fopen(path, "r")))
			return true;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		paren = strrchr(buf, ')');
		if (paren && paren[1] == ' ' && paren[2] == 'Z')
			return true;
		usleep(100000);
	}
	return false;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void test_interrupt_configure(void **state)
{
	const char *cargv[] = { configure, NULL };
	const char *targets[] = { "x", NULL };
	struct qh_build_options o = {
		.build_dir = build_dir, .configure_argv = cargv, .targets = targets,
		.reuse = true, .stamp_text = "plan E",
	};
	struct qh_build_outcome out;
	struct qh_error err;
	char stamp[300];
	pid_t sleeper;
	int runs;

	(void)state;
	snprintf(stamp, sizeof(stamp), "%s/qhard-build.stamp", build_dir);
	assert_int_equal(qh_build_run(&o, &out, &err), 0);
	assert_true(exists(stamp));
	qh_build_outcome_free(&out);

	/* A new plan: configure runs and gets SIGTERM half way. */
	unlink(sleeper_pid);
	cargv[0] = hang_configure;
	o.stamp_text = "plan F";
	catch_term(true);
	assert_int_equal(qh_build_run(&o, &out, &err), -1);
	catch_term(false);
	assert_int_equal(out.interrupted, SIGTERM);
	assert_int_equal(qh_build_interrupted(), SIGTERM);
	assert_non_null(strstr(err.msg, "interrupted by SIGTERM; stopped configure (pid "));
	assert_false(out.configured);
	assert_false(exists(stamp));
	sleeper = read_pid(sleeper_pid);
	assert_true(sleeper > 0);
	assert_true(process_gone(sleeper));
	assert_false(exists(sleeper_done));
	qh_build_outcome_free(&out);

	/* A signal seen before anything started: nothing is run. */
	runs = configure_runs();
	cargv[0] = configure;
	assert_int_equal(qh_build_run(&o, &out, &err), -1);
	assert_non_null(strstr(err.msg, "before configure started"));
	assert_int_equal(configure_runs(), runs);
	qh_build_outcome_free(&out);
	qh_build_interrupt_clear();
	assert_int_equal(qh_build_interrupted(), 0);
}

/* ninja ignores SIGTERM: after the grace period its group gets SIGKILL;
 * the stamp its configure wrote is removed, so --reuse configures again. */
static void test_interrupt_ninja_grace(void **state)
{
	const char *cargv[] = { configure, NULL };
	const char *targets[] = { "x", NULL };
	struct qh_build_options o = {
		.build_dir = build_dir, .configure_argv = cargv, .targets = targets,
		.reuse = true, .stamp_text = "plan G", .stop_grace_ms = 200,
	};
	struct qh_build_outcome out;
	struct qh_error err;
	char stamp[300];
	pid_t sleeper;
	int runs = configure_runs();

	(void)state;
	snprintf(stamp, sizeof(stamp), "%s/qhard-build.stamp", build_dir);
	unlink(sleeper_pid);
	setenv("QH_TEST_NINJA_HANG", sleeper_pid, 1);
	catch_term(true);
	assert_int_equal(qh_build_run(&o, &out, &err), -1);
	catch_term(false);
	unsetenv("QH_TEST_NINJA_HANG");
	assert_int_equal(out.interrupted, SIGTERM);
	assert_true(out.configured);
	assert_false(out.compiled);
	assert_int_equal(out.ninja_status, -1); /* SIGKILL */
	assert_non_null(strstr(err.msg, "interrupted by SIGTERM; stopped ninja (pid "));
	assert_int_equal(configure_runs(), runs + 1);
	assert_false(exists(stamp));
	sleeper = read_pid(sleeper_pid);
	assert_true(sleeper > 0);
	assert_true(process_gone(sleeper));
	assert_false(exists(sleeper_done));
	qh_build_outcome_free(&out);
	qh_build_interrupt_clear();

	assert_int_equal(qh_build_run(&o, &out, &err), 0);
	assert_false(out.reused);
	assert_true(out.compiled);
	assert_int_equal(configure_runs(), runs + 2);
	assert_true(exists(stamp));
	qh_build_outcome_free(&out);
}

/* A second signal does not wait for the grace period: SIGKILL at once. */
static void test_interrupt_twice(void **state)
{
	const char *cargv[] = { stubborn_configure, NULL };
	const char *targets[] = { "x", NULL };
	struct qh_build_options o = {
		.build_dir = build_dir, .configure_argv = cargv, .targets = targets,
		.stamp_text = "plan H", .stop_grace_ms = 60000,
	};
	struct qh_build_outcome out;
	struct qh_error err;

	(void)state;
	unlink(sleeper_pid);
	catch_term(true);
	assert_int_equal(qh_build_run(&o, &out, &err), -1);
	catch_term(false);
	assert_int_equal(out.interrupted, SIGTERM);
	assert_int_equal(out.configure_status, -1);
	assert_non_null(strstr(err.msg, "stopped configure"));
	/* Had it waited for the grace period, the sleeper would have
	 * finished first. */
	assert_true(process_gone(read_pid(sleeper_pid)));
	assert_false(exists(sleeper_done));
	qh_build_outcome_free(&out);
	qh_build_interrupt_clear();
}

static void test_run_capture(void **state)
{
	const char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	const char *slow[] = { "/bin/sh", "-c", "sleep 30", NULL };
	const char *big[] = { "/bin/sh", "-c", "yes | head -c 100000", NULL };
	struct qh_error err;
	char *out;
	int status;

	(void)state;
	assert_int_equal(qh_run_capture(argv, NULL, 10, 4096, &out, &status, &err), 0);
	assert_int_equal(status, 3);
	assert_non_null(strstr(out, "out\n"));
	assert_non_null(strstr(out, "err\n"));
	free(out);
	assert_int_equal(qh_run_capture(slow, NULL, 1, 4096, &out, &status, &err), -1);
	assert_int_equal(status, -1);
	assert_non_null(strstr(err.msg, "killed"));
	assert_int_equal(qh_run_capture(big, NULL, 10, 1000, &out, &status, &err), 0);
	assert_int_equal(strlen(out), 1000);
	free(out);
}

static void test_stamp_and_load_size(void **state)
{
	char a[17], b[17];
	uint64_t size = 0;
	struct qh_error err;

	(void)state;
	qh_build_stamp_hash("plan A", a);
	qh_build_stamp_hash("plan B", b);
	assert_int_equal(strlen(a), 16);
	assert_string_not_equal(a, b);
	qh_build_stamp_hash("plan A", b);
	assert_string_equal(a, b);
	/* /bin/sh is an ELF file with PT_LOAD segments on any Debian. */
	assert_int_equal(qh_elf_load_size("/bin/sh", &size, &err), 0);
	assert_true(size > 1000);
	assert_int_equal(qh_elf_load_size(configure, &size, &err), -1);
}

/* Two checkouts write the same devices file with different comments (the
 * profile path): the stamp must see the same configuration. */
static void test_mak_meaningful(void **state)
{
	const char *a = "# written from /work/a/p.ini\nCONFIG_Q35=y  # /work/a/p.ini:12 q35\n\n"
			"  CONFIG_VIRTIO=y\n";
	const char *b = "# written from /work/b/p.ini\nCONFIG_Q35=y  # /work/b/p.ini:12 q35\n"
			"CONFIG_VIRTIO=y\t\r\n";
	char *ma = qh_mak_meaningful(a, strlen(a)), *mb = qh_mak_meaningful(b, strlen(b));

	(void)state;
	assert_string_equal(ma, "CONFIG_Q35=y\nCONFIG_VIRTIO=y\n");
	assert_string_equal(ma, mb);
	free(ma);
	free(mb);
	ma = qh_mak_meaningful("CONFIG_EDU=y\n", 13);
	assert_string_equal(ma, "CONFIG_EDU=y\n");
	free(ma);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configure_build_reuse),
		cmocka_unit_test(test_configure_failure),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_interrupt_configure),
		cmocka_unit_test(test_interrupt_ninja_grace),
		cmocka_unit_test(test_interrupt_twice),
		cmocka_unit_test(test_run_capture),
		cmocka_unit_test(test_stamp_and_load_size),
		cmocka_unit_test(test_mak_meaningful),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
