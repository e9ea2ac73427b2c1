#!/bin/sh
# smoke.sh - run each named harness (build-fuzz/fuzz_NAME) for FUZZ_SECONDS
# on its seed + regression corpus; fail if any finds a crash/leak/hang/OOM.
# usage: FUZZ_B=build-fuzz FUZZ_SECONDS=60 [FUZZ_SEED=1] smoke.sh NAME...
#
# The run is reproducible: a fixed seed and an empty scratch corpus each
# time, so a CI run follows the same path as `make fuzz-smoke` did on the
# developer's machine (as far as its speed allows). Exploring is the job of
# the long runs (long.sh), whose findings land in regress/ first.
set -u
: "${FUZZ_B:=build-fuzz}" "${FUZZ_SECONDS:=60}" "${FUZZ_SEED:=1}"
here=$(dirname "$0")
# Third-party leaks only (reasons in the file).
LSAN_OPTIONS="suppressions=$(cd "$here/.." && pwd)/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS
fail=0 failed=""
for name in "$@"; do
	bin=$FUZZ_B/fuzz_$name
	work=$FUZZ_B/smoke-corpus/$name # not corpus/: long.sh keeps its finds there
	art=$FUZZ_B/artifacts/$name
	rm -rf "$work"
	mkdir -p "$work" "$art"
	dirs="$work"
	for d in "$here/corpus/$name" "$here/regress/$name"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	echo "=== fuzz_$name for ${FUZZ_SECONDS}s"
	# shellcheck disable=SC2086
	if "$bin" -seed="$FUZZ_SEED" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$art/" \
		$dirs >"$FUZZ_B/fuzz_$name.log" 2>&1; then
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' \
			"$FUZZ_B/fuzz_$name.log" | sed 's/^/# /'
	else
		echo "not ok - fuzz_$name found a problem (input in $art/):"
		grep -E 'ERROR|SUMMARY|Test unit written' "$FUZZ_B/fuzz_$name.log" | head -20 | sed 's/^/# /'
		fail=$((fail + 1)); failed="$failed $name"
	fi
done
[ -n "$failed" ] && echo "FAILED:$failed"
echo "# fuzz-smoke: $# harnesses, $fail failed"
[ "$fail" -eq 0 ]
