#!/bin/sh
# Negative: a device outside the allow list slipped into the devices file
# (CONFIG_EDU, the "edu" teaching device) must fail the device check and
# the closure check; everything else still passes. Own cached build dir:
# any Kconfig change rewrites config-poison.h, which every QEMU unit
# includes, so this is a full build the first time (ccache cannot help).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/build_e2e.sh"

"$QHARD" profile --profile "$PROFILE" --qemu-src "$QEMU_SRC" --out "$T_TMP/plan" \
	--format shell >/dev/null 2>&1
[ -f "$T_TMP/plan/x86_64-softmmu.mak" ] && pass "planned devices file" || fail "planned devices file"
cp "$T_TMP/plan/x86_64-softmmu.mak" "$T_TMP/tampered.mak"
echo "CONFIG_EDU=y" >> "$T_TMP/tampered.mak"

qbuild build-kvm-virtio-minimal-edu --devices-file "$T_TMP/tampered.mak"
J="$T_TMP/build-kvm-virtio-minimal-edu.json"
expect_eq "$rc" 1 "qhard build exits 1"
expect_eq "$(jpy "$J" 'chk(res("-device help"), "devices-extra")["status"]')" fail "device check fails"
expect_eq "$(jpy "$J" 'chk(res("-device help"), "devices-extra")["value"]')" '["edu"]' "exactly the slipped device is extra"
expect_eq "$(jpy "$J" 'chk(res("-device help"), "devices-closure")["value"]["unexpected"]')" '["CONFIG_EDU"]' \
	"closure check names CONFIG_EDU"
expect_eq "$(jpy "$J" 'chk(res("build-kvm-virtio-minimal-edu"), "flag-audit")["status"]')" pass "flag audit still clean"
expect_eq "$(jpy "$J" 'chk(res("edu/qemu-system-x86_64"), "canary")["status"]')" pass "binary still passes"
finish
