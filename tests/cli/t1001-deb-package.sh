#!/bin/sh
# qhard's Debian package, built as a CI pipeline builds it, and the CI
# templates that install it, run as written:
#
#  1. the GitLab template's qhard-deb job (ci/examples/gitlab), in a project
#     with qhard's source in .qhard: apt-get build-dep, then make deb
#     (mk/deb.sh: a clean copy, dpkg-buildpackage -us -uc -b, the gate of
#     the .deb by the qhard inside it);
#  2. the package: lintian (0 errors), blhc (hardening flags of every
#     compile and link), the installed layout (binary, modules where the
#     binary looks for them, policies and profiles by name, man pages,
#     completion, copyright), dh_auto_test's subset ran;
#  3. qhard gate on the package (the default policy passes it);
#  4. the GitLab gate job from the README's include, and the GitHub
#     composite action (action.yml) with the .deb as its input, each on a
#     hardened build (passes) and an unhardened one (fails the job).
#
# The runners' system steps are shims (tests/cli/ci-shims.sh): sudo runs
# the command, apt-get update does nothing, apt-get build-dep is apt-get's
# own simulation (-s: the Build-Depends must resolve here), apt-get install
# of a .deb unpacks it with dpkg-deb and puts its qhard on PATH. Everything
# else is the templates' own shell, run by tests/cli/ci_run.py.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"
top=$GATE_SRC_DIR
for tool in dpkg-buildpackage dh lintian blhc; do
	command -v $tool >/dev/null || { fail "$tool missing (make deps installs it)"; finish; }
done
python3 -c 'import yaml, jsonschema' 2>/dev/null ||
	{ fail "python3-yaml and python3-jsonschema needed (make deps)"; finish; }
. "$(dirname "$0")/ci-shims.sh"
ci_run="python3 $top/tests/cli/ci_run.py"

# --- 1. the qhard-deb job of the GitLab template builds the package
proj="$T_TMP/proj"
mkdir -p "$proj/build" "$proj/ci"
ln -s "$top" "$proj/.qhard"            # the submodule
sed -n '/^```yaml$/,/^```$/p' "$top/ci/examples/gitlab/README.md" | sed '1d;$d' >"$proj/.gitlab-ci.yml"
grep -q "extends: .qhard-gate" "$proj/.gitlab-ci.yml" &&
	pass "gitlab README: the .gitlab-ci.yml to use" || fail "no YAML in the GitLab README"
gl_tpl="$top/ci/examples/gitlab/qhard.gitlab-ci.yml"
(cd "$proj" && CI_PROJECT_DIR="$proj" $ci_run gitlab "$gl_tpl" .gitlab-ci.yml qhard-deb \
	"$T_TMP/gl-deb.json") >"$T_TMP/deb-job.log" 2>&1
if [ $? -eq 0 ]; then pass "gitlab qhard-deb job: build-dep resolves, make deb builds the package"
else fail "gitlab qhard-deb job"; tail -30 "$T_TMP/deb-job.log" | sed 's/^/# /'; finish; fi
debdir="$proj/qhard-deb"
version=$(cd "$top" && dpkg-parsechangelog -S Version)
deb=$(ls "$debdir"/qhard_"$version"_*.deb 2>/dev/null)
changes=$(ls "$debdir"/qhard_"$version"_*.changes 2>/dev/null)
[ -f "$deb" ] && [ -f "$changes" ] && pass "qhard_${version}_*.deb and .changes in the artifact dir" ||
	{ fail "no package in $debdir"; ls "$debdir" | sed 's/^/# /'; finish; }
# the artifact glob of the job is what make deb produced
python3 - "$T_TMP/gl-deb.json" "$proj" <<'PY' && pass "the job's artifacts: the .deb" || fail "artifacts glob"
import glob, json, sys
job = json.load(open(sys.argv[1]))["job"]
hits = [p for g in job["artifacts"]["paths"] for p in glob.glob(sys.argv[2] + "/" + g)]
sys.exit(0 if len(hits) == 1 and hits[0].endswith(".deb") else 1)
PY
expect_grep "deb: building qhard $version" "$T_TMP/deb-job.log" "built from a clean copy by mk/deb.sh"
expect_grep "qhard gate: 3 files, 3 pass" "$T_TMP/deb-job.log" \
	"make deb gated the .deb with its own qhard (binary and both modules)"
log="$debdir/build.log"
expect_grep "make B=obj-[^ ]* .* test-package" "$log" "dh_auto_test ran the package's test subset"
expect_grep "^15 passed, 0 failed" "$log" "and it passed"
expect_grep "^	make -j[0-9]" "$log" "dh_auto_build ran make in parallel (DEB_BUILD_OPTIONS parallel=N)"
# DEB_BUILD_OPTIONS=nocheck: debian/rules runs no test (MAKE=echo shows
# what its dh_auto_test override would run)
got=$(cd "$top" && DEB_BUILD_OPTIONS=nocheck make -s -f debian/rules MAKE=echo override_dh_auto_test)
[ -z "$got" ] && pass "nocheck: dh_auto_test runs nothing" || fail "nocheck still runs: $got"
got=$(cd "$top" && DEB_BUILD_OPTIONS="" make -s -f debian/rules MAKE=echo override_dh_auto_test)
case "$got" in *test-package) pass "without nocheck it runs make test-package" ;;
	*) fail "dh_auto_test override: $got" ;; esac

# --- 2. lintian, blhc, the installed layout
lintian --display-info "$changes" >"$T_TMP/lintian.log" 2>/dev/null
errors=$(grep -c '^E:' "$T_TMP/lintian.log")
warnings=$(grep -c '^W:' "$T_TMP/lintian.log")
[ "$errors" -eq 0 ] && pass "lintian: 0 errors ($warnings warnings)" ||
	{ fail "lintian: $errors errors"; grep '^E:' "$T_TMP/lintian.log" | sed 's/^/# /'; }
grep '^[WI]:' "$T_TMP/lintian.log" | sed 's/^/# lintian: /'
if blhc --all "$log" >"$T_TMP/blhc.log" 2>&1; then pass "blhc: every compile and link has the hardening flags"
else fail "blhc"; head -20 "$T_TMP/blhc.log" | sed 's/^/# /'; fi

root="$T_TMP/root"
dpkg-deb -x "$deb" "$root"
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in usr/bin/qhard "usr/lib/$arch/qhard/deep.so" "usr/lib/$arch/qhard/pkg.so" \
	usr/share/qhard/policies/strict.ini usr/share/qhard/policies/openstack-guide.ini \
	usr/share/qhard/profiles/kvm-virtio-minimal.ini usr/share/qhard/examples/github/workflow.yml \
	usr/share/qhard/examples/gitlab/qhard.gitlab-ci.yml usr/share/qhard/examples/debian/qhard.mk \
	usr/share/qhard/examples/rpm/qhard-check.spec usr/share/qhard/examples/make/qhard.mk \
	usr/share/man/man1/qhard.1.gz usr/share/man/man1/qhard-gate.1.gz usr/share/man/man5/qhard-policy.5.gz \
	usr/share/bash-completion/completions/qhard usr/share/zsh/vendor-completions/_qhard \
	usr/share/doc/qhard/copyright; do
	[ -f "$root/$f" ] || fail "package lacks /$f"
done
pass "the package holds the binary, modules, data, examples, man pages, completion, copyright"
[ "$("$root/usr/bin/qhard" --version)" = "qhard $version" ] &&
	pass "qhard --version is the package version ($version)" || fail "version differs from debian/changelog"
# Where the binary looks for its modules: where the package puts them. (The
# unpacked binary cannot load them from /usr unless qhard is installed.)
env -u QHARD_MODULE_DIR "$root/usr/bin/qhard" checksec --deep "$root/usr/bin/qhard" >"$T_TMP/deep.out" 2>&1
case $? in
2) expect_grep "/usr/lib/$arch/qhard/deep.so" "$T_TMP/deep.out" \
	"the binary looks for its modules in /usr/lib/$arch/qhard" ;;
*) [ -f "/usr/lib/$arch/qhard/deep.so" ] && pass "the binary loads its modules from /usr/lib/$arch/qhard (installed here)" ||
	fail "--deep ran without the package's module dir" ;;
esac
# ... and its data: --policy strict names /usr/share/qhard/policies
env -u QHARD_DATADIR XDG_CONFIG_HOME="$T_TMP/empty" "$root/usr/bin/qhard" gate --policy nope "$root/usr/bin/qhard" >"$T_TMP/out" 2>"$T_TMP/err"
expect_grep "/etc/qhard/policies, /usr/share/qhard/policies" "$T_TMP/err" \
	"--policy NAME searches /etc/qhard, then /usr/share/qhard"
expect_grep "_qhard_datadir='/usr/share/qhard'" "$root/usr/share/bash-completion/completions/qhard" \
	"the bash completion lists names from /usr/share/qhard"
# every /usr/share/qhard path the templates and their READMEs name exists
missing=$(grep -rhoE '/usr/share/qhard/[A-Za-z0-9_./-]*[A-Za-z0-9_]' "$top/ci/examples" "$top/action.yml" |
	sort -u | while read -r p; do [ -e "$root$p" ] || echo "$p"; done)
[ -z "$missing" ] && pass "every /usr/share/qhard path in ci/examples is in the package" ||
	fail "paths named but not shipped: $missing"

# --- 3. the gate passes the package it belongs to
shim_install "$deb"
expect_exit 0 "qhard gate (installed) passes its own .deb under the default policy" -- \
	qhard gate "$deb"
expect_exit 0 "... and under --policy openstack-guide, found by name" -- \
	qhard gate --policy openstack-guide --format json "$deb"
got=$(json_get "$T_TMP/out" "sorted(r['path'] for r in d['results'])")
case "$got" in *"/usr/bin/qhard"*"/usr/lib/$arch/qhard/deep.so"*"/usr/lib/$arch/qhard/pkg.so"*)
	pass "it gated the binary and both modules" ;; *) fail "gated: $got" ;; esac
shim_reset

# --- 4. the gate job (GitLab) and the action (GitHub), as written
hello_hardened "$T_TMP/hard" && hello_unhardened "$T_TMP/soft" || { fail "compile hello"; finish; }
printf '[waiver "none"]\npath = nothing\ncheck = nx\nreason = r\nexpires = 2999-01-01\n' >"$proj/ci/qhard-waivers.ini"
cp "$T_TMP/hard" "$proj/build/prog"
(cd "$proj" && "$QHARD" gate --policy openstack-guide --write-baseline ci/qhard-baseline.json build/ >/dev/null)

gitlab_gate() {
	shim_reset
	(cd "$proj" && rm -f qhard-junit.xml qhard-summary.md &&
		CI_PROJECT_DIR="$proj" $ci_run gitlab "$gl_tpl" .gitlab-ci.yml qhard-gate "$T_TMP/gl.json") \
		>"$T_TMP/gl.log" 2>&1
}
gitlab_gate
[ $? -eq 0 ] && pass "gitlab: the gate job installs the .deb and passes a hardened build" ||
	{ fail "gitlab gate job (hardened)"; tail -20 "$T_TMP/gl.log" | sed 's/^/# /'; }
python3 - "$proj/qhard-junit.xml" <<'PY' && pass "gitlab: qhard-junit.xml (artifacts:reports:junit) is JUnit with the build's tests" || fail "gitlab junit"
import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
assert root.tag in ("testsuites", "testsuite") and cases, root.tag
assert any("prog" in (c.get("classname", "") + c.get("name", "")) for c in cases)
PY
python3 - "$T_TMP/gl.json" <<'PY' && pass "gitlab: the job declares the JUnit report and keeps it on failure" || fail "gitlab artifacts"
import json, sys
a = json.load(open(sys.argv[1]))["job"]["artifacts"]
assert a["reports"]["junit"] == "qhard-junit.xml" and a["when"] == "always", a
PY
expect_grep "qhard gate" "$proj/qhard-summary.md" "gitlab: the markdown summary"
cp "$T_TMP/soft" "$proj/build/prog"
gitlab_gate
rc=$?
[ "$rc" -eq 1 ] && pass "gitlab: an unhardened build fails the job (exit 1)" ||
	{ fail "gitlab: unhardened build: exit $rc"; tail -20 "$T_TMP/gl.log" | sed 's/^/# /'; }
grep -q "<failure" "$proj/qhard-junit.xml" && pass "gitlab: the failures are in the JUnit report" ||
	fail "gitlab: no <failure> in the JUnit report"

# GitHub: the composite action with the package as its `deb` input
action() { # KIND: hard or soft
	shim_reset
	cp "$T_TMP/$1" "$proj/build/prog"
	: >"$T_TMP/summary"
	(cd "$proj" && rm -f qhard.sarif &&
		GITHUB_ACTION_PATH="$top" RUNNER_TEMP="$T_TMP/runner" GITHUB_STEP_SUMMARY="$T_TMP/summary" \
		$ci_run github "$top/action.yml" "$T_TMP/gh.json" deb="qhard-deb/qhard_*.deb" \
			waivers=ci/qhard-waivers.ini baseline=ci/qhard-baseline.json) >"$T_TMP/gh.log" 2>&1
}
mkdir -p "$T_TMP/runner"
action hard
rc=$?
[ "$rc" -eq 0 ] && pass "github action: installs the .deb and passes a hardened build" ||
	{ fail "github action (hardened): exit $rc"; tail -20 "$T_TMP/gh.log" | sed 's/^/# /'; }
got=$(json_get "$T_TMP/gh.json" "d['outputs']['exit-code'] + ' ' + d['uses'][0]['uses'] + ' ' + d['uses'][0]['with']['sarif_file']")
[ "$got" = "0 github/codeql-action/upload-sarif@v3 qhard.sarif" ] &&
	pass "github action: exit-code 0, qhard.sarif handed to upload-sarif" || fail "github action outputs: $got"
if python3 "$top/tests/data/check-sarif.py" "$top/tests/data/sarif-schema-2.1.0.json" \
	"$proj/qhard.sarif" >"$T_TMP/sarif.txt" 2>&1; then pass "github action: the SARIF it uploads is valid"
else fail "github action: SARIF"; sed 's/^/# /' "$T_TMP/sarif.txt" | head; fi
expect_grep "### qhard gate" "$T_TMP/summary" "github action: the markdown summary on the run page"
action soft
rc=$?
[ "$rc" -eq 1 ] && pass "github action: an unhardened build fails the job (exit 1)" ||
	{ fail "github action (unhardened): exit $rc"; tail -20 "$T_TMP/gh.log" | sed 's/^/# /'; }
got=$(json_get "$T_TMP/gh.json" "len(d['uses']) == 1 and d['outputs']['exit-code'] == '1'")
[ "$got" = True ] && pass "github action: SARIF still uploaded, the verdict step fails the job" ||
	fail "github action: after a failing gate: $got"
expect_grep "::error::qhard gate: a finding fails the policy" "$T_TMP/gh.log" \
	"github action: the failure is annotated"
finish
