#!/bin/sh
# run.sh - run unit test programs and CLI test scripts; print one summary
# line "N passed, N failed" (each program or script counts once).
# usage: run.sh UNIT_BIN... -- SCRIPT...
# Environment for scripts: QHARD (the binary), B (build dir), CC_UNDER_TEST.
set -u
pass=0 fail=0 failed=""
export QHARD B CC_UNDER_TEST
mode=unit
for t in "$@"; do
	if [ "$t" = "--" ]; then mode=cli; continue; fi
	echo "=== $t"
	if [ "$mode" = unit ]; then "./$t"; else sh "$t"; fi
	if [ $? -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
[ -n "$failed" ] && echo "FAILED:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
