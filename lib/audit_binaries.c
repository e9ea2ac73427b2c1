/* audit_binaries.c - the QEMU executables of the root and every library
 * they load: checksec (analyze.h) on the mapped file, file mode findings,
 * symlinks that leave the root, missing libraries, and the QOM devices
 * compiled into system emulators. */
#include "audit_internal.h"

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
	struct qh_buf ev = QH_BUF_INIT;
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

		if (qh_rootfs_map(c->fs, mods->paths[i], AUDIT_MAX_BINARY, &d, &sz,
				  NULL, NULL, NULL) == 0 && d) {
			datas[nimg] = d;
			sizes[nimg++] = sz;
		}
	}
	nmods = nimg - 1;
	rc = qh_qom_scan_many(datas, sizes, nimg, &t, &err);
	for (size_t i = 1; i < nimg; i++)
		qh_rootfs_unmap((void *)(uintptr_t)datas[i], sizes[i]);
	free(datas);
	free(sizes);
	if (rc < 0) {
		audit_check_res(c, res, "devices-allowlist", QH_SKIP, NULL, 0,
				"QOM types not readable: %s", err.msg);
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
	chk = audit_check_res(c, res, "devices-allowlist",
			      !c->opts->allow ? QH_SKIP :
			      json_array_size(extra) ? QH_FAIL : QH_PASS,
			      NULL, 0, "%s", ev.data ? ev.data : "");
	if (chk)
		chk->value = value;
	else
		json_decref(value);
	qh_buf_free(&ev);
	qh_qom_types_free(&t);
}

/* Resolve one DT_NEEDED name like the loader would, inside the root. */
static char *find_library(struct audit_ctx *c, const char *name,
			  const char *origin, const struct elf_deps *deps,
			  const struct ldso_dirs *dirs)
{
	char *canon = NULL;
	void *data;
	size_t size;

	for (size_t pass = 0; pass < 2; pass++) {
		size_t n = pass ? dirs->n : deps->nrunpath;

		for (size_t i = 0; i < n; i++) {
			const char *d = pass ? dirs->dirs[i] : deps->runpath[i];
			struct qh_buf cand = QH_BUF_INIT;
			struct elf_deps lib;
			bool match;
			int rc;

			if (strncmp(d, "$ORIGIN", 7) == 0)
				rc = qh_buf_printf(&cand, "%s%s/%s", origin, d + 7, name);
			else if (strncmp(d, "${ORIGIN}", 9) == 0)
				rc = qh_buf_printf(&cand, "%s%s/%s", origin, d + 9, name);
			else
				rc = qh_buf_printf(&cand, "%s/%s", d, name);
			if (rc < 0 || qh_rootfs_map(c->fs, cand.data, AUDIT_MAX_BINARY,
						    &data, &size, NULL, &canon, NULL) != 0) {
				qh_buf_free(&cand);
				continue;
			}
			qh_buf_free(&cand);
			match = elf_deps_read(data, size, &lib) == 0 &&
				lib.elf_class == deps->elf_class &&
				lib.machine == deps->machine;
			elf_deps_free(&lib);
			qh_rootfs_unmap(data, size);
			if (match)
				return canon;
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

	rc = qh_rootfs_map(c->fs, path, AUDIT_MAX_BINARY, &data, &size, &st, NULL, &err);
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
	qh_rootfs_unmap(data, size);
}

/* One candidate name in a binary directory. */
static void consider(struct audit_ctx *c, struct queue *q, const char *path)
{
	struct stat st;
	char *canon = NULL, *target = NULL;
	int rc = qh_rootfs_stat(c->fs, path, 0, &st, &canon, NULL);

	if (rc == EXDEV) {
		struct qh_result *res;

		/* name the link by its own canonical path (/bin -> usr/bin) */
		if (qh_rootfs_stat(c->fs, path, QH_ROOTFS_NOFOLLOW, NULL, &canon, NULL))
			canon = qh_strdup(path);
		res = canon ? audit_subject(c, canon) : NULL;
		if (res && !qh_result_find_check(res, "symlink-escape")) {
			qh_rootfs_readlink(c->fs, canon, &target, NULL);
			audit_check_res(c, res, "symlink-escape", QH_FAIL, NULL, 0,
					"%s leads out of the root (link target %s); "
					"not followed", canon, target ? target : "?");
			free(target);
		}
		free(canon);
		return;
	}
	if (rc || !S_ISREG(st.st_mode)) {
		free(canon);
		return; /* dangling links and directories are not binaries */
	}
	if (!queued(q, canon)) {
		c->nbinaries++;
		enqueue(c, q, canon);
	}
	free(canon);
}

void audit_binaries(struct audit_ctx *c)
{
	struct queue q = { 0 };
	struct modules mods = { 0 };
	size_t nbins;

	for (size_t d = 0; d < QH_ARRAY_LEN(bin_dirs); d++) {
		char **names;
		size_t n;

		if (qh_rootfs_list(c->fs, bin_dirs[d], &names, &n, NULL) != 0)
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
		char **paths;
		size_t n;

		if (qh_rootfs_glob(c->fs, module_globs[g], &paths, &n, NULL) != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			struct stat st;
			char *canon = NULL;

			if (qh_rootfs_stat(c->fs, paths[i], 0, &st, &canon, NULL) == 0 &&
			    S_ISREG(st.st_mode) && !queued(&q, canon)) {
				enqueue(c, &q, canon);
				if (qh_array_reserve((void **)&mods.paths, &mods.cap,
						     mods.n + 1, sizeof(char *)) == 0)
					mods.paths[mods.n++] = canon, canon = NULL;
			}
			free(canon);
		}
		qh_rootfs_names_free(paths, n);
	}
	for (q.next = 0; q.next < q.n && !c->oom; q.next++)
		analyse(c, &q, q.paths[q.next], q.next < nbins, &mods);
	for (size_t i = 0; i < q.n; i++)
		free(q.paths[i]);
	free(q.paths);
	qh_rootfs_names_free(mods.paths, mods.n);
}
