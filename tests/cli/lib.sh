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
