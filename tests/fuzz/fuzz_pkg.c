/* fuzz_pkg.c - the package reader (lib/pkg_*.c) on whole .deb, .rpm and
 * tar inputs, read from a memfd like a file. Every input must end in
 * members or an error message; each member handed over must be ELF, have
 * an installed path and lie in memory as long as it says. Budgets bound
 * the work (not the time: a slow input is a finding). */
#include "fuzz_util.h"
#include "pkg/pkg.h"

static int check_member(void *user, const struct qh_pkg_member *m,
			struct qh_error *err)
{
	const volatile unsigned char *d = m->data;
	size_t *n = user;

	(void)err;
	if (!m->path || m->path[0] != '/' || m->size < 4 ||
	    memcmp(m->data, "\x7f" "ELF", 4) != 0)
		__builtin_trap();
	(void)d[m->size - 1]; /* readable to the end (ASan checks) */
	(*n)++;
	return 0;
}

/* libarchive reserves its look-ahead buffer before filling it, sized by
 * what a header claims: up to 8 GiB for a cpio name. In qhard that is
 * address space only (pkg_payload.c stops the filling at 16 MiB), but
 * under ASan such a reservation costs its shadow and seconds, and
 * libFuzzer reports it as out-of-memory. Like a process under ulimit -v,
 * this harness gets NULL for allocations over 1 GiB: libarchive then fails
 * that input cleanly. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:max_allocation_size_mb=1024";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct qh_pkg_limits lim = {
		.max_unpacked = 64 << 20, .max_members = 4096, .max_ms = 0,
		.max_member = 8 << 20,
	};
	struct qh_error err = { "" };
	struct qh_pkg_stats st;
	char path[64];
	size_t n = 0;
	long r;
	int fd = fuzz_memfd_path(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	r = qh_pkg_foreach_elf(path, &lim, check_member, &n, &st, &err);
	/* a count that matches the calls, or an error that says something */
	if ((r >= 0 && (size_t)r != n) || (r < 0 && !err.msg[0]) ||
	    st.members > lim.max_members || st.unpacked > lim.max_unpacked)
		__builtin_trap();
	close(fd);
	return 0;
}
