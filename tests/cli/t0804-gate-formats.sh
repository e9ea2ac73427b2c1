#!/bin/sh
# qhard gate output formats: SARIF validated against the vendored SARIF
# 2.1.0 schema (plus what GitHub needs), JUnit parsed by Python's XML
# parser, JSON, markdown and CSV parsed; the exit code is the same in every
# format; -o writes a file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

hello_hardened "$T_TMP/hard" && hello_unhardened "$T_TMP/soft" ||
	{ fail "compile fixtures"; finish; }
cat >"$T_TMP/w.ini" <<'INI'
[waiver "soft-nx-never-needed"]
path = soft
check = nx
reason = nx passes; listed to show an unused waiver
expires = 2999-01-01
[waiver "soft-fortify"]
path = soft
check = fortify
reason = accepted for the test
expires = 2999-01-01
INI
gate() { "$QHARD" gate --waivers "$T_TMP/w.ini" "$@" "$T_TMP/hard" "$T_TMP/soft"; }

for f in text json sarif junit markdown csv; do
	expect_exit 1 "--format $f: same exit code" -- gate --format "$f" -o "$T_TMP/out.$f"
	[ -s "$T_TMP/out.$f" ] && pass "--format $f -o writes the file" || fail "$f: empty output"
done

# SARIF: schema-valid, one result per fail/warn, the waived one suppressed
schema="$GATE_SRC_DIR/tests/data/sarif-schema-2.1.0.json"
if python3 "$GATE_SRC_DIR/tests/data/check-sarif.py" "$schema" "$T_TMP/out.sarif" >"$T_TMP/sarif.txt"; then
	pass "SARIF validates: $(cat "$T_TMP/sarif.txt")"
else
	fail "SARIF invalid"; sed 's/^/# /' "$T_TMP/sarif.txt" | head
fi
got=$(python3 - "$T_TMP/out.sarif" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
errors = sorted(r["ruleId"] for r in run["results"]
                if r.get("level") == "error" and not r.get("suppressions"))
supp = sorted(r["ruleId"] for r in run["results"] if r.get("suppressions"))
print(" ".join(errors), "|", " ".join(supp))
PY
)
[ "$got" = "canary pie relro | fortify" ] && pass "SARIF: failing checks are errors, the waived one is suppressed" ||
	fail "SARIF results: '$got'"

# JUnit: a real XML parser; one testcase per file x check; failures match
got=$(python3 - "$T_TMP/out.junit" "$T_TMP/soft" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.iter("testcase")
failed = sorted(c.get("name") for c in root.iter("testcase")
                if c.get("classname") == sys.argv[2] and c.find("failure") is not None)
print(" ".join(failed))
PY
)
[ "$got" = "canary pie relro" ] && pass "JUnit parses; soft fails canary pie relro" || fail "JUnit failures: '$got'"
got=$(python3 -c "
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(sum(1 for c in r.iter('testcase') if c.get('name') == 'waiver-unused'))" "$T_TMP/out.junit")
[ "$got" = 1 ] && pass "JUnit has the waiver file's testcases" || fail "waiver testcases: $got"

# JSON: contract shape and the gate's sections
got=$(json_get "$T_TMP/out.json" "d['schema'], d['summary']['fail'], sorted(k for k in ('gate', 'waivers') if k in d)")
[ "$got" = "1 1 ['gate', 'waivers']" ] && pass "JSON: schema 1, one failing file, gate and waivers sections" ||
	fail "JSON: $got"

# markdown (for $GITHUB_STEP_SUMMARY): a heading and a findings table
expect_grep "^###* qhard gate" "$T_TMP/out.markdown" "markdown heading"
expect_grep "| relro |" "$T_TMP/out.markdown" "markdown findings table has relro"

# CSV: parsed by Python's csv module; the soft relro row says fail
got=$(python3 - "$T_TMP/out.csv" "$T_TMP/soft" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print([r.get("status") for r in rows if r.get("path") == sys.argv[2] and r.get("check") == "relro"])
PY
)
[ "$got" = "['fail']" ] && pass "CSV parses; soft relro fails" || fail "CSV: $got"
finish
