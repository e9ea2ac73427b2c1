/* fuzz_libvirt_conf.c - libvirt conf syntax (qemu.conf, libvirtd.conf) on
 * arbitrary text, then the lookups audit does on a parsed file. */
#include "audit/libvirt_conf.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qh_error err = { { 0 } };
	struct qh_lvconf *c = qh_lvconf_parse((const char *)data, size,
					      "qemu.conf", &err);
	static const char *const keys[] = {
		"security_driver", "user", "cgroup_device_acl", "seccomp_sandbox",
		"namespaces", "vnc_tls", "",
	};

	if (!c)
		return 0;
	for (size_t i = 0; i < QH_ARRAY_LEN(keys); i++) {
		const struct qh_lvconf_entry *e = qh_lvconf_get(c, keys[i]);

		if (e)
			(void)qh_lvconf_value_has(&e->value, "/dev/kvm");
	}
	/* Every entry the parser kept must be walkable. */
	for (size_t i = 0; i < c->nentries; i++) {
		(void)qh_lvconf_get(c, c->entries[i].name);
		(void)qh_lvconf_value_has(&c->entries[i].value, "none");
	}
	qh_lvconf_free(c);
	return 0;
}
