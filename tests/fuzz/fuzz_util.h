/* fuzz_util.h - small helpers shared by the libFuzzer harnesses.
 *
 * Harnesses are built two ways: with clang -fsanitize=fuzzer (make fuzz) and
 * as plain programs linked with replay_main.c (make check replays the
 * regression corpus through them, under gcc or ASan). So nothing here may
 * depend on libFuzzer itself.
 */
#ifndef QHARD_FUZZ_UTIL_H
#define QHARD_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated heap copy of the input (text parsers want C strings). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return NULL;
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The input as a file the parser can open by path: an anonymous memfd seen
 * through /proc/self/fd/N, so no file is left behind and nothing touches the
 * disk. Returns the fd (close it after use) and fills path; -1 on error. */
static inline int fuzz_memfd_path(const uint8_t *data, size_t size,
				  char *path, size_t path_size)
{
	int fd = memfd_create("qhard-fuzz", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

/* Does `ini` have a line libinih (a 200-byte line in Debian's build)
 * would reject or cut? Round-trip oracles skip such renderings. */
static inline bool fuzz_has_long_ini_line(const char *ini)
{
	for (const char *nl; *ini; ini = nl + 1) {
		nl = strchr(ini, '\n');
		if (!nl)
			nl = ini + strlen(ini) - 1;
		if (nl - ini >= 199)
			return true;
	}
	return false;
}

#endif
