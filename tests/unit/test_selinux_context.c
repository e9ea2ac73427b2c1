/* test_selinux_context.c - SELinux contexts as sVirt writes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "audit/selinux_context.h"

static void test_contexts(void **state)
{
	static const struct {
		const char *s;
		int rc;
		const char *type;
		bool pair, cats;
		unsigned c1, c2;
	} cases[] = {
		{ "system_u:system_r:svirt_t:s0:c12,c34", 0, "svirt_t", true, true, 12, 34 },
		{ "system_u:object_r:svirt_image_t:s0:c34,c12", 0, "svirt_image_t", true, true, 12, 34 },
		{ "system_u:object_r:virt_image_t:s0", 0, "virt_image_t", false, false, 0, 0 },
		{ "system_u:object_r:virt_content_t:s0", 0, "virt_content_t", false, false, 0, 0 },
		{ "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023", 0, "unconfined_t",
		  false, true, 0, 0 },
		{ "system_u:system_r:svirt_t:s0:c5,c5", 0, "svirt_t", false, true, 0, 0 },
		{ "system_u:system_r:svirt_t:s0:c5", 0, "svirt_t", false, true, 0, 0 },
		{ "system_u:system_r:svirt_t:s0:c5,c99999", 0, "svirt_t", false, true, 0, 0 },
		{ "system_u:system_r:svirt_t", 0, "svirt_t", false, false, 0, 0 },
		{ "libvirt-6f0c2b7e (enforce)", -1, "", false, false, 0, 0 },
		{ "kernel", -1, "", false, false, 0, 0 },
		{ "a::t:s0", -1, "", false, false, 0, 0 },
	};
	struct qh_secontext x, y;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = qh_secontext_parse(cases[i].s, &x);

		if (rc != cases[i].rc || strcmp(x.type, cases[i].type) != 0 ||
		    x.pair != cases[i].pair || x.categories != cases[i].cats ||
		    (x.pair && (x.c1 != cases[i].c1 || x.c2 != cases[i].c2)))
			fail_msg("%s: rc %d type %s pair %d cats %d c%u,c%u", cases[i].s,
				 rc, x.type, x.pair, x.categories, x.c1, x.c2);
	}
	assert_int_equal(qh_secontext_parse(cases[0].s, &x), 0);
	assert_int_equal(qh_secontext_parse(cases[1].s, &y), 0);
	assert_true(qh_secontext_same_pair(&x, &y));
	assert_int_equal(qh_secontext_parse(cases[2].s, &y), 0);
	assert_false(qh_secontext_same_pair(&x, &y));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contexts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
