#!/bin/sh
# run-main.sh QHARD - `make run`: fetch Debian's QEMU source (apt-get source,
# via mk/qemu-src.sh), build the shipped kvm-virtio-minimal profile with
# `qhard build` into $QHARD_CACHE/build-kvm-virtio-minimal and print the
# report. A second run reuses the configured build dir (--reuse) and ccache.
set -eu
qhard=$1
: "${QHARD_CACHE:?QHARD_CACHE must be set (the Makefile exports it)}"
top=$(cd "$(dirname "$0")/.." && pwd)
src=$(sh "$top/mk/qemu-src.sh" "$QHARD_CACHE")
jobs=$(nproc 2>/dev/null || echo 2)
set +e
"$qhard" build --profile "$top/configure-profiles/profiles/kvm-virtio-minimal.ini" \
	--qemu-src "$src" --build-dir "$QHARD_CACHE/build-kvm-virtio-minimal" \
	--reuse --jobs "$jobs"
rc=$?
echo "qhard build exit code: $rc"
exit $rc
