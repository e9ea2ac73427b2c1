#!/bin/sh
# run-main.sh QHARD - `make run`: fetch Debian's QEMU source (apt-get source
# of the pinned version, via mk/qemu-src.sh), build the shipped
# kvm-virtio-minimal profile with `qhard build` and print the report.
# QEMU=10.0 (default: Debian 13's), 7.2 (Debian 12's), 10.2 (sid) or
# 10.0-bpo (Debian 12 backports) picks the release (mk/qemu-versions);
# QHARD_QEMU_SRC=DIR uses a tree you already have. The build dir is
# $QHARD_CACHE/build-kvm-virtio-minimal[-RELEASE]; a second run reuses it
# (--reuse) and ccache.
set -eu
qhard=$1
: "${QHARD_CACHE:?QHARD_CACHE must be set (the Makefile exports it)}"
release=${QEMU:-10.0}
top=$(cd "$(dirname "$0")/.." && pwd)
case ${QHARD_QEMU_SRC:-} in
*:*|'')
	src=$(sh "$top/mk/qemu-src.sh" "$QHARD_CACHE" "$release") || {
		echo "make run: no QEMU $release source tree (see above)" >&2
		exit 1
	} ;;
*)	# one tree of the user's: whatever release it is
	[ -f "$QHARD_QEMU_SRC/VERSION" ] || {
		echo "make run: QHARD_QEMU_SRC=$QHARD_QEMU_SRC has no VERSION file" >&2
		exit 1
	}
	src=$(cd "$QHARD_QEMU_SRC" && pwd)
	release=$(sed -n '1s/^\([0-9]*\.[0-9]*\).*/\1/p' "$src/VERSION") ;;
esac
bdir="$QHARD_CACHE/build-kvm-virtio-minimal"
[ "$release" = 10.0 ] || bdir="$bdir-$release"
jobs=$(nproc 2>/dev/null || echo 2)
echo "make run: QEMU $(cat "$src/VERSION") from $src, build dir $bdir"
set +e
"$qhard" build --profile "$top/configure-profiles/profiles/kvm-virtio-minimal.ini" \
	--qemu-src "$src" --build-dir "$bdir" --reuse --jobs "$jobs"
rc=$?
echo "qhard build exit code: $rc"
exit $rc
