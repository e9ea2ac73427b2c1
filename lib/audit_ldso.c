/* audit_ldso.c - how the root's dynamic loader would find libraries:
 * DT_NEEDED / DT_RUNPATH / DT_RPATH of an image (libelf), and the search
 * directories from the root's /etc/ld.so.conf (with include globs) plus the
 * default directories for the ELF machine. The ld.so.cache is not read:
 * it is generated from the same configuration. */
#include "audit_internal.h"

#include <gelf.h>
#include <libelf.h>
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

static int read_conf(struct audit_ctx *c, const char *path, struct ldso_dirs *d,
		     int depth)
{
	struct qh_buf b = QH_BUF_INIT;

	if (depth > 8 || audit_read(c, path, &b) != 0) {
		qh_buf_free(&b);
		return 0;
	}
	for (char *p = b.data, *e; p && *p; p = e ? e + 1 : NULL) {
		char *save = NULL;

		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		p[strcspn(p, "#")] = '\0';
		p += strspn(p, " \t");
		if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
			char **files = NULL, pat[512];
			size_t n = 0;

			p += 7 + strspn(p + 7, " \t");
			p[strcspn(p, " \t\r")] = '\0';
			/* relative includes are relative to /etc */
			snprintf(pat, sizeof(pat), "%s%s", p[0] == '/' ? "" : "/etc/", p);
			if (qh_rootfs_glob(c->fs, pat, &files, &n, NULL) == 0) {
				for (size_t i = 0; i < n; i++)
					read_conf(c, files[i], d, depth + 1);
				qh_rootfs_names_free(files, n);
			}
			continue;
		}
		if (strncmp(p, "hwcap", 5) == 0)
			continue;
		for (char *t = strtok_r(p, " \t\r:,=", &save); t; t = strtok_r(NULL, " \t\r:,=", &save))
			if (t[0] == '/' && add_dir(d, t) < 0) {
				qh_buf_free(&b);
				return -1;
			}
	}
	qh_buf_free(&b);
	return 0;
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
	if (read_conf(c, "/etc/ld.so.conf", out, 0) < 0)
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
