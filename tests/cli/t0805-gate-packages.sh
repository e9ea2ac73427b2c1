#!/bin/sh
# qhard gate on packages: a .deb (dpkg-deb -b), an .rpm (rpmbuild -bb) and
# a tarball, each holding one hardened or unhardened binary plus non-ELF
# files and a symlink. Members are reported by the path they install to;
# a corrupt package is an input that could not be analysed (exit 3).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

hello_hardened "$T_TMP/hard" && hello_unhardened "$T_TMP/soft" ||
	{ fail "compile fixtures"; finish; }

# stage NAME BINARY: a package tree under $T_TMP/NAME
stage() {
	rm -rf "$T_TMP/$1"
	mkdir -p "$T_TMP/$1/usr/bin" "$T_TMP/$1/usr/share/doc/hello"
	cp "$2" "$T_TMP/$1/usr/bin/hello"
	ln -s hello "$T_TMP/$1/usr/bin/hello-alias"
	echo "hello docs" >"$T_TMP/$1/usr/share/doc/hello/README"
}

# --- .deb
for kind in hard soft; do
	stage "deb-$kind" "$T_TMP/$kind"
	mkdir -p "$T_TMP/deb-$kind/DEBIAN"
	printf 'Package: hello\nVersion: 1.0\nArchitecture: all\nMaintainer: qhard tests <t@example.org>\nDescription: test\n' \
		>"$T_TMP/deb-$kind/DEBIAN/control"
	dpkg-deb --root-owner-group -b "$T_TMP/deb-$kind" "$T_TMP/hello-$kind.deb" >/dev/null ||
		fail "dpkg-deb -b $kind"
done
expect_exit 0 ".deb with a hardened binary passes" -- "$QHARD" gate "$T_TMP/hello-hard.deb"
expect_exit 1 ".deb with an unhardened binary fails" -- "$QHARD" gate "$T_TMP/hello-soft.deb"
"$QHARD" gate --format json -o "$T_TMP/deb.json" "$T_TMP/hello-soft.deb"
got=$(json_get "$T_TMP/deb.json" "[r['path'] for r in d['results']], d['gate']['inputs'][0]['kind']")
[ "$got" = "['/usr/bin/hello'] deb" ] && pass ".deb: one ELF member, named by its installed path" ||
	fail ".deb members: $got"

# --- .rpm
if command -v rpmbuild >/dev/null; then
	for kind in hard soft; do
		stage "rpm-$kind" "$T_TMP/$kind"
		cat >"$T_TMP/hello-$kind.spec" <<SPEC
Name: hello-$kind
Version: 1.0
Release: 1
Summary: test
License: MIT
%description
test
%install
cp -a $T_TMP/rpm-$kind/. %{buildroot}/
%files
/usr/bin/hello
/usr/bin/hello-alias
/usr/share/doc/hello/README
SPEC
		rpmbuild -bb --quiet --define "_topdir $T_TMP/rpmtop" \
			--define "__os_install_post %{nil}" --define "debug_package %{nil}" \
			--define "_build_id_links none" \
			"$T_TMP/hello-$kind.spec" >"$T_TMP/rpmbuild.log" 2>&1 ||
			{ fail "rpmbuild $kind"; sed 's/^/# /' "$T_TMP/rpmbuild.log" | tail -5; }
	done
	hard_rpm=$(ls "$T_TMP"/rpmtop/RPMS/*/hello-hard-*.rpm)
	soft_rpm=$(ls "$T_TMP"/rpmtop/RPMS/*/hello-soft-*.rpm)
	expect_exit 0 ".rpm with a hardened binary passes" -- "$QHARD" gate "$hard_rpm"
	expect_exit 1 ".rpm with an unhardened binary fails" -- "$QHARD" gate "$soft_rpm"
	"$QHARD" gate --format json -o "$T_TMP/rpm.json" "$soft_rpm"
	got=$(json_get "$T_TMP/rpm.json" "[r['path'] for r in d['results']], d['gate']['inputs'][0]['kind']")
	[ "$got" = "['/usr/bin/hello'] rpm" ] && pass ".rpm: one ELF member, named by its installed path" ||
		fail ".rpm members: $got"
else
	fail "rpmbuild missing (make deps installs rpm)"
fi

# --- tarball
tar -C "$T_TMP/deb-soft" -czf "$T_TMP/soft.tar.gz" usr
expect_exit 1 "tar.gz with an unhardened binary fails" -- "$QHARD" gate "$T_TMP/soft.tar.gz"

# --- broken packages
head -c 600 "$T_TMP/hello-hard.deb" >"$T_TMP/cut.deb"
expect_exit 3 "a truncated .deb could not be analysed" -- \
	"$QHARD" gate "$T_TMP/cut.deb" "$T_TMP/hello-hard.deb"
expect_grep "cut.deb" "$T_TMP/out" "the broken package is named"
expect_grep "/usr/bin/hello" "$T_TMP/out" "the good package is still reported"
finish
