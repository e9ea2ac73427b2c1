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

const struct qh_link_defect qh_link_defects[] = {
	/* target/arm/m_helper.c and helper.c call the v7M NVIC and
	 * semihosting, which 7.2 builds from a Kconfig `default y if TCG`
	 * that --without-default-devices ignores. 8.0 made
	 * target/arm/Kconfig `select ARM_V7M if TCG`. */
	{ NULL, "7.2.99", "arm", "ARM", "ARM_V7M", "ARM_V7M",
	  "QEMU 7.2's Arm target code calls the v7M NVIC and semihosting without selecting them "
	  "(undefined armv7m_nvic_*, do_common_semihosting): qhard adds ARM_V7M, as 8.0's "
	  "target/arm/Kconfig does" },
	/* hw/acpi/acpi-x86-stub.c (built when PC is off) and
	 * hw/i386/acpi-common.c (built when ACPI is on) both define
	 * pc_madt_cpu_entry; only a board that selects PC avoids it in 7.2 */
	{ NULL, "7.2.99", "i386", "ACPI", "PC", NULL,
	  "QEMU 7.2 does not link an x86 emulator with ACPI and without PC (microvm alone): "
	  "hw/acpi/acpi-x86-stub.c and hw/i386/acpi-common.c both define pc_madt_cpu_entry "
	  "(fixed in 8.0); use QEMU 8.0 or later, or add the pc machine" },
	/* hw/acpi/cxl.c calls cxl_fmws_get_all_sorted(), defined in
	 * hw/cxl/cxl-host.c only (no stub), and CXL's mailbox code calls
	 * hw/mem/cxl_type3.c, whose stubs lack those functions; CXL and
	 * CXL_MEM_DEVICE are `default y if ...`, which
	 * --without-default-devices ignores. CXL builds cxl-rp, whose QOM
	 * parent pcie-root-port-base is PCIE_PORT's: without it the emulator
	 * aborts at start ("Type 'cxl-rp' is missing its parent"). */
	{ "10.1.0", NULL, NULL, "ACPI_CXL", "CXL", "PXB CXL CXL_MEM_DEVICE PCIE_PORT",
	  "QEMU 10.1+ builds hw/acpi/cxl.c (selected by ACPI_X86 and ARM virt), which calls "
	  "cxl_fmws_get_all_sorted() from hw/cxl/cxl-host.c, which calls the cxl-type3 "
	  "device code, neither with a stub: qhard adds PXB, CXL and CXL_MEM_DEVICE, and PCIE_PORT "
	  "for CXL's root port type (compiled in, reachable only when a pxb-cxl bus and a "
	  "cxl-type3 device are configured)" },
};

const size_t qh_link_defects_count = sizeof(qh_link_defects) / sizeof(qh_link_defects[0]);

bool qh_link_defect_applies(const struct qh_link_defect *d, int maj, int min, int mic,
			    const char *base_arch)
{
	return in_range(d->first, d->last, maj, min, mic) &&
	       (!d->base_arch || strcmp(d->base_arch, base_arch) == 0);
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
