#!/bin/sh
# merge.sh - fold what the long runs found (build-fuzz/corpus/NAME) into the
# committed seed corpus (tests/fuzz/corpus/NAME), keeping only inputs that
# add coverage (libFuzzer -merge=1: the seeds already there stay, new files
# are named by their SHA-1). make check replays the result, so keep it
# small: inputs are capped at FUZZ_MERGE_MAX_LEN bytes.
# usage: sh tests/fuzz/merge.sh NAME...   (after make fuzz and long.sh)
set -u
: "${FUZZ_B:=build-fuzz}" "${FUZZ_MERGE_MAX_LEN:=16384}"
here=$(dirname "$0")
LSAN_OPTIONS="suppressions=$(cd "$here/.." && pwd)/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS
for name in "$@"; do
	bin=$FUZZ_B/fuzz_$name
	found=$FUZZ_B/corpus/$name
	seeds=$here/corpus/$name
	if [ ! -x "$bin" ] || [ ! -d "$found" ]; then
		echo "merge.sh: $name: no harness or nothing found yet" >&2
		continue
	fi
	mkdir -p "$seeds"
	before=$(ls "$seeds" | wc -l)
	"$bin" -merge=1 -max_len="$FUZZ_MERGE_MAX_LEN" -timeout=10 \
		-rss_limit_mb=2048 "$seeds" "$found" >"$FUZZ_B/merge_$name.log" 2>&1 ||
		{ echo "merge.sh: $name: merge failed (see $FUZZ_B/merge_$name.log)" >&2; continue; }
	echo "fuzz_$name: $before -> $(ls "$seeds" | wc -l) inputs, $(du -sk "$seeds" | cut -f1) KB"
done
