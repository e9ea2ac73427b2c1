#!/bin/sh
# qhard gate on packages that cannot be read completely. The gate used to
# print "files: 0" and pass a truncated .rpm, an .rpm whose signature
# header claims 0x7fffffff entries, a .deb cut after debian-binary and a
# .deb whose data.tar was renamed. Each broken package here must be an
# error for that input (exit 3) naming the reason, while the good .deb
# beside it on the command line is still judged; each run is bounded in
# time and memory. Packages without ELF files pass only when their
# metadata says so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

hello_hardened "$T_TMP/hard" || { fail "compile fixture"; finish; }
mkdir -p "$T_TMP/tree/usr/bin" "$T_TMP/tree/usr/share/doc/hello"
cp "$T_TMP/hard" "$T_TMP/tree/usr/bin/hello"
echo docs >"$T_TMP/tree/usr/share/doc/hello/README"
deb_of "$T_TMP/tree" "$T_TMP/good.deb" || { fail "dpkg-deb"; finish; }
rpm_of "$T_TMP/tree" hello "$T_TMP/good.rpm" /usr/bin/hello \
	/usr/share/doc/hello/README || { fail "rpmbuild"; finish; }
tar -C "$T_TMP/tree" -cf "$T_TMP/good.tar" usr
tar -C "$T_TMP/tree" -czf "$T_TMP/good.tar.gz" usr

expect_exit 0 "the good .deb passes" -- "$QHARD" gate "$T_TMP/good.deb"
expect_exit 0 "the good .rpm passes" -- "$QHARD" gate "$T_TMP/good.rpm"

# broken NAME FILE TEXT: FILE, then good.deb: exit 3, FILE's error holds
# TEXT, and good.deb's /usr/bin/hello is still judged.
broken() {
	run_bounded 60 512 -- "$QHARD" gate --format json "$2" "$T_TMP/good.deb"
	python3 - "$T_TMP/out" "$2" "$3" "$RC" <<'PY' >"$T_TMP/py" 2>&1
import json, sys
out, path, text, rc = sys.argv[1:5]
assert rc == "3", "exit %s, wanted 3" % rc
d = json.load(open(out))
res = {r["path"]: r for r in d["results"]}
assert path in res, "no result for the broken package: %s" % sorted(res)
err = res[path]["error"] or ""
assert text in err, "error %r lacks %r" % (err, text)
hello = res.get("/usr/bin/hello")
assert hello and not hello["error"] and hello["checks"], "good.deb not judged"
print(err)
PY
	if [ $? -eq 0 ]; then pass "$1: $(cut -c1-110 "$T_TMP/py")"; else
		fail "$1"; sed 's/^/# /' "$T_TMP/py" "$T_TMP/err" | head -8; fi
}

size=$(stat -c %s "$T_TMP/good.rpm")
head -c $((size / 2)) "$T_TMP/good.rpm" >"$T_TMP/cut.rpm"
broken ".rpm cut in half" "$T_TMP/cut.rpm" "truncated"
hostile rpm-sig-index "$T_TMP/sig.rpm" "$T_TMP/good.rpm"
broken ".rpm signature header with 0x7fffffff entries and bytes" \
	"$T_TMP/sig.rpm" "the signature header has 2147483647 index entries"
hostile rpm-entry-outside "$T_TMP/entry.rpm" "$T_TMP/good.rpm"
broken ".rpm header entry past its data" "$T_TMP/entry.rpm" "does not fit in its"
hostile rpm-empty-payload "$T_TMP/nopayload.rpm" "$T_TMP/good.rpm"
broken ".rpm whose payload lost the files its header lists" \
	"$T_TMP/nopayload.rpm" "payload holds 0 of the 2 files the header lists"
hostile rpm-compressor "$T_TMP/comp.rpm" "$T_TMP/good.rpm"
broken ".rpm whose header names another compressor" "$T_TMP/comp.rpm" \
	"zstd payload is not zstd-compressed"
hostile rpm-appended "$T_TMP/long.rpm" "$T_TMP/good.rpm"
broken ".rpm with bytes appended" "$T_TMP/long.rpm" "something was appended"

hostile deb-cut-after-binary "$T_TMP/cutbin.deb" "$T_TMP/good.deb"
broken ".deb cut after debian-binary" "$T_TMP/cutbin.deb" \
	"the package ends after debian-binary"
hostile deb-rename-data "$T_TMP/renamed.deb" "$T_TMP/good.deb"
broken ".deb whose data.tar member was renamed" "$T_TMP/renamed.deb" \
	"unexpected member xata.tar"
size=$(stat -c %s "$T_TMP/good.deb")
head -c $((size - 100)) "$T_TMP/good.deb" >"$T_TMP/cut.deb"
broken ".deb cut inside data.tar" "$T_TMP/cut.deb" "truncated: member data.tar"
hostile deb-cut-data-stream "$T_TMP/stream.deb" "$T_TMP/good.deb"
broken ".deb whose data.tar stream is cut (ar sizes consistent)" \
	"$T_TMP/stream.deb" "data.tar.xz"
hostile deb-mislabel "$T_TMP/label.deb" "$T_TMP/good.deb"
broken ".deb whose data.tar.gz is xz" "$T_TMP/label.deb" "data.tar.gz is not gzip-compressed"
hostile deb-extra-member "$T_TMP/extra.deb" "$T_TMP/good.deb"
broken ".deb with an unknown member before data.tar" "$T_TMP/extra.deb" \
	"unexpected member evil"
hostile deb-version-3 "$T_TMP/v3.deb" "$T_TMP/good.deb"
broken ".deb of format 3.0" "$T_TMP/v3.deb" "not a format 2.x package"

# a .deb's md5sums (deb_of writes it as dh_md5sums does) lists the files
# its data.tar must hold: a valid data.tar that lost them is no smaller,
# passing package
hostile deb-data-emptied "$T_TMP/emptied.deb" "$T_TMP/good.deb"
broken ".deb whose data.tar was emptied (md5sums lists 2 files)" \
	"$T_TMP/emptied.deb" "data.tar.gz holds 0 of the 2 files the md5sums of control.tar"
hostile deb-drop-file "$T_TMP/dropped.deb" "$T_TMP/good.deb" /usr/bin/hello
broken ".deb whose valid data.tar lacks /usr/bin/hello" "$T_TMP/dropped.deb" \
	"holds 1 of the 2 files the md5sums of control.tar"
hostile deb-md5sums "$T_TMP/badsums.deb" "$T_TMP/good.deb" 'not a digest  usr/bin/hello\n'
broken ".deb with a malformed md5sums" "$T_TMP/badsums.deb" \
	"control.tar.gz: md5sums line 1 is not"
hostile deb-md5sums "$T_TMP/sumsdots.deb" "$T_TMP/good.deb" \
	'd41d8cd98f00b204e9800998ecf8427e  usr/bin/../../etc/shadow\n'
broken ".deb whose md5sums names a path through .." "$T_TMP/sumsdots.deb" \
	'".." component'

size=$(stat -c %s "$T_TMP/good.tar.gz")
head -c $((size / 2)) "$T_TMP/good.tar.gz" >"$T_TMP/cut.tar.gz"
broken "tar.gz cut in half" "$T_TMP/cut.tar.gz" "tar archive"
hostile tar-no-end "$T_TMP/noend.tar" "$T_TMP/good.tar"
broken "plain tar cut between members" "$T_TMP/noend.tar" "two zero blocks"
hostile tar-dotdot "$T_TMP/dotdot.tar" "$T_TMP/hard"
broken "tar member named through .." "$T_TMP/dotdot.tar" '".." component'

# --- packages without ELF files: accepted when their metadata says so
hostile deb-empty-data "$T_TMP/empty.deb"
mkdir -p "$T_TMP/docs/usr/share/doc/x"
echo docs >"$T_TMP/docs/usr/share/doc/x/README"
rpm_of "$T_TMP/docs" docs "$T_TMP/docs.rpm" /usr/share/doc/x/README ||
	fail "rpmbuild docs"
rpm_of "$T_TMP/docs" meta "$T_TMP/meta.rpm" || fail "rpmbuild meta"
for p in empty.deb docs.rpm meta.rpm; do
	run_bounded 60 512 -- "$QHARD" gate --format json "$T_TMP/$p"
	got=$(json_get "$T_TMP/out" "d['gate']['inputs'][0]['files'], len(d['results'])")
	if [ "$RC" -eq 0 ] && [ "$got" = "0 0" ]; then
		pass "$p: no ELF files, and none claimed: passes with files: 0"
	else fail "$p: exit $RC, files/results $got"; sed 's/^/# /' "$T_TMP/err" | head -5; fi
done

# pax names are UTF-8: read as such whatever the locale
hostile tar-pax-utf8 "$T_TMP/utf8.tar" "$T_TMP/hard"
run_bounded 60 512 -- env LC_ALL=C "$QHARD" gate --format json "$T_TMP/utf8.tar"
got=$(json_get "$T_TMP/out" "[r['path'] for r in d['results']]")
[ "$RC" -eq 0 ] && [ "$got" = "['/usr/bin/héllo']" ] &&
	pass "pax tar with UTF-8 names, C locale: read" ||
	{ fail "pax UTF-8: exit $RC, $got"; sed 's/^/# /' "$T_TMP/out" | head -5; }
finish
