#!/bin/sh
# `make install DESTDIR=...`, then qhard checksec on the installed qhard:
# qhard builds itself with the hardening it checks for, so every check the
# default policy requires passes (exit 0), judged by the build under test
# and by the installed binary itself.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$T_TMP/dest"
if make -C "$root" --no-print-directory install B="$B" CC="${CC_UNDER_TEST:-cc}" \
	DESTDIR="$dest" PREFIX=/usr >"$T_TMP/install.log" 2>&1; then
	pass "make install DESTDIR"
else
	fail "make install DESTDIR"; tail -20 "$T_TMP/install.log" | sed 's/^/# /'; finish
fi
bin="$dest/usr/bin/qhard"
[ -x "$bin" ] && pass "installed qhard is executable" || fail "no $bin"
[ -f "$dest/usr/share/man/man1/qhard-checksec.1" ] && pass "qhard-checksec(1) installed" ||
	fail "qhard-checksec(1) installed"
expect_exit 0 "checksec on the installed qhard passes the default policy" -- \
	"$QHARD" checksec --format json "$bin"
python3 - "$T_TMP/out" >"$T_TMP/v.log" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
c = r["checks"]
assert r["type"] == "pie", r["type"]
want = {"relro": "full", "pie": "yes", "nx": "yes", "canary": "yes",
        "textrel": "no", "rwx-segment": "no"}
for k, v in want.items():
    assert c[k]["value"] == v, (k, c[k])
assert c["fortify"]["value"]["fortified"], c["fortify"]
assert all(ch["status"] != "fail" for ch in c.values()), c
PY
if [ $? -eq 0 ]; then pass "installed qhard: full RELRO, PIE, NX, canary, FORTIFY"; else
	fail "installed qhard's values"; sed 's/^/# /' "$T_TMP/v.log"; fi
expect_exit 0 "the installed qhard checks itself" -- "$bin" checksec "$bin"
mods="$dest/usr/lib/qhard"
[ -f "$mods/deep.so" ] && [ -f "$mods/pkg.so" ] && pass "modules installed in \$(MODULEDIR)" ||
	fail "modules installed in $mods"
expect_exit 0 "the installed modules pass the default policy" -- \
	"$bin" checksec "$mods/deep.so" "$mods/pkg.so"
# The installed binary looks for its modules where they are installed, not
# in the build tree (DESTDIR is only a staging root, so point it there).
expect_exit 0 "the installed qhard runs --deep with the installed module" -- \
	env QHARD_MODULE_DIR="$mods" "$bin" checksec --deep --format json "$bin"
expect_grep '"canary-coverage"' "$T_TMP/out" "--deep through the installed module adds the deep checks"
if [ ! -e /usr/lib/qhard/deep.so ]; then
	expect_exit 2 "without it, --deep names the installed module path" -- \
		env -u QHARD_MODULE_DIR "$bin" checksec --deep "$bin"
	expect_grep "/usr/lib/qhard/deep.so" "$T_TMP/err" "the error names /usr/lib/qhard/deep.so"
fi
finish
