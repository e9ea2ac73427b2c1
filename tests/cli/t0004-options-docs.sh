#!/bin/sh
# Like curl's test1139: every option of every command (its --help, which
# comes from the option table) is in that command's man page, short and
# long form (*-x*, *--xx* or *-x, --xx*), and every report format of the emitter's table is in the man
# page of each command that takes --format. (The completion is checked
# against --help by t0003.)
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
commands=$("$QHARD" --help | sed -n '/^commands:/,/^$/p' | awk 'NR>1 && NF {print $1}')
[ -n "$commands" ] && pass "commands listed: $(echo $commands)" || fail "no command in qhard --help"
formats=$("$QHARD" checksec --help | sed -n 's/^ *-f, --format=[A-Z]* *report format: \(.*\) (default.*/\1/p' |
	sed 's/ or /, /; s/,//g')
[ "$(echo $formats | wc -w)" -ge 6 ] && pass "formats from the table: $formats" ||
	fail "could not read the formats from checksec --help: '$formats'"
for c in $commands; do
	man="$top/docs/qhard-$c.1.scd"
	[ -f "$man" ] || { fail "$c: no man page $man"; continue; }
	"$QHARD" "$c" --help >"$T_TMP/help" || { fail "$c --help"; continue; }
	n=0
	for long in $(sed -n 's/^  \(-., \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' "$T_TMP/help"); do
		[ "$long" = --help ] || [ "$long" = --version ] && continue
		n=$((n + 1))
		grep -Eq -- "\*(-[a-zA-Z], )?$long\*" "$man" && pass "$c: man page has $long" ||
			fail "$c: man page lacks $long"
	done
	for short in $(sed -n 's/^  \(-[a-zA-Z]\), --.*/\1/p' "$T_TMP/help"); do
		[ "$short" = -h ] && continue
		grep -Eq -- "\*$short(, --[a-z-]+)?\*" "$man" && pass "$c: man page has $short" ||
			fail "$c: man page lacks $short"
	done
	[ $n -gt 0 ] && pass "$c: $n options read from --help" || fail "$c: no option read"
	grep -q -- '--format=FMT *report format\|--format=FMT *output format\|--format=FMT *text, ' "$T_TMP/help" || continue
	for f in $formats; do
		grep -qw -- "$f" "$man" && pass "$c: man page names format $f" ||
			fail "$c: man page lacks format $f"
	done
done
finish
