#!/bin/sh
# A policy that requires a deep check runs the deep pass without --deep
# (issue 19): strict.ini's stack-clash must fail a binary built without
# -fstack-clash-protection, in checksec and in the gate, never stay a skip
# that passes.
. "$(dirname "$0")/lib.sh"
cd "$T_TMP" || exit 1

# a function with a variable-size frame: the probes (or their absence) show
printf '#include <string.h>\n#include <stdio.h>\n__attribute__((noinline)) void f(int n) { char b[n]; memset(b, 1, (size_t)n); printf("%%d\\n", b[n / 2]); }\nint main(int c, char **v) { (void)v; f(c * 100000); return 0; }\n' > vla.c
cc_=${CC_UNDER_TEST:-gcc}
command "$cc_" -O2 -fPIE -pie -fstack-protector-strong -fstack-clash-protection -Wl,-z,relro,-z,now vla.c -o probed &&
command "$cc_" -O2 -fPIE -pie -fstack-protector-strong -fno-stack-clash-protection -Wl,-z,relro,-z,now vla.c -o unprobed ||
	{ fail "compile fixtures"; finish; }
printf '[policy]\nname = clash\ndefault = warn\n[checks]\nstack-clash = required\n' > clash.ini

stack_clash() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["results"][0]["checks"]["stack-clash"]["status"])' "$1"; }

expect_exit 1 "checksec: a required stack-clash fails the unprobed binary without --deep" -- \
	"$QHARD" checksec --policy clash.ini -f json unprobed
cp "$T_TMP/out" u.json
[ "$(stack_clash u.json)" = fail ] && pass "stack-clash is fail, not skip" || fail "stack-clash is $(stack_clash u.json)"
expect_grep "requires stack-clash: running the deep pass" "$T_TMP/err" "checksec says why it runs the deep pass"
expect_exit 0 "checksec: the probed binary passes" -- "$QHARD" checksec --policy clash.ini -f json probed
cp "$T_TMP/out" p.json
[ "$(stack_clash p.json)" = pass ] && pass "stack-clash is pass on the probed binary" || fail "stack-clash is $(stack_clash p.json)"
expect_exit 1 "gate: the required deep check fails the unprobed binary" -- \
	"$QHARD" gate --policy clash.ini unprobed
expect_grep "requires stack-clash: running the deep pass" "$T_TMP/err" "the gate says why it runs the deep pass"
# the built-in policy requires no deep check: no deep pass, stack-clash skips
# (its exit status is fortify's business: the fixture is not fortified)
"$QHARD" checksec -f json unprobed > d.json 2> d.err
[ "$(stack_clash d.json)" = skip ] && pass "built-in policy: no deep pass" || fail "built-in policy: stack-clash is $(stack_clash d.json)"
finish
