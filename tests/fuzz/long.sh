#!/bin/sh
# long.sh - the long fuzzing runs (one harness at a time, nice 19 so the
# machine stays usable). Each run's CPU time, executions and outcome are
# appended to build-fuzz/cputime.tsv so the totals per harness can be
# reported honestly (tests/fuzz/totals.sh); crashing inputs land in
# build-fuzz/artifacts/NAME/.
# usage: FUZZ_SECONDS=600 sh tests/fuzz/long.sh NAME...   (after make fuzz)
# FUZZ_TIMEOUT (default 30 s) is libFuzzer's per-input limit in wall time:
# at nice 19 next to a busy build a fast input can wait seconds for a CPU.
set -u
: "${FUZZ_B:=build-fuzz}" "${FUZZ_SECONDS:=600}"
here=$(dirname "$0")
# Third-party leaks only (reasons in the file).
LSAN_OPTIONS="suppressions=$(cd "$here/.." && pwd)/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS
tsv=$FUZZ_B/cputime.tsv
# A new build dir starts from the committed ledger, so earlier sessions'
# hours still count (see totals.sh).
[ -f "$tsv" ] || cp "$here/cputime.tsv" "$tsv" 2>/dev/null ||
	printf 'date\tharness\twall_s\tcpu_s\texecs\tresult\n' >"$tsv"
for name in "$@"; do
	bin=$FUZZ_B/fuzz_$name
	work=$FUZZ_B/corpus/$name
	art=$FUZZ_B/artifacts/$name
	log=$FUZZ_B/long_$name.log
	mkdir -p "$work" "$art"
	dirs="$work"
	for d in "$here/corpus/$name" "$here/regress/$name"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# shellcheck disable=SC2086
	nice -n 19 /usr/bin/time -f 'TIME %e %U %S' -o "$log.time" \
		"$bin" -max_total_time="$FUZZ_SECONDS" -timeout="${FUZZ_TIMEOUT:-30}" \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$art/" $dirs >"$log" 2>&1
	rc=$?
	wall=$(awk '/^TIME/ { w = $2 } END { print w }' "$log.time")
	cpu=$(awk '/^TIME/ { c = $3 + $4 } END { print c }' "$log.time")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	# 72: libFuzzer's exit after SIGINT/SIGTERM (-interrupted_exitcode)
	if [ "$rc" -eq 0 ]; then result=clean
	elif [ "$rc" -eq 72 ]; then result=interrupted; else
		result="FOUND: $(grep -o 'SUMMARY: [A-Za-z]*: [a-z-]*\|ERROR: libFuzzer: [a-z-]*' "$log" | head -1)"; fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%H:%M)" "$name" "$wall" \
		"$cpu" "${execs:-?}" "$result" >>"$tsv"
	echo "fuzz_$name: ${wall}s wall, ${cpu}s cpu, ${execs:-?} execs, $result"
done
