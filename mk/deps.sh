#!/bin/sh
# deps.sh - install the Debian packages listed in deps/*.txt that are missing.
# One package per line; '#' starts a comment. Uses sudo when not root.
# Set QHARD_NO_DEPS=1 to skip (packagers who install deps themselves).
#
# deps/minimum-versions lists "PACKAGE VERSION" pairs: where the installed
# package is older (meson on Debian 12: QEMU 10 needs >= 1.5), it comes from
# bookworm-backports, whose entry this script adds to apt's sources
# (/etc/apt/sources.list.d/qhard-bookworm-backports.sources). apt never
# takes a backport unless asked with -t, so nothing else changes.
set -eu
[ "${QHARD_NO_DEPS:-0}" = 1 ] && exit 0
here=$(dirname "$0")/..
want=$(cat "$here"/deps/*.txt | sed 's/#.*//' | tr -s ' \t' '\n\n' | grep -v '^$' | sort -u)
missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
# packages installed but older than deps/minimum-versions wants
too_old=""
while read -r p min; do
	case $p in ''|'#'*) continue ;; esac
	have=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
	if [ -z "$have" ] || dpkg --compare-versions "$have" lt "$min"; then
		too_old="$too_old $p"
	fi
done < "$here/deps/minimum-versions"
[ -z "$missing" ] && [ -z "$too_old" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
bpo=/etc/apt/sources.list.d/qhard-bookworm-backports.sources
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
if [ -n "$too_old" ] && [ "$codename" = bookworm ] && [ ! -f "$bpo" ] &&
	! grep -Eqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/*; then
	echo "deps: adding bookworm-backports to apt's sources ($bpo) for:$too_old"
	$SUDO tee "$bpo" >/dev/null <<'EOF'
# Added by qhard (mk/deps.sh): QEMU 10 needs meson >= 1.5; Debian 12 has
# 1.0.1, bookworm-backports 1.7. apt installs a backport only when asked
# with -t bookworm-backports.
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
$SUDO apt-get update -qq
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing
fi
if [ -n "$too_old" ]; then
	echo "deps: installing newer:$too_old"
	if [ "$codename" = bookworm ]; then
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports $too_old
	else
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -qq --no-install-recommends $too_old
	fi
fi
