#!/bin/sh
# Deep checks through the CLI (qhard checksec --deep, qhard gate --deep): a
# program whose weak.c
# unit lacks the hardening flags; the JSON report names exactly that unit's
# functions, the FORTIFY sites carry weak.c and the marked lines, and the
# SARIF results carry the functions as locations.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures/deep" && pwd)
CC=${CC_UNDER_TEST:-cc}
HARD="-O2 -g -fstack-protector-strong -fstack-clash-protection -fcf-protection=full -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3"
WEAK="-O2 -g -fno-stack-protector -fno-stack-clash-protection -fcf-protection=none -U_FORTIFY_SOURCE"

( cd "$T_TMP" && $CC $HARD -c "$FIX/hard.c" "$FIX/main.c" &&
  $CC $WEAK -c "$FIX/weak.c" && $CC -pie -o fx hard.o main.o weak.o ) ||
	{ fail "compile the fixture with $CC"; finish; }

json_get() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

"$QHARD" gate --deep --format json -o "$T_TMP/r.json" "$T_TMP/fx"
CHK="d['results'][0]['checks']"
got=$(json_get "$T_TMP/r.json" "' '.join(sorted($CHK['canary-coverage']['value']['unprotected']))")
[ "$got" = "weak_copy weak_ptr weak_vla" ] && pass "canary-coverage names weak.c's functions" ||
	fail "canary-coverage unprotected: '$got'"
got=$(json_get "$T_TMP/r.json" "' '.join(sorted($CHK['ibt-coverage']['value']['missing']))")
[ "$got" = "weak_big weak_cb weak_copy weak_indirect weak_ptr weak_vla" ] &&
	pass "ibt-coverage names weak.c's functions" || fail "ibt-coverage missing: '$got'"
got=$(json_get "$T_TMP/r.json" "' '.join(sorted($CHK['stack-clash-coverage']['value']['unprobed']))")
[ "$got" = "weak_big weak_vla" ] && pass "stack-clash-coverage names weak.c's functions" ||
	fail "stack-clash-coverage unprobed: '$got'"
got=$(json_get "$T_TMP/r.json" "$CHK['stack-clash']['value']")
[ "$got" = "no" ] && pass "contract stack-clash filled from the deep pass" || fail "stack-clash: '$got'"

want=$(grep -n FORTIFY-SITE "$FIX/weak.c" | cut -d: -f1 | sed 's/^/weak.c:/' | tr '\n' ' ')
got=$(json_get "$T_TMP/r.json" "' '.join(s['file'].rsplit('/',1)[-1]+':'+str(s['line']) for s in $CHK['fortify-sites']['value']['sites'])")
[ "$got " = "$want" ] && pass "fortify-sites: $got" || fail "fortify-sites '$got', wanted '$want'"

"$QHARD" gate --deep --format sarif -o "$T_TMP/r.sarif" "$T_TMP/fx"
got=$(json_get "$T_TMP/r.sarif" "' '.join(sorted(l['name'] for r in d['runs'][0]['results'] if r['ruleId']=='canary-coverage' for loc in r.get('locations',[]) for l in loc.get('logicalLocations',[])))")
[ "$got" = "weak_copy weak_ptr weak_vla" ] && pass "SARIF carries the functions" ||
	fail "SARIF canary-coverage locations: '$got'"
got=$(json_get "$T_TMP/r.sarif" "' '.join(l['physicalLocation']['artifactLocation']['uri'].rsplit('/',1)[-1]+':'+str(l['physicalLocation']['region']['startLine']) for r in d['runs'][0]['results'] if r['ruleId']=='fortify-sites' for l in r.get('relatedLocations',[]))")
[ "$got " = "$want" ] && pass "SARIF carries the FORTIFY sites' file:line" ||
	fail "SARIF fortify-sites related locations '$got', wanted '$want'"

# qhard checksec --deep: the same findings, and the debug root option.
"$QHARD" checksec --deep --debug-root=/nonexistent --format json "$T_TMP/fx" >"$T_TMP/c.json"
got=$(json_get "$T_TMP/c.json" "' '.join(sorted($CHK['canary-coverage']['value']['unprotected']))")
[ "$got" = "weak_copy weak_ptr weak_vla" ] && pass "checksec --deep names weak.c's functions" ||
	fail "checksec --deep canary-coverage: '$got'"
"$QHARD" checksec --format json "$T_TMP/fx" >"$T_TMP/n.json"
got=$(json_get "$T_TMP/n.json" "'canary-coverage' in $CHK")
[ "$got" = "False" ] && pass "no deep checks without --deep" || fail "deep ids without --deep"

# The text report summarises: each deep check under the line with its
# functions at file:line, no JSON dumped on the line, lines under 200
# columns; --verbose lists everything.
# text_shape FILE: "LINES LONGEST"
text_shape() { awk '{ if (length($0) > m) m = length($0) } END { print NR, m }' "$1"; }
"$QHARD" checksec --deep --color=never "$T_TMP/fx" >"$T_TMP/t.txt"
expect_grep "^      at weak_copy (.*weak.c:[0-9]*) 0x" "$T_TMP/t.txt" "text --deep: functions at file:line"
expect_grep "^    warn stack-clash-coverage: " "$T_TMP/t.txt" "text --deep: a summary line per deep check"
if grep -q 'coverage={' "$T_TMP/t.txt"; then fail "text --deep dumps JSON records"; else
	pass "text --deep: no JSON on the file's line"; fi
set -- $(text_shape "$T_TMP/t.txt")
[ "$2" -lt 200 ] && pass "text --deep: longest line $2 columns" || fail "text --deep: a line of $2 columns"
# A QEMU-sized binary (Debian's, from deps/build.txt): a screenful.
q=/usr/bin/qemu-system-x86_64
if [ -f "$q" ]; then
	"$QHARD" checksec --deep --color=never "$q" >"$T_TMP/q.txt"
	set -- $(text_shape "$T_TMP/q.txt")
	[ "$1" -le 50 ] && [ "$2" -lt 200 ] &&
		pass "text --deep on $q: $1 lines, the longest $2 columns" ||
		fail "text --deep on $q: $1 lines, the longest $2 columns"
	"$QHARD" checksec --deep --verbose --color=never "$q" >"$T_TMP/qv.txt"
	set -- $(text_shape "$T_TMP/qv.txt")
	n=$("$QHARD" checksec --deep --format json "$q" | python3 -c \
		"import json,sys; print(len(json.load(sys.stdin)['results'][0]['checks']['ibt-coverage']['value']['missing']))")
	last=$("$QHARD" checksec --deep --format json "$q" | python3 -c \
		"import json,sys; print(json.load(sys.stdin)['results'][0]['checks']['ibt-coverage']['value']['missing'][-1])")
	grep -q "$last" "$T_TMP/qv.txt" && [ "$2" -lt 200 ] &&
		pass "--verbose lists all $n names ($1 lines, the longest $2 columns)" ||
		fail "--verbose: '$last' missing or a line of $2 columns"
else
	echo "# $q not installed (deps/build.txt has qemu-system-x86): QEMU-sized case skipped"
fi
finish
