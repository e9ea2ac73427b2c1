/* fuzz_profile.c - device allow-list profiles (INI via libinih). A profile
 * that parses must survive the round trip --from-glance relies on: render
 * it as INI, parse that back (must succeed), render again: same text. */
#include "fuzz_util.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	char *text = fuzz_strndup(data, size);
	struct qh_profile *p, *back;
	char *a, *b;

	if (!text)
		return 0;
	p = qh_profile_parse("profile.ini", text, &err);
	free(text);
	if (!p)
		return 0;
	a = qh_profile_to_ini(p);
	qh_profile_free(p);
	if (!a)
		return 0;
	back = qh_profile_parse("again.ini", a, &err);
	if (!back) {
		fprintf(stderr, "re-reading our own INI failed: %s\n%s\n", err.msg, a);
		__builtin_trap();
	}
	b = qh_profile_to_ini(back);
	qh_profile_free(back);
	if (b && strcmp(a, b) != 0) {
		fprintf(stderr, "render/parse/render differs:\n%s\n---\n%s\n", a, b);
		__builtin_trap();
	}
	free(a);
	free(b);
	return 0;
}
