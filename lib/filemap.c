/* filemap.c - file mappings that survive truncation (see filemap.h).
 *
 * The table is a fixed array of slots read by the signal handler without
 * locks: a slot is claimed with a compare-and-swap on its state, filled,
 * then published by storing its base address; it is withdrawn (base = 0)
 * before munmap. The handler only calls mmap (a system call, safe in a
 * signal handler) and atomics.
 */
#include "filemap.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FILEMAP_SLOTS 1024 /* mappings alive at once (one per file read) */

struct slot {
	atomic_int state;       /* 0 free, 1 claimed */
	atomic_uintptr_t base;  /* published last: 0 = not in the table */
	atomic_size_t len;
	atomic_int prot;
	atomic_bool damaged;
};

static struct slot slots[FILEMAP_SLOTS];
static struct sigaction previous;
static uintptr_t page_mask;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static bool installed;

static void chain(int sig, siginfo_t *si, void *ctx)
{
	if (previous.sa_flags & SA_SIGINFO) {
		previous.sa_sigaction(sig, si, ctx);
	} else if (previous.sa_handler == SIG_DFL || previous.sa_handler == SIG_IGN) {
		/* not ours: let the fault happen again with the default
		 * action (a core dump where it belongs) */
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(sig, &dfl, NULL);
		if (si->si_code <= 0)
			raise(sig); /* sent by kill(), not a fault */
	} else {
		previous.sa_handler(sig);
	}
}

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	if (si->si_code == BUS_ADRERR) {
		for (size_t i = 0; i < FILEMAP_SLOTS; i++) {
			uintptr_t base = atomic_load(&slots[i].base);
			size_t len = atomic_load(&slots[i].len);
			uintptr_t page = a & page_mask;

			if (!base || a < base || a - base >= len)
				continue;
			/* zeros from the faulting page to the end: the next
			 * pages past the file's end would fault too */
			if (mmap((void *)page, base + len - page, atomic_load(&slots[i].prot),
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
				break;
			atomic_store(&slots[i].damaged, true);
			return;
		}
	}
	chain(sig, si, ctx);
}

static void install(void)
{
	struct sigaction sa;
	long pagesize = sysconf(_SC_PAGESIZE);

	page_mask = ~((uintptr_t)(pagesize > 0 ? pagesize : 4096) - 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	installed = sigaction(SIGBUS, &sa, &previous) == 0;
}

void *qh_filemap(int fd, size_t size, int prot, struct qh_error *err)
{
	struct slot *s = NULL;
	void *p;

	pthread_once(&install_once, install);
	if (!installed) {
		qh_error_errno(err, errno, "sigaction(SIGBUS)");
		return NULL;
	}
	for (size_t i = 0; i < FILEMAP_SLOTS && !s; i++) {
		int free_state = 0;

		if (atomic_compare_exchange_strong(&slots[i].state, &free_state, 1))
			s = &slots[i];
	}
	if (!s) {
		qh_error_set(err, "more than %d files mapped at once", FILEMAP_SLOTS);
		return NULL;
	}
	p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_NORESERVE, fd, 0);
	if (p == MAP_FAILED) {
		qh_error_errno(err, errno, "mmap");
		atomic_store(&s->state, 0);
		return NULL;
	}
	atomic_store(&s->len, size);
	atomic_store(&s->prot, prot);
	atomic_store(&s->damaged, false);
	atomic_store(&s->base, (uintptr_t)p);
	return p;
}

static struct slot *find(const void *addr)
{
	for (size_t i = 0; addr && i < FILEMAP_SLOTS; i++)
		if (atomic_load(&slots[i].base) == (uintptr_t)addr)
			return &slots[i];
	return NULL;
}

bool qh_filemap_damaged(const void *addr)
{
	struct slot *s = find(addr);

	return s && atomic_load(&s->damaged);
}

void qh_filemap_unmap(void *addr, size_t size)
{
	struct slot *s = find(addr);

	if (s) {
		atomic_store(&s->base, 0);
		atomic_store(&s->state, 0);
	}
	if (addr)
		munmap(addr, size);
}
