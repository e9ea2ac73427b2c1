/* qemu/qemu.h - what the rest of qhard uses from lib/qemu/: a QEMU source
 * tree read without building it (qemu_tree.h, kconfig.h, meson_scan.h,
 * qom_index.h), a device allow-list profile (device_profile.h, glance.h), the
 * closure QEMU will compute from it (resolver.h) and the build plan
 * (qemu_plan.h). Code outside lib/qemu/ includes this header only.
 */
#ifndef QHARD_QEMU_QEMU_H
#define QHARD_QEMU_QEMU_H

#include "device_profile.h"
#include "glance.h"
#include "kconfig.h"
#include "meson_scan.h"
#include "qemu_plan.h"
#include "qemu_tree.h"
#include "qom_index.h"
#include "resolver.h"

#endif
