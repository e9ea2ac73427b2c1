# ci-shims.sh - the system steps of a CI runner, for running the CI
# templates' shell here (sourced after lib.sh; puts $T_TMP/shim first on
# PATH). A template's own commands run unchanged; only these are stand-ins:
#   sudo CMD...              runs CMD (the tests run as whoever they run as)
#   apt-get update           does nothing (no archive is touched)
#   apt-get build-dep DIR    apt-get -s build-dep DIR: DIR's Build-Depends
#                            must all be installable (they are installed here)
#   apt-get install X.deb    unpacks X.deb into $T_TMP/shim-root with
#                            dpkg-deb -x and puts a `qhard` on PATH that runs
#                            the unpacked binary with its modules and data
#                            (QHARD_MODULE_DIR, QHARD_DATADIR: the package's
#                            own directories, as if installed in /)
# Any other use fails, so a template cannot depend on what is not emulated.
SHIM_BIN="$T_TMP/shim"
SHIM_ROOT="$T_TMP/shim-root"
mkdir -p "$SHIM_BIN"
export SHIM_BIN SHIM_ROOT
PATH="$SHIM_BIN:$PATH"
export PATH

cat >"$SHIM_BIN/sudo" <<'SH'
#!/bin/sh
exec "$@"
SH
cat >"$SHIM_BIN/apt-get" <<'SH'
#!/bin/sh
# stand-in for apt-get (tests/cli/ci-shims.sh)
cmd="" args=""
for a in "$@"; do
	case $a in
	-y|-qq|-q|--yes|--no-install-recommends) ;;
	-*) echo "apt-get shim: option $a not emulated" >&2; exit 100 ;;
	*) if [ -z "$cmd" ]; then cmd=$a; else args="$args $a"; fi ;;
	esac
done
case $cmd in
update) exit 0 ;;
build-dep)
	# shellcheck disable=SC2086
	exec /usr/bin/apt-get -s build-dep $args >/dev/null ;;
install)
	for d in $args; do
		case $d in
		*.deb) [ -f "$d" ] || { echo "apt-get shim: no file $d" >&2; exit 100; }
			case $d in */*) ;; *) echo "apt-get: $d is a package name, not a file (no archive has qhard)" >&2; exit 100 ;; esac
			dpkg-deb -x "$d" "$SHIM_ROOT" || exit 100 ;;
		*) echo "apt-get shim: installing '$d' from an archive is not emulated" >&2; exit 100 ;;
		esac
	done
	moddir=$(cd "$SHIM_ROOT" && ls -d usr/lib/*/qhard 2>/dev/null | head -n 1)
	[ -x "$SHIM_ROOT/usr/bin/qhard" ] || { echo "apt-get shim: no qhard in the package" >&2; exit 100; }
	cat >"$SHIM_BIN/qhard" <<WRAP
#!/bin/sh
QHARD_MODULE_DIR="$SHIM_ROOT/$moddir" QHARD_DATADIR="$SHIM_ROOT/usr/share/qhard" exec "$SHIM_ROOT/usr/bin/qhard" "\$@"
WRAP
	chmod +x "$SHIM_BIN/qhard" ;;
*) echo "apt-get shim: '$cmd' not emulated" >&2; exit 100 ;;
esac
SH
chmod +x "$SHIM_BIN/sudo" "$SHIM_BIN/apt-get"

# shim_install DEB: what `apt-get install ./DEB` does in a template
shim_install() { "$SHIM_BIN/apt-get" install -y "$1"; }
# shim_reset: nothing installed
shim_reset() { rm -rf "$SHIM_ROOT" "$SHIM_BIN/qhard"; }
