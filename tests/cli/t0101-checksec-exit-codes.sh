#!/bin/sh
# Exit codes per the contract: 0 pass, 1 policy fail, 2 usage, 3 input error
# (the highest wins, and every other input is still reported).
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
fx="$B/fixtures"
sh "$root/tests/fixtures/build.sh" "$fx" || { fail "fixtures built"; finish; }

expect_exit 0 "hardened binary passes the default policy" -- "$QHARD" checksec "$fx/gcc-hardened"
expect_exit 0 "clang hardened binary passes too" -- "$QHARD" checksec "$fx/clang-hardened"
expect_exit 1 "no canary fails the default policy" -- "$QHARD" checksec "$fx/gcc-nossp"
expect_grep "canary=no" "$T_TMP/out" "text output names the failing check"
expect_exit 1 "lazy binding (partial RELRO) fails" -- "$QHARD" checksec "$fx/gcc-relro-lazy"
expect_exit 1 "non-PIE fails" -- "$QHARD" checksec "$fx/gcc-nopie"
expect_exit 3 "missing file: exit 3" -- "$QHARD" checksec "$fx/gcc-hardened" "$T_TMP/no-such-file"
expect_grep "gcc-hardened" "$T_TMP/out" "the good file is still reported"
expect_grep "No such file" "$T_TMP/out" "the missing file has its own error"
expect_exit 3 "error beats fail" -- "$QHARD" checksec "$fx/gcc-nossp" "$T_TMP/no-such-file"

expect_exit 2 "no PATH" -- "$QHARD" checksec
expect_exit 2 "unknown format" -- "$QHARD" checksec --format yaml "$fx/gcc-hardened"
expect_exit 2 "bad --jobs" -- "$QHARD" checksec -j 0 "$fx/gcc-hardened"
expect_exit 2 "bad --color" -- "$QHARD" checksec --color=sometimes "$fx/gcc-hardened"
expect_exit 2 "missing policy file" -- "$QHARD" checksec --policy "$T_TMP/nope.ini" "$fx/gcc-hardened"
printf '[checks]\nno-such-check = required\n' >"$T_TMP/bad.ini"
expect_exit 2 "policy with an unknown check id" -- "$QHARD" checksec --policy "$T_TMP/bad.ini" "$fx/gcc-hardened"

# A policy can make a failing check pass the gate (ignore) or fail it.
printf '[checks]\ncanary = ignore\nrelro = ignore\n' >"$T_TMP/lax.ini"
expect_exit 0 "policy ignoring canary and relro" -- "$QHARD" checksec --policy "$T_TMP/lax.ini" "$fx/gcc-nossp"
printf '[checks]\nstripped = required\n' >"$T_TMP/strict.ini"
expect_exit 1 "policy requiring stripped" -- "$QHARD" checksec --policy "$T_TMP/strict.ini" "$fx/gcc-hardened"
expect_exit 0 "stripped binary passes that policy" -- "$QHARD" checksec --policy "$T_TMP/strict.ini" "$fx/stripped"
finish
