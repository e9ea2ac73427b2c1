#!/bin/sh
# deb.sh OUTDIR - build qhard's Debian package as from a clean checkout,
# check it with lintian, and gate it with the qhard it contains.
#
# The source is copied to OUTDIR/qhard-VERSION first: the files git knows
# (tracked, and new ones not ignored), so neither build/ nor .cache/ nor a
# half-built obj-*/ gets in, and dpkg-buildpackage writes its .deb,
# .changes and .buildinfo into OUTDIR instead of the checkout's parent.
# Without git (an unpacked tarball), everything but the build dirs is
# copied. The package builds with the distribution's compiler and
# dpkg-buildflags: CC, CFLAGS and the make command line of a caller such as
# `make asan` are not handed down.
#
# Compiles go through ccache when it is installed (its gcc masquerade in
# /usr/lib/ccache, so the build log and blhc still see gcc), so a rebuild
# of unchanged sources is mostly cache hits.
#
# Environment: DEB_BUILD_OPTIONS (nocheck, parallel=N; default parallel is
# the number of CPUs), LINTIAN=no to skip lintian, QHARD_DEB_GATE=no to skip
# the gate, QHARD_DEB_CCACHE=no to compile without ccache.
set -eu
out=${1:?usage: deb.sh OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cd "$top" && dpkg-parsechangelog -S Version)
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage="$out/qhard-$version"
rm -rf "$stage" "$out"/qhard_* "$out"/qhard-dbgsym_*
mkdir -p "$stage"

if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$top" && git ls-files --cached --others --exclude-standard |
		while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done |
		tar -cf - -T -) | tar -xf - -C "$stage"
else
	(cd "$top" && tar -cf - --exclude=./build --exclude='./build-*' \
		--exclude=./.cache --exclude='./obj-*' .) | tar -xf - -C "$stage"
fi

echo "deb: building qhard $version in $stage"
if [ "${QHARD_DEB_CCACHE:-yes}" != no ] && [ -d /usr/lib/ccache ]; then
	# paths under the copy are hashed relative to it (with the build
	# flags' -ffile-prefix-map), so OUTDIR may change between builds; the
	# cache is named, since debhelper gives the build a HOME of its own
	CCACHE_DIR=$(ccache -k cache_dir)
	PATH="/usr/lib/ccache:$PATH" CCACHE_BASEDIR="$stage"
	export PATH CCACHE_BASEDIR CCACHE_DIR
fi
(cd "$stage" && unset CC CXX CFLAGS CPPFLAGS LDFLAGS EXTRA_CFLAGS EXTRA_LDFLAGS \
	MAKEFLAGS MFLAGS MAKELEVEL B &&
	dpkg-buildpackage -us -uc -b -Jauto) >"$out/build.log" 2>&1 || {
	tail -40 "$out/build.log"
	echo "deb: dpkg-buildpackage failed; the log is $out/build.log" >&2
	exit 1
}
changes=$(ls "$out"/qhard_"$version"_*.changes)
deb=$(ls "$out"/qhard_"$version"_*.deb)
echo "deb: built $deb"

if [ "${LINTIAN:-yes}" != no ]; then
	# errors fail the build; warnings and info are listed
	lintian --fail-on error --display-info "$changes" | tee "$out/lintian.log"
	echo "deb: lintian: $(grep -c '^E:' "$out/lintian.log") errors, $(grep -c '^W:' "$out/lintian.log") warnings"
fi

if [ "${QHARD_DEB_GATE:-yes}" != no ]; then
	# The package's own qhard, unpacked, gates the package: its binary and
	# modules under the default policy (the OpenStack guide's list).
	root="$out/root"
	rm -rf "$root"
	dpkg-deb -x "$deb" "$root"
	moddir=$(cd "$root" && ls -d usr/lib/*/qhard)
	QHARD_MODULE_DIR="$root/$moddir" QHARD_DATADIR="$root/usr/share/qhard" \
		"$root/usr/bin/qhard" gate --policy openstack-guide "$deb"
fi
