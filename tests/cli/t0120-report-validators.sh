#!/bin/sh
# The reports as outside tools judge them. SARIF: Microsoft's SARIF
# Multitool (`sarif-multitool validate`, installed by make check through
# mk/npm-tools.sh) reports no error and no warning, and the OASIS schema
# holds (tests/data/check-sarif.py), for checksec, checksec --deep, gate
# (ELF files, a .deb, a saved JSON report, waivers, a baseline, an input
# that cannot be read) and audit (an image root and this host). JUnit:
# xmllint accepts it under the junit-4 and junit-10 XSDs of tests/data.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"
SRC=$GATE_SRC_DIR
: "${QHARD_CACHE:=$SRC/.cache}"
MT=${SARIF_MULTITOOL:-$QHARD_CACHE/npm/node_modules/.bin/sarif-multitool}
CC=${CC_UNDER_TEST:-cc}
S=$T_TMP/sarif
mkdir -p "$S" "$T_TMP/x"

# --- inputs ------------------------------------------------------------
hello_hardened "$T_TMP/hard" && hello_unhardened "$T_TMP/soft" ||
	{ fail "compile fixtures"; finish; }
FIX=$SRC/tests/fixtures/deep
( cd "$T_TMP" && $CC -O2 -g -fstack-protector-strong -fcf-protection=full \
	-D_FORTIFY_SOURCE=2 -c "$FIX/hard.c" "$FIX/main.c" &&
  $CC -O2 -g -fno-stack-protector -fcf-protection=none -U_FORTIFY_SOURCE \
	-c "$FIX/weak.c" && $CC -pie -o deep hard.o main.o weak.o ) ||
	{ fail "compile the deep fixture"; finish; }
mkdir -p "$T_TMP/deb/usr/bin" "$T_TMP/deb/usr/lib" "$T_TMP/deb/DEBIAN"
cp "$T_TMP/soft" "$T_TMP/deb/usr/bin/hello"
cp "$T_TMP/hard" "$T_TMP/deb/usr/lib/hello helper"
printf 'Package: hello\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: test\n' \
	>"$T_TMP/deb/DEBIAN/control"
dpkg-deb --root-owner-group -b "$T_TMP/deb" "$T_TMP/hello.deb" >/dev/null ||
	{ fail "dpkg-deb -b"; finish; }
cat >"$T_TMP/w.ini" <<'INI'
[waiver "soft-canary"]
path = */soft
check = canary
reason = legacy helper
expires = 2999-12-31
[waiver "old"]
path = */soft
check = relro
reason = long gone
expires = 2020-01-01
[waiver "unused"]
path = */nothing
check = *
reason = nothing matches
expires = 2999-12-31
INI
cp "$T_TMP/hard" "$T_TMP/x/b"
"$QHARD" gate --write-baseline "$T_TMP/base.json" "$T_TMP/x" >/dev/null
cp "$T_TMP/soft" "$T_TMP/x/b"
"$QHARD" checksec --format json "$T_TMP/soft" >"$T_TMP/saved.json"
printf 'not an ELF file\n' >"$T_TMP/junk"
# an image root with a weak libvirt and SELinux off
R=$T_TMP/root
mkdir -p "$R/usr/bin" "$R/etc/libvirt" "$R/etc/selinux"
cp "$T_TMP/soft" "$R/usr/bin/qemu-system-x86_64"
printf '# qemu.conf\nsecurity_driver = "none"\nuser = "root"\n' >"$R/etc/libvirt/qemu.conf"
printf 'SELINUX=disabled\n' >"$R/etc/selinux/config"

# --- reports -----------------------------------------------------------
# report NAME FORMAT -- qhard ARGS...: write $S/NAME.FORMAT; exit 0, 1 or 3
report() {
	name=$1 fmt=$2; shift 3
	"$QHARD" "$@" --format "$fmt" >"$S/$name.$fmt" 2>"$T_TMP/err"
	rc=$?
	[ "$rc" -le 1 ] || [ "$rc" -eq 3 ] || {
		fail "$name $fmt: exit $rc"; sed 's/^/# /' "$T_TMP/err" | head -5; }
}
for f in sarif junit; do
	report checksec $f -- checksec "$T_TMP/hard" "$T_TMP/soft" "$T_TMP/junk"
	report deep $f -- checksec --deep "$T_TMP/deep"
	report gate $f -- gate --waivers "$T_TMP/w.ini" --baseline "$T_TMP/base.json" \
		"$T_TMP/hello.deb" "$T_TMP/x" "$T_TMP/soft" "$T_TMP/saved.json" "$T_TMP/junk"
	report audit-root $f -- audit --root "$R"
	report audit-host $f -- audit
done
set -- checksec deep gate audit-root audit-host

# the inputs give the findings the checks below are about
python3 - "$S" <<'PY' >"$T_TMP/facts" 2>&1
import json, sys
d = {n: json.load(open("%s/%s.sarif" % (sys.argv[1], n))) for n in
     ("checksec", "deep", "gate", "audit-root")}
def results(n): return d[n]["runs"][0]["results"]
gate = d["gate"]["runs"][0]
arts = gate["artifacts"]
assert arts[0]["location"]["uri"].endswith("/hello.deb") and "parentIndex" not in arts[0], arts
assert "usr/bin/hello" in [a["location"]["uri"] for a in arts[1:]], arts
assert all(a["parentIndex"] == 0 for a in arts[1:]), arts
ids = {r["ruleId"] for r in results("gate")}
assert {"waiver-expired", "waiver-unused", "baseline-regression", "relro"} <= ids, ids
assert any(r.get("suppressions") for r in results("gate")), "no waived finding"
assert gate["invocations"][0]["toolExecutionNotifications"], "junk not reported"
assert any(l["physicalLocation"].get("region", {}).get("startLine")
           for r in results("deep") for l in r.get("relatedLocations", [])), "no file:line"
root = [r for r in results("audit-root") if r["ruleId"] == "libvirt-security-driver"]
assert root and root[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2, root
assert any("logicalLocations" in r["locations"][0] for r in results("audit-root")), "host finding"
print("facts ok")
PY
if [ $? -eq 0 ]; then pass "the reports carry packages, waivers, baselines, file:line, config lines, host findings"
else fail "report contents"; sed 's/^/# /' "$T_TMP/facts" | tail -5; fi

# --- SARIF: the OASIS schema --------------------------------------------
for n; do
	if python3 "$SRC/tests/data/check-sarif.py" "$SRC/tests/data/sarif-schema-2.1.0.json" \
		"$S/$n.sarif" >"$T_TMP/check" 2>&1; then pass "$n SARIF: OASIS schema ($(cat "$T_TMP/check"))"
	else fail "$n SARIF: OASIS schema"; sed 's/^/# /' "$T_TMP/check" | head -5; fi
done

# --- SARIF: the Multitool -----------------------------------------------
# mt_counts FILE: "E W" errors and warnings the last run found in FILE
mt_counts() {
	e=$(grep -F "$1(" "$T_TMP/mt" | grep -c ': error ')
	w=$(grep -F "$1(" "$T_TMP/mt" | grep -c ': warning ')
	echo "$e $w"
}
if ! "$MT" --version >/dev/null 2>&1; then
	if [ "${QHARD_NO_DEPS:-0}" = 1 ]; then
		echo "# SARIF Multitool not installed (QHARD_NO_DEPS=1): OASIS schema only"
	else
		fail "SARIF Multitool missing at $MT (make check installs it: mk/npm-tools.sh)"
	fi
else
	# a control: a rule whose name is its id is a warning (SARIF1001)
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"][0]["tool"]["driver"]["rules"][0]
r["name"] = r["id"]
json.dump(d, open(sys.argv[2], "w"))' "$S/checksec.sarif" "$S/control.sarif"
	"$MT" validate "$S/control.sarif" >"$T_TMP/mt" 2>&1
	if [ "$(mt_counts "$S/control.sarif")" = "0 1" ] && grep -q SARIF1001 "$T_TMP/mt"; then
		pass "Multitool control: a rule named like its id is a warning"
	else fail "Multitool control: $(mt_counts "$S/control.sarif")"; sed 's/^/# /' "$T_TMP/mt" | head; fi
	files=""
	for n; do files="$files $S/$n.sarif"; done
	# shellcheck disable=SC2086
	"$MT" validate $files >"$T_TMP/mt" 2>&1
	mrc=$?
	grep -q "Done. 5 files scanned" "$T_TMP/mt" ||
		{ fail "Multitool did not scan the 5 files (exit $mrc)"; sed 's/^/# /' "$T_TMP/mt" | tail -5; }
	for n; do
		got=$(mt_counts "$S/$n.sarif")
		if [ "$got" = "0 0" ]; then pass "$n SARIF: Multitool finds 0 errors, 0 warnings"
		else fail "$n SARIF: Multitool errors/warnings $got"
			grep -F "$S/$n.sarif(" "$T_TMP/mt" | cut -c1-300 | sort | uniq | head -5 | sed 's/^/# /'; fi
	done
fi

# --- JUnit: both XSDs ---------------------------------------------------
for n; do
	for x in junit-4 junit-10; do
		if xmllint --noout --schema "$SRC/tests/data/$x.xsd" "$S/$n.junit" >"$T_TMP/xl" 2>&1
		then pass "$n JUnit: valid under $x.xsd"
		else fail "$n JUnit: $x.xsd"; sed 's/^/# /' "$T_TMP/xl" | head -5; fi
	done
done
grep -q '<property name="qhard.warnings"' "$S/gate.junit" &&
	grep -q '<system-out>WARNING: ' "$S/gate.junit" &&
	pass "gate JUnit: warnings in properties and system-out" ||
	fail "gate JUnit: warnings not shown"
finish
