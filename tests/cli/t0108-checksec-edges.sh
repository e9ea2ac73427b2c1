#!/bin/sh
# Issue 17's edges end to end: what the built-in policy fails (relative
# run paths, text relocations, RWX segments) with the reason in the
# evidence; --deep on a separate debug file (its DWARF is read, nothing is
# disassembled); libbfd's own warnings land in the result, never on
# stderr; the new result keys (type_note, warnings) in text and JSON and
# read back by qhard gate; make asan carries the LeakSanitizer workaround.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
fx="$B/fixtures"
if sh "$root/tests/fixtures/build.sh" "$fx"; then pass "fixtures built"; else fail "fixtures built"; finish; fi

# field FILE INDEX PYTHON-EXPRESSION (r: the result)
field() {
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print(eval(sys.argv[3]))' "$@"
}

# --- the built-in policy ---------------------------------------------------
"$QHARD" checksec --format json "$fx/rpath-relative" "$fx/rpath-dollar" \
	"$fx/runpath-origin" "$fx/rpath-abs" "$fx/textrel" "$fx/rwx" >"$T_TMP/pol.json"
for i in 0 1; do
	got=$(field "$T_TMP/pol.json" $i 'r["checks"]["rpath"]["status"]+" "+str("CWE-426" in r["checks"]["rpath"]["evidence"])')
	[ "$got" = "fail True" ] && pass "relative DT_RPATH fails the default policy, CWE-426 named ($i)" ||
		fail "relative DT_RPATH ($i): $got"
done
got=$(field "$T_TMP/pol.json" 2 'r["checks"]["runpath"]["status"]')
[ "$got" = pass ] && pass "\$ORIGIN DT_RUNPATH passes" || fail "\$ORIGIN runpath: $got"
got=$(field "$T_TMP/pol.json" 3 'r["checks"]["rpath"]["status"]')
[ "$got" = pass ] && pass "absolute DT_RPATH passes" || fail "absolute rpath: $got"
got=$(field "$T_TMP/pol.json" 4 'r["checks"]["textrel"]["status"]+" "+str("loader writes" in r["checks"]["textrel"]["evidence"])')
[ "$got" = "fail True" ] && pass "text relocations fail the default policy, with the reason" || fail "textrel: $got"
got=$(field "$T_TMP/pol.json" 5 'r["checks"]["rwx-segment"]["status"]+" "+str("W^X" in r["checks"]["rwx-segment"]["evidence"])')
[ "$got" = "fail True" ] && pass "an RWX segment fails the default policy, with the reason" || fail "rwx: $got"
got=$(field "$T_TMP/pol.json" 3 'r["checks"]["stripped"]["status"]')
[ "$got" = warn ] && pass "other checks still only warn (stripped)" || fail "stripped: $got"

# --- --deep: debug files and libbfd's messages ------------------------------
expect_exit 0 "--deep on a separate debug file" -- "$QHARD" checksec --deep --format json "$fx/keep-debug"
got=$(field "$T_TMP/out" 0 'r["checks"]["cu-flags"]["status"]+" "+r["checks"]["canary-coverage"]["evidence"]+" "+r["type_note"]["kind"]')
case "$got" in "warn separate debug file: no code to disassemble separate-debug")
	pass "its DWARF is read (cu-flags), nothing is disassembled" ;; *) fail "debug file --deep: $got" ;; esac

"$QHARD" checksec --deep --format json "$fx/bfd-warning" >"$T_TMP/bfd.json" 2>"$T_TMP/bfd.err"
if [ -s "$T_TMP/bfd.err" ]; then fail "libbfd printed on stderr: $(head -1 "$T_TMP/bfd.err")"; else
	pass "--deep prints nothing on stderr"; fi
got=$(field "$T_TMP/bfd.json" 0 '[w for w in r.get("warnings", []) if w.startswith("libbfd: warning:") and "invalid alignment" in w]')
case "$got" in "['libbfd: warning: "*) pass "libbfd's warning is in the result's warnings" ;;
	*) fail "bfd warning: $got" ;; esac

# --- type_note and warnings: text, JSON schema, read back by the gate -------
"$QHARD" checksec "$fx/bare-lib-start" "$fx/ei-version" "$fx/keep-debug" >"$T_TMP/text" 2>&1
expect_grep 'bare-lib-start  *dso? ' "$T_TMP/text" "text: an uncertain type ends in ?"
expect_grep '^    type uncertain (dso,static-pie): ET_DYN' "$T_TMP/text" "text: the note line says why"
expect_grep '^    warning: e_ident\[EI_VERSION\] is 0' "$T_TMP/text" "text: the EI_VERSION warning"
"$QHARD" checksec --format json "$fx/bare-lib-start" "$fx/ei-version" "$fx/keep-debug" >"$T_TMP/notes.json"
if python3 - "$root/tests/data/qhard-report.schema.json" "$T_TMP/notes.json" <<'PY' >"$T_TMP/schema.log" 2>&1
import json, sys
import jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
then pass "the report with type_note and warnings fits the JSON schema"; else
	fail "schema"; sed 's/^/# /' "$T_TMP/schema.log" | tail -5; fi
"$QHARD" gate --format json -o "$T_TMP/gate.json" "$T_TMP/notes.json"
rc=$?
if [ $rc -le 1 ] && got=$(field "$T_TMP/gate.json" 1 'r["warnings"][0][:20]') &&
	[ "$got" = "e_ident[EI_VERSION] " ]; then
	pass "qhard gate reads type_note and warnings back (exit $rc)"
else
	fail "gate on a report with the new keys (exit $rc)"
fi

# --- SARIF: the warning and the type notes are notifications ----------------
"$QHARD" checksec --format sarif "$fx/bare-lib-start" "$fx/ei-version" \
	"$fx/keep-debug" >"$T_TMP/notes.sarif"
if python3 - "$T_TMP/notes.sarif" <<'PY' >"$T_TMP/sarif.log" 2>&1
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
n = [(x["level"], x["message"]["text"],
      x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
     for x in run["invocations"][0]["toolExecutionNotifications"]]
def has(level, name, words):
    return any(l == level and u.endswith("/" + name) and t.startswith(u + ": ")
               and words in t for l, t, u in n)
assert has("warning", "ei-version", "EI_VERSION] is 0"), n
assert has("note", "bare-lib-start", "_start at its entry point"), n
assert has("note", "keep-debug", "separate debug file"), n
PY
then pass "SARIF: the warning and the type notes are notifications at their files"
else fail "SARIF notifications"; sed 's/^/# /' "$T_TMP/sarif.log" | tail -5; fi
if python3 "$root/tests/data/check-sarif.py" "$root/tests/data/sarif-schema-2.1.0.json" \
	"$T_TMP/notes.sarif" >"$T_TMP/check" 2>&1; then pass "that SARIF fits the OASIS schema"
else fail "that SARIF: OASIS schema"; sed 's/^/# /' "$T_TMP/check" | head -5; fi
MT=${SARIF_MULTITOOL:-${QHARD_CACHE:-$root/.cache}/npm/node_modules/.bin/sarif-multitool}
if "$MT" --version >/dev/null 2>&1; then
	"$MT" validate "$T_TMP/notes.sarif" >"$T_TMP/mt" 2>&1
	if grep -F "$T_TMP/notes.sarif(" "$T_TMP/mt" | grep -q ': \(error\|warning\) '; then
		fail "Multitool finds errors or warnings in that SARIF"
		grep -F "$T_TMP/notes.sarif(" "$T_TMP/mt" | cut -c1-300 | head -5 | sed 's/^/# /'
	elif grep -q "Done. 1 files scanned" "$T_TMP/mt"; then
		pass "the SARIF Multitool finds nothing in that SARIF"
	else fail "Multitool did not scan it"; tail -5 "$T_TMP/mt" | sed 's/^/# /'; fi
else
	echo "# SARIF Multitool not installed: OASIS schema only (t0120 requires it)"
fi

# --- make asan --------------------------------------------------------------
if make -n -C "$root" QHARD_NO_DEPS=1 asan 2>/dev/null | grep -q 'LSAN_OPTIONS=[^ ]*intercept_tls_get_addr=0'; then
	pass "make asan sets LSAN_OPTIONS=intercept_tls_get_addr=0"
else
	fail "make asan lacks the LeakSanitizer workaround"
fi
finish
