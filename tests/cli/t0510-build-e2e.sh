#!/bin/sh
# qhard build end to end: the shipped kvm-virtio-minimal profile builds
# Debian 13's QEMU 10.0 (cached in $QHARD_CACHE; --reuse skips configure
# when the plan is unchanged) that passes everything: configure, compile,
# the flag audit over every unit linked into the emulator, the default
# policy on every produced binary (a canary too: from 8.1 configure drops
# the stack protector unless asked), and -device help lists exactly the
# profile's devices.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/build_e2e.sh"

d="$QHARD_CACHE/build-kvm-virtio-minimal"
bin="$d/qemu-system-x86_64"
qbuild build-kvm-virtio-minimal
J="$T_TMP/build-kvm-virtio-minimal.json"
expect_eq "$rc" 0 "qhard build exits 0 (report: $J)"
[ "$rc" -eq 0 ] || { sed 's/^/# /' "$T_TMP/build-kvm-virtio-minimal.err" | tail -20; head -c 3000 "$J" | sed 's/^/# /'; }

# One python run computes every fact the assertions below compare.
python3 - "$J" "$d" "$bin" > "$T_TMP/facts" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); d, b = sys.argv[2], sys.argv[3]
by = {x["path"]: x for x in r["results"]}
def chk(p, cid): return by.get(p, {}).get("checks", {}).get(cid, {})
dev = b + " -device help"
f = {
 "configure": chk(d, "configure").get("status"),
 "compile": chk(d, "compile").get("status"),
 "flag-audit": chk(d, "flag-audit").get("status"),
 "units>500": (chk(d, "flag-audit").get("value") or {}).get("units", 0) > 500,
 "offender-results": sum(1 for x in r["results"] if x["path"] not in (d, b, dev)),
 "type": by.get(b, {}).get("type"),
 "fortify-ok": chk(b, "fortify").get("status") in ("pass", "warn")
               and len((chk(b, "fortify").get("value") or {}).get("fortified", [])) > 0,
 "fail": r["summary"]["fail"],
 "devices-extra": chk(dev, "devices-extra").get("status"),
 "devices-missing": chk(dev, "devices-missing").get("status"),
 "devices-closure": chk(dev, "devices-closure").get("status"),
 "version": r["build"]["qemu"]["version"],
}
t = r["build"]["devices"]["x86_64-softmmu"]
hw = t["hw_units"]
f["hw-linked"] = 100 < hw.get("linked", 0) < (hw.get("reference") or 0)
f["hw-counts"] = "%s of %s" % (hw.get("linked"), hw.get("reference"))
forced = t["not_in_allow_list"]
f["forced-allowed-absent"] = not any(d in forced for d in t["allowed"])
f["forced-all-present"] = sorted(forced) == sorted(set(t["present"]) - set(t["allowed"]))
f["ahci-chain"] = any("selected by Q35" in step for step in forced.get("ich9-ahci", []))
f["ahci-ends-at-profile"] = "kvm-virtio-minimal.ini" in (forced.get("ich9-ahci") or [""])[-1]
for c in ("relro", "pie", "nx", "canary", "rpath", "runpath", "textrel",
          "rwx-segment"):
    f[c] = chk(b, c).get("status")
f["type-note"] = json.dumps(by.get(b, {}).get("type_note"))
for k, v in f.items():
    print(k, json.dumps(v) if not isinstance(v, str) else v)
with open(sys.argv[1] + ".present", "w") as out:
    out.write("\n".join(sorted(r["build"]["devices"]["x86_64-softmmu"]["present"])) + "\n")
PY
fact() { sed -n "s/^$1 //p" "$T_TMP/facts"; }
expect_eq "$(fact configure)" pass "configure accepted"
expect_eq "$(fact compile)" pass "ninja built the targets"
expect_eq "$(fact flag-audit)" pass "flag audit clean"
expect_eq "$(fact 'units>500')" true "flag audit replayed the emulator's units"
expect_eq "$(fact offender-results)" 0 "no flag-audit offender results"
expect_eq "$(fact type)" pie "emulator analysed as PIE"
expect_eq "$(fact type-note)" null "its type is certain (no type_note)"
# the default policy requires the run paths, textrel and rwx-segment too
for c in relro pie nx canary rpath runpath textrel rwx-segment; do
	expect_eq "$(fact $c)" pass "emulator $c passes the default policy"
done
# FORTIFY: fortified calls present; a warn lists calls gcc could not bound.
expect_eq "$(fact fortify-ok)" true "emulator fortify does not fail the default policy"
expect_eq "$(fact fail)" 0 "no result fails"
expect_eq "$(fact devices-extra)" pass "no device outside the closure"
expect_eq "$(fact devices-missing)" pass "every allowed device and machine present"
expect_eq "$(fact devices-closure)" pass "Kconfig closure as planned"
expect_eq "$(fact version)" "$(cat "$QEMU_SRC/VERSION")" "report names the QEMU version"
expect_eq "$(fact hw-linked)" true "hw/ units linked: fewer than the default-devices build ($(fact hw-counts))"
expect_eq "$(fact forced-all-present)" true "every listed device beyond the allow list has its chain"
expect_eq "$(fact forced-allowed-absent)" true "allow-listed devices need no chain"
expect_eq "$(fact ahci-chain)" true "ich9-ahci: selected by Q35"
expect_eq "$(fact ahci-ends-at-profile)" true "ich9-ahci's chain ends at the profile's machines line"

# Independent of qhard's parser: ask the emulator ourselves (help only).
"$bin" -nodefaults -machine none -device help > "$T_TMP/devices" 2>&1
for dev in virtio-blk-pci virtio-net-pci virtio-serial-pci virtio-rng-pci; do
	expect_grep "name \"$dev\"" "$T_TMP/devices" "$dev compiled in"
done
for dev in e1000 rtl8139 usb-ehci AC97 intel-hda sb16 ne2k_pci megasas; do
	if grep -q "name \"$dev\"" "$T_TMP/devices"; then fail "$dev compiled in"; else pass "$dev not compiled in"; fi
done
# qhard's present list is exactly the emulator's non-CPU device names.
awk '/^CPU devices:/{cpu=1;next} /:$/{cpu=0;next} !cpu && /^name "/' "$T_TMP/devices" |
	sed 's/^name "\([^"]*\)".*/\1/' | sort > "$T_TMP/want"
if cmp -s "$T_TMP/want" "$J.present"; then pass "report lists exactly the emulator's devices ($(wc -l < "$T_TMP/want"))"
else fail "report device list differs from -device help"; diff "$T_TMP/want" "$J.present" | head | sed 's/^/# /'; fi

# A second run reuses the configured build dir (configure is skipped);
# the text report carries the same verdict.
"$QHARD" build --profile "$PROFILE" --qemu-src "$QEMU_SRC" --build-dir "$d" --reuse -q \
	--format text --color never > "$T_TMP/text" 2>"$T_TMP/text.err"
expect_eq "$?" 0 "second run exits 0"
expect_grep "configure=reused" "$T_TMP/text" "second run reused the configured build dir"
expect_grep "pass flag-audit: [0-9]* compile units" "$T_TMP/text" "text report shows the flag audit"
finish
