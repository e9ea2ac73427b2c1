#!/bin/sh
# Negative: the same build with --extra-cflags=-fno-stack-protector (appended
# after the plan's -fstack-protector-strong) must fail the flag audit, unit
# by unit, AND the canary check of the binary. Own cached build dir. Built
# on Debian 12's QEMU 7.2, so that a full 7.2 build stays under test (the
# positive end-to-end test builds 10.0).
. "$(dirname "$0")/lib.sh"
QEMU_RELEASE=7.2
. "$(dirname "$0")/build_e2e.sh"

qbuild build-kvm-virtio-minimal-nossp --extra-cflags=-fno-stack-protector
J="$T_TMP/build-kvm-virtio-minimal-nossp.json"
d="$QHARD_CACHE/build-kvm-virtio-minimal-nossp"
expect_eq "$rc" 1 "qhard build exits 1"
expect_eq "$(jpy "$J" 'chk(res("'"$d"'"), "compile")["status"]')" pass "the build itself succeeded"
expect_eq "$(jpy "$J" 'chk(res("'"$d"'"), "flag-audit")["status"]')" fail "flag audit fails"
expect_eq "$(jpy "$J" 'chk(res("'"$d"'"), "flag-audit")["value"]["offenders"] > 500')" true "offenders reported per unit"
expect_eq "$(jpy "$J" 'chk(res("softmmu/main.c"), "flag-audit")["status"]')" fail "softmmu/main.c is an offender"
expect_eq "$(jpy "$J" 'any("-fno-stack-protector cancels stack protection" in p for p in chk(res("softmmu/main.c"), "flag-audit")["value"])')" true \
	"the offender names the cancelling flag"
expect_eq "$(jpy "$J" 'chk(res("'"$d/qemu-system-x86_64"'"), "canary")["status"]')" fail "binary check: canary fails"
expect_eq "$(jpy "$J" 'chk(res("-device help"), "devices-extra")["status"]')" pass "devices unaffected"
finish
