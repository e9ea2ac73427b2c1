/* test_datapath.c - policies and profiles by name: what is a path, the
 * search directories from the environment, first match wins, errors that
 * list the directories, and a policy's profile key. Real directories in a
 * fresh temp dir. */
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

#include "datapath.h"
#include "policy/policy.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmp, "/tmp/test_datapath.XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* Create tmp/REL (and its folders) with some text. */
static void touch(const char *rel)
{
	char path[512], cmd[640];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[policy]\n", f);
	fclose(f);
}

static void set_dirs(struct qh_data_dirs *d, const char *a, const char *b,
		     const char *c)
{
	const char *names[] = { a, b, c };

	d->n = 0;
	for (size_t i = 0; i < 3; i++)
		if (names[i])
			snprintf(d->dir[d->n++], sizeof(d->dir[0]), "%s/%s", tmp,
				 names[i]);
}

static void test_path_or_name(void **state)
{
	static const struct { const char *value; bool path; } cases[] = {
		{ "strict", false },
		{ "kvm-virtio-minimal", false },
		{ "strict.ini", true },
		{ "./strict", true },
		{ "ci/policies/strict", true },
		{ "/etc/qhard/policies/strict.ini", true },
		{ "my.policy", false },
		{ ".ini", true },
		{ "x.INI", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (qh_data_is_path(cases[i].value) != cases[i].path)
			fail_msg("%s: wanted %s", cases[i].value,
				 cases[i].path ? "a path" : "a name");
	assert_string_equal(qh_data_subdir(QH_DATA_POLICY), "policies");
	assert_string_equal(qh_data_subdir(QH_DATA_PROFILE), "profiles");
}

static void test_dirs_from_environment(void **state)
{
	struct qh_data_dirs d;

	(void)state;
	setenv("XDG_CONFIG_HOME", "/x/config", 1);
	setenv("HOME", "/home/u", 1);
	unsetenv("QHARD_DATADIR");
	assert_int_equal(qh_data_dirs_get(&d, NULL), 0);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.dir[0], "/x/config/qhard");
	assert_string_equal(d.dir[1], "/etc/qhard");
	assert_string_equal(d.dir[2], qh_data_builtin_dir());

	/* empty or relative XDG_CONFIG_HOME: ~/.config */
	setenv("XDG_CONFIG_HOME", "", 1);
	assert_int_equal(qh_data_dirs_get(&d, NULL), 0);
	assert_string_equal(d.dir[0], "/home/u/.config/qhard");
	setenv("XDG_CONFIG_HOME", "rel/config", 1);
	assert_int_equal(qh_data_dirs_get(&d, NULL), 0);
	assert_string_equal(d.dir[0], "/home/u/.config/qhard");

	/* no usable home at all: no user directory */
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(qh_data_dirs_get(&d, NULL), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.dir[0], "/etc/qhard");

	/* QHARD_DATADIR replaces the built-in data dir; empty does not */
	setenv("QHARD_DATADIR", "/opt/qhard/share", 1);
	assert_int_equal(qh_data_dirs_get(&d, NULL), 0);
	assert_string_equal(d.dir[d.n - 1], "/opt/qhard/share");
	setenv("QHARD_DATADIR", "", 1);
	assert_int_equal(qh_data_dirs_get(&d, NULL), 0);
	assert_string_equal(d.dir[d.n - 1], qh_data_builtin_dir());
	unsetenv("QHARD_DATADIR");
}

static void test_first_match_wins(void **state)
{
	struct qh_data_dirs d;
	struct qh_error err = { "" };
	char buf[QH_DATA_PATH_MAX], want[512];
	const char *got;

	(void)state;
	set_dirs(&d, "user", "etc", "share");
	touch("share/policies/strict.ini");
	touch("share/profiles/kvm.ini");
	got = qh_data_find_in(&d, QH_DATA_POLICY, "strict", buf, sizeof(buf), &err);
	snprintf(want, sizeof(want), "%s/share/policies/strict.ini", tmp);
	assert_non_null(got);
	assert_string_equal(got, want);

	touch("etc/policies/strict.ini");
	got = qh_data_find_in(&d, QH_DATA_POLICY, "strict", buf, sizeof(buf), &err);
	snprintf(want, sizeof(want), "%s/etc/policies/strict.ini", tmp);
	assert_string_equal(got, want);

	touch("user/policies/strict.ini");
	got = qh_data_find_in(&d, QH_DATA_POLICY, "strict", buf, sizeof(buf), &err);
	snprintf(want, sizeof(want), "%s/user/policies/strict.ini", tmp);
	assert_string_equal(got, want);

	/* each kind has its own folder */
	got = qh_data_find_in(&d, QH_DATA_PROFILE, "kvm", buf, sizeof(buf), &err);
	snprintf(want, sizeof(want), "%s/share/profiles/kvm.ini", tmp);
	assert_string_equal(got, want);
	assert_null(qh_data_find_in(&d, QH_DATA_POLICY, "kvm", buf, sizeof(buf), &err));
	assert_null(qh_data_find_in(&d, QH_DATA_PROFILE, "strict", buf, sizeof(buf), &err));
}

static void test_paths_are_used_as_given(void **state)
{
	struct qh_data_dirs d;
	char buf[QH_DATA_PATH_MAX];
	const char *values[] = { "strict.ini", "./strict", "/no/such/file" };

	(void)state;
	set_dirs(&d, "share", NULL, NULL);
	touch("share/policies/strict.ini");
	for (size_t i = 0; i < 3; i++) {
		assert_ptr_equal(qh_data_find_in(&d, QH_DATA_POLICY, values[i], buf,
						 sizeof(buf), NULL), values[i]);
		assert_ptr_equal(qh_data_find(QH_DATA_POLICY, values[i], buf,
					      sizeof(buf), NULL), values[i]);
	}
}

static void test_not_found_lists_the_search(void **state)
{
	struct qh_data_dirs d;
	struct qh_error err = { "" };
	char buf[QH_DATA_PATH_MAX], want[512];

	(void)state;
	set_dirs(&d, "a", "b", NULL);
	assert_null(qh_data_find_in(&d, QH_DATA_PROFILE, "nope", buf, sizeof(buf), &err));
	snprintf(want, sizeof(want), "no profile named \"nope\": no nope.ini in "
		 "%s/a/profiles, %s/b/profiles (a value with a '/' or ending in "
		 ".ini is a file path)", tmp, tmp);
	assert_string_equal(err.msg, want);

	assert_null(qh_data_find_in(&d, QH_DATA_POLICY, "", buf, sizeof(buf), &err));
	assert_non_null(strstr(err.msg, "is not a policy name"));
	assert_null(qh_data_find_in(&d, QH_DATA_POLICY, "..", buf, sizeof(buf), &err));
	assert_non_null(strstr(err.msg, "is not a policy name"));

	/* a name that does not fit the buffer is an error, not a cut name */
	assert_null(qh_data_find_in(&d, QH_DATA_POLICY, "strict", buf, 10, &err));
	assert_non_null(strstr(err.msg, "too long"));
}

/* A directory that cannot be searched stops the search (the user's copy
 * must not be passed over silently): a symlink loop, which fails even for
 * root. A missing folder or a file in its place (ENOTDIR) is skipped. */
static void test_unsearchable_dir_is_an_error(void **state)
{
	struct qh_data_dirs d;
	struct qh_error err = { "" };
	char buf[QH_DATA_PATH_MAX], link[512];

	(void)state;
	set_dirs(&d, "user", "etc", "share");
	touch("share/policies/strict.ini");
	touch("etc/policies");  /* a file where the folder should be */
	assert_non_null(qh_data_find_in(&d, QH_DATA_POLICY, "strict", buf,
					sizeof(buf), &err));
	snprintf(link, sizeof(link), "%s/user", tmp);
	assert_int_equal(mkdir(link, 0755), 0);
	snprintf(link, sizeof(link), "%s/user/policies", tmp);
	assert_int_equal(symlink("policies", link), 0);
	assert_null(qh_data_find_in(&d, QH_DATA_POLICY, "strict", buf,
				    sizeof(buf), &err));
	assert_non_null(strstr(err.msg, "cannot look for policy strict as "));
	assert_non_null(strstr(err.msg, "Too many levels of symbolic links"));
}

/* qh_data_find() searches this process's directories: the user's one
 * comes first, so a test can rely on it whatever /etc/qhard holds. */
static void test_find_uses_the_environment(void **state)
{
	struct qh_error err = { "" };
	char buf[QH_DATA_PATH_MAX], dir[512], want[600];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/xdg", tmp);
	setenv("XDG_CONFIG_HOME", dir, 1);
	touch("xdg/qhard/profiles/mine.ini");
	snprintf(want, sizeof(want), "%s/qhard/profiles/mine.ini", dir);
	assert_string_equal(qh_data_find(QH_DATA_PROFILE, "mine", buf,
					 sizeof(buf), &err), want);

	snprintf(dir, sizeof(dir), "%s/data", tmp);
	setenv("QHARD_DATADIR", dir, 1);
	touch("data/policies/team.ini");
	snprintf(want, sizeof(want), "%s/policies/team.ini", dir);
	assert_string_equal(qh_data_find(QH_DATA_POLICY, "team", buf,
					 sizeof(buf), &err), want);
	unsetenv("QHARD_DATADIR");
	assert_null(qh_data_find(QH_DATA_POLICY, "team", buf, sizeof(buf), &err));
	assert_non_null(strstr(err.msg, "/etc/qhard/policies, "));
	unsetenv("XDG_CONFIG_HOME");
}

/* A policy's profile key: a name stays a name (the command looks it up),
 * a relative path is relative to the policy file. */
static void test_policy_profile_key(void **state)
{
	struct qh_error err = { "" };
	struct qh_policy *p;
	char path[512], want[600];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/pol.ini", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[policy]\nprofile = kvm-virtio-minimal\n", f);
	fclose(f);
	p = qh_policy_load(path, &err);
	assert_non_null(p);
	assert_string_equal(qh_policy_profile_path(p), "kvm-virtio-minimal");
	qh_policy_free(p);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[policy]\nprofile = kvm.ini\n", f);
	fclose(f);
	p = qh_policy_load(path, &err);
	assert_non_null(p);
	snprintf(want, sizeof(want), "%s/kvm.ini", tmp);
	assert_string_equal(qh_policy_profile_path(p), want);
	qh_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_or_name),
		cmocka_unit_test(test_dirs_from_environment),
		cmocka_unit_test_setup_teardown(test_first_match_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_are_used_as_given, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found_lists_the_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsearchable_dir_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_uses_the_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_profile_key, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
