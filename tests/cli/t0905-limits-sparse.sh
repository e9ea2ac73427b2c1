#!/bin/sh
# Limits: a file larger than RAM. A sparse 30 GB file starts with a real
# ELF file compiled here (its headers and sections all in the first pages);
# the rest is a hole. qhard must analyse it like the original, without
# reading it all: the run's bytes read (rchar of the waiting shell, which
# includes its reaped children) and peak RSS must stay far below the file
# size. timeout turns a hang into a failure.
. "$(dirname "$0")/lib.sh"
CC=${CC_UNDER_TEST:-cc}
GB=30

printf 'int main(void) { return 0; }\n' >"$T_TMP/h.c"
$CC -O2 -o "$T_TMP/h" "$T_TMP/h.c" || { fail "compile fixture"; finish; }
if ! truncate -s "${GB}G" "$T_TMP/huge" 2>/dev/null; then
	pass "SKIP: filesystem cannot hold a ${GB} GB sparse file"; finish
fi
dd if="$T_TMP/h" of="$T_TMP/huge" conv=notrunc 2>/dev/null
size=$(stat -c %s "$T_TMP/huge")
used=$(du -k "$T_TMP/huge" | cut -f1)
[ "$used" -lt 1024 ] && pass "fixture is sparse: ${size} bytes, ${used} KiB on disk"

# Measure in a child shell: its /proc/self/io after the wait includes qhard.
sh -c '
	/usr/bin/time -f "%M" -o "$1/rss" timeout 300 "$2" checksec --format json "$1/huge" >"$1/out" 2>"$1/err"
	echo $? >"$1/rc"
	sed -n "s/^rchar: //p" /proc/$$/io >"$1/rchar"
' sh "$T_TMP" "$QHARD"
rc=$(cat "$T_TMP/rc")
case $rc in
0|1) pass "sparse ${GB} GB file: analysed (exit $rc)" ;;
*) fail "sparse ${GB} GB file: exit $rc (3 = not analysed, 124 = timeout)"; sed 's/^/# /' "$T_TMP/err" | head ;;
esac
rchar=$(cat "$T_TMP/rchar")
rss_kb=$(tail -1 "$T_TMP/rss")
# 256 MiB: far below 30 GB, far above what headers + ASan need.
limit=$((256 * 1024 * 1024))
if [ "${rchar:-0}" -lt "$limit" ]; then pass "read $rchar bytes of $size"; else
	fail "read $rchar bytes: the whole file was read"; fi
if [ "${rss_kb:-0}" -lt $((limit / 1024)) ]; then pass "peak RSS ${rss_kb} KiB"; else
	fail "peak RSS ${rss_kb} KiB: the file was paged in"; fi
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["results"]) == 1
r = d["results"][0]
assert r["error"] is None, r["error"]
assert r["checks"]["nx"]["value"] == "yes", r["checks"]["nx"]
print("analysed: %s, %d checks" % (r["type"], len(r["checks"])))
' "$T_TMP/out" >"$T_TMP/py" 2>&1 && pass "$(cat "$T_TMP/py")" ||
	{ fail "JSON output"; sed 's/^/# /' "$T_TMP/py" | head; }
finish
