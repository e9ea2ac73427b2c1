#!/bin/sh
# qemu-src.sh CACHE_DIR - print the path of Debian's QEMU source tree,
# fetching it with `apt-get source qemu` the first time (adds a deb-src
# entry mirroring the system's deb entries when none exists).
# The tree is never modified afterwards: qhard builds out of tree.
set -eu
cache=${1:?usage: qemu-src.sh CACHE_DIR}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
stamp="$cache/qemu-src.path"
if [ -f "$stamp" ] && [ -f "$(cat "$stamp")/VERSION" ]; then
	cat "$stamp"
	exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
have_src() {
	grep -Eqs '^[[:space:]]*Types:.*deb-src' /etc/apt/sources.list.d/*.sources ||
		grep -Eqs '^[[:space:]]*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/*.list
}
if ! have_src; then
	echo "qemu-src: adding a deb-src entry (/etc/apt/sources.list.d/qhard-deb-src.sources)" >&2
	if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
		# deb822: copy the stanzas that have Types: deb, as deb-src
		awk 'BEGIN{RS="";ORS="\n\n"} /(^|\n)Types:[^\n]*deb([ \n]|$)/ {gsub(/Types:[^\n]*/,"Types: deb-src"); print}' \
			/etc/apt/sources.list.d/*.sources | $SUDO tee /etc/apt/sources.list.d/qhard-deb-src.sources >/dev/null
	else
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list |
			$SUDO tee /etc/apt/sources.list.d/qhard-deb-src.list >/dev/null
	fi
	$SUDO apt-get update -qq >&2
fi
command -v dpkg-source >/dev/null || $SUDO apt-get install -y -qq --no-install-recommends dpkg-dev >&2
work="$cache/qemu-src.tmp"
rm -rf "$work"
mkdir -p "$work"
(cd "$work" && apt-get source -qq qemu >&2)
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n 1)
[ -n "$dir" ] && [ -f "$dir/VERSION" ] || { echo "qemu-src: apt-get source qemu gave no tree" >&2; exit 1; }
final="$cache/$(basename "$dir")"
rm -rf "$final"
mv "$dir" "$final"
rm -rf "$work"
echo "$final" > "$stamp"
echo "$final"
