#!/bin/sh
# The tool binary links neither capstone, libbfd, libdw nor libarchive: the
# deep checks and package reading come from the deep and pkg modules, opened
# on first use (lib/modules.h). Checked here: what each object names in
# DT_NEEDED (what dpkg-shlibdeps sees), that the modules are as hardened as
# the tool, and the errors for a missing or foreign module.
. "$(dirname "$0")/lib.sh"
mods="$B/modules"
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }

tool=$(needed "$QHARD")
case $tool in *capstone*|*libbfd*|*libdw*|*libarchive*)
	fail "qhard itself needs only the light libraries (has: $tool)" ;;
*) pass "qhard itself needs only the light libraries ($tool)" ;;
esac
deep=$(needed "$mods/deep.so")
case $deep in *libcapstone*libdw*|*libdw*libcapstone*)
	case $deep in *libbfd*) pass "deep.so names capstone, libdw and libbfd" ;;
	*) fail "deep.so names libbfd ($deep)" ;; esac ;;
*) fail "deep.so names capstone and libdw ($deep)" ;;
esac
case $(needed "$mods/pkg.so") in *libarchive*) pass "pkg.so names libarchive" ;;
*) fail "pkg.so names libarchive" ;; esac
expect_exit 0 "the modules pass the default policy" -- \
	"$QHARD" checksec "$mods/deep.so" "$mods/pkg.so"

# Missing module: one clear error and exit 2 before any file is read.
for cmd in "checksec --deep $QHARD" "gate --deep $QHARD" "audit --deep --root $T_TMP"; do
	# shellcheck disable=SC2086
	expect_exit 2 "${cmd%% *} --deep without the module: exit 2" -- \
		env QHARD_MODULE_DIR="$T_TMP/none" "$QHARD" $cmd
	expect_grep "cannot load the deep module: $T_TMP/none/deep.so" "$T_TMP/err" \
		"${cmd%% *} --deep: the error names the module path"
done

# A module of another qhard version is refused (it is handed struct
# qh_elf and qh_result, which are no stable ABI).
mkdir -p "$T_TMP/old"
printf 'const char qh_module_version[] = "0.0.1";\nint qh_deep_run(void) { return 0; }\n' >"$T_TMP/old.c"
if ${CC_UNDER_TEST:-cc} -shared -fPIC -o "$T_TMP/old/deep.so" "$T_TMP/old.c"; then
	expect_exit 2 "a module from another version is refused" -- \
		env QHARD_MODULE_DIR="$T_TMP/old" "$QHARD" checksec --deep "$QHARD"
	expect_grep "deep.so is from qhard 0.0.1, this is qhard" "$T_TMP/err" \
		"the error gives both versions"
else
	fail "compile a stand-in module"
fi

# Package reading without pkg.so: that input is an error (exit 3), the
# other inputs are still reported.
mkdir -p "$T_TMP/pkg"
cp "$QHARD" "$T_TMP/pkg/qhard"
tar -C "$T_TMP/pkg" -czf "$T_TMP/p.tar.gz" qhard
expect_exit 3 "gate on a package without pkg.so: exit 3" -- \
	env QHARD_MODULE_DIR="$T_TMP/none" "$QHARD" gate --format json "$T_TMP/p.tar.gz" "$QHARD"
expect_grep "cannot load the pkg module" "$T_TMP/out" "the package's error says why"
expect_grep "\"path\": *\"$QHARD\"" "$T_TMP/out" "the plain file is still reported"
expect_exit 0 "with pkg.so the same package passes" -- "$QHARD" gate "$T_TMP/p.tar.gz"
finish
