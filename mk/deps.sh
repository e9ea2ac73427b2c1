#!/bin/sh
# deps.sh - install the Debian packages listed in deps/*.txt that are missing.
# One package per line; '#' starts a comment. Uses sudo when not root.
# Set QHARD_NO_DEPS=1 to skip (packagers who install deps themselves).
set -eu
[ "${QHARD_NO_DEPS:-0}" = 1 ] && exit 0
here=$(dirname "$0")/..
want=$(cat "$here"/deps/*.txt | sed 's/#.*//' | tr -s ' \t' '\n\n' | grep -v '^$' | sort -u)
missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
