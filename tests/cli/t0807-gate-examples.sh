#!/bin/sh
# The ci/examples templates that need no package, run as written with
# qhard installed from source as their READMEs say (make install, here
# into a temporary PREFIX put first on PATH): the RPM %check snippet
# inside rpmbuild (hardened passes, unhardened fails the build, --without
# qhard skips) and the make targets, each with its default policy, found by
# name. The debian/rules fragment has its own test (t0806); the GitHub
# action and the GitLab jobs install the Debian package (t1001).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"
EX="$GATE_SRC_DIR/ci/examples"

# make install from the build under test: only the installed binary (the
# paths it has built in) is linked anew
prefix="$T_TMP/prefix"
if make -C "$GATE_SRC_DIR" --no-print-directory install B="$B" CC="${CC_UNDER_TEST:-cc}" \
	PREFIX="$prefix" >"$T_TMP/install.log" 2>&1; then pass "make install PREFIX=$prefix"
else fail "make install"; tail -20 "$T_TMP/install.log" | sed 's/^/# /'; finish; fi
PATH="$prefix/bin:$PATH"
export PATH
[ "$(command -v qhard)" = "$prefix/bin/qhard" ] && pass "qhard on PATH is the installed one" ||
	fail "qhard on PATH: $(command -v qhard)"

hello_hardened "$T_TMP/hard" && hello_unhardened "$T_TMP/soft" ||
	{ fail "compile fixtures"; finish; }

# --- RPM %check
spec() { # KIND -> spec on stdout: the example's lines, then a package
	sed -n '/^%bcond_without qhard/,/^%{!?qhard_policy/p' "$EX/rpm/qhard-check.spec"
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
	sed -n '/^%check/,$p' "$EX/rpm/qhard-check.spec"
}
rpmb() { # KIND [rpmbuild args]
	kind=$1; shift
	spec "$kind" >"$T_TMP/$kind.spec"
	rpmbuild -bb --define "_topdir $T_TMP/rpmtop" \
		--define "__os_install_post %{nil}" --define "debug_package %{nil}" \
		--define "_build_id_links none" "$@" "$T_TMP/$kind.spec" \
		>"$T_TMP/rpm-$kind.log" 2>&1
}
if command -v rpmbuild >/dev/null; then
	if rpmb hard; then pass "rpm %check: hardened package builds"
	else fail "rpm %check: hardened build failed"; tail -15 "$T_TMP/rpm-hard.log" | sed 's/^/# /'; fi
	expect_grep "qhard gate: 1 file, 1 pass" "$T_TMP/rpm-hard.log" "rpm %check ran the gate"
	expect_grep "+ qhard gate --policy openstack-guide " "$T_TMP/rpm-hard.log" \
		"with the installed qhard and the policy by name, as written"
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
mk() { make -s -C "$T_TMP/proj" -f "$EX/make/qhard.mk" "$@"; }
expect_exit 0 "make qhard-check: hardened build passes" -- mk qhard-check
cp "$T_TMP/soft" "$T_TMP/proj/build/prog"
expect_exit 2 "make qhard-check: unhardened build fails make" -- mk qhard-check
mkdir -p "$T_TMP/proj/ci"
mk qhard-baseline >/dev/null 2>&1
[ -s "$T_TMP/proj/ci/qhard-baseline.json" ] && pass "make qhard-baseline writes the baseline" ||
	fail "no baseline written"
expect_exit 0 "make qhard-check picks up the baseline: known failures pass" -- mk qhard-check

finish
