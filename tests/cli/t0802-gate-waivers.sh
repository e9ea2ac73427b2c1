#!/bin/sh
# qhard gate --waivers: a waived failure passes (and says who waived it),
# an expired waiver fails the gate and says so, an unused waiver is
# reported, and a malformed waiver file is a usage error naming file:line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

mkdir -p "$T_TMP/bin"
hello_hardened "$T_TMP/bin/hard" && hello_unhardened "$T_TMP/bin/soft" ||
	{ fail "compile fixtures"; finish; }

# every failing check of soft, accepted until 2999
cat >"$T_TMP/w.ini" <<'INI'
[waiver "soft-legacy"]
path = */bin/soft
check = *
reason = legacy helper, rebuilt hardened in the next release
expires = 2999-12-31
ticket = QH-42
INI
expect_exit 1 "without waivers the unhardened binary fails" -- \
	"$QHARD" gate "$T_TMP/bin/soft"
expect_exit 0 "a live waiver accepts the failures" -- \
	"$QHARD" gate --waivers "$T_TMP/w.ini" "$T_TMP/bin/soft"
"$QHARD" gate --waivers "$T_TMP/w.ini" --format json -o "$T_TMP/r.json" "$T_TMP/bin/soft"
wb=$(json_get "$T_TMP/r.json" "d['results'][0]['checks']['relro']['waived_by']")
case "$wb" in *soft-legacy*QH-42*) pass "waived_by names the waiver and ticket" ;;
	*) fail "waived_by: '$wb'" ;; esac
st=$(json_get "$T_TMP/r.json" "d['results'][0]['checks']['relro']['status']")
[ "$st" = warn ] && pass "a waived failure is a warn" || fail "status $st"
used=$(json_get "$T_TMP/r.json" "[w['name'] for w in d['waivers']['used']]")
[ "$used" = "['soft-legacy']" ] && pass "waivers section lists it as used" || fail "used: $used"

# the same waiver, expired: waives nothing and fails the gate by itself
sed 's/2999-12-31/2020-01-01/' "$T_TMP/w.ini" >"$T_TMP/expired.ini"
expect_exit 1 "an expired waiver fails the gate" -- \
	"$QHARD" gate --waivers "$T_TMP/expired.ini" "$T_TMP/bin/soft"
expect_grep "expired on 2020-01-01" "$T_TMP/out" "the report says it expired"
expect_exit 1 "an expired waiver fails even when nothing else fails" -- \
	"$QHARD" gate --waivers "$T_TMP/expired.ini" "$T_TMP/bin/hard"
"$QHARD" gate --waivers "$T_TMP/expired.ini" --format json -o "$T_TMP/e.json" "$T_TMP/bin/hard"
st=$(json_get "$T_TMP/e.json" "[r['checks']['waiver-expired']['status'] for r in d['results'] if 'waiver-expired' in r.get('checks', {})]")
[ "$st" = "['fail']" ] && pass "waiver-expired check fails in JSON" || fail "waiver-expired: $st"
# expiry is judged as of --today: the day before still waives
expect_exit 0 "--today before the expiry date: still valid" -- \
	"$QHARD" gate --today 2019-12-31 --waivers "$T_TMP/expired.ini" "$T_TMP/bin/soft"
expect_exit 1 "--today on the expiry date: expired" -- \
	"$QHARD" gate --today 2020-01-01 --waivers "$T_TMP/expired.ini" "$T_TMP/bin/soft"
expect_exit 2 "--today must be a date" -- \
	"$QHARD" gate --today tomorrow "$T_TMP/bin/soft"

# a waiver nothing needs is reported, as a warning
expect_exit 0 "an unused waiver does not fail the gate" -- \
	"$QHARD" gate --waivers "$T_TMP/w.ini" "$T_TMP/bin/hard"
expect_grep "soft-legacy" "$T_TMP/out" "the unused waiver is named"
"$QHARD" gate --waivers "$T_TMP/w.ini" --format json -o "$T_TMP/u.json" "$T_TMP/bin/hard"
st=$(json_get "$T_TMP/u.json" "[w['name'] for w in d['waivers']['unused']], [r['checks']['waiver-unused']['status'] for r in d['results'] if 'waiver-unused' in r.get('checks', {})]")
[ "$st" = "['soft-legacy'] ['warn']" ] && pass "unused: listed, and waiver-unused warns" ||
	fail "unused: $st"

# a waiver for one check leaves the others failing
cat >"$T_TMP/one.ini" <<'INI'
[waiver "soft-relro"]
path = soft
check = relro
reason = r
expires = 2999-01-01
INI
expect_exit 1 "a waiver for relro does not accept pie" -- \
	"$QHARD" gate --waivers "$T_TMP/one.ini" "$T_TMP/bin/soft"

# malformed waiver files
printf '[waiver "a"]\npath = x\ncheck = nx\nreason = r\nexpires = 2030-01-01\nowner = me\n' >"$T_TMP/bad.ini"
expect_exit 2 "unknown key in a waiver" -- \
	"$QHARD" gate --waivers "$T_TMP/bad.ini" "$T_TMP/bin/hard"
expect_grep "bad.ini:6: unknown key \"owner\"" "$T_TMP/err" "names file:line"
printf '[waiver "a"]\npath = x\ncheck = nx\nexpires = 2030-01-01\n' >"$T_TMP/noreason.ini"
expect_exit 2 "a waiver without a reason" -- \
	"$QHARD" gate --waivers "$T_TMP/noreason.ini" "$T_TMP/bin/hard"
expect_grep "noreason.ini:1: waiver \"a\" has no reason" "$T_TMP/err" "names the waiver"
printf '[waiver "a"]\npath = x\ncheck = nx\nreason = r\nexpires = 2030-02-30\n' >"$T_TMP/baddate.ini"
expect_exit 2 "an impossible expiry date" -- \
	"$QHARD" gate --waivers "$T_TMP/baddate.ini" "$T_TMP/bin/hard"
expect_grep "baddate.ini:5: " "$T_TMP/err" "names the line"
finish
