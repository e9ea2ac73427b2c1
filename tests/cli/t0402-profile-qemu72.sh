#!/bin/sh
# qhard profile on Debian's real QEMU source (mk/qemu-src.sh fetches it
# into $QHARD_CACHE the first time; nothing is skipped): for every shipped
# profile, the closure qhard computes must equal QEMU's own answer (its
# configure's <target>-config-devices.mak) and configure must accept the
# generated line. kvm-virtio-minimal must contain every allow-listed device
# and no e1000, sound card or USB.
# Configure runs in $QHARD_CACHE/profile-it/<profile>; it is rerun only
# when the generated line or devices file changed (reruns are fast).
. "$(dirname "$0")/lib.sh"

: "${QHARD_CACHE:=$(pwd)/.cache}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$(sh "$ROOT/mk/qemu-src.sh" "$QHARD_CACHE") || { fail "cannot get Debian's QEMU source"; finish; }
[ -f "$SRC/VERSION" ] && pass "QEMU source at $SRC ($(cat "$SRC/VERSION"))" || fail "no VERSION in $SRC"
IT="$QHARD_CACHE/profile-it"
mkdir -p "$IT"

check_profile() {
	name=$1
	ini="$ROOT/configure-profiles/profiles/$name.ini"
	out="$IT/$name.out"
	bdir="$IT/$name.build"
	expect_exit 0 "$name: plan" -- "$QHARD" profile -p "$ini" -s "$SRC" -o "$out" -f json
	cp "$T_TMP/out" "$T_TMP/$name.json"
	expect_exit 0 "$name: shell line" -- "$QHARD" profile -p "$ini" -s "$SRC" -o "$out" -f shell
	line=$(cat "$T_TMP/out")
	target=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plan"]["targets"][0]["name"])' "$T_TMP/$name.json")
	stamp="$bdir.stamp"
	{ echo "$line"; cat "$out/$target.mak"; } > "$T_TMP/stamp"
	if [ -f "$stamp" ] && [ -f "$bdir/$target-config-devices.mak" ] && cmp -s "$stamp" "$T_TMP/stamp"; then
		pass "$name: configure accepted this exact line before (cached in $bdir)"
	else
		rm -rf "$bdir" "$stamp"
		mkdir -p "$bdir"
		if (cd "$bdir" && eval "$line") > "$bdir.log" 2>&1; then
			cp "$T_TMP/stamp" "$stamp"
			pass "$name: QEMU $(cat "$SRC/VERSION") configure accepts the generated line"
		else
			fail "$name: configure rejected the generated line (log: $bdir.log)"
			tail -15 "$bdir.log" | sed 's/^/# /'
			return
		fi
	fi
	grep -v '^#' "$bdir/$target-config-devices.mak" | sed 's/=y$//' | sort > "$T_TMP/qemu.syms"
	python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["plan"]["targets"][0]["symbols"]))' "$T_TMP/$name.json" | sort > "$T_TMP/qhard.syms"
	if cmp -s "$T_TMP/qemu.syms" "$T_TMP/qhard.syms"; then
		pass "$name: closure equals QEMU's $target-config-devices.mak ($(wc -l < "$T_TMP/qemu.syms") symbols)"
	else
		fail "$name: closure differs from QEMU's $target-config-devices.mak"
		diff "$T_TMP/qhard.syms" "$T_TMP/qemu.syms" | sed 's/^/# /' | head -20
	fi
}

for p in kvm-virtio-minimal openstack-ide-e1000 microvm aarch64-virt-virtio; do
	check_profile "$p"
done

# kvm-virtio-minimal: the allow list is in, e1000 / sound / USB are out
if python3 - "$T_TMP/kvm-virtio-minimal.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["plan"]["targets"][0]
types, syms, srcs = set(t["qom_types"]), set(t["symbols"]), t["sources"]
for dev in ["virtio-blk-pci", "virtio-net-pci", "virtio-serial-pci", "virtio-rng-pci",
            "q35-pcihost"]:
    assert dev in types, dev + " missing"
for dev in ["e1000", "e1000e", "AC97", "intel-hda", "sb16", "usb-tablet", "qemu-xhci",
            "piix3-usb-uhci", "usb-ehci"]:
    assert dev not in types, dev + " present"
    assert dev in set(t["removed_qom_types"]) or dev not in types
bad = [s for s in syms if s.startswith(("CONFIG_E1000", "CONFIG_USB", "CONFIG_AC97",
        "CONFIG_HDA", "CONFIG_SB16", "CONFIG_ES1370", "CONFIG_ADLIB", "CONFIG_GUS",
        "CONFIG_CS4231A"))]
assert not bad, bad
assert not [s for s in srcs if s.startswith("hw/usb/")], "USB sources compiled"
assert "hw/net/e1000.c" not in srcs
assert len(srcs) < len(t["default"]["symbols"]) * 10
PY
then pass "kvm-virtio-minimal: allow-listed devices in, e1000/sound/USB out"
else fail "kvm-virtio-minimal: device set"; fi

# openstack-ide-e1000 keeps e1000 and IDE, drops virtio NICs
if python3 - "$T_TMP/openstack-ide-e1000.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["plan"]["targets"][0]
types = set(t["qom_types"])
for dev in ["e1000", "ide-hd", "ide-cd", "ich9-ahci"]:
    assert dev in types, dev
assert "virtio-net-pci" not in types
PY
then pass "openstack-ide-e1000: e1000 + IDE in, virtio-net out"
else fail "openstack-ide-e1000: device set"; fi

# --explain on the real tree
expect_exit 0 "--explain e1000 on QEMU 7.2" -- "$QHARD" profile -p "$ROOT/configure-profiles/profiles/kvm-virtio-minimal.ini" -s "$SRC" -o "$IT/kvm-virtio-minimal.out" --no-probe --explain e1000
expect_grep "NOT built in" "$T_TMP/out" "e1000 is explained as not built in"
expect_grep "implied by I440FX .*imply is not followed" "$T_TMP/out" "says the boards only imply it"
expect_exit 0 "--explain q35" -- "$QHARD" profile -p "$ROOT/configure-profiles/profiles/kvm-virtio-minimal.ini" -s "$SRC" -o "$IT/kvm-virtio-minimal.out" --no-probe --explain q35
expect_grep "machine 'q35' (hw/i386/pc_q35.c) is built in" "$T_TMP/out" "q35 is built in"
expect_exit 0 "--explain CONFIG_AHCI_ICH9" -- "$QHARD" profile -p "$ROOT/configure-profiles/profiles/kvm-virtio-minimal.ini" -s "$SRC" -o "$IT/kvm-virtio-minimal.out" --no-probe --explain CONFIG_AHCI_ICH9
expect_grep "AHCI_ICH9=y: selected by Q35" "$T_TMP/out" "AHCI comes with q35"
expect_grep "kvm-virtio-minimal.ini:[0-9]* q35" "$T_TMP/out" "chain ends at the machines line"
finish
