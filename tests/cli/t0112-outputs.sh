#!/bin/sh
# -o/--output [FORMAT=]PATH on every report-writing command (tool/outputs.h):
# one run writes each extra format exactly as a run in that format alone
# would, stdout keeps the --format report, and a bad spec writes nothing.
. "$(dirname "$0")/lib.sh"
printf 'int main(void) { return 0; }\n' >"$T_TMP/m.c"
${CC_UNDER_TEST:-cc} -o "$T_TMP/bin" "$T_TMP/m.c" || fail "build fixture"
mkdir -p "$T_TMP/root/usr/bin"
cp "$T_TMP/bin" "$T_TMP/root/usr/bin/qemu-system-x86_64"

# same_as_alone CMD...: CMD with -o json=, sarif=, junit=, csv= against CMD
# -f FORMAT for each, and stdout against CMD alone.
same_as_alone() {
	what=$1; shift
	rm -rf "$T_TMP/o"; mkdir "$T_TMP/o"
	"$QHARD" "$@" -f text -o json="$T_TMP/o/r.json" -o sarif="$T_TMP/o/r.sarif" \
		--output junit="$T_TMP/o/r.xml" -o csv="$T_TMP/o/r.csv" \
		>"$T_TMP/o/stdout" 2>"$T_TMP/o/stderr"
	rc=$?
	"$QHARD" "$@" -f text >"$T_TMP/alone.text" 2>/dev/null
	rc_alone=$?
	[ $rc -eq $rc_alone ] && pass "$what: same exit status ($rc)" ||
		fail "$what: exit $rc with outputs, $rc_alone without"
	cmp -s "$T_TMP/o/stdout" "$T_TMP/alone.text" && pass "$what: stdout unchanged" ||
		fail "$what: stdout differs"
	for f in json:r.json sarif:r.sarif junit:r.xml csv:r.csv; do
		fmt=${f%%:*} file=${f#*:}
		"$QHARD" "$@" -f "$fmt" >"$T_TMP/alone.$fmt" 2>/dev/null
		cmp -s "$T_TMP/o/$file" "$T_TMP/alone.$fmt" && pass "$what: $fmt file = -f $fmt" ||
			fail "$what: $fmt file differs from -f $fmt"
	done
	[ "$(ls "$T_TMP/o" | grep -c tmp-)" -eq 0 ] && pass "$what: no temporary file left" ||
		fail "$what: temporary files left: $(ls "$T_TMP/o")"
}

same_as_alone checksec checksec "$T_TMP/bin"
same_as_alone gate gate "$T_TMP/bin"
same_as_alone audit audit --root "$T_TMP/root"

# A bare PATH takes the --format report (gate's -o FILE of old, now everywhere).
for cmd in "checksec $T_TMP/bin" "gate $T_TMP/bin" "audit --root $T_TMP/root"; do
	name=${cmd%% *}
	# shellcheck disable=SC2086
	"$QHARD" $cmd -f json -o "$T_TMP/bare-$name.json" >"$T_TMP/bare.stdout" 2>/dev/null
	# shellcheck disable=SC2086
	"$QHARD" $cmd -f json >"$T_TMP/bare-alone.json" 2>/dev/null
	cmp -s "$T_TMP/bare-$name.json" "$T_TMP/bare-alone.json" && [ ! -s "$T_TMP/bare.stdout" ] &&
		pass "$name: -o PATH takes the --format report off stdout" ||
		fail "$name: -o PATH"
done

# Usage errors: nothing written, exit 2, for every command that has -o.
for cmd in "checksec $T_TMP/bin" "gate $T_TMP/bin" "audit --root $T_TMP/root" "build -p x -s /nonexistent"; do
	name=${cmd%% *}
	# shellcheck disable=SC2086
	expect_exit 2 "$name: unknown format in -o" -- "$QHARD" $cmd -o yaml="$T_TMP/y.yaml"
	expect_grep "unknown format 'yaml'" "$T_TMP/err" "$name: says which format"
	# shellcheck disable=SC2086
	expect_exit 2 "$name: -o json=- (stdout is --format's)" -- "$QHARD" $cmd -o json=-
done
[ ! -e "$T_TMP/y.yaml" ] && pass "no file for a refused spec" || fail "y.yaml written"
expect_exit 2 "checksec: an output that cannot be created" -- \
	"$QHARD" checksec -o json="$T_TMP/no/such/dir/r.json" "$T_TMP/bin"
expect_grep "No such file" "$T_TMP/err" "names why"

# Short options mean the same everywhere: -f format, -P policy, -o output.
for c in checksec build audit gate; do
	"$QHARD" $c --help >"$T_TMP/help"
	for o in "-f, --format" "-P, --policy" "-o, --output"; do
		grep -q -- "$o" "$T_TMP/help" && pass "$c: $o" || fail "$c --help lacks '$o'"
	done
done
finish
