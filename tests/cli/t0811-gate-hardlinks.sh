#!/bin/sh
# Hard links in packages: every name gets its own result under its own
# path rules. An unhardened helper is installed as /usr/lib/qemu/helper
# and, hard-linked, as /usr/bin/qemu-system-x86_64 (and /usr/libexec/kvm);
# the policy ignores everything under /usr/lib/qemu/. The gate used to
# judge the bytes under the target's name only, so the ignore rule hid
# the emulator. In a tar (GNU tar, dpkg-deb) the bytes come with the first
# name, in an rpm's cpio with the last: both must work.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

hello_unhardened "$T_TMP/soft" || { fail "compile fixture"; finish; }
mkdir -p "$T_TMP/tree/usr/lib/qemu" "$T_TMP/tree/usr/bin" "$T_TMP/tree/usr/libexec" \
	"$T_TMP/tree/usr/share/doc/q"
cp "$T_TMP/soft" "$T_TMP/tree/usr/lib/qemu/helper"
ln "$T_TMP/tree/usr/lib/qemu/helper" "$T_TMP/tree/usr/bin/qemu-system-x86_64"
ln "$T_TMP/tree/usr/lib/qemu/helper" "$T_TMP/tree/usr/libexec/kvm"
echo docs >"$T_TMP/tree/usr/share/doc/q/README"
ln "$T_TMP/tree/usr/share/doc/q/README" "$T_TMP/tree/usr/share/doc/q/README.txt"

cat >"$T_TMP/p.ini" <<'INI'
[policy]
name = helpers-ignored
[checks]
relro = required
pie = required
canary = required
[path "/usr/lib/qemu/*"]
* = ignore
INI

# by name the emulator carries the bytes; in the second tar the ignored
# helper does (the case that hid the emulator)
tar -C "$T_TMP/tree" --sort=name -cf "$T_TMP/q.tar" usr
tar -C "$T_TMP/tree" -cf "$T_TMP/q-helper-first.tar" usr/lib/qemu/helper \
	usr/bin/qemu-system-x86_64 usr/libexec/kvm usr/share/doc/q
deb_of "$T_TMP/tree" "$T_TMP/q.deb" || fail "dpkg-deb"
rpm_of "$T_TMP/tree" q "$T_TMP/q.rpm" /usr/lib/qemu/helper \
	/usr/bin/qemu-system-x86_64 /usr/libexec/kvm /usr/share/doc/q/README \
	/usr/share/doc/q/README.txt || fail "rpmbuild"

for pkg in q.tar q-helper-first.tar q.deb q.rpm; do
	run_bounded 60 512 -- "$QHARD" gate --policy "$T_TMP/p.ini" --format json "$T_TMP/$pkg"
	python3 - "$T_TMP/out" "$RC" <<'PY' >"$T_TMP/py" 2>&1
import json, sys
assert sys.argv[2] == "1", "exit %s, wanted 1 (the emulator fails)" % sys.argv[2]
res = {r["path"]: r for r in json.load(open(sys.argv[1]))["results"]}
want = {"/usr/lib/qemu/helper", "/usr/bin/qemu-system-x86_64", "/usr/libexec/kvm"}
assert set(res) == want, "results: %s" % sorted(res)
def failing(p):
    return sorted(k for k, c in res[p]["checks"].items() if c["status"] == "fail")
assert failing("/usr/lib/qemu/helper") == [], failing("/usr/lib/qemu/helper")
for p in ("/usr/bin/qemu-system-x86_64", "/usr/libexec/kvm"):
    assert failing(p) == ["canary", "pie", "relro"], (p, failing(p))
print("3 names, the emulator and kvm fail, the ignored helper does not")
PY
	if [ $? -eq 0 ]; then pass "$pkg: $(cat "$T_TMP/py")"; else
		fail "$pkg"; sed 's/^/# /' "$T_TMP/py" "$T_TMP/err" | head -8; fi
done

# links whose target is not before them cannot be judged: errors
hello_hardened "$T_TMP/hard" || fail "compile fixture"
for c in tar-link-first tar-link-missing; do
	hostile $c "$T_TMP/$c.tar" "$T_TMP/hard"
	run_bounded 60 512 -- "$QHARD" gate "$T_TMP/$c.tar"
	if [ "$RC" -eq 3 ] && grep -q "hard link /usr/bin/qemu-system-x86_64: its target /usr/lib/qemu/.* is not before it" "$T_TMP/out"; then
		pass "$c: exit 3, the link is named"
	else fail "$c: exit $RC"; sed 's/^/# /' "$T_TMP/out" | head -5; fi
done
finish
