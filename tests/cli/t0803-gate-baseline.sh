#!/bin/sh
# qhard gate --write-baseline / --baseline: record today's verdicts, then
# fail only on regressions. Two binaries: "a" starts hardened, "b" starts
# unhardened (a known failure). Rebuilding "a" unhardened is a regression;
# rebuilding "b" hardened is an improvement; a new unhardened binary is a
# regression; a new device in a build report is a regression.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

mkdir -p "$T_TMP/tree"
hello_hardened "$T_TMP/tree/a" && hello_unhardened "$T_TMP/tree/b" ||
	{ fail "compile fixtures"; finish; }
cd "$T_TMP" || exit 1

expect_exit 1 "without a baseline the known failure fails" -- "$QHARD" gate tree
"$QHARD" gate --write-baseline base.json tree >/dev/null
python3 -c "import json; d=json.load(open('base.json')); assert d['qhard-baseline'] == 1; assert d['results']['tree/b']['checks']['relro'] == 'fail'" &&
	pass "baseline written as JSON with today's verdicts" || fail "baseline content"

expect_exit 0 "same tree against its baseline: known failures only" -- \
	"$QHARD" gate --baseline base.json tree
"$QHARD" gate --baseline base.json --format json -o same.json tree
st=$(json_get same.json "d['results'][1]['checks']['relro']['status'], len(d['baseline']['regressions'])")
[ "$st" = "warn 0" ] && pass "a known failure is reported as warn" || fail "known: $st"

# regress a: only a's checks are regressions
hello_unhardened tree/a
expect_exit 1 "a regression fails the gate" -- "$QHARD" gate --baseline base.json tree
"$QHARD" gate --baseline base.json --format json -o reg.json tree
regs=$(json_get reg.json "' '.join(sorted(set(r['path'] for r in d['baseline']['regressions'])))")
[ "$regs" = "tree/a" ] && pass "only the regressed binary is listed" || fail "regressions in: '$regs'"
checks=$(json_get reg.json "' '.join(sorted(r['check'] for r in d['baseline']['regressions']))")
[ "$checks" = "canary fortify pie relro" ] && pass "its regressed checks: canary fortify pie relro" ||
	fail "regressed checks: '$checks'"
bst=$(json_get reg.json "[c for r in d['results'] for k, c in r['checks'].items() if r['path'] == 'tree/b' and c['status'] == 'fail']")
[ "$bst" = "[]" ] && pass "the known failure still does not fail" || fail "b fails: $bst"
expect_grep "baseline-regression" "$T_TMP/out" "text output names the regression check"

# improve b (and restore a): an improvement, no regression
hello_hardened tree/a && hello_hardened tree/b
expect_exit 0 "an improvement passes" -- "$QHARD" gate --baseline base.json tree
"$QHARD" gate --baseline base.json --format json -o imp.json tree
imp=$(json_get imp.json "' '.join(sorted(r['check'] for r in d['baseline']['improvements'] if r['path'] == 'tree/b'))")
[ "$imp" = "canary fortify pie relro" ] && pass "improvements reported for b" || fail "improvements: '$imp'"

# a new binary must meet the policy in full
hello_unhardened tree/c
expect_exit 1 "a new unhardened binary is a regression" -- \
	"$QHARD" gate --baseline base.json tree
"$QHARD" gate --baseline base.json --format json -o new.json tree
nf=$(json_get new.json "d['baseline']['new_files']")
[ "$nf" = "['tree/c']" ] && pass "new file listed" || fail "new_files: $nf"
rm -f tree/c

# devices from a build report: a new one is a regression
cat >build1.json <<'JSON'
{"schema": 1, "tool": {"name": "qhard", "version": "0.1.0"}, "command": "build",
 "results": [], "summary": {"files": 0, "pass": 0, "fail": 0, "error": 0},
 "devices": ["virtio-net-pci", "virtio-blk-pci"]}
JSON
sed 's/"virtio-blk-pci"/"virtio-blk-pci", "usb-ehci"/' build1.json >build2.json
"$QHARD" gate --write-baseline devbase.json build1.json tree >/dev/null
expect_exit 0 "same devices: pass" -- "$QHARD" gate --baseline devbase.json build1.json tree
expect_exit 1 "a new device fails" -- "$QHARD" gate --baseline devbase.json build2.json tree
"$QHARD" gate --baseline devbase.json --format json -o dev.json build2.json tree
nd=$(json_get dev.json "d['baseline']['new_devices']")
[ "$nd" = "['usb-ehci']" ] && pass "the new device is named" || fail "new_devices: $nd"

# a broken baseline is a usage error
echo '{"results": {}}' >broken.json
expect_exit 2 "not a baseline" -- "$QHARD" gate --baseline broken.json tree
expect_grep "not a qhard baseline" "$T_TMP/err" "says why"
finish
