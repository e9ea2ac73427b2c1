#!/bin/sh
# Every fixture of tests/fixtures/fixtures.tab (gcc, clang, aarch64, i686,
# s390x, arm, mips, ppc64le; compiled now, some edited by malform.py) is
# reported exactly as it was built.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
fx="$B/fixtures"
if sh "$root/tests/fixtures/build.sh" "$fx"; then pass "fixtures built"; else fail "fixtures built"; finish; fi

# -r skips build.log and the stamp (not ELF) silently; exit 1: some
# fixtures fail the default policy on purpose.
expect_exit 1 "checksec -r over the fixtures" -- "$QHARD" checksec -r --format json "$fx"
cp "$T_TMP/out" "$T_TMP/report.json"
if python3 "$root/tests/fixtures/expect.py" "$root/tests/fixtures/fixtures.tab" "$T_TMP/report.json" >"$T_TMP/expect.log"; then
	pass "every fixture matches its build flags ($(tail -1 "$T_TMP/expect.log"))"
else
	fail "fixture expectations"; grep '^not ok' "$T_TMP/expect.log" | sed 's/^/# /' | head -40
fi
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(any(r["error"] for r in d["results"]))' "$T_TMP/report.json"; then
	pass "-r skipped the non-ELF files instead of reporting errors"
else
	fail "-r reported errors for non-ELF files"
fi

# The same answers through every thread count, in the same order.
"$QHARD" checksec -r -j 1 "$fx" >"$T_TMP/j1.txt" 2>&1
"$QHARD" checksec -r -j 7 "$fx" >"$T_TMP/j7.txt" 2>&1
if cmp -s "$T_TMP/j1.txt" "$T_TMP/j7.txt"; then pass "-j 1 and -j 7 give identical output"; else
	fail "-j 1 and -j 7 differ"; diff "$T_TMP/j1.txt" "$T_TMP/j7.txt" | head -10 | sed 's/^/# /'; fi
finish
