# gate-fixtures.sh - fixtures for the t08NN qhard gate tests (sourced after
# lib.sh). Binaries are compiled here, at test time, with the flags that set
# what the gate must find.
: "${CC_UNDER_TEST:=cc}"
GATE_SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
POLICIES="$GATE_SRC_DIR/ci/policies"

cat >"$T_TMP/hello.c" <<'SRC'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char buf[64];
	strcpy(buf, argv[0]); /* fortifiable: __strcpy_chk when fortified */
	printf("%s %d\n", buf, argc);
	return 0;
}
SRC

# hello_hardened OUT / hello_unhardened OUT
hello_hardened() {
	"$CC_UNDER_TEST" -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 \
		-fstack-protector-strong -fPIE -pie -Wl,-z,relro,-z,now \
		-o "$1" "$T_TMP/hello.c"
}
hello_unhardened() {
	"$CC_UNDER_TEST" -O0 -U_FORTIFY_SOURCE -fno-stack-protector -fno-pie \
		-no-pie -Wl,-z,norelro -o "$1" "$T_TMP/hello.c"
}

# json_get FILE PYTHON-EXPR: print the expression over the parsed JSON `d`.
json_get() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# Hostile packages: tests/fixtures/hostile_pkg.py CASE OUT [IN].
HOSTILE_PKG="$GATE_SRC_DIR/tests/fixtures/hostile_pkg.py"
hostile() { python3 "$HOSTILE_PKG" "$@"; }

# deb_of DIR OUT: a .deb of the tree DIR (usr/...), built by dpkg-deb, with
# the md5sums dh_md5sums would write (every plain file; none: no file).
deb_of() {
	mkdir -p "$1/DEBIAN"
	printf 'Package: hello\nVersion: 1.0\nArchitecture: all\nMaintainer: qhard tests <t@example.org>\nDescription: test\n' \
		>"$1/DEBIAN/control"
	(cd "$1" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
		sort -z | xargs -0r md5sum) >"$1/DEBIAN/md5sums"
	[ -s "$1/DEBIAN/md5sums" ] || rm "$1/DEBIAN/md5sums"
	dpkg-deb --root-owner-group -b "$1" "$2" >/dev/null
	rm -rf "$1/DEBIAN"
}

# rpm_of DIR NAME OUT FILE...: an .rpm (gzip payload) holding FILE... (paths
# as installed) from the tree DIR, built by rpmbuild; hard links in DIR
# stay hard links. No FILE: a package without files.
rpm_of() {
	_dir=$1 _name=$2 _out=$3; shift 3
	{
		printf 'Name: %s\nVersion: 1.0\nRelease: 1\nSummary: test\nLicense: MIT\n' "$_name"
		printf '%%description\ntest\n%%install\n'
		[ $# -gt 0 ] && printf 'cp -a %s/. %%{buildroot}/\n' "$_dir"
		printf '%%files\n'
		for _f in "$@"; do echo "$_f"; done
	} >"$T_TMP/$_name.spec"
	rpmbuild -bb --quiet --define "_topdir $T_TMP/rpmtop" \
		--define "__os_install_post %{nil}" --define "debug_package %{nil}" \
		--define "_build_id_links none" --define "_binary_payload w9.gzdio" \
		"$T_TMP/$_name.spec" >"$T_TMP/rpmbuild.log" 2>&1 || return 1
	cp "$T_TMP"/rpmtop/RPMS/*/"$_name"-1.0-1.*.rpm "$_out"
}

# qhard_is_asan: $QHARD was built with ASan (its runtime is in the dynamic
# symbol table; the name alone is also in qhard's list of sanitizer
# symbols, so a plain grep would always match)
qhard_is_asan() {
	readelf --dyn-syms -W "$QHARD" 2>/dev/null | grep -q ' __asan_init$'
}

# run_bounded SECONDS MIB -- CMD...: CMD under timeout and an address-space
# limit of MIB (none under ASan, whose shadow memory needs terabytes of
# it); output in $T_TMP/out, $T_TMP/err; sets RC and RSS_KB (peak RSS).
run_bounded() {
	_secs=$1 _mib=$2; shift 3
	if qhard_is_asan; then
		set -- env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8" "$@"
	else
		set -- prlimit --as=$((_mib * 1024 * 1024)) "$@"
	fi
	/usr/bin/time -f %M -o "$T_TMP/rss" timeout "$_secs" "$@" \
		>"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	RSS_KB=$(tail -1 "$T_TMP/rss")
}
