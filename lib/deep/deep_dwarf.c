/* deep_dwarf.c - DW_AT_producer per CU with libdw (see deep_dwarf.h). */
#include "deep_dwarf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <libelf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool tok_is(const char *p, size_t len, const char *want)
{
	return strlen(want) == len && strncmp(p, want, len) == 0;
}

static bool tok_starts(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(p, prefix, n) == 0;
}

/* Walk the switches in order: for GCC the last of -fX / -fno-X wins. */
unsigned deep_dwarf_producer_missing(const char *producer, bool *recorded)
{
	bool sp = false, nopie = false, o0 = true, cf_none = false;
	const char *p = producer;

	*recorded = producer && strncmp(producer, "GNU ", 4) == 0 &&
		    strncmp(producer, "GNU AS", 6) != 0 &&
		    strstr(producer, " -") != NULL;
	if (!*recorded)
		return 0;
	while ((p = strstr(p, " -"))) {
		size_t len;

		p += 1;
		len = strcspn(p, " ");
		if (tok_is(p, len, "-fno-stack-protector") ||
		    tok_is(p, len, "-fstack-protector-explicit"))
			sp = false;
		else if (tok_starts(p, len, "-fstack-protector"))
			sp = true;
		else if (tok_is(p, len, "-fno-pie") || tok_is(p, len, "-fno-PIE") ||
			 tok_is(p, len, "-fno-pic") || tok_is(p, len, "-fno-PIC"))
			nopie = true;
		else if (tok_is(p, len, "-fpie") || tok_is(p, len, "-fPIE") ||
			 tok_is(p, len, "-fpic") || tok_is(p, len, "-fPIC"))
			nopie = false;
		else if (tok_starts(p, len, "-O")) /* no -O at all is -O0 */
			o0 = tok_is(p, len, "-O0");
		else if (tok_starts(p, len, "-fcf-protection"))
			cf_none = tok_is(p, len, "-fcf-protection=none");
		p += len;
	}
	return (sp ? 0 : DEEP_CU_NO_STACK_PROTECTOR) |
	       (nopie ? DEEP_CU_NO_PIE : 0) |
	       (o0 ? DEEP_CU_NO_FORTIFY : 0) |
	       (cf_none ? DEEP_CU_NO_CF_PROTECTION : 0);
}

void deep_dwarf_free(struct deep_cu *cus, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cus[i].name);
		free(cus[i].producer);
	}
	free(cus);
}

int deep_dwarf_cus(const char *path, struct deep_cu **out, size_t *n,
		   struct qh_error *err)
{
	struct deep_cu *v = NULL;
	size_t nv = 0, cap = 0;
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf *dw;
	Elf *elf;
	int fd, rc = 0;

	*out = NULL;
	*n = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return qh_error_errno(err, errno, "%s", path);
	/* ELF_C_READ: libelf reads with pread. dwarf_begin() would mmap the
	 * file, and a file truncated meanwhile by another process would then
	 * raise SIGBUS inside libdw (filemap.h covers only our own maps). */
	elf = elf_version(EV_CURRENT) != EV_NONE ? elf_begin(fd, ELF_C_READ, NULL)
						    : NULL;
	dw = elf ? dwarf_begin_elf(elf, DWARF_C_READ, NULL) : NULL;
	if (!dw) {
		elf_end(elf);
		close(fd);
		return 0; /* no DWARF: nothing to say */
	}
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die die;
		Dwarf_Attribute attr;
		const char *prod = NULL, *name;
		void *arr = v;

		if (!dwarf_offdie(dw, off + hsize, &die))
			goto next_cu;
		if (dwarf_attr_integrate(&die, DW_AT_producer, &attr))
			prod = dwarf_formstring(&attr);
		name = dwarf_diename(&die);
		if (qh_array_reserve(&arr, &cap, nv + 1, sizeof(*v))) {
			rc = qh_error_set(err, "out of memory");
			break;
		}
		v = arr;
		v[nv].name = qh_strdup(name ? name : "?");
		v[nv].producer = qh_strdup(prod ? prod : "");
		v[nv].missing = deep_dwarf_producer_missing(prod, &v[nv].recorded);
		nv++;
		if (!v[nv - 1].name || !v[nv - 1].producer) {
			rc = qh_error_set(err, "out of memory");
			break;
		}
next_cu:
		off = next;
	}
	dwarf_end(dw);
	elf_end(elf);
	close(fd);
	if (rc < 0) {
		deep_dwarf_free(v, nv);
		return -1;
	}
	*out = v;
	*n = nv;
	return 0;
}
