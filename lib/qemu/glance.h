/* glance.h - OpenStack image properties (Glance hw_* metadata) -> profile.
 *
 * The mapping is a table: property, value -> QOM device names / machine /
 * target, as Nova's libvirt driver turns them into a guest. Covered:
 * hw_disk_bus, hw_cdrom_bus, hw_vif_model, hw_scsi_model, hw_video_model,
 * hw_machine_type, hw_rng_model, hw_pointer_model.
 */
#ifndef QHARD_GLANCE_H
#define QHARD_GLANCE_H

#include "device_profile.h"

/* "hw_disk_bus=ide,hw_vif_model=e1000" -> a profile (machines default to
 * q35 on x86_64, virt on aarch64). Unknown properties or values are errors
 * listing what is accepted. */
struct qh_profile *qh_glance_profile(const char *props, struct qh_error *err);

/* Accepted values of a property, space separated (for --help/docs);
 * NULL for an unknown property. */
const char *qh_glance_values(const char *property);

#endif
