#!/bin/sh
# qhard gate with policies: the built-in and shipped policies pass a
# hardened hello and fail an unhardened one; per-type and per-path levels;
# bad policy files are usage errors naming file:line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

hello_hardened "$T_TMP/hard" && hello_unhardened "$T_TMP/soft" ||
	{ fail "compile fixtures"; finish; }

expect_exit 0 "built-in policy: hardened hello passes" -- "$QHARD" gate "$T_TMP/hard"
expect_exit 1 "built-in policy: unhardened hello fails" -- "$QHARD" gate "$T_TMP/soft"
expect_exit 0 "openstack-guide.ini: hardened passes" -- \
	"$QHARD" gate --policy "$POLICIES/openstack-guide.ini" "$T_TMP/hard"
expect_exit 1 "openstack-guide.ini: unhardened fails" -- \
	"$QHARD" gate --policy "$POLICIES/openstack-guide.ini" "$T_TMP/soft"
expect_exit 1 "mixed inputs: one failure fails the gate" -- \
	"$QHARD" gate "$T_TMP/hard" "$T_TMP/soft"

# which checks fail, from the JSON report
"$QHARD" gate --format json -o "$T_TMP/r.json" "$T_TMP/soft"
fails=$(json_get "$T_TMP/r.json" "' '.join(sorted(k for k,v in d['results'][0]['checks'].items() if v['status']=='fail'))")
if [ "$fails" = "canary fortify pie relro" ]; then pass "unhardened: relro, pie, canary, fortify fail"
else fail "unhardened fails: '$fails'"; fi
st=$(json_get "$T_TMP/r.json" "d['gate']['policy']")
[ "$st" = "openstack-guide (built-in)" ] && pass "report names the policy" || fail "policy name '$st'"

# a path-scoped policy accepts the unhardened binary by name, nothing else
cat >"$T_TMP/p.ini" <<'INI'
[policy]
name = local
[checks]
relro = required
pie = required
canary = required
fortify = required
[path "soft"]
* = warn
INI
expect_exit 0 "[path] section downgrades the named file" -- \
	"$QHARD" gate --policy "$T_TMP/p.ini" "$T_TMP/soft"
cp "$T_TMP/soft" "$T_TMP/soft2"
expect_exit 1 "[path] section leaves other files alone" -- \
	"$QHARD" gate --policy "$T_TMP/p.ini" "$T_TMP/soft2"
cat >"$T_TMP/t.ini" <<'INI'
[checks]
relro = required
pie = required
[type "exec"]
pie = ignore
relro = ignore
INI
expect_exit 0 "[type \"exec\"] ignores what a non-PIE lacks" -- \
	"$QHARD" gate --policy "$T_TMP/t.ini" "$T_TMP/soft"

# bad policies: exit 2 and file:line
printf '[checks]\nrelro = required\npie = mandatory\n' >"$T_TMP/bad.ini"
expect_exit 2 "unknown level is a usage error" -- \
	"$QHARD" gate --policy "$T_TMP/bad.ini" "$T_TMP/hard"
expect_grep "bad.ini:3: unknown level" "$T_TMP/err" "message names file:line"
printf '[checks]\nrelro = required\n\n[check]\n' >"$T_TMP/bad2.ini"
expect_exit 2 "unknown (empty) section" -- \
	"$QHARD" gate --policy "$T_TMP/bad2.ini" "$T_TMP/hard"
expect_grep "bad2.ini:4: unknown section \[check\]" "$T_TMP/err" "names the section's line"
printf '[checks]\nrelro-full = required\n' >"$T_TMP/bad3.ini"
expect_exit 2 "unknown check id" -- \
	"$QHARD" gate --policy "$T_TMP/bad3.ini" "$T_TMP/hard"
expect_grep "bad3.ini:2: unknown check id \"relro-full\"" "$T_TMP/err" "names the id"
expect_exit 2 "missing policy file" -- \
	"$QHARD" gate --policy "$T_TMP/nope.ini" "$T_TMP/hard"

# usage and input errors
expect_exit 2 "no PATH" -- "$QHARD" gate
expect_exit 2 "unknown format" -- "$QHARD" gate --format yaml "$T_TMP/hard"
expect_exit 3 "missing input" -- "$QHARD" gate "$T_TMP/hard" "$T_TMP/missing"
expect_grep "missing" "$T_TMP/out" "the missing input is reported"
expect_grep "hard" "$T_TMP/out" "the other input is still reported"
printf 'not elf' >"$T_TMP/text"
expect_exit 3 "not an ELF file, package or report" -- "$QHARD" gate "$T_TMP/text"
expect_exit 3 "an input error outranks a failure" -- \
	"$QHARD" gate "$T_TMP/soft" "$T_TMP/text"

# directories: walked, symlinks not followed, non-ELF skipped
mkdir -p "$T_TMP/tree/bin" "$T_TMP/tree/doc"
cp "$T_TMP/hard" "$T_TMP/tree/bin/a"
ln -s a "$T_TMP/tree/bin/link"
echo readme >"$T_TMP/tree/doc/README"
"$QHARD" gate --format json -o "$T_TMP/d.json" "$T_TMP/tree"
n=$(json_get "$T_TMP/d.json" "len(d['results'])")
[ "$n" = 1 ] && pass "directory: one ELF file, link and README skipped" ||
	fail "directory gave $n results"
# every option of --help is documented in the man page
for opt in $("$QHARD" gate --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "\\*.*$opt" "$GATE_SRC_DIR/docs/qhard-gate.1.scd" &&
		pass "man page documents $opt" || fail "$opt missing from docs/qhard-gate.1.scd"
done
finish
