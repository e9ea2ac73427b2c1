/* devices_check.h - what a built QEMU really contains, from its own
 * `-device help` and `-machine help` output, compared with what the profile
 * expected.
 *
 * The text is produced by the emulator we just built (build_verify.c runs
 * it with help options only, never a guest); it is still treated as
 * untrusted input: lines that do not parse are skipped, names are copied.
 */
#ifndef QHARD_DEVICES_CHECK_H
#define QHARD_DEVICES_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"
#include "strlist.h" /* qh_strv_free frees the name arrays */

struct qh_device {
	char *name;     /* QOM type name: "virtio-blk-pci" */
	char *alias;    /* "virtio-blk" or NULL */
	char *bus;      /* "PCI" or NULL */
	char *category; /* "Storage devices" (heading without the colon) */
};

struct qh_device_list {
	struct qh_device *items;
	size_t n, cap;
};

/* Parse `-device help`: category headings ("Storage devices:") followed by
 * lines `name "X"[, bus B][, alias "A"][, desc "..."]`. */
int qh_devices_parse_help(const char *text, struct qh_device_list *out,
			  struct qh_error *err);
void qh_device_list_free(struct qh_device_list *l);
/* Count of devices not in `skip_category` (NULL: all). */
size_t qh_device_list_count(const struct qh_device_list *l,
			    const char *skip_category);
/* Find by name or alias; NULL when absent. */
const struct qh_device *qh_device_list_find(const struct qh_device_list *l,
					    const char *name);

/* Parse `-machine help`: the first word of each line after the
 * "Supported machines are:" heading. Returns a NULL-terminated array. */
int qh_machines_parse_help(const char *text, char ***names, size_t *n,
			   struct qh_error *err);

/* The comparison: `extra` are present devices (outside skip_category) that
 * are not in `allowed`; `missing` are `required` names (device names or
 * aliases) that are not present. Both arrays are NULL-terminated, sorted,
 * owned by the diff. */
struct qh_devices_diff {
	char **extra;
	size_t nextra;
	char **missing;
	size_t nmissing;
};

int qh_devices_compare(const struct qh_device_list *present,
		       const char *skip_category,
		       const char *const *allowed, size_t nallowed,
		       const char *const *required, size_t nrequired,
		       struct qh_devices_diff *out, struct qh_error *err);
/* Names in `want` that are not in `have` (sorted, NULL-terminated). */
int qh_names_missing(const char *const *want, size_t nwant,
		     const char *const *have, size_t nhave, char ***missing,
		     size_t *nmissing, struct qh_error *err);
void qh_devices_diff_free(struct qh_devices_diff *d);

#endif
