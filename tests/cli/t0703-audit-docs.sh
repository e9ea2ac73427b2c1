#!/bin/sh
# Every audit check id (lib/audit/rules_audit.c) is documented with its reason and
# fix in docs/qhard-audit.1.scd, and every option of `qhard audit --help` has
# a line in the man page.
. "$(dirname "$0")/lib.sh"
top=$(dirname "$0")/../..
ids=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", ".*/\1/p; s/^[[:space:]]*SEBOOL("\([a-z_]*\)".*/sebool-\1/p' "$top/lib/audit/rules_audit.c")
n=0
for id in $ids; do
	n=$((n + 1))
	if awk -v id="$id" '$0 == "*" id "* (high)" || $0 == "*" id "* (medium)" || $0 == "*" id "* (low)" || $0 == "*" id "* (info)" {f=1; next} f && /Why:/ {w=1} f && /Fix:/ {x=1} f && /^\*/ {exit} END {exit !(w && x)}' "$top/docs/qhard-audit.1.scd"; then
		pass "documented: $id"
	else
		fail "not documented with Why/Fix: $id"
	fi
done
[ "$n" -ge 30 ] && pass "$n audit ids found" || fail "only $n audit ids found"
"$QHARD" audit --help >"$T_TMP/help"
for opt in $(grep -o -- '--[a-z-]*' "$T_TMP/help" | sort -u); do
	[ "$opt" = "--help" ] || [ "$opt" = "--version" ] && continue
	grep -q -- "\*$opt\*" "$top/docs/qhard-audit.1.scd" && pass "man page has $opt" || fail "man page lacks $opt"
done
finish
