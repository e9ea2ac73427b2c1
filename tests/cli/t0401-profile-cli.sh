#!/bin/sh
# qhard profile on the synthetic tree tests/fixtures/qemu-mini: options,
# outputs, devices file, --explain, --from-glance, errors and exit codes.
. "$(dirname "$0")/lib.sh"

MINI=$(cd "$(dirname "$0")/../fixtures/qemu-mini" && pwd)
P="$T_TMP/p.ini"
OUT="$T_TMP/devices-out"
cat > "$P" <<'INI'
[profile]
name = mini
description = test profile
targets = x86_64-softmmu
[devices]
machines = q35
allow = virtio-net-pci
[features]
enable = kvm vhost-net
accelerators = kvm
[hardening]
level = strict
INI

expect_exit 2 "no profile is a usage error" -- "$QHARD" profile -s "$MINI"
expect_exit 2 "--profile and --from-glance together" -- "$QHARD" profile -p "$P" --from-glance hw_vif_model=e1000
expect_exit 2 "bad --format" -- "$QHARD" profile -p "$P" -s "$MINI" -f yaml
expect_exit 3 "unreadable QEMU tree exits 3" -- "$QHARD" profile -p "$P" -s "$T_TMP/no-such-tree" -d "$OUT"
expect_grep "not a QEMU source tree" "$T_TMP/err" "says the tree is not a QEMU tree"

# text: closure vs the default set, flags, the configure line
expect_exit 0 "text summary" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" --no-probe
expect_grep "Kconfig symbols:  8 (default build: 13" "$T_TMP/out" "text compares symbols with the default set"
expect_grep "removed, e.g. e1000" "$T_TMP/out" "text lists device types the default build has and this one not"
expect_grep "hw/ source files: 5 compiled (default build: 8)" "$T_TMP/out" "text compares hw/ source files"
expect_grep "\-\-without-default-devices" "$T_TMP/out" "text shows the configure line"

# the devices file: in --out, one traced line per symbol
expect_grep "^CONFIG_Q35=y  # .*p.ini:6 q35$" "$OUT/x86_64-softmmu.mak" "devices file traces q35 to its line"
expect_grep "^CONFIG_VIRTIO_NET=y  # .*p.ini:7 virtio-net-pci$" "$OUT/x86_64-softmmu.mak" "devices file traces virtio-net-pci"
if ls "$MINI"/configs/devices/x86_64-softmmu/ | grep -qv '^default.mak$'; then
	fail "something was written into the QEMU tree"
else
	pass "nothing written into the QEMU tree"
fi

# shell: the line the fixture's configure accepts (it rejects unknown options)
expect_exit 0 "shell format" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" -f shell --no-probe
mkdir -p "$T_TMP/build"
if (cd "$T_TMP/build" && eval "$(cat "$T_TMP/out")") >"$T_TMP/conf.log" 2>&1; then
	pass "the generated line is accepted by the tree's configure"
else
	fail "configure rejected the generated line"; sed 's/^/# /' "$T_TMP/conf.log"
fi
expect_grep "feature vhost-net needs vhost-kernel" "$T_TMP/err" "shell notes go to stderr"

# json
expect_exit 0 "json format" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" -f json --no-probe
if python3 - "$T_TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["plan"]
t = p["targets"][0]
assert d["schema"] == 1
assert p["qemu"]["version"] == "7.2.0"
assert "CONFIG_VIRTIO_NET" in t["symbols"] and "CONFIG_E1000_PCI" not in t["symbols"]
assert "virtio-net-pci" in t["qom_types"] and "e1000" in t["removed_qom_types"]
assert "hw/virtio/virtio-net-pci.c" in t["sources"]
assert p["configure"][0].endswith("/configure")
assert "--enable-kvm" in p["configure"]
assert "KVM" in t["kconfig_external"]
PY
then pass "json has version, symbols, devices, sources, argv"; else fail "json content"; fi

# --explain: in, and why not
# -o/--output FORMAT=PATH: the plan in several formats from one run, each
# the same as that format on stdout.
expect_exit 0 "-o json=, -o shell=" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" --no-probe \
	-o json="$T_TMP/plan.json" -o shell="$T_TMP/plan.sh"
"$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" --no-probe -f json >"$T_TMP/alone.json" 2>/dev/null
"$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" --no-probe -f shell >"$T_TMP/alone.sh" 2>/dev/null
cmp -s "$T_TMP/plan.json" "$T_TMP/alone.json" && pass "json file = -f json" || fail "json file differs"
cmp -s "$T_TMP/plan.sh" "$T_TMP/alone.sh" && pass "shell file = -f shell" || fail "shell file differs"
expect_exit 2 "-o sarif= is not one of profile's formats" -- "$QHARD" profile -p "$P" -s "$MINI" \
	-d "$OUT" --no-probe -o sarif="$T_TMP/x.sarif"
expect_grep "unknown format 'sarif'" "$T_TMP/err" "says which format"
expect_exit 0 "--explain a device in the closure" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" --no-probe --explain ide-hd
expect_grep "is built in" "$T_TMP/out" "ide-hd is built in"
expect_grep "IDE_QDEV=y: selected by Q35" "$T_TMP/out" "chain back to q35"
expect_grep "p.ini:6 q35" "$T_TMP/out" "chain ends at the allow-list line"
expect_exit 0 "--explain a device left out" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" --no-probe --explain e1000
expect_grep "NOT built in" "$T_TMP/out" "e1000 is not built in"
expect_grep "imply is not followed" "$T_TMP/out" "says imply is not followed"
expect_exit 2 "--explain of an unknown name" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" --no-probe --explain warp-core

# unsatisfiable allow list: exit 2 and the chain
sed 's/^allow = .*/allow = virtio-gpu-pci/' "$P" > "$T_TMP/gpu.ini"
expect_exit 2 "unsatisfiable allow list" -- "$QHARD" profile -p "$T_TMP/gpu.ini" -s "$MINI" -d "$OUT" --no-probe
expect_grep "VIRTIO_GPU cannot be enabled: it depends on (VIRTIO(y) || VIRTIO_MMIO(n)) && PCI_DEVICES(n)" "$T_TMP/err" "prints the failing depends on"
expect_grep "gpu.ini:7 virtio-gpu-pci" "$T_TMP/err" "names the allow-list line"

# unknown device, bad profile line
sed 's/^allow = .*/allow = sb16/' "$P" > "$T_TMP/sb.ini"
expect_exit 2 "unknown device" -- "$QHARD" profile -p "$T_TMP/sb.ini" -s "$MINI" -d "$OUT" --no-probe
expect_grep "device 'sb16': no QEMU source file" "$T_TMP/err" "says which device"
printf '[profile]\ntargets = x86_64-softmmu\n[devices]\nallow = e1000\nbogus = 1\n' > "$T_TMP/bad.ini"
expect_exit 2 "unknown key" -- "$QHARD" profile -p "$T_TMP/bad.ini" -s "$MINI"
expect_grep "bad.ini:5: unknown key 'bogus'" "$T_TMP/err" "file:line for a bad key"
expect_exit 2 "out dir inside the tree" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$MINI/hw" --no-probe
expect_grep "inside the QEMU source tree" "$T_TMP/err" "refuses to write into the tree"

# --from-glance
expect_exit 0 "--from-glance prints a profile" -- "$QHARD" profile --from-glance hw_disk_bus=ide,hw_cdrom_bus=ide,hw_vif_model=e1000
expect_grep "^allow = ide-hd ich9-ahci ide-cd e1000$" "$T_TMP/out" "glance maps to QOM names"
expect_grep "^machines = q35$" "$T_TMP/out" "glance picks q35"
expect_exit 0 "--from-glance --save" -- "$QHARD" profile --from-glance hw_vif_model=virtio --save "$T_TMP/g.ini"
expect_grep "^allow = virtio-net-pci$" "$T_TMP/g.ini" "saved profile"
expect_exit 0 "a saved glance profile plans on the tree" -- "$QHARD" profile -p "$T_TMP/g.ini" -s "$MINI" -d "$OUT" --no-probe
expect_exit 2 "unknown glance value" -- "$QHARD" profile --from-glance hw_vif_model=tulip
expect_grep "accepted: virtio e1000" "$T_TMP/err" "lists accepted values"

# version quirks through the CLI
expect_exit 0 "--assume-version 9.1.0" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" --no-probe -f shell --assume-version 9.1.0
expect_grep "\-\-enable-stack-protector" "$T_TMP/out" "8.1+: stack protector opt-in"
expect_grep "^CONFIG_MICROVM=n" "$OUT/x86_64-softmmu.mak" "9.1+: unlisted board set to n"

# user flags are probed with the real compiler
expect_exit 0 "user flags checked" -- "$QHARD" profile -p "$P" -s "$MINI" -d "$OUT" -f shell --cc "${CC_UNDER_TEST:-cc}" --extra-cflags "-arch x86_64" --extra-ldflags "-Wl,-z,nodlopen"
expect_grep "user flag '-arch x86_64' rejected" "$T_TMP/err" "-arch x86_64 reported, not passed"
expect_grep "refused user flag '-Wl,-z,nodlopen'" "$T_TMP/err" "nodlopen refused with a reason"
if grep -q -- "-arch" "$T_TMP/out"; then fail "-arch reached the configure line"; else pass "-arch not on the configure line"; fi
finish
