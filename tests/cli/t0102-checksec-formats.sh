#!/bin/sh
# Every output format of qhard checksec parses with a real parser, and
# carries the same files and verdicts.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
fx="$B/fixtures"
sh "$root/tests/fixtures/build.sh" "$fx" || { fail "fixtures built"; finish; }
set -- "$fx/gcc-hardened" "$fx/gcc-nossp" "$fx/s390x" "$T_TMP/missing"

for f in json sarif csv junit markdown text; do
	"$QHARD" checksec --format "$f" --color=never "$@" >"$T_TMP/out.$f" 2>"$T_TMP/err.$f"
	rc=$?
	if [ "$rc" -eq 3 ]; then pass "--format $f: exit 3 (one input missing)"; else fail "--format $f exit $rc"; fi
done

python3 - "$T_TMP" <<'PY' >"$T_TMP/parse.log" 2>&1
import csv, json, sys, xml.etree.ElementTree as ET
t = sys.argv[1]
def out(f): return open("%s/out.%s" % (t, f)).read()
d = json.loads(out("json"))
assert d["schema"] == 1 and d["tool"]["name"] == "qhard", "json header"
paths = [r["path"].rsplit("/", 1)[-1] for r in d["results"]]
assert paths == ["gcc-hardened", "gcc-nossp", "s390x", "missing"], paths
assert d["results"][3]["error"] and not d["results"][3].get("checks"), "error result"
assert d["results"][0]["checks"]["relro"]["value"] == "full"
assert d["results"][1]["checks"]["canary"]["status"] == "fail"
assert d["results"][2]["endian"] == "big"
assert d["summary"]["files"] == 4 and d["summary"]["error"] == 1, d["summary"]
print("json ok")
s = json.loads(out("sarif"))
assert s["version"] == "2.1.0", s.get("version")
run = s["runs"][0]
rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
# exactly the rules the findings used (gcc-nossp: no canary, no fortify)
assert rules == {r["ruleId"] for r in run["results"]}, rules
assert {"canary", "fortify"} <= rules, rules
assert any(r["ruleId"] == "canary" for r in run["results"]), "canary result"
print("sarif ok")
rows = list(csv.reader(out("csv").splitlines()))
assert len(rows) > 4 and any("gcc-nossp" in ",".join(r) for r in rows)
print("csv ok")
j = ET.fromstring(out("junit"))
assert j.iter("testcase") and any(tc.find("failure") is not None for tc in j.iter("testcase"))
print("junit ok")
m = out("markdown")
assert "|" in m and "gcc-nossp" in m
print("markdown ok")
x = out("text")
assert "gcc-hardened" in x and "\033[" not in x
print("text ok")
PY
if [ $? -eq 0 ]; then pass "json, sarif, csv, junit, markdown and text parse and agree"; else
	fail "formats"; sed 's/^/# /' "$T_TMP/parse.log"; fi

"$QHARD" checksec --color=always "$fx/gcc-nossp" >"$T_TMP/color.txt" 2>&1
if grep -q "$(printf '\033')\[" "$T_TMP/color.txt"; then pass "--color=always colors"; else fail "--color=always colors"; fi
NO_COLOR=1 "$QHARD" checksec "$fx/gcc-nossp" >"$T_TMP/nocolor.txt" 2>&1
if grep -q "$(printf '\033')\[" "$T_TMP/nocolor.txt"; then fail "NO_COLOR honoured"; else pass "NO_COLOR honoured (and no tty)"; fi
finish
