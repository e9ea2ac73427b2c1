#!/bin/sh
# npm-tools.sh - install the test tools that come from the npm registry
# (tests/tools/npm: package.json and package-lock.json with exact versions
# and integrity hashes) into $QHARD_CACHE/npm with `npm ci`, so every
# machine gets the very same files. Today that is Microsoft's SARIF
# Multitool, a self-contained .NET program shipped through npm (it needs
# Debian's libicu, listed in deps/report.txt). A second run does nothing
# while the lock file is unchanged. npm comes with the machine's Node.js,
# else from Debian's npm package. QHARD_NO_DEPS=1 skips this, like deps.sh.
set -eu
[ "${QHARD_NO_DEPS:-0}" = 1 ] && exit 0
here=$(cd "$(dirname "$0")/.." && pwd)
src=$here/tests/tools/npm
dest=${QHARD_CACHE:-$here/.cache}/npm
tool=$dest/node_modules/.bin/sarif-multitool
if cmp -s "$src/package-lock.json" "$dest/package-lock.json" &&
	"$tool" --version >/dev/null 2>&1; then
	exit 0
fi
if ! command -v npm >/dev/null; then
	echo "npm-tools: installing Debian's npm"
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends npm
fi
echo "npm-tools: npm ci in $dest"
mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
# Install scripts stay off (npm 11 asks for each to be approved): the only
# one, of the platform package, makes its program executable; do that here.
(cd "$dest" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
chmod u+x "$dest"/node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool
echo "npm-tools: $("$tool" --version)"
