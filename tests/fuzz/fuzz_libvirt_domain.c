/* fuzz_libvirt_domain.c - libvirt domain XML (expat) on arbitrary bytes,
 * then every disk the parser kept. */
#include "audit/libvirt_domain.h"
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	struct qh_lvdomain *d = qh_lvdomain_parse((const char *)data, size,
						  "vm.xml", &err);
	size_t n = 0;

	if (!d)
		return 0;
	n += strlen(d->name);
	for (size_t i = 0; i < d->ndisks; i++)
		if (d->disks[i].source)
			n += strlen(d->disks[i].source) + d->disks[i].line;
	qh_lvdomain_free(d);
	return n == (size_t)-1;
}
