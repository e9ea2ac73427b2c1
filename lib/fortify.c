/* fortify.c - glibc's FORTIFY_SOURCE entry points (see fortify.h).
 * Generated from `readelf --dyn-syms libc.so.6` (glibc 2.36): every defined
 * __*_chk and __*_2 symbol, with the plain function it replaces. */
#include "fortify.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct qh_fortify_fn table[] = {
	{ "__asprintf_chk", "asprintf" },
	{ "__confstr_chk", "confstr" },
	{ "__dprintf_chk", "dprintf" },
	{ "__explicit_bzero_chk", "explicit_bzero" },
	{ "__fdelt_chk", "fdelt" },
	{ "__fgets_chk", "fgets" },
	{ "__fgets_unlocked_chk", "fgets_unlocked" },
	{ "__fgetws_chk", "fgetws" },
	{ "__fgetws_unlocked_chk", "fgetws_unlocked" },
	{ "__fprintf_chk", "fprintf" },
	{ "__fread_chk", "fread" },
	{ "__fread_unlocked_chk", "fread_unlocked" },
	{ "__fwprintf_chk", "fwprintf" },
	{ "__getcwd_chk", "getcwd" },
	{ "__getdomainname_chk", "getdomainname" },
	{ "__getgroups_chk", "getgroups" },
	{ "__gethostname_chk", "gethostname" },
	{ "__getlogin_r_chk", "getlogin_r" },
	{ "__gets_chk", "gets" },
	{ "__getwd_chk", "getwd" },
	{ "__longjmp_chk", "longjmp" },
	{ "__mbsnrtowcs_chk", "mbsnrtowcs" },
	{ "__mbsrtowcs_chk", "mbsrtowcs" },
	{ "__mbstowcs_chk", "mbstowcs" },
	{ "__memcpy_chk", "memcpy" },
	{ "__memmove_chk", "memmove" },
	{ "__mempcpy_chk", "mempcpy" },
	{ "__memset_chk", "memset" },
	{ "__mq_open_2", "mq_open" },
	{ "__obstack_printf_chk", "obstack_printf" },
	{ "__obstack_vprintf_chk", "obstack_vprintf" },
	{ "__open64_2", "open64" },
	{ "__open_2", "open" },
	{ "__openat64_2", "openat64" },
	{ "__openat_2", "openat" },
	{ "__poll_chk", "poll" },
	{ "__ppoll_chk", "ppoll" },
	{ "__pread64_chk", "pread64" },
	{ "__pread_chk", "pread" },
	{ "__printf_chk", "printf" },
	{ "__ptsname_r_chk", "ptsname_r" },
	{ "__read_chk", "read" },
	{ "__readlink_chk", "readlink" },
	{ "__readlinkat_chk", "readlinkat" },
	{ "__realpath_chk", "realpath" },
	{ "__recv_chk", "recv" },
	{ "__recvfrom_chk", "recvfrom" },
	{ "__snprintf_chk", "snprintf" },
	{ "__sprintf_chk", "sprintf" },
	{ "__stpcpy_chk", "stpcpy" },
	{ "__stpncpy_chk", "stpncpy" },
	{ "__strcat_chk", "strcat" },
	{ "__strcpy_chk", "strcpy" },
	{ "__strncat_chk", "strncat" },
	{ "__strncpy_chk", "strncpy" },
	{ "__swprintf_chk", "swprintf" },
	{ "__syslog_chk", "syslog" },
	{ "__ttyname_r_chk", "ttyname_r" },
	{ "__vasprintf_chk", "vasprintf" },
	{ "__vdprintf_chk", "vdprintf" },
	{ "__vfprintf_chk", "vfprintf" },
	{ "__vfwprintf_chk", "vfwprintf" },
	{ "__vprintf_chk", "vprintf" },
	{ "__vsnprintf_chk", "vsnprintf" },
	{ "__vsprintf_chk", "vsprintf" },
	{ "__vswprintf_chk", "vswprintf" },
	{ "__vsyslog_chk", "vsyslog" },
	{ "__vwprintf_chk", "vwprintf" },
	{ "__wcpcpy_chk", "wcpcpy" },
	{ "__wcpncpy_chk", "wcpncpy" },
	{ "__wcrtomb_chk", "wcrtomb" },
	{ "__wcscat_chk", "wcscat" },
	{ "__wcscpy_chk", "wcscpy" },
	{ "__wcsncat_chk", "wcsncat" },
	{ "__wcsncpy_chk", "wcsncpy" },
	{ "__wcsnrtombs_chk", "wcsnrtombs" },
	{ "__wcsrtombs_chk", "wcsrtombs" },
	{ "__wcstombs_chk", "wcstombs" },
	{ "__wctomb_chk", "wctomb" },
	{ "__wmemcpy_chk", "wmemcpy" },
	{ "__wmemmove_chk", "wmemmove" },
	{ "__wmempcpy_chk", "wmempcpy" },
	{ "__wmemset_chk", "wmemset" },
	{ "__wprintf_chk", "wprintf" },
};

const struct qh_fortify_fn *qh_fortify_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

/* Both names of every row in one small open-addressing table, built once:
 * these lookups run for every import of every file, and a bsearch with
 * strcmp per name (or two, for the plain direction) was 15% of a /usr/bin
 * scan in perf. A name longer than any in the table is rejected unread. */
#define NAME_MAX_LEN 32
#define SLOTS 512 /* > 2 x 2 x rows: short probe runs */

struct slot {
	const char *name;
	const struct qh_fortify_fn *row;
	bool checked; /* name is the row's checked name */
};

static struct slot slots[SLOTS];
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void slot_put(const char *name, const struct qh_fortify_fn *row,
		     bool checked)
{
	uint32_t h = name_hash(name, strlen(name)) % SLOTS;

	while (slots[h].name)
		h = (h + 1) % SLOTS;
	slots[h] = (struct slot){ name, row, checked };
}

static void build_slots(void)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		slot_put(table[i].checked, &table[i], true);
		slot_put(table[i].plain, &table[i], false);
	}
}

const struct qh_fortify_fn *qh_fortify_lookup(const char *name, bool *checked)
{
	size_t len;
	uint32_t h;

	/* Every checked name is "__" and a lowercase letter on, every plain
	 * one starts with a lowercase letter (test_fortify holds each row to
	 * it): C++ names (_Z...) and most others stop here, two bytes read. */
	if (name[0] == '_' ? name[1] != '_' : (name[0] < 'a' || name[0] > 'z'))
		return NULL;
	len = strnlen(name, NAME_MAX_LEN + 1);
	if (len > NAME_MAX_LEN)
		return NULL;
	pthread_once(&slots_once, build_slots);
	/* no name is both a checked and a plain name: the first hit it is */
	for (h = name_hash(name, len) % SLOTS; slots[h].name; h = (h + 1) % SLOTS)
		if (strcmp(slots[h].name, name) == 0) {
			*checked = slots[h].checked;
			return slots[h].row;
		}
	return NULL;
}

const struct qh_fortify_fn *qh_fortify_by_checked(const char *name)
{
	bool checked;
	const struct qh_fortify_fn *f = qh_fortify_lookup(name, &checked);

	return f && checked ? f : NULL;
}

const struct qh_fortify_fn *qh_fortify_by_plain(const char *name)
{
	bool checked;
	const struct qh_fortify_fn *f = qh_fortify_lookup(name, &checked);

	return f && !checked ? f : NULL;
}
