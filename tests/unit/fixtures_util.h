/* fixtures_util.h - unit tests' access to the ELF fixtures that
 * tests/fixtures/build.sh compiles at test time into $B/fixtures.
 * (Header-only: tests/unit/test_*.c are single-file programs.) */
#ifndef QHARD_TEST_FIXTURES_UTIL_H
#define QHARD_TEST_FIXTURES_UTIL_H

#include <stdio.h>
#include <stdlib.h>

static char fixtures_dir[4096];

/* Builds the fixtures (no-op when up to date). Returns 0 or -1. */
static inline int fixtures_build(void)
{
	const char *b = getenv("B");
	char cmd[8300];

	snprintf(fixtures_dir, sizeof(fixtures_dir), "%s/fixtures",
		 b && *b ? b : "build");
	snprintf(cmd, sizeof(cmd), "sh tests/fixtures/build.sh '%s'",
		 fixtures_dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "fixtures failed to build\n");
		return -1;
	}
	return 0;
}

static inline const char *fixture_path(const char *name)
{
	static char path[8192];

	snprintf(path, sizeof(path), "%s/%s", fixtures_dir, name);
	return path;
}

#endif
