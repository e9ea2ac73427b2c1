/* fuzz_policy.c - policy INI loading (libinih + our validation), then the
 * policy applied to a result with a few checks, so level lookup by path glob
 * and type runs on whatever the fuzzer managed to load. */
#include "fuzz_util.h"
#include "policy/policy.h"
#include "report.h"

static const char *const ids[] = { "relro", "pie", "nx", "canary", "fortify", "rpath" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct qh_error err = { { 0 } };
	struct qh_policy *p;
	struct qh_result *res;
	int fd = fuzz_memfd_path(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	p = qh_policy_load(path, &err);
	close(fd);
	if (!p)
		return 0;
	res = qh_result_new("/usr/lib/x86_64-linux-gnu/qemu/block-curl.so", &err);
	if (res) {
		for (size_t i = 0; i < QH_ARRAY_LEN(ids); i++)
			qh_result_add_check(res, ids[i], i % 2 ? QH_FAIL : QH_PASS,
					    NULL, "fuzz");
		qh_check_set_str(&res->type, "dso");
		qh_policy_apply(p, res, &err);
		(void)qh_policy_level(p, "/usr/bin/qemu-system-x86_64", "pie", "pie");
		(void)qh_policy_level(p, "", NULL, "no-such-check");
		qh_result_free(res);
	}
	qh_policy_free(p);
	return 0;
}
