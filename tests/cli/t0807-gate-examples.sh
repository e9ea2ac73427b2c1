#!/bin/sh
# The ci/examples integrations, run for real where this machine can:
# the RPM %check snippet inside rpmbuild (hardened passes, unhardened fails
# the build, --without qhard skips), the make target, and the shell steps
# of the GitHub Actions and GitLab CI files (parsed as YAML, run with bash
# against a build/ tree). The debian/rules fragment has its own test
# (t0806).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"
EX="$GATE_SRC_DIR/ci/examples"

hello_hardened "$T_TMP/hard" && hello_unhardened "$T_TMP/soft" ||
	{ fail "compile fixtures"; finish; }

# --- RPM %check
spec() { # KIND -> spec on stdout: the example's lines, then a package
	sed -n '/^%bcond_without qhard/,/^%{!?qhard_policy/p' "$EX/rpm-check.spec"
	cat <<SPEC
Name: hello-$1
Version: 1.0
Release: 1
Summary: test
License: MIT
%description
test
%install
mkdir -p %{buildroot}/usr/bin
cp $T_TMP/$1 %{buildroot}/usr/bin/hello
%files
/usr/bin/hello
SPEC
	sed -n '/^%check/,$p' "$EX/rpm-check.spec"
}
rpmb() { # KIND [rpmbuild args]
	kind=$1; shift
	spec "$kind" >"$T_TMP/$kind.spec"
	rpmbuild -bb --define "_topdir $T_TMP/rpmtop" --define "qhard $QHARD" \
		--define "qhard_policy $POLICIES/openstack-guide.ini" \
		--define "__os_install_post %{nil}" --define "debug_package %{nil}" \
		--define "_build_id_links none" "$@" "$T_TMP/$kind.spec" \
		>"$T_TMP/rpm-$kind.log" 2>&1
}
if command -v rpmbuild >/dev/null; then
	if rpmb hard; then pass "rpm %check: hardened package builds"
	else fail "rpm %check: hardened build failed"; tail -15 "$T_TMP/rpm-hard.log" | sed 's/^/# /'; fi
	expect_grep "qhard gate: 1 file, 1 pass" "$T_TMP/rpm-hard.log" "rpm %check ran the gate"
	if rpmb soft; then fail "rpm %check: unhardened build was not stopped"
	else pass "rpm %check: the gate fails the unhardened build"; fi
	expect_grep "1 fail" "$T_TMP/rpm-soft.log" "the verdict is in the rpmbuild log"
	if rpmb soft --without qhard; then pass "rpmbuild --without qhard skips the gate"
	else fail "--without qhard failed"; fi
else
	fail "rpmbuild missing (make deps installs rpm)"
fi

# --- make target
mkdir -p "$T_TMP/proj/build"
cp "$T_TMP/hard" "$T_TMP/proj/build/prog"
mk() { make -s -C "$T_TMP/proj" -f "$EX/qhard.mk" QHARD="$QHARD" \
	QHARD_POLICY="$POLICIES/openstack-guide.ini" "$@"; }
expect_exit 0 "make qhard-check: hardened build passes" -- mk qhard-check
cp "$T_TMP/soft" "$T_TMP/proj/build/prog"
expect_exit 2 "make qhard-check: unhardened build fails make" -- mk qhard-check
mkdir -p "$T_TMP/proj/ci"
mk qhard-baseline >/dev/null 2>&1
[ -s "$T_TMP/proj/ci/qhard-baseline.json" ] && pass "make qhard-baseline writes the baseline" ||
	fail "no baseline written"
expect_exit 0 "make qhard-check picks up the baseline: known failures pass" -- mk qhard-check

# --- GitHub Actions / GitLab CI: the gate steps, run with bash
# steps FILE: print the shell of every step/script that runs qhard gate
steps() {
	python3 - "$1" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
out = []
for job in doc.get("jobs", doc).values():
    if not isinstance(job, dict):
        continue
    for step in job.get("steps", []):
        if "qhard gate" in step.get("run", ""):
            out.append(step["run"])
    if any("qhard gate" in s for s in job.get("script", [])):
        out.append("\n".join(job["script"]))
print("\n".join(out))
PY
}
for ci in github-actions gitlab-ci; do
	d="$T_TMP/$ci"
	mkdir -p "$d/build" "$d/ci" "$d/bin"
	cp "$T_TMP/proj/ci/qhard-baseline.json" "$d/ci/" 2>/dev/null
	printf '[waiver "none"]\npath = nothing\ncheck = nx\nreason = r\nexpires = 2999-01-01\n' >"$d/ci/qhard-waivers.ini"
	printf '#!/bin/sh\nexec "%s" "$@"\n' "$QHARD" >"$d/bin/qhard"
	chmod +x "$d/bin/qhard"
	steps "$EX/$ci.yml" | sed "s#/usr/share/qhard/policies#$POLICIES#g" >"$d/steps.sh"
	grep -q "qhard gate" "$d/steps.sh" && pass "$ci: has a qhard gate step" || fail "$ci: no gate step"
	run_steps() {
		: >"$d/out"
		(cd "$d" && PATH="$d/bin:$PATH" GITHUB_OUTPUT="$d/out" \
			GITHUB_STEP_SUMMARY="$d/summary" bash -e steps.sh) >"$d/log" 2>&1
		rc=$?
		# GitHub's gate step always succeeds and hands the verdict on
		[ "$ci" = github-actions ] && rc=$(sed -n 's/^rc=//p' "$d/out")
	}
	# against the baseline recorded on the unhardened build: both pass
	for kind in hard soft; do
		cp "$T_TMP/$kind" "$d/build/prog"
		run_steps
		[ "$rc" = 0 ] && pass "$ci: $kind build passes against the baseline" ||
			{ fail "$ci: $kind build exit $rc"; sed 's/^/# /' "$d/log" | tail -5; }
	done
	# against a baseline recorded on the hardened build: a regression
	cp "$T_TMP/hard" "$d/build/prog"
	(cd "$d" && "$QHARD" gate --write-baseline ci/qhard-baseline.json build/ >/dev/null)
	cp "$T_TMP/soft" "$d/build/prog"
	run_steps
	[ "$rc" = 1 ] && pass "$ci: a regressed build fails the job" ||
		{ fail "$ci: regressed build: exit $rc"; sed 's/^/# /' "$d/log" | tail -5; }
done
expect_grep "### qhard gate" "$T_TMP/github-actions/summary" "GitHub step summary is markdown"
python3 -c "import xml.etree.ElementTree as E, sys; E.parse(sys.argv[1])" "$T_TMP/gitlab-ci/qhard-junit.xml" &&
	pass "GitLab job leaves a JUnit file that parses" || fail "GitLab JUnit"
finish
