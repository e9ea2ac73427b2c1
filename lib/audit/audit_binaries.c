/* audit_binaries.c - the QEMU executables of the root and every library
 * they load: checksec (analyze.h) on the mapped file, file mode findings,
 * symlinks that leave the root, missing libraries, and the QOM devices
 * compiled into system emulators. */
#include "audit_internal.h"

#include <elf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

static const char *const bin_dirs[] = {
	"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin",
	"/usr/local/sbin", "/usr/libexec", "/usr/libexec/qemu", "/usr/lib/qemu",
	"/usr/local/libexec",
};

static const char *const bin_globs[] = {
	"qemu-system-*", "qemu-kvm", "qemu-img", "qemu-nbd",
	"qemu-bridge-helper", "qemu-pr-helper", "qemu-storage-daemon",
	"virtiofsd", "swtpm", "virtfs-proxy-helper",
};

/* Where distributions put QEMU's loadable modules (hw-*.so, ui-*.so...). */
static const char *const module_globs[] = {
	"/usr/lib/x86_64-linux-gnu/qemu/*.so", "/usr/lib/aarch64-linux-gnu/qemu/*.so",
	"/usr/lib64/qemu/*.so", "/usr/lib/qemu/*.so",
};

struct modules {
	char **paths; /* canonical */
	size_t n, cap;
};

struct queue {
	char **paths; /* canonical paths, analysed or queued */
	size_t n, cap, next;
};

static bool queued(const struct queue *q, const char *path)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->paths[i], path) == 0)
			return true;
	return false;
}

static void enqueue(struct audit_ctx *c, struct queue *q, const char *path)
{
	char *d;

	if (queued(q, path))
		return;
	d = qh_strdup(path);
	if (!d || qh_array_reserve((void **)&q->paths, &q->cap, q->n + 1,
				   sizeof(*q->paths)) < 0) {
		free(d);
		c->oom = true;
		return;
	}
	q->paths[q->n++] = d;
}

static bool emulator(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return strncmp(base, "qemu-system-", 12) == 0 || strcmp(base, "qemu-kvm") == 0;
}

static void mode_checks(struct audit_ctx *c, struct qh_result *res,
			const char *path, const struct stat *st)
{
	const char *base = strrchr(path, '/');
	char dir[4096];
	struct stat dst;
	unsigned mode = st->st_mode & 07777;
	struct qh_check *chk;
	bool dir_ww = false;

	base = base ? base + 1 : path;
	chk = audit_check_res(c, res, "setuid", st->st_mode & S_ISUID ? QH_FAIL : QH_PASS,
			      NULL, 0, "mode %04o owner uid %u", mode, (unsigned)st->st_uid);
	if (chk && (st->st_mode & S_ISUID) && strcmp(base, "qemu-bridge-helper") == 0) {
		qh_check_set_str(&chk->reason,
				 "qemu-bridge-helper is setuid root by design so that "
				 "unprivileged QEMU can attach tap devices to bridges; it "
				 "is a known local-root attack surface, limited only by "
				 "the ACL in /etc/qemu/bridge.conf.");
		qh_check_set_str(&chk->fix,
				 "Let libvirt create the tap devices (no helper needed) "
				 "and chmod u-s it, or keep it 4750 root:kvm and allow "
				 "only the needed bridges in /etc/qemu/bridge.conf.");
		qh_check_set_str(&chk->severity, "medium");
	}
	audit_check_res(c, res, "setgid", st->st_mode & S_ISGID ? QH_FAIL : QH_PASS,
			NULL, 0, "mode %04o group gid %u", mode, (unsigned)st->st_gid);
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
	if (qh_rootfs_stat(c->fs, dir[0] ? dir : "/", 0, &dst, NULL, NULL) == 0)
		dir_ww = (dst.st_mode & S_IWOTH) && !(dst.st_mode & S_ISVTX);
	if (st->st_mode & S_IWOTH)
		audit_check_res(c, res, "world-writable", QH_FAIL, NULL, 0,
				"file mode %04o is writable by everyone", mode);
	else if (dir_ww)
		audit_check_res(c, res, "world-writable", QH_FAIL, NULL, 0,
				"directory %s mode %04o is writable by everyone "
				"(no sticky bit)", dir, (unsigned)(dst.st_mode & 07777));
	else
		audit_check_res(c, res, "world-writable", QH_PASS, NULL, 0,
				"mode %04o", mode);
}

static bool allowed(const struct qh_audit_options *o, const char *name)
{
	for (size_t i = 0; i < o->nallow; i++)
		if (strcmp(o->allow[i], name) == 0)
			return true;
	return false;
}

static void devices(struct audit_ctx *c, struct qh_result *res, const char *path,
		    const void *data, size_t size, const struct modules *mods)
{
	const void **datas = calloc(mods->n + 1, sizeof(*datas));
	size_t *sizes = calloc(mods->n + 1, sizeof(*sizes)), nimg = 1, nmods = 0;
	struct qh_qom_types t;
	struct qh_error err;
	const char *base = strrchr(path, '/'), *release;
	size_t ndev, ref;
	json_t *value, *extra;
	struct qh_buf ev = QH_BUF_INIT, unread = QH_BUF_INIT;
	struct qh_check *chk;
	int rc;

	base = base ? base + 1 : path;
	if (!datas || !sizes) {
		free(datas);
		free(sizes);
		c->oom = true;
		return;
	}
	datas[0] = data;
	sizes[0] = size;
	for (size_t i = 0; i < mods->n; i++) {
		void *d;
		size_t sz;
		struct qh_error merr = { "" };

		if (qh_rootfs_load(c->fs, mods->paths[i], AUDIT_MAX_BINARY, &d, &sz,
				   NULL, NULL, &merr) != 0) {
			/* its devices would be missing from the count */
			qh_buf_printf(&unread, "%s%s", unread.len ? "; " : "", merr.msg);
			continue;
		}
		if (d) {
			datas[nimg] = d;
			sizes[nimg++] = sz;
		}
	}
	nmods = nimg - 1;
	rc = qh_qom_scan_many(datas, sizes, nimg, &t, &err);
	for (size_t i = 1; i < nimg; i++)
		free((void *)(uintptr_t)datas[i]);
	free(datas);
	free(sizes);
	if (rc < 0) {
		audit_check_res(c, res, "devices-allowlist", QH_SKIP, NULL, 0,
				"QOM types not readable: %s", err.msg);
		qh_buf_free(&unread);
		return;
	}
	ndev = qh_qom_device_count(&t);
	ref = qh_qom_debian_devices(base, &release);
	extra = json_array();
	for (size_t i = 0; i < t.n; i++)
		if (t.types[i].device && !t.types[i].abstract &&
		    c->opts->allow && !allowed(c->opts, t.types[i].name))
			json_array_append_new(extra, json_string(t.types[i].name));
	value = json_pack("{s:I,s:I,s:I,s:I,s:o}", "types", (json_int_t)t.n,
			  "devices", (json_int_t)ndev, "modules", (json_int_t)nmods,
			  "debian_full", (json_int_t)ref, "extra", extra);
	qh_buf_printf(&ev, "%zu device types compiled in", ndev);
	if (nmods)
		qh_buf_printf(&ev, " (with %zu modules)", nmods);
	if (ref)
		qh_buf_printf(&ev, " (%s: %zu)", release, ref);
	if (c->opts->allow) {
		size_t n = json_array_size(extra);

		qh_buf_printf(&ev, "; %zu beyond allow-list %s", n,
			      c->opts->allow_name ? c->opts->allow_name : "");
		for (size_t i = 0; i < n && i < 12; i++)
			qh_buf_printf(&ev, "%s%s", i ? ", " : ": ",
				      json_string_value(json_array_get(extra, i)));
		if (n > 12)
			qh_buf_printf(&ev, ", ...");
	}
	if (unread.len)
		qh_buf_printf(&ev, "; modules not read, their devices not "
			      "counted: %s", unread.data);
	chk = audit_check_res(c, res, "devices-allowlist",
			      !c->opts->allow ? QH_SKIP :
			      json_array_size(extra) || unread.len ? QH_FAIL : QH_PASS,
			      NULL, 0, "%s", ev.data ? ev.data : "");
	if (chk)
		chk->value = value;
	else
		json_decref(value);
	qh_buf_free(&ev);
	qh_buf_free(&unread);
	qh_qom_types_free(&t);
}

/* Class and machine from an ELF header (bytes as read from the file). */
static bool elf_ident(const unsigned char *h, size_t n, int *cls, int *machine)
{
	if (n < 20 || memcmp(h, "\177ELF", 4) != 0 ||
	    (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB))
		return false;
	*cls = h[EI_CLASS];
	*machine = h[EI_DATA] == ELFDATA2LSB ? h[18] | h[19] << 8 : h[18] << 8 | h[19];
	return true;
}

/* Resolve one DT_NEEDED name like the loader would, inside the root: the
 * first candidate whose ELF header has the binary's class and machine. */
static char *find_library(struct audit_ctx *c, const char *name,
			  const char *origin, const struct elf_deps *deps,
			  const struct ldso_dirs *dirs)
{
	char *canon = NULL;

	for (size_t pass = 0; pass < 2; pass++) {
		size_t n = pass ? dirs->n : deps->nrunpath;

		for (size_t i = 0; i < n; i++) {
			const char *d = pass ? dirs->dirs[i] : deps->runpath[i];
			struct qh_buf cand = QH_BUF_INIT;
			struct qh_error err = { "" };
			unsigned char head[64];
			size_t got;
			int rc, cls, machine;

			if (strncmp(d, "$ORIGIN", 7) == 0)
				rc = qh_buf_printf(&cand, "%s%s/%s", origin, d + 7, name);
			else if (strncmp(d, "${ORIGIN}", 9) == 0)
				rc = qh_buf_printf(&cand, "%s%s/%s", origin, d + 9, name);
			else
				rc = qh_buf_printf(&cand, "%s/%s", d, name);
			if (rc < 0) {
				qh_buf_free(&cand);
				c->oom = true;
				return NULL;
			}
			rc = qh_rootfs_read_head(c->fs, cand.data, head, sizeof(head),
						 &got, &canon, &err);
			if (rc == EXDEV)
				audit_escape(c, cand.data, err.msg);
			qh_buf_free(&cand);
			if (rc == 0 && elf_ident(head, got, &cls, &machine) &&
			    cls == deps->elf_class && machine == deps->machine)
				return canon;
			/* like ld.so: a candidate that cannot be opened or is
			 * for another machine is passed over */
			free(canon);
			canon = NULL;
		}
	}
	return NULL;
}

static void analyse(struct audit_ctx *c, struct queue *q, const char *path,
		    bool is_bin, const struct modules *mods)
{
	struct qh_analyze_options ao = { .deep = c->opts->deep };
	struct qh_result *res;
	struct elf_deps deps;
	struct stat st;
	void *data = NULL;
	size_t size = 0;
	struct qh_error err;
	int rc;

	rc = qh_rootfs_load(c->fs, path, AUDIT_MAX_BINARY, &data, &size, &st, NULL, &err);
	if (rc) {
		res = audit_subject(c, path);
		if (res)
			qh_result_set_error(res, "%s", err.msg);
		return;
	}
	bool script = size >= 2 && memcmp(data, "#!", 2) == 0;

	if (script) {
		size_t len = strcspn((const char *)data, "\n");

		res = audit_subject(c, path);
		audit_check_res(c, res, "script-wrapper", QH_SKIP, NULL, 0,
				"%.*s", (int)(len > 80 ? 80 : len), (const char *)data);
	} else {
		res = audit_adopt(c, qh_analyze_memory(data, size, path, &ao));
	}
	if (res && !res->error)
		mode_checks(c, res, path, &st);
	if (res && !res->error && is_bin && !script && emulator(path))
		devices(c, res, path, data, size, mods);
	if (res && !res->error && elf_deps_read(data, size, &deps) == 0) {
		struct ldso_dirs dirs;
		struct qh_buf missing = QH_BUF_INIT;
		char origin[4096];
		const char *slash = strrchr(path, '/');

		snprintf(origin, sizeof(origin), "%.*s", (int)(slash - path), path);
		if (ldso_dirs_load(c, deps.elf_class, deps.machine, &dirs) == 0) {
			for (size_t i = 0; i < deps.nneeded; i++) {
				char *lib = find_library(c, deps.needed[i], origin, &deps, &dirs);

				if (lib)
					enqueue(c, q, lib);
				else
					qh_buf_printf(&missing, "%s%s", missing.len ? ", " : "",
						      deps.needed[i]);
				free(lib);
			}
			ldso_dirs_free(&dirs);
		}
		if (missing.len)
			audit_check_res(c, res, "library-missing", QH_WARN, NULL, 0,
					"not found in the root: %s", missing.data);
		else if (deps.nneeded)
			audit_check_res(c, res, "library-missing", QH_PASS, NULL, 0,
					"%zu libraries found in the root", deps.nneeded);
		qh_buf_free(&missing);
		elf_deps_free(&deps);
	}
	free(data);
}

/* One candidate name in a binary directory. */
static void consider(struct audit_ctx *c, struct queue *q, const char *path)
{
	struct stat st;
	struct qh_error err = { "" };
	char *canon = NULL;
	int rc = qh_rootfs_stat(c->fs, path, 0, &st, &canon, &err);

	if (rc == EXDEV) {
		audit_escape(c, path, err.msg);
		return;
	}
	if (rc == ENOENT || rc == ENOTDIR)
		return; /* a dangling link is not a binary */
	if (rc) {
		audit_unreadable(c, path, err.msg);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		free(canon);
		return; /* directories are not binaries */
	}
	if (!queued(q, canon)) {
		c->nbinaries++;
		enqueue(c, q, canon);
	}
	free(canon);
}

/* Names in a directory the binaries or modules are looked for in: a
 * missing one is fine, one that leads out of the root is a finding and one
 * that cannot be listed is an error (its binaries would be missing). */
static bool list_dir(struct audit_ctx *c, const char *dir, char ***names,
		     size_t *n)
{
	struct qh_error err = { "" };
	int rc = qh_rootfs_list(c->fs, dir, names, n, &err);

	if (rc == 0)
		return true;
	if (rc == EXDEV)
		audit_escape(c, dir, err.msg);
	else if (rc != ENOENT && rc != ENOTDIR)
		audit_unreadable(c, dir, err.msg);
	return false;
}

void audit_binaries(struct audit_ctx *c)
{
	struct queue q = { 0 };
	struct modules mods = { 0 };
	size_t nbins;

	for (size_t d = 0; d < QH_ARRAY_LEN(bin_dirs); d++) {
		char **names;
		size_t n;

		if (!list_dir(c, bin_dirs[d], &names, &n))
			continue;
		for (size_t i = 0; i < n; i++)
			for (size_t g = 0; g < QH_ARRAY_LEN(bin_globs); g++)
				if (fnmatch(bin_globs[g], names[i], 0) == 0) {
					char path[4096];

					snprintf(path, sizeof(path), "%s/%s", bin_dirs[d], names[i]);
					consider(c, &q, path);
					break;
				}
		qh_rootfs_names_free(names, n);
	}
	nbins = q.n;
	/* modules are QEMU code too: audited like libraries, and their
	 * devices count for the emulators (only when there is an emulator) */
	for (size_t g = 0; nbins && g < QH_ARRAY_LEN(module_globs); g++) {
		const char *pattern = module_globs[g];
		const char *slash = strrchr(pattern, '/');
		char dir[256], **names;
		size_t n;

		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - pattern), pattern);
		if (!list_dir(c, dir, &names, &n))
			continue;
		for (size_t i = 0; i < n; i++) {
			struct stat st;
			struct qh_error err = { "" };
			char path[4096], *canon = NULL;
			int rc;

			if (fnmatch(slash + 1, names[i], FNM_PERIOD) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			rc = qh_rootfs_stat(c->fs, path, 0, &st, &canon, &err);
			if (rc == EXDEV)
				audit_escape(c, path, err.msg);
			else if (rc && rc != ENOENT && rc != ENOTDIR)
				audit_unreadable(c, path, err.msg);
			if (rc == 0 && S_ISREG(st.st_mode) && !queued(&q, canon)) {
				enqueue(c, &q, canon);
				if (qh_array_reserve((void **)&mods.paths, &mods.cap,
						     mods.n + 1, sizeof(char *)) == 0)
					mods.paths[mods.n++] = canon, canon = NULL;
				else
					c->oom = true;
			}
			free(canon);
		}
		qh_rootfs_names_free(names, n);
	}
	for (q.next = 0; q.next < q.n && !c->oom; q.next++)
		analyse(c, &q, q.paths[q.next], q.next < nbins, &mods);
	for (size_t i = 0; i < q.n; i++)
		free(q.paths[i]);
	free(q.paths);
	qh_rootfs_names_free(mods.paths, mods.n);
}
