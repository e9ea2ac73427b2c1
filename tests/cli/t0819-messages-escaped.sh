#!/bin/sh
# Error messages quote keys, values and file names from hostile files: none
# may reach the terminal with raw control bytes (ESC, OSC, BEL, CR, C1).
# Policy, waiver and profile files with such keys, a usage error quoting an
# argument, and a file whose name holds escape sequences: every message is
# written with \xNN instead, as the text report does.
. "$(dirname "$0")/lib.sh"

ESC=$(printf '\033')
# raw_controls FILE: the control bytes in FILE other than newline and tab
raw_controls() {
	python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
bad = sorted({b for b in d if (b < 0x20 and b not in (9, 10)) or b == 0x7f})
bad += ["c2%02x" % d[i + 1] for i in range(len(d) - 1) if d[i] == 0xc2 and 0x80 <= d[i + 1] <= 0x9f]
print(" ".join(str(b) for b in bad))' "$1"
}
# escaped DESC WANT-EXIT CMD...: stderr quotes the key escaped, raw nowhere
escaped() {
	desc=$1 want=$2
	shift 3
	"$@" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	[ $rc -eq "$want" ] && pass "$desc: exit $want" ||
		{ fail "$desc: exit $rc, wanted $want"; sed 's/^/# /' "$T_TMP/err" | head -3; }
	bad=$(raw_controls "$T_TMP/err")
	[ -z "$bad" ] && pass "$desc: no raw control byte on stderr" ||
		fail "$desc: raw control bytes on stderr: $bad"
	grep -q '\\x1b\]0;owned\\x07' "$T_TMP/err" && pass "$desc: the key is quoted escaped" ||
		{ fail "$desc: escaped key not in the message"; sed 's/^/# /' "$T_TMP/err" | head -3; }
}

KEY="${ESC}]0;owned$(printf '\007')${ESC}[2J"
printf '[policy]\nname = evil\n[checks]\n%s = required\n' "$KEY" >"$T_TMP/policy.ini"
escaped "policy key with OSC and CSI" 2 -- "$QHARD" gate --policy "$T_TMP/policy.ini" /bin/true
printf '[waiver "w"]\npath = *\ncheck = relro\nreason = r\nexpires = 2999-01-01\n%s = x\n' "$KEY" \
	>"$T_TMP/waivers.ini"
escaped "waiver key with OSC and CSI" 2 -- "$QHARD" gate --waivers "$T_TMP/waivers.ini" /bin/true
printf '[profile]\ntargets = x86_64-softmmu\n[devices]\nallow = a\n%s = 1\n' "$KEY" >"$T_TMP/profile.ini"
escaped "profile key with OSC and CSI" 2 -- "$QHARD" profile -p "$T_TMP/profile.ini" -s /nonexistent
escaped "usage error quoting an argument" 2 -- "$QHARD" checksec --format "$KEY" /bin/true
# a file name with escape sequences: the error for it is in the text report
mkdir "$T_TMP/d"
printf 'not elf' >"$T_TMP/d/$KEY"
"$QHARD" checksec "$T_TMP/d/$KEY" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
bad="$(raw_controls "$T_TMP/out")$(raw_controls "$T_TMP/err")"
[ $rc -eq 3 ] && [ -z "$bad" ] && grep -q '\\x1b\]0;owned\\x07' "$T_TMP/out" &&
	pass "a file name with escape sequences: exit 3, named escaped, no raw control byte" ||
	fail "a file name with escape sequences: exit $rc, raw bytes '$bad'"
finish
