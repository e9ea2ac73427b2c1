#!/bin/sh
# checksec -r shows a status line on a terminal (tool/progress.h) and
# nothing when stderr is a file; the report is the same either way.
. "$(dirname "$0")/lib.sh"
command -v script >/dev/null || { echo "ok - skipped: no script(1)"; finish; }
mkdir -p "$T_TMP/tree/sub"
printf 'int main(void) { return 0; }\n' >"$T_TMP/m.c"
for i in 1 2 3 4 5; do
	${CC_UNDER_TEST:-cc} -o "$T_TMP/tree/sub/p$i" "$T_TMP/m.c" || fail "build p$i"
done
echo "not ELF" >"$T_TMP/tree/readme"

# Not a terminal: stderr stays empty.
"$QHARD" checksec -r --format json "$T_TMP/tree" >"$T_TMP/plain.json" 2>"$T_TMP/plain.err"
[ -s "$T_TMP/plain.err" ] && fail "progress written to a file: $(head -c 200 "$T_TMP/plain.err")" ||
	pass "no progress when stderr is not a terminal"

# A terminal (script(1) gives the command a pty): the status line is drawn
# and erased; stdout goes to a file and must not change.
TERM=xterm script -qec "\"$QHARD\" checksec -r -j1 --format json \"$T_TMP/tree\" >\"$T_TMP/tty.json\"" \
	"$T_TMP/typescript" >/dev/null 2>&1
tr '\r' '\n' <"$T_TMP/typescript" >"$T_TMP/screen"
expect_grep 'listing, [0-9]* files' "$T_TMP/screen" "the walk shows how many files it found"
expect_grep '^.\[K\[[1-6]/6\] .*/tree/' "$T_TMP/screen" "files are counted as k of 6 (the walk's entries)"
cmp -s "$T_TMP/plain.json" "$T_TMP/tty.json" && pass "the report is the same on a terminal" ||
	fail "the report differs on a terminal"
last=$(grep "$(printf '\033')" "$T_TMP/screen" | tail -1)
[ "$last" = "$(printf '\033[K')" ] && pass "the line is erased at the end" ||
	fail "the last status line stays: $last"

# TERM=dumb: no escape sequences at all.
TERM=dumb script -qec "\"$QHARD\" checksec -r --format json \"$T_TMP/tree\" >/dev/null" \
	"$T_TMP/dumb" >/dev/null 2>&1
grep -q "$(printf '\033')" "$T_TMP/dumb" && fail "escapes on a dumb terminal" ||
	pass "no status line on a dumb terminal"
finish
