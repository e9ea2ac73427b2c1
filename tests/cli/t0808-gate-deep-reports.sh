#!/bin/sh
# qhard gate --deep with coverage thresholds and coverage regressions
# against a baseline (a binary with one of two units built without
# -fstack-protector still imports __stack_chk_fail, so only coverage shows
# it); saved JSON reports judged again under another policy; qhard build
# reports held to the policy's profile, and their devices in a baseline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"
cd "$T_TMP" || exit 1

for u in a b; do
	printf '#include <stdio.h>\n#include <string.h>\n__attribute__((noinline)) void f%s(const char *s) { char b[32]; strcpy(b, s); puts(b); }\n' $u >u$u.c
done
printf 'void fa(const char *); void fb(const char *);\nint main(int c, char **v) { (void)c; fa(v[0]); fb(v[0]); return 0; }\n' >um.c
cc() { command "$CC_UNDER_TEST" -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fPIE "$@"; }
cc -fstack-protector-strong -c ua.c -o ua.o && cc -fstack-protector-strong -c um.c -o um.o &&
cc -fstack-protector-strong -c ub.c -o ub-p.o && cc -fno-stack-protector -c ub.c -o ub-n.o &&
cc -pie -Wl,-z,relro,-z,now ua.o ub-p.o um.o -o full &&
cc -pie -Wl,-z,relro,-z,now ua.o ub-n.o um.o -o half || { fail "compile fixtures"; finish; }

cat >t90.ini <<'INI'
[checks]
canary-coverage = required
[thresholds]
canary-coverage = 90
INI
sed 's/= 90/= 40/' t90.ini >t40.ini
expect_exit 0 "threshold 90%: fully protected binary passes" -- "$QHARD" gate --deep --policy t90.ini full
expect_exit 1 "threshold 90%: half-protected binary fails" -- "$QHARD" gate --deep --policy t90.ini half
expect_exit 0 "threshold 40%: half-protected binary passes" -- "$QHARD" gate --deep --policy t40.ini half
"$QHARD" gate --deep --policy t90.ini --format json -o th.json half
got=$(json_get th.json "d['results'][0]['checks']['canary-coverage']['reason']")
case "$got" in *"50.0% < policy threshold 90%"*) pass "the reason gives coverage and threshold" ;;
	*) fail "reason: '$got'" ;; esac

# coverage drop against a baseline, under the default policy
mkdir -p tree && cp full tree/prog
"$QHARD" gate --deep --write-baseline cov.json tree >/dev/null
expect_exit 0 "same binary against its baseline" -- "$QHARD" gate --deep --baseline cov.json tree
cp half tree/prog
expect_exit 0 "without a baseline the canary check alone passes the half binary" -- \
	"$QHARD" gate tree
expect_exit 1 "a canary coverage drop is a regression" -- "$QHARD" gate --deep --baseline cov.json tree
"$QHARD" gate --deep --baseline cov.json --format json -o drop.json tree
got=$(json_get drop.json "[(r['check'], r['detail']) for r in d['baseline']['regressions']]")
case "$got" in "[('canary-coverage', 'coverage 100.00% -> 50.00%')]") pass "only the coverage drop regressed" ;;
	*) fail "regressions: $got" ;; esac

# a saved report is judged again from its raw verdicts
hello_unhardened soft
"$QHARD" gate --format json -o saved.json soft
expect_exit 1 "saved report of an unhardened binary fails" -- "$QHARD" gate saved.json
printf '[policy]\ndefault = ignore\n' >lenient.ini
expect_exit 0 "the same report under a lenient policy passes" -- \
	"$QHARD" gate --policy lenient.ini saved.json
"$QHARD" gate --format json -o again.json saved.json
got=$(json_get again.json "d['results'][0]['path'], d['gate']['inputs'][0]['kind']")
[ "$got" = "soft report" ] && pass "results keep their paths; input kind report" || fail "$got"

# build reports: held to the policy's profile
build_report() { # PROFILE-NAME DEVICES...
	name=$1; shift
	devs=$(printf '"%s",' "$@"); devs=${devs%,}
	cat <<JSON
{"schema": 1, "tool": {"name": "qhard", "version": "0.1.0"}, "command": "build",
 "results": [], "summary": {"files": 0, "pass": 0, "fail": 0, "error": 0},
 "build": {"profile": "$name",
           "devices": {"x86_64-softmmu": {"present": [$devs]}}}}
JSON
}
profile="$GATE_SRC_DIR/configure-profiles/profiles/kvm-virtio-minimal.ini"
printf '[policy]\nname = held\nprofile = %s\n' "$profile" >held.ini
build_report kvm-virtio-minimal virtio-net-pci virtio-blk-pci >b-ok.json
build_report everything virtio-net-pci e1000 >b-other.json
expect_exit 0 "build from the policy's profile passes" -- "$QHARD" gate --policy held.ini b-ok.json
expect_exit 1 "build from another profile fails" -- "$QHARD" gate --policy held.ini b-other.json
expect_grep "profile-match" "$T_TMP/out" "the failing check is profile-match"
printf '[policy]\nprofile = no-such-profile.ini\n' >badprof.ini
expect_exit 2 "a policy naming a missing profile is a usage error" -- \
	"$QHARD" gate --policy badprof.ini b-ok.json
"$QHARD" gate --write-baseline devs.json b-ok.json >/dev/null
build_report kvm-virtio-minimal virtio-net-pci virtio-blk-pci e1000 >b-more.json
expect_exit 1 "a device the baseline lacks fails" -- "$QHARD" gate --baseline devs.json b-more.json
"$QHARD" gate --baseline devs.json --format json -o more.json b-more.json
got=$(json_get more.json "d['baseline']['new_devices']")
[ "$got" = "['x86_64-softmmu:e1000']" ] && pass "new device named with its target" || fail "new devices: $got"
finish
