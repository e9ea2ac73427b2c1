#!/bin/sh
# qhard build end to end: the shipped kvm-virtio-minimal profile builds a
# QEMU 7.2 (cached in $QHARD_CACHE; --reuse skips configure when the plan
# is unchanged) that passes everything: configure, compile, the flag audit
# over every unit of the emulator, the default policy on every produced
# binary, and -device help lists exactly the profile's devices.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/build_e2e.sh"

qbuild build-kvm-virtio-minimal
J="$T_TMP/build-kvm-virtio-minimal.json"
expect_eq "$rc" 0 "qhard build exits 0 (report: $J)"
[ "$rc" -eq 0 ] || { sed 's/^/# /' "$T_TMP/build-kvm-virtio-minimal.err" | tail -20; head -c 3000 "$J" | sed 's/^/# /'; }
d="$QHARD_CACHE/build-kvm-virtio-minimal"
expect_eq "$(jpy "$J" 'chk(res("'"$d"'"), "configure")["status"]')" pass "configure accepted"
expect_eq "$(jpy "$J" 'chk(res("'"$d"'"), "compile")["status"]')" pass "ninja built the targets"
expect_eq "$(jpy "$J" 'chk(res("'"$d"'"), "flag-audit")["status"]')" pass "flag audit clean"
expect_eq "$(jpy "$J" 'chk(res("'"$d"'"), "flag-audit")["value"]["units"] > 500')" true \
	"flag audit replayed the emulator's units"
expect_eq "$(jpy "$J" 'len([x for x in r["results"] if "flag-audit" in x.get("checks", {}) and x["checks"]["flag-audit"]["status"] == "fail"])')" 0 \
	"no flag-audit offender results"
bin="$d/qemu-system-x86_64"
expect_eq "$(jpy "$J" 'res("'"$bin"'")["type"]')" pie "emulator analysed as PIE"
for c in relro pie nx canary; do
	expect_eq "$(jpy "$J" 'chk(res("'"$bin"'"), "'$c'")["status"]')" pass "emulator $c passes the default policy"
done
# FORTIFY: fortified calls present; a warn lists calls gcc could not bound.
expect_eq "$(jpy "$J" 'chk(res("'"$bin"'"), "fortify")["status"] in ("pass", "warn") and len(chk(res("'"$bin"'"), "fortify")["value"]["fortified"]) > 0')" true \
	"emulator fortify does not fail the default policy"
expect_eq "$(jpy "$J" 'r["summary"]["fail"]')" 0 "no result fails"
expect_eq "$(jpy "$J" 'chk(res("-device help"), "devices-extra")["status"]')" pass "no device outside the closure"
expect_eq "$(jpy "$J" 'chk(res("-device help"), "devices-missing")["status"]')" pass "every allowed device and machine present"
expect_eq "$(jpy "$J" 'chk(res("-device help"), "devices-closure")["status"]')" pass "Kconfig closure as planned"

# Independent of qhard's parser: ask the emulator ourselves (help only).
"$bin" -nodefaults -machine none -device help > "$T_TMP/devices" 2>&1
for dev in virtio-blk-pci virtio-net-pci virtio-serial-pci virtio-rng-pci; do
	expect_grep "name \"$dev\"" "$T_TMP/devices" "$dev compiled in"
done
for dev in e1000 rtl8139 usb-ehci AC97 intel-hda sb16 ne2k_pci megasas; do
	if grep -q "name \"$dev\"" "$T_TMP/devices"; then fail "$dev compiled in"; else pass "$dev not compiled in"; fi
done
# qhard's present list is exactly the emulator's non-CPU device names.
grep -v '^$' "$T_TMP/devices" | awk '/^CPU devices:/{cpu=1;next} /:$/{cpu=0;next} !cpu && /^name "/' |
	sed 's/^name "\([^"]*\)".*/\1/' | sort > "$T_TMP/want"
jpy "$J" '"\n".join(sorted(r["build"]["devices"]["x86_64-softmmu"]["present"]))' > "$T_TMP/got"
if cmp -s "$T_TMP/want" "$T_TMP/got"; then pass "report lists exactly the emulator's devices ($(wc -l < "$T_TMP/want"))"
else fail "report device list differs from -device help"; diff "$T_TMP/want" "$T_TMP/got" | head | sed 's/^/# /'; fi
expect_eq "$(jpy "$J" 'r["build"]["qemu"]["version"]')" "$(cat "$QEMU_SRC/VERSION")" "report names the QEMU version"

# A second run reuses the configured build dir: configure is skipped.
qbuild build-kvm-virtio-minimal
J2="$T_TMP/build-kvm-virtio-minimal.json"
expect_eq "$rc" 0 "second run exits 0"
expect_eq "$(jpy "$J2" 'r["build"]["reused"]')" true "second run reused the configured build dir"
expect_eq "$(jpy "$J2" 'chk(res("'"$d"'"), "configure")["value"]')" reused "configure check says reused"

# The other formats carry the same verdict.
"$QHARD" build --profile "$PROFILE" --qemu-src "$QEMU_SRC" --build-dir "$d" --reuse -q \
	--format sarif > "$T_TMP/sarif" 2>/dev/null
expect_eq "$?" 0 "SARIF run exits 0"
expect_eq "$(jpy "$T_TMP/sarif" 'r["version"] + " " + str(len(r["runs"][0]["results"]) >= 0)')" "2.1.0 True" "SARIF 2.1.0 report"
finish
