#!/bin/sh
# Inputs: paths from stdin ('-'), -r walks (sorted, symlinked dirs not
# followed, non-ELF skipped, unreadable dirs listed as errors), a malformed
# corpus where every file gets its own error and the rest is still reported.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
fx="$B/fixtures"
sh "$root/tests/fixtures/build.sh" "$fx" || { fail "fixtures built"; finish; }

printf '%s\n%s\n' "$fx/gcc-hardened" "$fx/gcc-nossp" >"$T_TMP/list"
expect_exit 1 "paths from stdin" -- sh -c '"$0" checksec - <"$1"' "$QHARD" "$T_TMP/list"
expect_grep "gcc-hardened" "$T_TMP/out" "stdin path 1 reported"
expect_grep "gcc-nossp" "$T_TMP/out" "stdin path 2 reported"

tree="$T_TMP/tree"
mkdir -p "$tree/a/b" "$tree/outside"
cp "$fx/gcc-hardened" "$tree/a/b/prog"
cp "$fx/gcc-hardened" "$tree/outside/hidden-prog"
echo "not an ELF" >"$tree/a/readme.txt"
ln -s ../outside "$tree/a/linked-dir"
ln -s /nonexistent/target "$tree/a/dangling"
expect_exit 0 "-r over a tree" -- "$QHARD" checksec -r --format json "$tree/a"
python3 - "$T_TMP/out" >"$T_TMP/walk.log" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
paths = [r["path"] for r in d["results"]]
assert len(paths) == 1 and paths[0].endswith("/a/b/prog"), paths
PY
if [ $? -eq 0 ]; then pass "-r: ELF found, non-ELF/symlinked dir/dangling link skipped"; else
	fail "-r walk"; sed 's/^/# /' "$T_TMP/walk.log"; fi

mkdir "$tree/empty"
expect_exit 0 "-r over an empty directory (no files, no error)" -- "$QHARD" checksec -r "$tree/empty"

if [ "$(id -u)" -ne 0 ]; then
	mkdir "$tree/locked"; chmod 000 "$tree/locked"
	expect_exit 3 "-r lists an unreadable directory as an error" -- "$QHARD" checksec -r "$tree"
	expect_grep "locked" "$T_TMP/out" "the unreadable directory is named"
	chmod 700 "$tree/locked"
fi

# Malformed corpus: one error per file, exit 3, the good file still there.
mal="$T_TMP/malformed"
python3 "$root/tests/fixtures/malform.py" "$fx/gcc-hardened" "$mal"
mkdir "$mal/a-directory"
ln -s /nonexistent/qhard "$mal/dangling-symlink"
set --
for f in "$mal"/*; do set -- "$@" "$f"; done
expect_exit 3 "malformed corpus" -- "$QHARD" checksec --format json "$fx/gcc-hardened" "$@"
python3 - "$T_TMP/out" "$#" >"$T_TMP/mal.log" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
res = d["results"]
assert len(res) == n + 1, (len(res), n)
assert res[0]["error"] is None and res[0]["checks"]["relro"]["value"] == "full"
msgs = set()
for r in res[1:]:
    assert r["error"], "%s: no error" % r["path"]
    assert not r.get("checks"), "%s: checks despite error" % r["path"]
    msgs.add(r["error"])
    print(r["path"].rsplit("/", 1)[-1], "->", r["error"])
# Each malformation is told apart by its own message.
assert len(msgs) == n, "only %d distinct messages for %d files" % (len(msgs), n)
assert d["summary"]["error"] == n
PY
if [ $? -eq 0 ]; then pass "each malformed input has its own error; the good file is still reported"; else
	fail "malformed corpus"; fi
sed 's/^/# /' "$T_TMP/mal.log"
finish
