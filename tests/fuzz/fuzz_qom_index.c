/* fuzz_qom_index.c - the QOM type/machine name reader on arbitrary C text
 * (macros, TypeInfo initializers, MACHINE_TYPE_NAME, string concatenation),
 * then the lookups the resolver makes. */
#include "fuzz_util.h"
#include "qemu/qom_index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	char *text = fuzz_strndup(data, size);
	struct qh_qom_index *q;
	char *r;

	if (!text)
		return 0;
	q = qh_qom_index_new(&err);
	if (q) {
		qh_qom_define(q, "TYPE_VIRTIO_NET", "\"virtio-net-device\"");
		qh_qom_index_scan_source(q, "hw/net/fuzz.c", text);
		(void)qh_qom_ntypes(q);
		for (size_t i = 0; i < qh_qom_ndiags(q); i++)
			(void)qh_qom_diag(q, i);
		(void)qh_qom_type_file(q, "virtio-net-pci");
		(void)qh_qom_machine_file(q, "q35");
		r = qh_qom_resolve(q, text);
		free(r);
		r = qh_qom_resolve(q, "MACHINE_TYPE_NAME(\"x\") TYPE_VIRTIO_NET");
		free(r);
		qh_qom_index_free(q);
	}
	free(text);
	return 0;
}
