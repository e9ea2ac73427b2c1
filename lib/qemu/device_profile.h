/* device_profile.h - a device allow-list profile (INI, read with libinih).
 *
 *   [profile]   name, description, targets (x86_64-softmmu ...)
 *   [devices]   machines (q35 microvm virt), allow (QOM names or CONFIG_X)
 *   [features]  enable (kvm vhost-net seccomp ...), disable, accelerators
 *   [hardening] level (none|standard|strict), cflags, ldflags
 * List values are space separated; a key may repeat (values append).
 * Unknown sections or keys and bad values are errors naming file:line.
 * See qhard-profile(5).
 */
#ifndef QHARD_PROFILE_H
#define QHARD_PROFILE_H

#include "qh.h"
#include "strlist.h"

/* One allow-list word with where it came from. */
struct qh_profile_item {
	char *name;    /* "virtio-net-pci", "CONFIG_VIRTIO_NET", "q35" */
	unsigned line;
	char *origin;  /* "profile.ini:9 virtio-net-pci" (for traces) */
};

struct qh_profile {
	char *path;
	char *name;
	char *description;
	struct qh_strlist targets;
	struct qh_profile_item *machines;
	size_t nmachines, machines_cap;
	struct qh_profile_item *allow;
	size_t nallow, allow_cap;
	struct qh_strlist enable;       /* configure features to --enable */
	struct qh_strlist disable;      /* ... to --disable */
	struct qh_strlist accelerators; /* kvm, tcg, xen */
	char *level;                    /* none | standard | strict */
	char *cflags;                   /* user extra flags (checked) */
	char *ldflags;
};

struct qh_profile *qh_profile_load(const char *path, struct qh_error *err);
/* Same from text; `name` is used in messages and traces. */
struct qh_profile *qh_profile_parse(const char *name, const char *text,
				    struct qh_error *err);
void qh_profile_free(struct qh_profile *p);

/* Render as INI (what --from-glance writes). */
char *qh_profile_to_ini(const struct qh_profile *p);

/* Builder helpers (glance). */
struct qh_profile *qh_profile_new(const char *name, struct qh_error *err);
int qh_profile_add_machine(struct qh_profile *p, const char *name, unsigned line);
int qh_profile_add_allow(struct qh_profile *p, const char *name, unsigned line);

#endif
