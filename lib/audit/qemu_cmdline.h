/* qemu_cmdline.h - the disk images a running QEMU names on its command
 * line (/proc/PID/cmdline: NUL-separated arguments), and its -name:
 *
 *   -name guest=vm1,debug-threads=on   or  -name vm1
 *   -drive file=PATH,...,readonly=on   (",," is a literal comma)
 *   -blockdev {"driver":"file","filename":PATH,"node-name":N,...}
 *   -blockdev driver=file,filename=PATH,node-name=N,...
 *   -hda/-hdb/-hdc/-hdd/-fda/-fdb PATH, -cdrom PATH (read-only)
 *
 * A -blockdev storage node is read-only when it says "read-only" or when
 * the format node stacked on it does (libvirt opens backing images so).
 * Only absolute paths are kept (not nbd:, json: or rbd: URIs). */
#ifndef QHARD_QEMU_CMDLINE_H
#define QHARD_QEMU_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "qh.h"

struct qh_qemu_disk {
	char *path;
	bool readonly;
};

struct qh_qemu_cmdline {
	char *name; /* -name guest=, NULL when not given */
	struct qh_qemu_disk *disks;
	size_t ndisks, disks_cap;
};

/* 0, or -1 + err (out of memory; a -blockdev that is not valid JSON). */
int qh_qemu_cmdline_parse(const char *args, size_t len,
			  struct qh_qemu_cmdline *out, struct qh_error *err);
void qh_qemu_cmdline_free(struct qh_qemu_cmdline *c);

#endif
