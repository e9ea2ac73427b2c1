#!/bin/sh
# CET "no" on a file whose code was compiled with -fcf-protection names the
# link inputs that dropped the property (lib/cet_link.h). The oracle is the
# linker itself: `-z cet-report=warning` lists every input without IBT or
# SHSTK, and each of those must be named in the evidence.
. "$(dirname "$0")/lib.sh"
if [ "$(uname -m)" != x86_64 ]; then
	echo "ok - skipped: CET is x86 (this is $(uname -m))"
	finish
fi
printf 'int helper(int x) { return x + 1; }\nint main(void) { return helper(0); }\n' >"$T_TMP/m.c"

evidence() { # FILE CHECK
	"$QHARD" checksec --format json "$1" >"$T_TMP/out.json" 2>"$T_TMP/err"
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["checks"][sys.argv[2]]["evidence"])' \
		"$T_TMP/out.json" "$2"
}

for cc in gcc clang; do
	command -v $cc >/dev/null || { echo "ok - skipped: no $cc"; continue; }
	$cc -O1 -fcf-protection=full -Wl,-z,cet-report=warning -o "$T_TMP/full-$cc" \
		"$T_TMP/m.c" 2>"$T_TMP/ld-$cc.txt" || { fail "$cc: build"; continue; }
	lacking=$(sed -n 's|^.*ld[^:]*: \([^:]*\.o\): warning: missing IBT.*|\1|p' "$T_TMP/ld-$cc.txt" |
		xargs -r -n1 basename | sort -u)
	ev=$(evidence "$T_TMP/full-$cc" cet-ibt)
	if [ -z "$lacking" ]; then
		# A toolchain whose startup files carry the property: IBT passes.
		case $ev in *"X86_FEATURE_1_IBT"*without*|*without*) fail "$cc: ld reported no input, yet: $ev" ;;
		*) pass "$cc: every link input has IBT and the check passes" ;; esac
		continue
	fi
	case $ev in *"compiled with -fcf-protection and a link input"*) pass "$cc: code seen as built with -fcf-protection" ;;
	*) fail "$cc: evidence does not blame a link input: $ev" ;; esac
	for o in $lacking; do
		case $ev in *"$o"*) pass "$cc: names $o, which ld reports without IBT" ;;
		*) fail "$cc: does not name $o (ld: missing IBT): $ev" ;; esac
	done
	ev=$(evidence "$T_TMP/full-$cc" cet-shstk)
	case $ev in *"link input"*"$(echo "$lacking" | head -1)"*) pass "$cc: SHSTK names them too" ;;
	*) fail "$cc: SHSTK evidence: $ev" ;; esac

	$cc -O1 -fcf-protection=none -o "$T_TMP/none-$cc" "$T_TMP/m.c"
	ev=$(evidence "$T_TMP/none-$cc" cet-ibt)
	case $ev in *"0 of "*"(not compiled with -fcf-protection"*) pass "$cc: -fcf-protection=none is told apart" ;;
	*) fail "$cc: none: $ev" ;; esac
	case $ev in *crt*) fail "$cc: none blames startup files: $ev" ;; *) pass "$cc: none names no link input" ;; esac

	# The property forced on at link time: the check passes, no story.
	$cc -O1 -fcf-protection=full -Wl,-z,ibt,-z,shstk -o "$T_TMP/forced-$cc" "$T_TMP/m.c"
	ev=$(evidence "$T_TMP/forced-$cc" cet-ibt)
	[ "$ev" = ".note.gnu.property X86_FEATURE_1_IBT" ] && pass "$cc: -z ibt passes plainly" ||
		fail "$cc: forced: $ev"
done
finish
