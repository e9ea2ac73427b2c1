#!/bin/sh
# releases.sh - build every shipped profile on every tested QEMU release and
# print one table row each: Kconfig symbols, non-CPU devices the emulator
# lists (against the distro emulator), hw/ units linked against the
# default-devices build of the same release, build time. Not part of `make
# check` (a dozen full QEMU builds): run it by hand, with the machine to
# itself, to refresh the README's table.
#
#   sh bench/releases.sh [QHARD] [RELEASES] [PROFILES]
#
# Build dirs: $QHARD_CACHE/releases/<release>-<profile> (reused).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
qhard=${1:-$top/build/qhard}
releases=${2:-7.2 10.0 10.2}
profiles=${3:-kvm-virtio-minimal openstack-ide-e1000 microvm aarch64-virt-virtio}
: "${QHARD_CACHE:=$top/.cache}"
export QHARD_CACHE
out="$QHARD_CACHE/releases"
mkdir -p "$out"
jobs=$(nproc 2>/dev/null || echo 2)
echo "| release | profile | symbols | non-CPU devices (distro) | hw/ units linked (default build) | build time |"
echo "|---|---|---|---|---|---|"
for rel in $releases; do
	src=$(sh "$top/mk/qemu-src.sh" "$QHARD_CACHE" "$rel")
	for p in $profiles; do
		d="$out/$rel-$p"
		"$qhard" build -q --profile "$top/configure-profiles/profiles/$p.ini" \
			--qemu-src "$src" --build-dir "$d" --reuse -j "$jobs" \
			--format json > "$d.json" 2> "$d.err" || true
		python3 - "$d.json" "$rel" "$p" <<'PY' || echo "| $rel | $p | not built: $(grep -m1 'qhard build:\|FAILED\|error:' "$d.err" "$d/qhard-ninja.log" 2>/dev/null | cut -c1-160 | tr '|' '/') | | | |"
import json, sys
r = json.load(open(sys.argv[1]))
b = r["build"]
t = next(iter(b["devices"].values()))
hw, distro = t.get("hw_units", {}), t.get("distro") or {}
print("| %s (%s) | %s | %s | %s (%s: %s) | %s (%s) | %.1f min |" % (
    sys.argv[2], b["qemu"]["version"], sys.argv[3], t.get("closure_symbols", "?"),
    t.get("present_count", "?"), distro.get("version", "?"), distro.get("device_count", "?"),
    hw.get("linked", "?"), hw.get("reference", "?"), b["time"]["compile_s"] / 60))
PY
	done
done
