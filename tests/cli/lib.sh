# lib.sh - tiny helpers for CLI test scripts (sourced; POSIX sh).
# Each script: . "$(dirname "$0")/lib.sh"; then ok/expect_* calls; then finish.
: "${QHARD:?QHARD must point at the qhard binary}"
: "${B:=build}"
TESTS_PASSED=0
TESTS_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/qhard-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

pass() { TESTS_PASSED=$((TESTS_PASSED + 1)); echo "ok - $*"; }
fail() { TESTS_FAILED=$((TESTS_FAILED + 1)); echo "not ok - $*"; }

# expect_exit CODE DESC -- CMD...
expect_exit() {
	want=$1 desc=$2; shift 3
	"$@" >"$T_TMP/out" 2>"$T_TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then pass "$desc"; else
		fail "$desc (exit $got, wanted $want)"; sed 's/^/# /' "$T_TMP/err" | head -20; fi
}

# expect_grep PATTERN FILE DESC
expect_grep() {
	if grep -q -- "$1" "$2"; then pass "$3"; else fail "$3 (no '$1' in $2)"; sed 's/^/# /' "$2" | head -20; fi
}

finish() {
	echo "# $TESTS_PASSED passed, $TESTS_FAILED failed"
	[ "$TESTS_FAILED" -eq 0 ]
	exit $?
}

# same_verdicts WHAT PYTHON: a limits test's two files, $T_TMP/orig and its
# blown-up copy $T_TMP/many. The copy must be analysed (exit 0 or 1) with
# the very values of the original; PYTHON (lines run with a, b = the two
# results and vb = the copy's check values) adds the test's own asserts.
same_verdicts() {
	for f in orig many; do
		"$QHARD" checksec --format json "$T_TMP/$f" >"$T_TMP/$f.json" 2>"$T_TMP/$f.err"
		echo $? >"$T_TMP/$f.rc"
	done
	rc=$(cat "$T_TMP/many.rc")
	if [ "$rc" -le 1 ]; then pass "$1 analysed (exit $rc)"; else
		fail "$1: exit $rc"; sed 's/^/# /' "$T_TMP/many.err" | head; fi
	python3 - "$T_TMP/orig.json" "$T_TMP/many.json" "$2" <<'PY' >"$T_TMP/cmp" 2>&1
import json, sys
a, b = (json.load(open(p))['results'][0] for p in sys.argv[1:3])
assert b['error'] is None, 'error: %r' % b['error']
assert a['checks'], 'no checks on the original'
va = {k: v.get('value') for k, v in a['checks'].items()}
vb = {k: v.get('value') for k, v in b['checks'].items()}
assert va == vb, 'verdicts differ:\n%r\n%r' % (va, vb)
exec(sys.argv[3])
print('same %d checks' % len(vb))
PY
	if [ $? -eq 0 ]; then pass "$1: $(cat "$T_TMP/cmp")"; else
		fail "$1 changes the verdicts"; sed 's/^/# /' "$T_TMP/cmp" | head -20; fi
}
