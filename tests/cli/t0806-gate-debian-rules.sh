#!/bin/sh
# The debian/rules fragment (ci/examples/debian/qhard.mk), for real: a tiny
# hello package built with dpkg-buildpackage (debhelper, fakeroot, -us -uc),
# once with Debian's hardening (hardening=+all) and once without
# (hardening=-all, -fno-stack-protector, -z norelro). The hardened build
# passes the gate and its .deb passes; the unhardened build is stopped by
# the gate, and its .deb (built with DEB_BUILD_OPTIONS=noqhard) fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

for tool in dpkg-buildpackage dh fakeroot; do
	command -v $tool >/dev/null || { fail "$tool missing (make deps installs it)"; finish; }
done
# The fragment's default policy is the name openstack-guide: qhard finds it
# in its data dir (for the build tree's qhard, the source tree's).
export QHARD
QHARD_POLICY=openstack-guide

# make_source DIR HARDENING: a native source package in DIR/hello-qhard-1.0
make_source() {
	src="$1/hello-qhard-1.0"
	mkdir -p "$src/debian/source"
	cp "$T_TMP/hello.c" "$src/"
	printf 'hello: hello.c\n\t$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ hello.c\n' >"$src/Makefile"
	printf 'install:\n\tinstall -D -m 0755 hello $(DESTDIR)/usr/bin/hello-qhard\n' >>"$src/Makefile"
	printf 'clean:\n\trm -f hello\n' >>"$src/Makefile"
	echo "3.0 (native)" >"$src/debian/source/format"
	cat >"$src/debian/control" <<'CTL'
Source: hello-qhard
Section: misc
Priority: optional
Maintainer: qhard tests <tests@example.org>
Build-Depends: debhelper-compat (= 13)
Standards-Version: 4.6.2
Rules-Requires-Root: no

Package: hello-qhard
Architecture: any
Depends: ${shlibs:Depends}, ${misc:Depends}
Description: qhard gate test package
 Prints its name.
CTL
	cat >"$src/debian/changelog" <<'CHL'
hello-qhard (1.0) unstable; urgency=medium

  * Test package for qhard gate.

 -- qhard tests <tests@example.org>  Mon, 23 Nov 2026 12:00:00 +0000
CHL
	{
		printf '#!/usr/bin/make -f\n'
		if [ "$2" = hardened ]; then
			printf 'export DEB_BUILD_MAINT_OPTIONS = hardening=+all\n'
		else
			printf 'export DEB_BUILD_MAINT_OPTIONS = hardening=-all\n'
			printf 'export DEB_CFLAGS_MAINT_APPEND = -fno-stack-protector -U_FORTIFY_SOURCE\n'
			printf 'export DEB_LDFLAGS_MAINT_APPEND = -Wl,-z,norelro\n'
		fi
		printf '%%:\n\tdh $@\n\n'
		printf 'include %s/ci/examples/debian/qhard.mk\n' "$GATE_SRC_DIR"
	} >"$src/debian/rules"
	chmod +x "$src/debian/rules"
}

# The package builds with the distribution's default compiler, not ours:
# `make asan` passes CC=clang (environment and MAKEFLAGS, which the
# package's own make would inherit), and dh_dwz fails on clang's DWARF 5.
build() { # DIR [DEB_BUILD_OPTIONS]
	(cd "$1/hello-qhard-1.0" && unset CC MAKEFLAGS MFLAGS MAKELEVEL &&
		DEB_BUILD_OPTIONS="${2:-}" \
		dpkg-buildpackage -us -uc -b -rfakeroot) >"$1/build.log" 2>&1
}

mkdir -p "$T_TMP/hard" "$T_TMP/soft"
make_source "$T_TMP/hard" hardened
make_source "$T_TMP/soft" unhardened

if build "$T_TMP/hard"; then pass "hardened package builds through the gate"
else fail "hardened build failed"; tail -20 "$T_TMP/hard/build.log" | sed 's/^/# /'; fi
expect_grep "qhard gate: 1 file, 1 pass" "$T_TMP/hard/build.log" "the gate ran in the build"
deb=$(ls "$T_TMP"/hard/hello-qhard_1.0_*.deb 2>/dev/null | head -1)
expect_exit 0 "hardened .deb passes openstack-guide.ini" -- \
	"$QHARD" gate --policy "$QHARD_POLICY" "$deb"

if build "$T_TMP/soft"; then fail "unhardened build was not stopped by the gate"
else pass "unhardened package: the gate fails the build"; fi
expect_grep "qhard gate: 1 file, 0 pass.* 1 fail" "$T_TMP/soft/build.log" "the gate's verdict is in the build log"
expect_grep "execute_after_dh_strip" "$T_TMP/soft/build.log" "it failed in the dh_strip hook"

if build "$T_TMP/soft" noqhard; then pass "DEB_BUILD_OPTIONS=noqhard skips the gate"
else fail "noqhard build failed"; tail -20 "$T_TMP/soft/build.log" | sed 's/^/# /'; fi
deb=$(ls "$T_TMP"/soft/hello-qhard_1.0_*.deb 2>/dev/null | head -1)
expect_exit 1 "unhardened .deb fails openstack-guide.ini" -- \
	"$QHARD" gate --policy "$QHARD_POLICY" "$deb"
"$QHARD" gate --policy "$QHARD_POLICY" --format json -o "$T_TMP/soft.json" "$deb"
got=$(json_get "$T_TMP/soft.json" "' '.join(sorted(k for k, v in d['results'][0]['checks'].items() if v['status'] == 'fail'))")
case "$got" in *canary*relro*) pass "the .deb fails canary and relro ($got)" ;;
	*) fail "unhardened .deb fails: '$got'" ;; esac
finish
