/* modules.c - the tool binary's side of modules.h: opens deep.so and
 * pkg.so on first use and forwards qh_deep_run() and qh_pkg_foreach_elf()
 * to them. Linked into the tool only (never into libqhard.a, whose lib/deep/
 * and lib/pkg/ define the same functions).
 *
 * Modules come from QHARD_MODULEDIR, fixed at build time (the build tree's
 * build/modules for build/qhard, $(MODULEDIR) for the installed binary), or
 * from $QHARD_MODULE_DIR when set (ignored in setuid/setgid processes:
 * secure_getenv). They are opened RTLD_LOCAL: their copies of lib/ and
 * their libraries' symbols stay out of the tool's namespace.
 */
#include "modules.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deep/deep.h"
#include "pkg/pkg.h"

#ifndef QHARD_MODULEDIR
#error "QHARD_MODULEDIR is set by the Makefile"
#endif

struct module {
	const char *name;
	bool tried;         /* loaded or failed: do not try again */
	void *handle;       /* NULL after a failure ... */
	char error[640];    /* ... which this explains */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct module modules[] = { { .name = "deep" }, { .name = "pkg" } };

static const char *module_dir(void)
{
	const char *dir = secure_getenv("QHARD_MODULE_DIR");

	return dir && *dir ? dir : QHARD_MODULEDIR;
}

static void load(struct module *m)
{
	char path[4096];
	const char *version;

	m->tried = true;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.so", module_dir(),
			     m->name) >= sizeof(path)) {
		snprintf(m->error, sizeof(m->error), "module directory too "
			 "long: %.560s", module_dir());
		return;
	}
	m->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!m->handle) {
		/* dlerror() names the path and the reason */
		snprintf(m->error, sizeof(m->error), "cannot load the %s "
			 "module: %.560s", m->name, dlerror());
		return;
	}
	version = dlsym(m->handle, "qh_module_version");
	if (!version || strcmp(version, QHARD_VERSION) != 0) {
		snprintf(m->error, sizeof(m->error), "%.500s is from qhard %.20s, "
			 "this is qhard %s", path, version ? version : "(unknown)",
			 QHARD_VERSION);
		dlclose(m->handle);
		m->handle = NULL;
	}
}

static struct module *find(const char *name)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(modules); i++)
		if (strcmp(modules[i].name, name) == 0)
			return &modules[i];
	return NULL;
}

int qh_module_need(const char *name, struct qh_error *err)
{
	struct module *m = find(name);
	int rc = 0;

	if (!m)
		return qh_error_set(err, "no module named %s", name);
	pthread_mutex_lock(&lock);
	if (!m->tried)
		load(m);
	if (!m->handle)
		rc = qh_error_set(err, "%s", m->error);
	pthread_mutex_unlock(&lock);
	return rc;
}

/* Entry `symbol` of module `name`, or NULL with err set. */
static void *entry(const char *name, const char *symbol,
		   struct qh_error *err)
{
	void *fn;

	if (qh_module_need(name, err) < 0)
		return NULL;
	fn = dlsym(find(name)->handle, symbol);
	if (!fn)
		qh_error_set(err, "the %s module has no %s: %s", name, symbol,
			     dlerror());
	return fn;
}

int qh_deep_run(struct qh_elf *elf, struct qh_result *res,
		const struct qh_analyze_options *opts, struct qh_error *err)
{
	int (*fn)(struct qh_elf *, struct qh_result *,
		  const struct qh_analyze_options *, struct qh_error *);

	/* POSIX's way to turn dlsym's void * into a function pointer */
	*(void **)&fn = entry("deep", "qh_deep_run", err);
	return fn ? fn(elf, res, opts, err) : -1;
}

long qh_pkg_foreach_elf(const char *path, const struct qh_pkg_limits *limits,
			qh_pkg_elf_fn cb, void *user,
			struct qh_pkg_stats *stats, struct qh_error *err)
{
	long (*fn)(const char *, const struct qh_pkg_limits *, qh_pkg_elf_fn,
		   void *, struct qh_pkg_stats *, struct qh_error *);

	*(void **)&fn = entry("pkg", "qh_pkg_foreach_elf", err);
	return fn ? fn(path, limits, cb, user, stats, err) : -1;
}
