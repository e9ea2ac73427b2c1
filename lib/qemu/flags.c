/* flags.c - OpenSSF hardening flags as data, probed against the compiler. */
#include "flags.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The OpenSSF guide's recommended set (2024), in the order it lists them.
 * PIE is also requested from configure (--enable-pie). */
const struct qh_flag_row qh_flag_table[] = {
	{ "-O2", QH_FLAG_C, NULL, QH_HARDEN_STANDARD,
	  "FORTIFY_SOURCE and many checks need optimization" },
	{ "-Wformat -Werror=format-security", QH_FLAG_C, NULL, QH_HARDEN_STANDARD,
	  "format strings from untrusted data become compile errors" },
	{ "-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3", QH_FLAG_C, NULL, QH_HARDEN_STANDARD,
	  "bounds-checked libc calls, including dynamic object sizes" },
	{ "-fstack-protector-strong", QH_FLAG_C, NULL, QH_HARDEN_STANDARD,
	  "stack canaries in functions with arrays or address-taken locals" },
	{ "-fstack-clash-protection", QH_FLAG_C, NULL, QH_HARDEN_STANDARD,
	  "probe large stack allocations so they cannot jump the guard page" },
	{ "-fcf-protection=full", QH_FLAG_C, "x86_64", QH_HARDEN_STANDARD,
	  "Intel CET: IBT landing pads and shadow-stack markup" },
	{ "-mbranch-protection=standard", QH_FLAG_C, "aarch64", QH_HARDEN_STANDARD,
	  "Arm BTI and pointer authentication of return addresses" },
	{ "-fno-strict-overflow", QH_FLAG_C, NULL, QH_HARDEN_STANDARD,
	  "signed overflow wraps instead of letting the optimizer drop checks" },
	{ "-ftrivial-auto-var-init=zero", QH_FLAG_C, NULL, QH_HARDEN_STRICT,
	  "uninitialized stack variables are zero, not stale guest-influenced data" },
	{ "-fPIE", QH_FLAG_C, NULL, QH_HARDEN_STANDARD,
	  "position-independent code so ASLR covers the executable" },
	{ "-pie", QH_FLAG_LD, NULL, QH_HARDEN_STANDARD,
	  "link a position-independent executable" },
	{ "-Wl,-z,relro,-z,now", QH_FLAG_LD, NULL, QH_HARDEN_STANDARD,
	  "full RELRO: the GOT is read-only after start-up" },
	{ "-Wl,-z,noexecstack", QH_FLAG_LD, NULL, QH_HARDEN_STANDARD,
	  "non-executable stack" },
	{ "-Wl,--as-needed", QH_FLAG_LD, NULL, QH_HARDEN_STANDARD,
	  "link only the libraries actually used (less code mapped)" },
	{ NULL, QH_FLAG_C, NULL, QH_HARDEN_NONE, NULL },
};

/* Flags that break a QEMU build or its runtime; matched by prefix. */
static const struct {
	const char *prefix;
	const char *reason;
} refused[] = {
	{ "-Wl,-z,nodlopen", "QEMU loads its modules (block, ui, audio...) with dlopen(); -z nodlopen makes them unloadable" },
	{ "-Werror", "configure's feature probes compile code that warns; -Werror in extra cflags turns probes off silently (use --enable-werror)" },
	{ "-Wl,--no-undefined", "QEMU modules resolve symbols from the qemu-system binary at load time" },
	{ "-Wl,-z,defs", "QEMU modules resolve symbols from the qemu-system binary at load time" },
	{ "-fsanitize=safe-stack", "QEMU's coroutines need its own support: use configure --enable-safe-stack" },
	{ "-flto", "use configure --enable-lto so QEMU's build knows about it" },
	{ "-static", "use configure --static (QEMU must pick static libraries itself)" },
	{ "-fvisibility=hidden", "QEMU modules need the executable's symbols visible" },
};

const char *qh_flag_refused(const char *flag)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(refused); i++) {
		size_t n = strlen(refused[i].prefix);

		/* -Werror=format-security is fine; bare -Werror is not */
		if (strncmp(flag, refused[i].prefix, n) == 0 &&
		    (flag[n] == '\0' || flag[n] == ' ' ||
		     (flag[n] == ',' && strncmp(flag, "-Wl,", 4) == 0) ||
		     (flag[n] == '=' && strcmp(refused[i].prefix, "-Werror") != 0)))
			return refused[i].reason;
	}
	return NULL;
}

int qh_harden_level_parse(const char *s, enum qh_harden_level *out)
{
	if (strcmp(s, "none") == 0)
		*out = QH_HARDEN_NONE;
	else if (strcmp(s, "standard") == 0)
		*out = QH_HARDEN_STANDARD;
	else if (strcmp(s, "strict") == 0)
		*out = QH_HARDEN_STRICT;
	else
		return -1;
	return 0;
}

int qh_flags_split_words(const char *s, struct qh_strlist *out)
{
	struct qh_buf cur = QH_BUF_INIT;
	const char *p = s;

	while (p && *p) {
		const char *w;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		n = (size_t)(p - w);
		if (w[0] == '-' && cur.len) {
			if (qh_strlist_add(out, cur.data) < 0)
				goto oom;
			qh_buf_reset(&cur);
		}
		if (cur.len)
			qh_buf_putc(&cur, ' ');
		if (qh_buf_append(&cur, w, n) < 0)
			goto oom;
	}
	if (cur.len && qh_strlist_add(out, cur.data) < 0)
		goto oom;
	qh_buf_free(&cur);
	return 0;
oom:
	qh_buf_free(&cur);
	return -1;
}

/* One private temp dir per qh_flags_select (not thread-safe: the library
 * probes from one thread). */
static char probe_dir_path[4096];

static const char *probe_dir(struct qh_error *err)
{
	char *dir = probe_dir_path;
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return dir;
	snprintf(dir, sizeof(probe_dir_path), "%s/qhard-probe.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		qh_error_errno(err, errno, "mkdtemp %s", dir);
		dir[0] = '\0';
		return NULL;
	}
	return dir;
}

static void probe_cleanup(void)
{
	const char *d = probe_dir_path[0] ? probe_dir_path : NULL;
	static const char *const names[] = { "t.c", "t.cc", "t", "err" };
	char p[4200];

	if (!d)
		return;
	for (size_t i = 0; i < QH_ARRAY_LEN(names); i++) {
		snprintf(p, sizeof(p), "%s/%s", d, names[i]);
		unlink(p);
	}
	rmdir(d);
	probe_dir_path[0] = '\0';
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Run argv with stderr into errpath; returns exit status, or -1. */
static int run(char **argv, const char *errpath)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = 0, rc;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *first_diag_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	char *out = NULL;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		/* prefer the line that says what is wrong */
		if (strstr(line, "error") || strstr(line, "warning") || !out) {
			free(out);
			line[strcspn(line, "\n")] = '\0';
			out = qh_strdup(line);
			if (strstr(line, "error") || strstr(line, "warning"))
				break;
		}
	}
	fclose(f);
	return out;
}

int qh_flag_probe_one(const char *cc, enum qh_flag_kind kind, const char *flags,
		      char **why, struct qh_error *err)
{
	const char *dir = probe_dir(err);
	char src[4200], out[4200], errp[4200];
	struct qh_strlist words = { 0 };
	char *argv[64];
	size_t argc = 0;
	bool cxx, created = !probe_dir_path[0];
	int rc;

	if (why)
		*why = NULL;
	if (!dir)
		return -1;
	cxx = strstr(cc, "++") != NULL;
	snprintf(src, sizeof(src), "%s/%s", dir, cxx ? "t.cc" : "t.c");
	snprintf(out, sizeof(out), "%s/t", dir);
	snprintf(errp, sizeof(errp), "%s/err", dir);
	if (write_file(src, "#include <stdio.h>\n#include <string.h>\n"
			    "int main(int argc, char **argv)\n{\n"
			    "\tchar buf[64];\n"
			    "\tstrncpy(buf, argc > 1 ? argv[1] : \"x\", sizeof(buf) - 1);\n"
			    "\tbuf[sizeof(buf) - 1] = 0;\n"
			    "\tprintf(\"%s\\n\", buf);\n\treturn 0;\n}\n") < 0)
		return qh_error_errno(err, errno, "%s", src);
	/* split on spaces: flags never need quoting here */
	{
		const char *p = flags;

		while (*p) {
			const char *w;

			while (*p == ' ')
				p++;
			if (!*p)
				break;
			w = p;
			while (*p && *p != ' ')
				p++;
			if (qh_strlist_add(&words, "") < 0)
				goto oom;
			free(words.items[words.n - 1]);
			words.items[words.n - 1] = strndup(w, (size_t)(p - w));
			if (!words.items[words.n - 1])
				goto oom;
		}
	}
	if (words.n + 8 > QH_ARRAY_LEN(argv)) {
		qh_strlist_free(&words);
		if (why)
			*why = qh_strdup("too many words");
		return 0;
	}
	argv[argc++] = (char *)cc;
	argv[argc++] = (char *)"-Werror";
	if (kind == QH_FLAG_C)
		argv[argc++] = (char *)"-O2";
	for (size_t i = 0; i < words.n; i++)
		argv[argc++] = words.items[i];
	argv[argc++] = src;
	argv[argc++] = (char *)"-o";
	argv[argc++] = out;
	argv[argc] = NULL;
	rc = run(argv, errp);
	qh_strlist_free(&words);
	unlink(out);
	if (rc != 0 && why)
		*why = first_diag_line(errp);
	if (created)
		probe_cleanup();
	if (rc < 0)
		return qh_error_errno(err, errno, "cannot run %s", cc);
	if (rc == 127)
		return qh_error_set(err, "cannot run %s", cc);
	return rc == 0;
oom:
	qh_strlist_free(&words);
	return qh_error_set(err, "out of memory");
}

static bool program_exists(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	while (path && *path) {
		const char *c = strchr(path, ':');
		size_t n = c ? (size_t)(c - path) : strlen(path);

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name);
		if (access(buf, X_OK) == 0)
			return true;
		path = c ? c + 1 : NULL;
	}
	return false;
}

/* Probe one group with cc (and cxx for C flags); add or warn. */
static int take(const char *group, enum qh_flag_kind kind, bool user,
		const char *cc, const char *cxx, bool no_probe,
		struct qh_strlist *dst, struct qh_strlist *warnings,
		struct qh_error *err)
{
	const char *refusal = qh_flag_refused(group);
	char *why = NULL;
	int ok;

	if (refusal)
		return qh_strlist_addf(warnings, "refused %s flag '%s': %s",
				       user ? "user" : "table", group, refusal);
	if (!no_probe) {
		ok = qh_flag_probe_one(cc, kind, group, &why, err);
		if (ok < 0)
			return -1;
		if (!ok) {
			int rc = qh_strlist_addf(warnings, "%s flag '%s' rejected by %s, not passed on%s%s",
						 user ? "user" : "hardening", group, cc,
						 why ? ": " : "", why ? why : "");

			free(why);
			return rc;
		}
		if (kind == QH_FLAG_C && cxx) {
			ok = qh_flag_probe_one(cxx, kind, group, &why, err);
			if (ok == 0)
				qh_strlist_addf(warnings, "flag '%s' accepted by %s but rejected by %s (kept: QEMU's C++ is optional)%s%s",
						group, cc, cxx, why ? ": " : "", why ? why : "");
			free(why);
			why = NULL;
		}
	}
	return qh_strlist_add(dst, group);
}

int qh_flags_select(enum qh_harden_level level, const char *arch,
		    const char *user_cflags, const char *user_ldflags,
		    const struct qh_flag_probe *probe, struct qh_strlist *cflags,
		    struct qh_strlist *ldflags, struct qh_strlist *warnings,
		    struct qh_error *err)
{
	const char *cc = probe && probe->cc ? probe->cc : getenv("CC");
	const char *cxx = probe && probe->cxx ? probe->cxx : getenv("CXX");
	bool no_probe = probe && probe->no_probe;
	struct qh_strlist user = { 0 };
	int rc = -1;

	if (!cc || !*cc)
		cc = "cc";
	if (!cxx || !*cxx)
		cxx = "c++";
	if (!program_exists(cxx))
		cxx = NULL;
	if (!no_probe && !program_exists(cc)) {
		qh_error_set(err, "compiler '%s' not found: cannot probe flags", cc);
		return -1;
	}
	for (const struct qh_flag_row *r = qh_flag_table; r->flag; r++) {
		if (r->level > level || level == QH_HARDEN_NONE)
			continue;
		if (r->arch && (!arch || strcmp(r->arch, arch) != 0))
			continue;
		if (take(r->flag, r->kind, false, cc, cxx, no_probe,
			 r->kind == QH_FLAG_C ? cflags : ldflags, warnings, err) < 0)
			goto out;
	}
	for (int pass = 0; pass < 2; pass++) {
		const char *src = pass ? user_ldflags : user_cflags;

		qh_strlist_free(&user);
		if (src && qh_flags_split_words(src, &user) < 0)
			goto oom;
		for (size_t i = 0; i < user.n; i++)
			if (take(user.items[i], pass ? QH_FLAG_LD : QH_FLAG_C, true, cc,
				 cxx, no_probe, pass ? ldflags : cflags, warnings, err) < 0)
				goto out;
	}
	rc = 0;
	goto out;
oom:
	qh_error_set(err, "out of memory");
out:
	qh_strlist_free(&user);
	probe_cleanup();
	return rc;
}
