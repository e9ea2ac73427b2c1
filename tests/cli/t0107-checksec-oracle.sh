#!/bin/sh
# The readelf oracle (tests/oracle/oracle.py) agrees with qhard on type,
# relro, nx, canary, rpath, runpath and textrel: over every fixture, and
# over a sample of /usr/bin, /usr/lib and the cross toolchains' libraries
# (a fixed seed, so a run is repeatable; files over 8 MB are left out to
# keep readelf -r fast: about 20 s on two cores). Every disagreement fails
# unless tests/oracle/exceptions.txt gives its reason.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
fx="$B/fixtures"
if sh "$root/tests/fixtures/build.sh" "$fx"; then pass "fixtures built"; else fail "fixtures built"; finish; fi

oracle() { # NAME ORACLE-ARGS...
	name=$1; shift
	if python3 "$root/tests/oracle/oracle.py" --qhard "$QHARD" --jobs 2 \
		--exceptions "$root/tests/oracle/exceptions.txt" "$@" >"$T_TMP/$name.log" 2>&1; then
		pass "oracle agrees on $name ($(head -1 "$T_TMP/$name.log" | sed 's/^# //'))"
	else
		fail "oracle disagrees on $name"; sed 's/^/# /' "$T_TMP/$name.log" | head -40
	fi
}

# every fixture, each class of issue 17 among them
oracle fixtures "$fx"
# the fixtures must all have been compared (none skipped for a readelf
# warning, none unparsed): the oracle sees every class
if grep -q "^# [0-9]* ELF files: \([0-9]*\) compared, 0 skipped (readelf warned), 0 the oracle could not parse" "$T_TMP/fixtures.log"; then
	pass "every fixture is inside the oracle's domain"
else
	fail "some fixtures were skipped"; head -1 "$T_TMP/fixtures.log"
fi

set --
for d in /usr/*-linux-gnu*/lib; do
	[ -d "$d" ] && set -- "$@" "$d"
done
oracle system --sample 60 --seed 17 --max-size 8388608 /usr/bin /usr/lib "$@"
finish
