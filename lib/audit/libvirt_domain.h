/* libvirt_domain.h - the parts of a libvirt domain XML
 * (/etc/libvirt/qemu/NAME.xml) that decide how sVirt labels a VM's disk
 * images: the domain's name, each disk's source path with its <readonly/>
 * and <shareable/> flags, and the <seclabel> elements (domain-wide and per
 * disk). Parsed with expat; a DOCTYPE (libvirt never writes one) is
 * refused, so no entity is ever declared or expanded. */
#ifndef QHARD_LIBVIRT_DOMAIN_H
#define QHARD_LIBVIRT_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"

struct qh_lvdomain_disk {
	char *source;    /* <source file=...> or dev=; NULL for network disks */
	bool readonly;   /* <readonly/>, or a <backingStore> image (libvirt
			    labels backing files read-only and shared) */
	bool shareable;  /* <shareable/> */
	bool norelabel;  /* <seclabel relabel='no'/> on the disk's source */
	unsigned line;   /* of the <source> element */
};

struct qh_lvdomain {
	char *name;
	/* domain-wide <seclabel> of the SELinux model (or without a model) */
	char *seclabel_type; /* "dynamic", "static", "none"; NULL when absent */
	bool relabel_no;     /* relabel='no': libvirt leaves images as they are */
	struct qh_lvdomain_disk *disks;
	size_t ndisks, disks_cap;
};

/* Parse len bytes of XML; `name` prefixes messages ("vm1.xml:12: ...").
 * NULL + err on malformed XML, a DOCTYPE or a root that is not <domain>
 * (a <domstatus> wrapping one is accepted). */
struct qh_lvdomain *qh_lvdomain_parse(const char *xml, size_t len,
				      const char *name, struct qh_error *err);
void qh_lvdomain_free(struct qh_lvdomain *d);

#endif
