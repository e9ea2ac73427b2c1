#!/bin/sh
# Limits: checksec -r on a tree of 100,000 entries with symlink loops
# (dir -> ., dir -> .., a -> b -> a, self -> self). The walk must end, and
# each of the 100 ELF files planted in it (hard links to a fixture compiled
# here) must be reported exactly once; the 99,900 other entries are empty
# files and directories that are not ELF. The tree lives in the test's tmp
# dir and goes away with it.
. "$(dirname "$0")/lib.sh"
CC=${CC_UNDER_TEST:-cc}

printf 'int main(void) { return 0; }\n' >"$T_TMP/h.c"
$CC -O2 -fPIE -pie -o "$T_TMP/h" "$T_TMP/h.c" || { fail "compile fixture"; finish; }

python3 - "$T_TMP/tree" "$T_TMP/h" >"$T_TMP/elves" <<'PY' || fail "generate tree"
import os, sys
root, elf = sys.argv[1], sys.argv[2]
os.mkdir(root)
n = 0
for d in range(100):
    dd = os.path.join(root, 'd%03d' % d)
    os.mkdir(dd)
    n += 1
    for f in range(999):
        p = os.path.join(dd, 'f%04d' % f)
        if d % 10 == 0 and f % 100 == 0:
            os.link(elf, p)            # 10 dirs x 10 = 100 ELF files
            print(p)
        else:
            os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o644))
        n += 1
    os.symlink('..', os.path.join(dd, 'up'))   # loop back to the root
os.symlink('.', os.path.join(root, 'loop'))
os.symlink('b', os.path.join(root, 'a'))
os.symlink('a', os.path.join(root, 'b'))
os.symlink('self', os.path.join(root, 'self'))
assert n + 100 + 4 >= 100000, n
PY
[ "$(wc -l <"$T_TMP/elves")" -eq 100 ] && pass "tree: 100,000+ entries, 100 ELF files, 4 loops"

timeout 300 "$QHARD" checksec -r --format json "$T_TMP/tree" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
case $rc in
0|1|3) pass "walk ended (exit $rc)" ;;
*) fail "walk: exit $rc (124 = timeout)"; sed 's/^/# /' "$T_TMP/err" | head ;;
esac

python3 - "$T_TMP/out" "$T_TMP/elves" <<'PY' >"$T_TMP/py" 2>&1
import collections, json, os, sys
doc = json.load(open(sys.argv[1]))
want = {os.path.normpath(l) for l in open(sys.argv[2]).read().split('\n') if l}
seen = collections.Counter(os.path.normpath(r['path']) for r in doc['results'])
dups = [p for p, c in seen.items() if c > 1]
assert not dups, 'reported more than once: %r' % dups[:5]
missing = want - set(seen)
assert not missing, '%d ELF files not reported, e.g. %r' % (len(missing), sorted(missing)[:3])
ok = [r for r in doc['results'] if os.path.normpath(r['path']) in want]
assert all(r['error'] is None and r['type'] == 'pie' for r in ok), ok[0]
print('%d ELF files reported once each (%d results in all)' % (len(want), len(doc['results'])))
PY
if [ $? -eq 0 ]; then pass "$(cat "$T_TMP/py")"; else
	fail "tree results"; sed 's/^/# /' "$T_TMP/py" | head -20; fi
finish
