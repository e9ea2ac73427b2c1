#!/bin/sh
# The layout rules of docs/HACKING.md (tests/structure.sh): first on small
# trees that break one rule each, so that each rule is seen to fail, then
# on qhard itself.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
check="$top/tests/structure.sh"

# tree NAME: an empty valid tree: one folder with its public header, a
# HACKING.md naming the core file.
tree() {
	t="$T_TMP/$1"
	mkdir -p "$t/lib/area" "$t/tool" "$t/docs"
	printf '#include "qh.h"\n' >"$t/lib/area/area.h"
	printf '#include "area.h"\nint f(void)\n{\n\treturn 0;\n}\n' >"$t/lib/area/area.c"
	: >"$t/lib/qh.h"
	printf 'int g(void)\n{\n\treturn 0;\n}\n' >"$t/lib/qh.c"
	printf '| `lib/qh.c` | core |\n' >"$t/docs/HACKING.md"
	printf '#include "area/area.h"\n' >"$t/tool/main.c"
	echo "$t"
}
# broken NAME WHAT: structure.sh must fail with a line matching WHAT.
broken() {
	if sh "$check" "$T_TMP/$1" >"$T_TMP/$1.out" 2>&1; then
		fail "$1: accepted"
	else
		expect_grep "$2" "$T_TMP/$1.out" "$1: refused"
	fi
}

t=$(tree good)
expect_exit 0 "a tree that keeps every rule passes" -- sh "$check" "$t"

t=$(tree cycle)
printf '#include "b.h"\n' >"$t/lib/a.h"; printf '#include "a.h"\n' >"$t/lib/a.c"
printf '#include "a.h"\n' >"$t/lib/b.h"; : >"$t/lib/b.c"
printf '| `lib/a.c` `lib/b.c` |\n' >>"$t/docs/HACKING.md"
broken cycle 'include cycle'

t=$(tree through-internal)
printf '#include "area_internal.h"\n' >"$t/lib/area/area.c"
printf '#include "area.h"\n' >"$t/lib/area/area_internal.h"
expect_exit 0 "a folder's internal header including its public one is no cycle" -- sh "$check" "$t"

t=$(tree private)
: >"$t/lib/area/secret.h"
printf '#include "area/secret.h"\n' >"$t/tool/main.c"
broken private 'tool/main.c includes lib/area/secret.h'

t=$(tree nopublic)
mkdir -p "$t/lib/other"; : >"$t/lib/other/x.c"
broken nopublic 'lib/other/other.h'

t=$(tree stray)
: >"$t/lib/loose.c"
broken stray 'lib/loose.c'

t=$(tree samename)
: >"$t/lib/area/qh.c"
broken samename 'qh.c'

t=$(tree long)
{ printf 'int long_one(void)\n{\n'; i=0; while [ $i -lt 150 ]; do printf '\t;\n'; i=$((i + 1)); done; printf '}\n'; } >"$t/lib/area/area.c"
broken long 'long_one is 152 lines'

sh "$check" "$top" >"$T_TMP/self.out" 2>&1
rc=$?
sed 's/^/# /' "$T_TMP/self.out"
[ $rc -eq 0 ] && pass "qhard's own tree keeps every rule" || fail "qhard's own tree breaks a rule"
finish
