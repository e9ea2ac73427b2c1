/* audit_ldso.c - how the root's dynamic loader would find libraries:
 * DT_NEEDED / DT_RUNPATH / DT_RPATH of an image (libelf), and the search
 * directories from the root's /etc/ld.so.conf (with include globs) plus the
 * default directories for the ELF machine. The ld.so.cache is not read:
 * it is generated from the same configuration. */
#include "audit_internal.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(char ***v, size_t *n, size_t *cap, const char *s)
{
	char *d = qh_strdup(s);

	if (!d || qh_array_reserve((void **)v, cap, *n + 1, sizeof(**v)) < 0) {
		free(d);
		return -1;
	}
	(*v)[(*n)++] = d;
	return 0;
}

static int push_split(char ***v, size_t *n, size_t *cap, const char *list)
{
	char *copy = qh_strdup(list), *save = NULL;

	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save))
		if (push(v, n, cap, t) < 0) {
			free(copy);
			return -1;
		}
	free(copy);
	return 0;
}

int elf_deps_read(const void *data, size_t size, struct elf_deps *out)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t ncap = 0, rcap = 0;
	char **rpath = NULL;
	size_t nrpath = 0, rpcap = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	e = elf_memory((char *)(uintptr_t)data, size);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh))
		goto out;
	out->elf_class = gelf_getclass(e);
	out->machine = eh.e_machine;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC ||
		    !(d = elf_getdata(scn, NULL)) || sh.sh_entsize == 0)
			continue;
		n = d->d_size / sh.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Dyn dyn;
			const char *s;

			if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH &&
			    dyn.d_tag != DT_RPATH)
				continue;
			s = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
			if (!s)
				continue; /* hostile offset: libelf bounds-checks it */
			if (dyn.d_tag == DT_NEEDED ? push(&out->needed, &out->nneeded, &ncap, s) :
			    dyn.d_tag == DT_RUNPATH ? push_split(&out->runpath, &out->nrunpath, &rcap, s) :
			    push_split(&rpath, &nrpath, &rpcap, s))
				goto out;
		}
	}
	/* DT_RPATH only counts when there is no DT_RUNPATH */
	if (!out->nrunpath) {
		out->runpath = rpath;
		out->nrunpath = nrpath;
		rpath = NULL;
		nrpath = 0;
	}
	rc = 0;
out:
	for (size_t i = 0; i < nrpath; i++)
		free(rpath[i]);
	free(rpath);
	if (e)
		elf_end(e);
	if (rc)
		elf_deps_free(out);
	return rc;
}

void elf_deps_free(struct elf_deps *d)
{
	for (size_t i = 0; i < d->nneeded; i++)
		free(d->needed[i]);
	for (size_t i = 0; i < d->nrunpath; i++)
		free(d->runpath[i]);
	free(d->needed);
	free(d->runpath);
	memset(d, 0, sizeof(*d));
}

static int add_dir(struct ldso_dirs *d, const char *dir)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->dirs[i], dir) == 0)
			return 0;
	return push(&d->dirs, &d->n, &d->cap, dir);
}

/* ld.so.conf and its includes are read once per audit, each file once
 * (by device and inode): includes that form a cycle, or more files or
 * deeper nesting than any real system has, are a finding, never a hang. */
#define LDSO_MAX_FILES 256
#define LDSO_MAX_DEPTH 8
#define LDSO_CONF "/etc/ld.so.conf"

struct conf_walk {
	struct audit_ctx *c;
	struct ldso_dirs *d;
	struct qh_file_ids read;           /* every file read */
	struct stat chain[LDSO_MAX_DEPTH]; /* the files being read */
	size_t depth, nfiles;
	struct qh_buf first;               /* the first problem, in words */
	unsigned problems;
	bool oom;
};

static void conf_problem(struct conf_walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void conf_problem(struct conf_walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->problems++)
		return;
	va_start(ap, fmt);
	if (qh_buf_vprintf(&w->first, fmt, ap) < 0)
		w->oom = true;
	va_end(ap);
}

static void read_conf(struct conf_walk *w, const char *path, const char *from);

/* include PATTERN: relative patterns are relative to /etc */
static void include_glob(struct conf_walk *w, const char *pattern,
			 const char *from)
{
	struct qh_error err = { "" };
	char **files = NULL, pat[512];
	size_t n = 0;
	int rc;

	snprintf(pat, sizeof(pat), "%s%s", pattern[0] == '/' ? "" : "/etc/", pattern);
	rc = qh_rootfs_glob(w->c->fs, pat, &files, &n, &err);
	if (rc == EXDEV)
		audit_escape(w->c, pat, err.msg);
	else if (rc == ENOMEM)
		w->oom = true;
	else if (rc)
		audit_unreadable(w->c, pat, err.msg);
	for (size_t i = 0; i < n; i++)
		read_conf(w, files[i], from);
	qh_rootfs_names_free(files, n);
}

static void read_conf(struct conf_walk *w, const char *path, const char *from)
{
	struct qh_error err = { "" };
	struct qh_buf b = QH_BUF_INIT;
	struct stat st;
	int rc = qh_rootfs_stat(w->c->fs, path, 0, &st, NULL, &err);

	if (rc == ENOENT || rc == ENOTDIR)
		return; /* the loader skips a missing file too */
	for (size_t i = 0; rc == 0 && i < w->depth; i++)
		if (w->chain[i].st_dev == st.st_dev && w->chain[i].st_ino == st.st_ino) {
			conf_problem(w, "include cycle: %s includes %s, which is "
				     "being read already", from, path);
			return;
		}
	if (rc == 0 && w->depth >= LDSO_MAX_DEPTH) {
		conf_problem(w, "includes nested deeper than %d (at %s)",
			     LDSO_MAX_DEPTH, path);
		return;
	}
	if (rc == 0 && w->nfiles >= LDSO_MAX_FILES) {
		conf_problem(w, "more than %d files included (at %s)",
			     LDSO_MAX_FILES, path);
		return;
	}
	if (rc == 0)
		rc = qh_rootfs_read_new(w->c->fs, path, AUDIT_MAX_CONFIG, &b,
					&w->read, &err);
	if (rc == EEXIST)
		return; /* included twice: the same directories again */
	if (rc) {
		if (rc == EXDEV)
			audit_escape(w->c, path, err.msg);
		else if (rc == ENOMEM)
			w->oom = true;
		else
			audit_unreadable(w->c, path, err.msg);
		qh_buf_free(&b);
		return;
	}
	w->nfiles++;
	w->chain[w->depth++] = st;
	for (char *p = b.data, *e; p && *p && !w->oom; p = e ? e + 1 : NULL) {
		char *save = NULL;

		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		p[strcspn(p, "#")] = '\0';
		p += strspn(p, " \t");
		if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
			p += 7 + strspn(p + 7, " \t");
			p[strcspn(p, " \t\r")] = '\0';
			include_glob(w, p, path);
			continue;
		}
		if (strncmp(p, "hwcap", 5) == 0)
			continue;
		for (char *t = strtok_r(p, " \t\r:,=", &save); t; t = strtok_r(NULL, " \t\r:,=", &save))
			if (t[0] == '/' && add_dir(w->d, t) < 0) {
				w->oom = true;
				break;
			}
	}
	w->depth--;
	qh_buf_free(&b);
}

/* The directories of ld.so.conf, once per audit. */
static int load_conf_dirs(struct audit_ctx *c)
{
	struct conf_walk w = { .c = c, .d = &c->conf_dirs };

	if (c->conf_loaded)
		return 0;
	c->conf_loaded = true;
	read_conf(&w, LDSO_CONF, LDSO_CONF);
	if (!w.oom && w.problems)
		audit_check(c, LDSO_CONF, "ldso-config", QH_FAIL, NULL, 0,
			    "%s%s; each file was read once (%zu files)",
			    w.first.data ? w.first.data : "",
			    w.problems > 1 ? " (and more)" : "", w.nfiles);
	else if (!w.oom && w.nfiles)
		audit_check(c, LDSO_CONF, "ldso-config", QH_PASS, NULL, 0,
			    "%zu files read", w.nfiles);
	qh_buf_free(&w.first);
	qh_file_ids_free(&w.read);
	return w.oom ? -1 : 0;
}

static const char *multiarch(int machine, int elf_class)
{
	switch (machine) {
	case EM_X86_64: return "x86_64-linux-gnu";
	case EM_386: return "i386-linux-gnu";
	case EM_AARCH64: return "aarch64-linux-gnu";
	case EM_ARM: return "arm-linux-gnueabihf";
	case EM_PPC64: return "powerpc64le-linux-gnu";
	case EM_S390: return "s390x-linux-gnu";
	case EM_RISCV: return elf_class == ELFCLASS64 ? "riscv64-linux-gnu" : NULL;
	default: return NULL;
	}
}

int ldso_dirs_load(struct audit_ctx *c, int elf_class, int machine,
		   struct ldso_dirs *out)
{
	const char *ma = multiarch(machine, elf_class);
	char buf[128];

	memset(out, 0, sizeof(*out));
	if (load_conf_dirs(c) < 0)
		goto oom;
	for (size_t i = 0; i < c->conf_dirs.n; i++)
		if (add_dir(out, c->conf_dirs.dirs[i]) < 0)
			goto oom;
	if (ma) {
		snprintf(buf, sizeof(buf), "/lib/%s", ma);
		if (add_dir(out, buf) < 0)
			goto oom;
		snprintf(buf, sizeof(buf), "/usr/lib/%s", ma);
		if (add_dir(out, buf) < 0)
			goto oom;
	}
	if (elf_class == ELFCLASS64 &&
	    (add_dir(out, "/lib64") < 0 || add_dir(out, "/usr/lib64") < 0))
		goto oom;
	if (add_dir(out, "/lib") < 0 || add_dir(out, "/usr/lib") < 0)
		goto oom;
	return 0;
oom:
	ldso_dirs_free(out);
	return -1;
}

void ldso_dirs_free(struct ldso_dirs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->dirs[i]);
	free(d->dirs);
	memset(d, 0, sizeof(*d));
}
