/* fuzz_qemu_cmdline.c - a QEMU command line (/proc/PID/cmdline, NUL
 * separated) on arbitrary bytes: keyval options, -blockdev JSON. */
#include "audit/qemu_cmdline.h"
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	struct qh_qemu_cmdline c;
	size_t n = 0;

	if (qh_qemu_cmdline_parse((const char *)data, size, &c, &err) < 0)
		return 0;
	if (c.name)
		n += strlen(c.name);
	for (size_t i = 0; i < c.ndisks; i++)
		n += strlen(c.disks[i].path) + c.disks[i].readonly;
	qh_qemu_cmdline_free(&c);
	return n == (size_t)-1;
}
