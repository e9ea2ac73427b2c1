#!/bin/sh
# replay.sh - make check step: feed the regression corpus (inputs that once
# crashed, hung or leaked) and the seed corpus through every fuzz harness
# built as a plain program ($B/fuzz-replay/fuzz_NAME, see mk/fuzz.mk).
# A harness that crashes or takes over 120 s on its corpus fails the step.
set -u
: "${B:=build}"
here=$(dirname "$0")
pass=0 fail=0 ran=0
for bin in "$B"/fuzz-replay/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	ran=$((ran + 1))
	if out=$(timeout 120 "$bin" "$here/regress/$name" "$here/corpus/$name" 2>&1); then
		echo "ok - fuzz_$name: $out"
		pass=$((pass + 1))
	else
		echo "not ok - fuzz_$name failed on its corpus; rerun to see which input:"
		echo "#   QHARD_REPLAY_VERBOSE=1 $bin $here/regress/$name $here/corpus/$name"
		printf '%s\n' "$out" | tail -40 | sed 's/^/# /'
		fail=$((fail + 1))
	fi
done
echo "# $pass passed, $fail failed ($ran harnesses)"
[ "$fail" -eq 0 ]
