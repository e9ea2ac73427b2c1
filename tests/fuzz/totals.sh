#!/bin/sh
# totals.sh - CPU seconds fuzzed per harness, from the run ledger, as a
# markdown table against the CPU-hour (FUZZ_TARGET_CPU seconds).
# The ledger is build-fuzz/cputime.tsv while fuzzing; tests/fuzz/cputime.tsv
# is its committed copy (cp it back after a run so the hours survive the
# machine). Rows: one per long.sh run, or one per earlier session where only
# the session's sum was kept (its date column names the session).
# usage: sh tests/fuzz/totals.sh [LEDGER]
set -u
: "${FUZZ_TARGET_CPU:=3600}"
here=$(dirname "$0")
ledger=${1:-build-fuzz/cputime.tsv}
[ -f "$ledger" ] || ledger=$here/cputime.tsv
awk -F'\t' -v goal="$FUZZ_TARGET_CPU" '
NR == 1 { next }
{
	cpu[$2] += $4
	if ($6 ~ /^FOUND/) found[$2]++
}
END {
	print "| harness | CPU s | share of the CPU-hour | runs with a finding |"
	print "|---|---|---|---|"
	n = 0
	for (h in cpu) names[++n] = h
	# insertion sort: the table is small and awk has no portable sort
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && names[j] < names[j - 1]; j--) {
			t = names[j]; names[j] = names[j - 1]; names[j - 1] = t
		}
	for (i = 1; i <= n; i++) {
		h = names[i]; all += cpu[h]
		share = 100 * cpu[h] / goal
		if (cpu[h] >= goal) reached++
		printf "| %s | %d | %d%% | %d |\n", h, cpu[h], (share > 100 ? 100 : share), found[h]
	}
	printf "| all | %d | %d of %d harnesses reached %d s | |\n", all, reached, n, goal
}' "$ledger"
