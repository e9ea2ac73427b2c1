#!/bin/sh
# qemu-src.sh CACHE_DIR [NAME] - print the path of Debian's QEMU source tree
# NAME (a row of mk/qemu-versions: 7.2, 10.0, 10.0-bpo, 10.2; default 10.0),
# fetching it with `apt-get source qemu=VERSION` the first time.
#
# - QHARD_QEMU_SRC: trees you already have (colon-separated). A tree whose
#   VERSION is in NAME's series (X.Y) is used as it is and nothing is
#   fetched; when QHARD_QEMU_SRC is set and has no tree of that series the
#   script exits 4 ("not provided"), so offline package builds test exactly
#   the trees they were given and say which ones they did not.
# - Fetching uses a private apt configuration under CACHE_DIR/apt (its own
#   deb-src list and indexes, the system's mirror and keyring): the
#   system's apt sources are not changed, and no root is needed.
# - The version is pinned (see mk/qemu-versions for the one fallback).
# The tree is never modified afterwards: qhard builds out of tree.
set -eu
cache=${1:?usage: qemu-src.sh CACHE_DIR [NAME]}
name=${2:-10.0}
top=$(cd "$(dirname "$0")/.." && pwd)
row=$(awk -v n="$name" '$1 == n' "$top/mk/qemu-versions")
[ -n "$row" ] || { echo "qemu-src: unknown QEMU '$name' (mk/qemu-versions has: $(awk '!/^#/ && NF {printf "%s ", $1}' "$top/mk/qemu-versions"))" >&2; exit 2; }
version=$(echo "$row" | awk '{print $2}')
suites=$(echo "$row" | awk '{for (i = 3; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : "")}')
series=${name%%-*}

# the series of a tree: "10.0" from VERSION 10.0.13
tree_series() { sed -n '1s/^\([0-9]*\.[0-9]*\).*/\1/p' "$1/VERSION" 2>/dev/null; }

if [ -n "${QHARD_QEMU_SRC:-}" ]; then
	old_ifs=$IFS
	IFS=:
	for t in $QHARD_QEMU_SRC; do
		if [ -f "$t/VERSION" ] && [ "$(tree_series "$t")" = "$series" ]; then
			IFS=$old_ifs
			(cd "$t" && pwd)
			exit 0
		fi
	done
	IFS=$old_ifs
	echo "qemu-src: QHARD_QEMU_SRC has no QEMU $series tree" >&2
	exit 4
fi

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
stamp="$cache/qemu-src-$name.path"
if [ -f "$stamp" ] && [ -f "$(cat "$stamp")/VERSION" ]; then
	cat "$stamp"
	exit 0
fi

# The system's Debian mirror (first http(s) URI ending in /debian), or
# deb.debian.org.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -v '^[[:space:]]*#' | grep -Eo 'https?://[^ ]*/debian/?( |$)' | head -n 1 | sed 's:/* *$::')
mirror=${mirror:-http://deb.debian.org/debian}
apt="$cache/apt"
mkdir -p "$apt/lists/partial" "$apt/archives/partial"
for s in $suites; do
	case $s in
	*-security) echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/debian}/debian-security $s main" ;;
	*) echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main" ;;
	esac
done | sort -u > "$apt/sources.list.$name"
# one list for every row, so one index serves them all
cat "$apt"/sources.list.* | sort -u > "$apt/sources.list.new"
aptopts="-o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=/nonexistent
 -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt -o Dir::Cache::archives=$apt/archives
 -o Debug::NoLocking=1"
[ "$(id -u)" -eq 0 ] && aptopts="$aptopts -o APT::Sandbox::User=root"
update() {
	mv "$apt/sources.list.new" "$apt/sources.list" 2>/dev/null || true
	echo "qemu-src: apt-get update of qhard's deb-src list ($apt/sources.list)" >&2
	# shellcheck disable=SC2086
	apt-get $aptopts update -qq >&2
}
if ! cmp -s "$apt/sources.list.new" "$apt/sources.list" 2>/dev/null; then
	update
fi
rm -f "$apt/sources.list.new"
command -v dpkg-source >/dev/null || {
	echo "qemu-src: dpkg-source is missing (apt-get install dpkg-dev)" >&2
	exit 1
}

work="$cache/qemu-src.tmp"
fetch() {
	rm -rf "$work"
	mkdir -p "$work"
	# shellcheck disable=SC2086
	(cd "$work" && apt-get $aptopts source -qq "$1" >&2)
}
if ! fetch "qemu=$version" 2>"$cache/qemu-src.err"; then
	cat "$cache/qemu-src.err" >&2
	# the pin may be gone from the archive (a point release replaced it):
	# refresh the index, then take the newest version of the same series
	# that the archive serves (the index may list releases it does not)
	update
	got=""
	# shellcheck disable=SC2086
	for v in $(apt-cache $aptopts showsrc qemu 2>/dev/null | sed -n 's/^Version: //p' |
		awk -v s="$series." '{u = $0; sub(/^[0-9]+:/, "", u); if (index(u, s) == 1) print}' |
		sort -u -r -V); do
		if fetch "qemu=$v" 2>>"$cache/qemu-src.err"; then
			got=$v
			break
		fi
	done
	[ -n "$got" ] || {
		echo "qemu-src: qemu=$version is not in the archive, nor any other QEMU $series" >&2
		exit 1
	}
	echo "qemu-src: note: qemu=$version is gone from the archive; took qemu=$got (same series $series)" >&2
fi
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n 1)
[ -n "$dir" ] && [ -f "$dir/VERSION" ] || { echo "qemu-src: apt-get source gave no tree" >&2; exit 1; }
final="$cache/$(basename "$dir")"
rm -rf "$final"
mv "$dir" "$final"
rm -rf "$work" "$cache/qemu-src.err"
echo "$final" > "$stamp"
echo "$final"
