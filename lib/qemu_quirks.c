/* qemu_quirks.c - version-dependent configure behaviour, as a table. */
#include "qemu_quirks.h"

#include <stddef.h>
#include <string.h>

#include "qemu_tree.h" /* version parse/compare */

const struct qh_quirk qh_quirks[] = {
	{ QH_QUIRK_STACK_PROTECTOR_OPT_IN, "8.1.0", NULL,
	  "from QEMU 8.1, --without-default-features turns the stack protector off: qhard adds --enable-stack-protector" },
	{ QH_QUIRK_FORTIFY_FORCED_2, NULL, "8.1.99",
	  "up to QEMU 8.1, configure forces -D_FORTIFY_SOURCE=2: qhard adds -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 to --extra-cflags" },
	{ QH_QUIRK_X86_BOARDS_DEFAULT_Y, "9.1.0", NULL,
	  "from QEMU 9.1, x86 boards are default y: boards the profile does not list are set to n in the devices file" },
	{ QH_QUIRK_SECCOMP_OPT_IN, NULL, NULL,
	  "--without-default-features drops seccomp: qhard adds --enable-seccomp unless the profile disables it" },
	{ QH_QUIRK_ENABLE_PIE, NULL, NULL,
	  "PIE is requested explicitly with --enable-pie" },
};

static const struct qh_quirk *find(enum qh_quirk_id id)
{
	for (size_t i = 0; i < sizeof(qh_quirks) / sizeof(qh_quirks[0]); i++)
		if (qh_quirks[i].id == id)
			return &qh_quirks[i];
	return NULL;
}

static bool in_range(const char *first, const char *last, int maj, int min, int mic)
{
	int a, b, c;

	if (first && qh_qemu_version_parse(first, &a, &b, &c) == 0 &&
	    qh_qemu_version_cmp(maj, min, mic, a, b, c) < 0)
		return false;
	if (last && qh_qemu_version_parse(last, &a, &b, &c) == 0 &&
	    qh_qemu_version_cmp(maj, min, mic, a, b, c) > 0)
		return false;
	return true;
}

bool qh_quirk_applies(enum qh_quirk_id id, int maj, int min, int mic)
{
	const struct qh_quirk *q = find(id);

	return q && in_range(q->first, q->last, maj, min, mic);
}

const char *qh_quirk_text(enum qh_quirk_id id)
{
	const struct qh_quirk *q = find(id);

	return q ? q->what : "";
}

static const struct {
	const char *feature, *needs, *first, *last;
} feature_needs[] = {
	/* have_vhost_net_kernel = have_vhost_kernel and vhost_net allowed */
	{ "vhost-net", "vhost-kernel", "7.0.0", NULL },
};

const char *qh_feature_needs(const char *feature, int maj, int min, int mic)
{
	for (size_t i = 0; i < sizeof(feature_needs) / sizeof(feature_needs[0]); i++)
		if (strcmp(feature, feature_needs[i].feature) == 0 &&
		    in_range(feature_needs[i].first, feature_needs[i].last, maj, min, mic))
			return feature_needs[i].needs;
	return NULL;
}
