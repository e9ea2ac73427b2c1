/* glance.c - Glance image properties -> device allow-list profile. */
#include "glance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* devices: what Nova's libvirt driver asks QEMU for. "@pc"/"@q35" rows
 * only apply to that machine family (IDE sits on PIIX on pc, on AHCI on
 * q35). Values follow the Glance "useful image properties" reference. */
static const struct glance_row {
	const char *prop;
	const char *value;
	const char *machine; /* NULL: any; "pc" / "q35" / "virt" family */
	const char *devices;
} rows[] = {
	{ "hw_disk_bus", "virtio", NULL, "virtio-blk-pci" },
	{ "hw_disk_bus", "ide", "pc", "ide-hd piix3-ide" },
	{ "hw_disk_bus", "ide", "q35", "ide-hd ich9-ahci" },
	{ "hw_disk_bus", "sata", NULL, "ide-hd ich9-ahci" },
	{ "hw_disk_bus", "scsi", NULL, "scsi-hd" }, /* controller: hw_scsi_model */
	{ "hw_disk_bus", "usb", NULL, "usb-storage qemu-xhci" },
	{ "hw_disk_bus", "fdc", NULL, "floppy isa-fdc" },
	{ "hw_cdrom_bus", "ide", "pc", "ide-cd piix3-ide" },
	{ "hw_cdrom_bus", "ide", "q35", "ide-cd ich9-ahci" },
	{ "hw_cdrom_bus", "sata", NULL, "ide-cd ich9-ahci" },
	{ "hw_cdrom_bus", "scsi", NULL, "scsi-cd" },
	{ "hw_cdrom_bus", "usb", NULL, "usb-storage qemu-xhci" },
	{ "hw_cdrom_bus", "virtio", NULL, "virtio-blk-pci" },
	{ "hw_vif_model", "virtio", NULL, "virtio-net-pci" },
	{ "hw_vif_model", "e1000", NULL, "e1000" },
	{ "hw_vif_model", "e1000e", NULL, "e1000e" },
	{ "hw_vif_model", "ne2k_pci", NULL, "ne2k_pci" },
	{ "hw_vif_model", "pcnet", NULL, "pcnet" },
	{ "hw_vif_model", "rtl8139", NULL, "rtl8139" },
	{ "hw_vif_model", "vmxnet3", NULL, "vmxnet3" },
	{ "hw_scsi_model", "virtio-scsi", NULL, "virtio-scsi-pci" },
	{ "hw_scsi_model", "lsilogic", NULL, "lsi53c895a" },
	{ "hw_video_model", "vga", NULL, "VGA" },
	{ "hw_video_model", "cirrus", NULL, "cirrus-vga" },
	{ "hw_video_model", "vmvga", NULL, "vmware-svga" },
	{ "hw_video_model", "qxl", NULL, "qxl-vga" },
	{ "hw_video_model", "virtio", NULL, "virtio-vga" },
	{ "hw_video_model", "bochs", NULL, "bochs-display" },
	{ "hw_video_model", "none", NULL, "" },
	{ "hw_rng_model", "virtio", NULL, "virtio-rng-pci" },
	{ "hw_pointer_model", "usbtablet", NULL, "usb-tablet qemu-xhci" },
	{ "hw_pointer_model", "virtio", NULL, "virtio-tablet-pci" },
};

/* hw_machine_type: prefix -> machine family + profile machine + target */
static const struct machine_row {
	const char *prefix;
	const char *family;
	const char *machine;
	const char *target;
} machines[] = {
	{ "pc-q35-", "q35", "q35", "x86_64-softmmu" },
	{ "q35", "q35", "q35", "x86_64-softmmu" },
	{ "pc-i440fx-", "pc", "pc", "x86_64-softmmu" },
	{ "pc", "pc", "pc", "x86_64-softmmu" },
	{ "microvm", "microvm", "microvm", "x86_64-softmmu" },
	{ "virt", "virt", "virt", "aarch64-softmmu" },
};

const char *qh_glance_values(const char *property)
{
	static char buf[512];
	size_t n = 0;

	if (strcmp(property, "hw_machine_type") == 0)
		return "q35 pc-q35-* pc pc-i440fx-* microvm virt virt-*";
	buf[0] = '\0';
	for (size_t i = 0; i < QH_ARRAY_LEN(rows); i++) {
		if (strcmp(rows[i].prop, property) != 0)
			continue;
		if (i > 0 && strcmp(rows[i - 1].prop, property) == 0 &&
		    strcmp(rows[i - 1].value, rows[i].value) == 0)
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "",
				      rows[i].value);
		if (n >= sizeof(buf))
			break;
	}
	return n ? buf : NULL;
}

static const struct machine_row *find_machine(const char *v)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(machines); i++) {
		size_t n = strlen(machines[i].prefix);

		if (machines[i].prefix[n - 1] == '-' ? strncmp(v, machines[i].prefix, n) == 0
						     : (strcmp(v, machines[i].prefix) == 0 ||
							(strncmp(v, machines[i].prefix, n) == 0 &&
							 v[n] == '-')))
			return &machines[i];
	}
	return NULL;
}

struct qh_profile *qh_glance_profile(const char *props, struct qh_error *err)
{
	struct qh_profile *p = qh_profile_new("glance", err);
	char *copy = qh_strdup(props), *save = NULL, *kv;
	const struct machine_row *m = &machines[0]; /* Nova's x86 default: q35 */
	struct qh_buf desc = QH_BUF_INIT;
	bool scsi = false, scsi_model = false;

	if (!p || !copy)
		goto oom;
	/* the machine decides which rows apply: read it first */
	for (kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq) {
			qh_error_set(err, "glance property '%s' has no '=VALUE'", kv);
			goto fail;
		}
		if (strncmp(kv, "hw_machine_type=", 16) == 0 && !(m = find_machine(eq + 1))) {
			qh_error_set(err, "hw_machine_type=%s: unknown machine (accepted: %s)",
				     eq + 1, qh_glance_values("hw_machine_type"));
			goto fail;
		}
	}
	free(copy);
	copy = qh_strdup(props);
	if (!copy)
		goto oom;
	qh_buf_printf(&desc, "From OpenStack image properties %s: only the devices "
			     "Nova attaches for them, nothing a guest could reach otherwise",
		      props);
	for (kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '='), *val = eq + 1, *dsave = NULL, *d;
		char devs[256];
		bool prop_known = false, found = false;

		*eq = '\0';
		if (strcmp(kv, "hw_machine_type") == 0)
			continue;
		for (size_t i = 0; i < QH_ARRAY_LEN(rows); i++) {
			if (strcmp(rows[i].prop, kv) != 0)
				continue;
			prop_known = true;
			if (strcmp(rows[i].value, val) != 0 ||
			    (rows[i].machine && strcmp(rows[i].machine, m->family) != 0))
				continue;
			found = true;
			snprintf(devs, sizeof(devs), "%s", rows[i].devices);
			for (d = strtok_r(devs, " ", &dsave); d; d = strtok_r(NULL, " ", &dsave))
				if (qh_profile_add_allow(p, d, 0) < 0)
					goto oom;
			break;
		}
		if (!prop_known) {
			qh_error_set(err, "unknown glance property '%s' (known: hw_disk_bus "
					  "hw_cdrom_bus hw_vif_model hw_scsi_model hw_video_model "
					  "hw_machine_type hw_rng_model hw_pointer_model)", kv);
			goto fail;
		}
		if (!found) {
			qh_error_set(err, "%s=%s is not supported with machine %s (accepted: %s)",
				     kv, val, m->machine, qh_glance_values(kv));
			goto fail;
		}
		if ((strcmp(kv, "hw_disk_bus") == 0 || strcmp(kv, "hw_cdrom_bus") == 0) &&
		    strcmp(val, "scsi") == 0)
			scsi = true;
		if (strcmp(kv, "hw_scsi_model") == 0)
			scsi_model = true;
	}
	/* a SCSI bus without a model gets Nova's default controller */
	if (scsi && !scsi_model && qh_profile_add_allow(p, "lsi53c895a", 0) < 0)
		goto oom;
	if (qh_profile_add_machine(p, m->machine, 0) < 0 ||
	    qh_strlist_add(&p->targets, m->target) < 0 ||
	    qh_strlist_add(&p->accelerators, "kvm") < 0 ||
	    qh_strlist_add(&p->enable, "kvm") < 0 ||
	    qh_strlist_add(&p->enable, "seccomp") < 0)
		goto oom;
	free(p->name);
	p->name = qh_strdup("glance");
	p->description = qh_buf_detach(&desc);
	p->level = qh_strdup("strict");
	if (!p->name || !p->description || !p->level)
		goto oom;
	free(copy);
	return p;
oom:
	qh_error_set(err, "out of memory");
fail:
	qh_buf_free(&desc);
	free(copy);
	qh_profile_free(p);
	return NULL;
}
