/* fuzz_glance.c - Glance image properties ("hw_disk_bus=ide,...", from
 * `qhard profile --from-glance`, often pasted from an image's metadata) to
 * a profile, whose INI must read back; plus the flag-string splitter used
 * on profile cflags/ldflags. */
#include <stdbool.h>

#include "fuzz_util.h"
#include "qemu/device_profile.h"
#include "qemu/flags.h"
#include "qemu/glance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	char *text = fuzz_strndup(data, size);
	struct qh_strlist words = { 0 };
	struct qh_profile *p;

	if (!text)
		return 0;
	qh_flags_split_words(text, &words);
	qh_strlist_free(&words);
	p = qh_glance_profile(text, &err);
	if (p) {
		char *ini = qh_profile_to_ini(p);
		struct qh_profile *back = ini ? qh_profile_parse("glance.ini", ini, &err) : NULL;

		/* Same accepted limit as fuzz_profile.c: a value with nowhere
		 * to break it longer than libinih's 200-byte line. */
		if (ini && !back && !strstr(err.msg, "line too long") &&
		    !fuzz_has_long_ini_line(ini)) {
			fprintf(stderr, "glance profile does not read back: %s\n%s\n", err.msg, ini);
			__builtin_trap();
		}
		qh_profile_free(back);
		free(ini);
		qh_profile_free(p);
	}
	free(text);
	return 0;
}
