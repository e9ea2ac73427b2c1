# build_e2e.sh - shared setup of the qhard build end-to-end tests (sourced
# after lib.sh). Each test builds (or reuses, --reuse) its own build dir
# under $QHARD_CACHE, so a CI run builds each once and later runs only
# verify; a missing QEMU source is fetched by mk/qemu-src.sh.
: "${QHARD_CACHE:?QHARD_CACHE must point at the download/build cache}"
# QEMU is built with the system compiler whatever compiler built qhard:
# `make asan` exports CC=clang for qhard itself, and a CC seen by the flag
# probe and by QEMU's configure would change the plan and rebuild QEMU.
unset CC CXX CFLAGS CXXFLAGS LDFLAGS
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PROFILE="$top/configure-profiles/profiles/kvm-virtio-minimal.ini"
# The QEMU release a test builds (mk/qemu-versions): set QEMU_RELEASE
# before sourcing this file; Debian 13's 10.0 unless a test says otherwise.
QEMU_RELEASE=${QEMU_RELEASE:-10.0}
QEMU_SRC=$(sh "$top/mk/qemu-src.sh" "$QHARD_CACHE" "$QEMU_RELEASE")
case $? in
0) ;;
4) echo "ok - # SKIP QEMU $QEMU_RELEASE: not tested, QHARD_QEMU_SRC names no QEMU $QEMU_RELEASE tree"
   exit 0 ;;
*) echo "not ok - QEMU source: mk/qemu-src.sh $QEMU_RELEASE failed"; exit 1 ;;
esac
# Builds of the shared cache dirs take minutes: say so once.
echo "# QEMU source $QEMU_SRC, build dirs under $QHARD_CACHE"

# qbuild NAME ARGS...: qhard build of the shipped profile into
# $QHARD_CACHE/NAME with JSON to $T_TMP/NAME.json; sets $rc.
qbuild() {
	name=$1; shift
	"$QHARD" build --profile "$PROFILE" --qemu-src "$QEMU_SRC" \
		--build-dir "$QHARD_CACHE/$name" --reuse -j2 --format json "$@" \
		>"$T_TMP/$name.json" 2>"$T_TMP/$name.err"
	rc=$?
}

# jpy FILE EXPR: print a Python expression over the report (r = the JSON,
# res(path_substring) = first result whose path contains it,
# chk(result, id) = that check's dict).
jpy() {
	python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def res(sub):
    return next((x for x in r["results"] if sub in x["path"]), None)
def chk(x, cid):
    return (x or {}).get("checks", {}).get(cid, {})
v = eval(sys.argv[2])
print(json.dumps(v) if not isinstance(v, str) else v)
PY
}

# expect_eq GOT WANT DESC
expect_eq() {
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3 (got '$1', wanted '$2')"; fi
}
