#!/bin/sh
# qhard profile on Debian's real QEMU trees, one per supported release
# (mk/qemu-versions; $QHARD_TEST_QEMU, default "7.2 10.0 10.2"), fetched
# into $QHARD_CACHE by mk/qemu-src.sh the first time:
#  - every shipped profile plans, QEMU's configure accepts the generated
#    line, and qhard's closure equals the <target>-config-devices.mak that
#    configure writes (QEMU's own minikconf), symbol for symbol;
#  - qhard's Kconfig evaluator equals scripts/minikconf.py on random device
#    sets (tests/tools/kconfig_diff.py, $QHARD_KCONFIG_TRIALS per release);
#  - --explain and the device sets hold on each release.
# Configure runs in $QHARD_CACHE/profile-it/<release>/<profile>; it is rerun
# only when the generated line or devices file changed.
# With QHARD_QEMU_SRC set, only the trees it names are tested; the others
# are reported as not tested (never fetched behind the user's back).
. "$(dirname "$0")/lib.sh"

: "${QHARD_CACHE:=$(pwd)/.cache}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RELEASES=${QHARD_TEST_QEMU:-7.2 10.0 10.2}
TRIALS=${QHARD_KCONFIG_TRIALS:-25}
EVAL="$ROOT/${B:-build}/tests/tools/kconfig_eval"
# configure and the flag probe use the system compiler whatever built qhard
unset CC CXX CFLAGS CXXFLAGS LDFLAGS

symbols_of() { # plan.json -> sorted closure
	python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["plan"]["targets"][0]["symbols"]))' "$1" | sort
}

check_profile() { # release src name
	rel=$1 src=$2 name=$3
	ini="$ROOT/configure-profiles/profiles/$name.ini"
	out="$IT/$name.out"
	bdir="$IT/$name.build"
	expect_exit 0 "$rel $name: plan" -- "$QHARD" profile -p "$ini" -s "$src" -d "$out" -f json
	cp "$T_TMP/out" "$T_TMP/$rel-$name.json"
	expect_exit 0 "$rel $name: shell line" -- "$QHARD" profile -p "$ini" -s "$src" -d "$out" -f shell
	line=$(cat "$T_TMP/out")
	target=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plan"]["targets"][0]["name"])' "$T_TMP/$rel-$name.json")
	stamp="$bdir.stamp"
	{ echo "$line"; cat "$out/$target.mak"; } > "$T_TMP/stamp"
	if [ -f "$stamp" ] && [ -f "$bdir/$target-config-devices.mak" ] && cmp -s "$stamp" "$T_TMP/stamp"; then
		pass "$rel $name: configure accepted this exact line before (cached in $bdir)"
	else
		rm -rf "$bdir" "$stamp"
		mkdir -p "$bdir"
		if (cd "$bdir" && eval "$line") > "$bdir.log" 2>&1; then
			cp "$T_TMP/stamp" "$stamp"
			pass "$rel $name: QEMU $(cat "$src/VERSION") configure accepts the generated line"
		else
			fail "$rel $name: configure rejected the generated line (log: $bdir.log)"
			tail -15 "$bdir.log" | sed 's/^/# /'
			return
		fi
	fi
	grep -v '^#' "$bdir/$target-config-devices.mak" | sed 's/=y$//' | sort > "$T_TMP/qemu.syms"
	symbols_of "$T_TMP/$rel-$name.json" > "$T_TMP/qhard.syms"
	if cmp -s "$T_TMP/qemu.syms" "$T_TMP/qhard.syms"; then
		pass "$rel $name: closure equals QEMU's $target-config-devices.mak ($(wc -l < "$T_TMP/qemu.syms") symbols)"
	else
		fail "$rel $name: closure differs from QEMU's $target-config-devices.mak"
		diff "$T_TMP/qhard.syms" "$T_TMP/qemu.syms" | sed 's/^/# /' | head -20
	fi
}

# The device sets every release must give (names are QOM's, stable).
check_device_sets() { # release
	if python3 - "$T_TMP/$1-kvm-virtio-minimal.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["plan"]["targets"][0]
types, syms, srcs = set(t["qom_types"]), set(t["symbols"]), t["sources"]
for dev in ["virtio-blk-pci", "virtio-net-pci", "virtio-serial-pci", "virtio-rng-pci",
            "q35-pcihost"]:
    assert dev in types, dev + " missing"
for dev in ["e1000", "e1000e", "AC97", "intel-hda", "sb16", "usb-tablet", "qemu-xhci",
            "piix3-usb-uhci", "usb-ehci"]:
    assert dev not in types, dev + " present"
bad = [s for s in syms if s.startswith(("CONFIG_E1000", "CONFIG_USB", "CONFIG_AC97",
        "CONFIG_HDA", "CONFIG_SB16", "CONFIG_ES1370", "CONFIG_ADLIB", "CONFIG_GUS",
        "CONFIG_CS4231A"))]
assert not bad, bad
# 10.x links hw/usb/bus-stub.c when USB is off: stubs are not USB code
usb = [s for s in srcs if s.startswith("hw/usb/") and not s.endswith("-stub.c")]
assert not usb, "USB sources compiled: %s" % usb
assert "hw/net/e1000.c" not in srcs
assert len(srcs) < len(t["default"]["symbols"]) * 10
PY
	then pass "$1 kvm-virtio-minimal: allow-listed devices in, e1000/sound/USB out"
	else fail "$1 kvm-virtio-minimal: device set"; fi
	if python3 - "$T_TMP/$1-openstack-ide-e1000.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["plan"]["targets"][0]
types = set(t["qom_types"])
for dev in ["e1000", "ide-hd", "ide-cd", "ich9-ahci"]:
    assert dev in types, dev
assert "virtio-net-pci" not in types
PY
	then pass "$1 openstack-ide-e1000: e1000 + IDE in, virtio-net out"
	else fail "$1 openstack-ide-e1000: device set"; fi
}

check_explain() { # release src
	rel=$1 src=$2
	ini="$ROOT/configure-profiles/profiles/kvm-virtio-minimal.ini"
	o="$IT/kvm-virtio-minimal.out"
	expect_exit 0 "$rel --explain e1000" -- "$QHARD" profile -p "$ini" -s "$src" -d "$o" --no-probe --explain e1000
	expect_grep "NOT built in" "$T_TMP/out" "$rel: e1000 is explained as not built in"
	expect_grep "implied by .*imply is not followed" "$T_TMP/out" "$rel: the boards only imply it"
	expect_exit 0 "$rel --explain q35" -- "$QHARD" profile -p "$ini" -s "$src" -d "$o" --no-probe --explain q35
	expect_grep "machine 'q35' (hw/i386/pc_q35.c) is built in" "$T_TMP/out" "$rel: q35 is built in"
	expect_grep "kvm-virtio-minimal.ini:[0-9]* q35" "$T_TMP/out" "$rel: chain ends at the machines line"
	# the versioned name of this release's newest q35
	ver=$(python3 -c 'import sys; v=open(sys.argv[1]).read().split("."); print(v[0]+"."+v[1])' "$src/VERSION")
	expect_exit 0 "$rel --explain pc-q35-$ver" -- "$QHARD" profile -p "$ini" -s "$src" -d "$o" --no-probe --explain "pc-q35-$ver"
	expect_grep "machine 'pc-q35-$ver' (hw/i386/pc_q35.c) is built in" "$T_TMP/out" "$rel: pc-q35-$ver is q35"
	expect_exit 0 "$rel --explain CONFIG_AHCI_ICH9" -- "$QHARD" profile -p "$ini" -s "$src" -d "$o" --no-probe --explain CONFIG_AHCI_ICH9
	expect_grep "AHCI_ICH9=y: selected by" "$T_TMP/out" "$rel: AHCI comes with q35"
}

# What lib/qemu/qemu_quirks.c cannot read from a tree, checked against the real
# tree: each quirk's premise holds exactly in its version range, and the
# plan (and QEMU's configure) act on it.
check_quirks() { # release src
	if python3 - "$2" "$T_TMP/$1-kvm-virtio-minimal.json" "$IT/kvm-virtio-minimal" <<'PY' > "$T_TMP/quirks" 2>&1
import json, os, re, sys
src, plan, it = sys.argv[1:4]
read = lambda p: open(os.path.join(src, p), errors="replace").read()
v = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)\.(\d+)", read("VERSION")).groups())
p = json.load(open(plan))["plan"]
argv, notes = p["configure"], " ".join(p["warnings"])
# 8.1+: stack_protector is an 'auto' meson feature, so
# --without-default-features turns it off; before, configure kept it on
trap = re.search(r"option\('stack_protector',\s*type\s*:\s*'feature',\s*value\s*:\s*'auto'",
                 read("meson_options.txt")) is not None
assert trap == (v >= (8, 1, 0)), "stack-protector premise: %s" % trap
assert ("--enable-stack-protector" in argv) == trap, "plan and stack-protector quirk"
if trap:
    opts = json.load(open(it + ".build/meson-info/intro-buildoptions.json"))
    sp = [o["value"] for o in opts if o["name"] == "stack_protector"]
    assert sp == ["enabled"], "configured stack_protector: %r" % sp
else:
    assert 'test "$stack_protector" != "no"' in read("configure"), "7.2: on unless disabled"
# up to 8.1 configure forces -D_FORTIFY_SOURCE=2
forced = "-D_FORTIFY_SOURCE=2" in read("configure")
assert forced == (v <= (8, 1, 99)), "FORTIFY premise: %s" % forced
assert ("forces -D_FORTIFY_SOURCE=2" in notes) == forced, "plan and FORTIFY quirk"
# 9.1+: x86 boards are default y; the plan sets the unlisted ones to n
boards = re.search(r"config MICROVM\s*\n\s*bool\s*\n\s*default y", read("hw/i386/Kconfig")) is not None
assert boards == (v >= (9, 1, 0)), "boards premise: %s" % boards
mak = open(p["targets"][0]["devices_file"]).read()
assert ("CONFIG_MICROVM=n" in mak) == boards, "devices file and boards quirk"
print("stack-protector trap %s, FORTIFY forced %s, boards default y %s"
      % (trap, forced, boards))
PY
	then pass "$1 quirks hold on the real tree: $(cat "$T_TMP/quirks")"
	else fail "$1 quirks"; sed 's/^/# /' "$T_TMP/quirks" | tail -5; fi
}

# Link defects (lib/qemu/qemu_quirks.c qh_link_defects): closures QEMU's own
# Kconfig accepts whose emulator does not link. Each premise is read from
# the real tree; the plan adds the fixing symbols exactly where it holds,
# and `qhard build` stops before configuring where nothing short of a
# board fixes it.
check_link_defects() { # release src
	if python3 - "$2" "$T_TMP/$1" <<'PY' > "$T_TMP/defects" 2>&1
import json, os, re, sys
src, plans = sys.argv[1:3]
def read(p):
    try:
        return open(os.path.join(src, p), errors="replace").read()
    except FileNotFoundError:
        return ""
v = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)\.(\d+)", read("VERSION")).groups())
def plan(name):
    p = json.load(open("%s-%s.json" % (plans, name)))["plan"]
    return p, open(p["targets"][0]["devices_file"]).read(), " ".join(p["warnings"])
# Arm: target code calls the v7M NVIC, built only from a `default y if TCG`
v7m = ("select ARM_V7M" not in read("target/arm/Kconfig") and
       re.search(r"config ARM_V7M\s*\n\s*bool\s*\n(\s*#.*\n)*\s*default y if TCG", read("hw/arm/Kconfig")) is not None)
assert v7m == (v <= (7, 2, 99)), "ARM_V7M premise: %s" % v7m
_, mak, _ = plan("aarch64-virt-virtio")
assert ("CONFIG_ARM_V7M=y" in mak) == v7m, "devices file and ARM_V7M defect"
# x86 without PC: the stub and acpi-common.c both define pc_madt_cpu_entry
madt = ("pc_madt_cpu_entry" in read("hw/acpi/acpi-x86-stub.c") and
        "pc_madt_cpu_entry" in read("hw/i386/acpi-common.c") and
        re.search(r"when: 'CONFIG_PC', if_false: files\('acpi-x86-stub.c'\)", read("hw/acpi/meson.build")) is not None)
assert madt == (v <= (7, 2, 99)), "pc_madt_cpu_entry premise: %s" % madt
_, _, notes = plan("microvm")
assert ("pc_madt_cpu_entry" in notes) == madt, "microvm plan and pc_madt_cpu_entry defect"
# ACPI_CXL without CXL: hw/acpi/cxl.c calls a function with no stub
cxl = ("cxl_fmws_get_all_sorted" in read("hw/acpi/cxl.c") and
       "cxl_fmws_get_all_sorted" not in read("hw/cxl/cxl-host-stubs.c"))
assert cxl == (v >= (10, 1, 0)), "CXL premise: %s" % cxl
for name in ("kvm-virtio-minimal", "aarch64-virt-virtio"):
    _, mak, _ = plan(name)
    assert all("CONFIG_%s=y" % s in mak for s in ("PXB", "CXL", "CXL_MEM_DEVICE")) == cxl, "%s and CXL defect" % name
print("ARM_V7M %s, pc_madt_cpu_entry %s, CXL stub %s" % (v7m, madt, cxl))
PY
	then pass "$1 link defects hold on the real tree: $(cat "$T_TMP/defects")"
	else fail "$1 link defects"; sed 's/^/# /' "$T_TMP/defects" | tail -5; fi
	if grep -q "pc_madt_cpu_entry True" "$T_TMP/defects"; then
		expect_exit 2 "$1: qhard build stops before configuring microvm" -- \
			"$QHARD" build -q --profile "$ROOT/configure-profiles/profiles/microvm.ini" \
			--qemu-src "$2" --build-dir "$T_TMP/$1-microvm-build"
		expect_grep "cannot link the profile's closure, not building: .*pc_madt_cpu_entry" \
			"$T_TMP/err" "$1: the defect is named"
		[ ! -e "$T_TMP/$1-microvm-build/build.ninja" ] && pass "$1: nothing configured" ||
			fail "$1: a build dir was configured"
	fi
}

for rel in $RELEASES; do
	src=$(sh "$ROOT/mk/qemu-src.sh" "$QHARD_CACHE" "$rel")
	case $? in
	0) ;;
	4) echo "ok - # SKIP QEMU $rel: not tested, QHARD_QEMU_SRC names no QEMU $rel tree"; continue ;;
	*) fail "QEMU $rel: mk/qemu-src.sh could not get Debian's source"; continue ;;
	esac
	pass "QEMU $rel source at $src ($(cat "$src/VERSION"))"
	IT="$QHARD_CACHE/profile-it/$rel"
	mkdir -p "$IT"
	for p in kvm-virtio-minimal openstack-ide-e1000 microvm aarch64-virt-virtio; do
		check_profile "$rel" "$src" "$p"
	done
	check_device_sets "$rel"
	check_quirks "$rel" "$src"
	check_link_defects "$rel" "$src"
	check_explain "$rel" "$src"
	if python3 "$ROOT/tests/tools/kconfig_diff.py" "$src" "$EVAL" "$TRIALS" 1 > "$T_TMP/diff" 2>&1; then
		pass "$rel: $(tail -n 1 "$T_TMP/diff")"
	else
		fail "$rel: qhard's Kconfig evaluator differs from minikconf.py"
		sed 's/^/# /' "$T_TMP/diff" | tail -30
	fi
done
finish
