#!/bin/sh
# until.sh - fuzz each named harness until its recorded CPU time reaches
# FUZZ_TARGET_CPU seconds (default 3600, the CPU-hour), in chunks of
# at most FUZZ_CHUNK wall seconds through long.sh, so a stop between chunks
# loses little. Totals come from build-fuzz/cputime.tsv (every long.sh run
# appends there; a new build dir starts from the committed copy,
# tests/fuzz/cputime.tsv). Touch $FUZZ_B/stop to end after the current chunk.
# usage: sh tests/fuzz/until.sh NAME...   (after make fuzz)
set -u
: "${FUZZ_B:=build-fuzz}" "${FUZZ_TARGET_CPU:=3600}" "${FUZZ_CHUNK:=900}"
here=$(dirname "$0")
tsv=$FUZZ_B/cputime.tsv
[ -f "$tsv" ] || { mkdir -p "$FUZZ_B" && cp "$here/cputime.tsv" "$tsv" 2>/dev/null; }

cpu_so_far() {
	[ -f "$tsv" ] || { echo 0; return; }
	awk -F'\t' -v h="$1" 'NR > 1 && $2 == h { c += $4 } END { printf "%d\n", c }' "$tsv"
}

for name in "$@"; do
	while :; do
		[ -e "$FUZZ_B/stop" ] && { echo "until.sh: $FUZZ_B/stop exists, stopping"; exit 0; }
		done_s=$(cpu_so_far "$name")
		left=$((FUZZ_TARGET_CPU - done_s))
		[ "$left" -le 0 ] && { echo "fuzz_$name: ${done_s}s cpu, target reached"; break; }
		chunk=$((left + 10))
		[ "$chunk" -gt "$FUZZ_CHUNK" ] && chunk=$FUZZ_CHUNK
		FUZZ_B=$FUZZ_B FUZZ_SECONDS=$chunk sh "$here/long.sh" "$name" || exit 1
		# A finding stops this harness: it needs a fix before more time counts.
		last=$(awk -F'\t' -v h="$name" '$2 == h { r = $6 } END { print r }' "$tsv")
		case $last in FOUND*)
			echo "fuzz_$name: finding, see $FUZZ_B/artifacts/$name"; break ;;
		esac
	done
done
