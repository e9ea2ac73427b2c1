#!/bin/sh
# qhard audit on image roots prepared by an attacker who can write inside
# the image: directories swapped while the audit resolves a ".."-heavy
# symlink, an unlistable /usr/bin, a /usr/bin that leads out of the root,
# ld.so.conf files that include each other. Each must end in an error
# (exit 3) or a finding, never a read outside the root, a hang, or a
# smaller audit that passes. Every run is under timeout and a memory limit.
. "$(dirname "$0")/lib.sh"

CC=${CC_UNDER_TEST:-cc}
command -v python3 >/dev/null || { echo "# python3 missing (make deps)"; exit 1; }

# ASan reserves terabytes of address space: no limit for its builds.
if grep -q __asan_init "$QHARD" 2>/dev/null; then MEM=unlimited; else MEM=2097152; fi
# limited OUT ERR CMD...: exit code in $rc
limited() {
	out=$1 err=$2
	shift 2
	(ulimit -v "$MEM" && exec timeout 60 "$@") >"$out" 2>"$err"
	rc=$?
}

cat >"$T_TMP/hello.c" <<'EOF'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char buf[32];
	strcpy(buf, argc > 1 ? argv[1] : "x");
	puts(buf);
	return 0;
}
EOF
$CC -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -pie -Wl,-z,relro,-z,now \
	-o "$T_TMP/qemu" "$T_TMP/hello.c" || { echo "# cannot compile"; exit 1; }
libc=$($CC -print-file-name=libc.so.6)

# mini_root DIR: a QEMU binary, a helper and libc found through ld.so.conf,
# SELinux enforcing: a clean audit (exit 0) with $POLICY
mini_root() {
	mkdir -p "$1/usr/bin" "$1/usr/lib/qemu" "$1/lib/x86_64-linux-gnu" "$1/etc/ld.so.conf.d" \
		"$1/etc/selinux" "$1/var/lib/selinux/targeted/active" "$1/etc/libvirt"
	cp "$T_TMP/qemu" "$1/usr/bin/qemu-system-x86_64"
	cp "$T_TMP/qemu" "$1/usr/lib/qemu/qemu-bridge-helper"
	cp "$libc" "$1/lib/x86_64-linux-gnu/libc.so.6"
	echo "include /etc/ld.so.conf.d/*.conf" >"$1/etc/ld.so.conf"
	echo "/lib/x86_64-linux-gnu" >"$1/etc/ld.so.conf.d/libc.conf"
	printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$1/etc/selinux/config"
	printf 'virt_use_nfs=0\n' >"$1/var/lib/selinux/targeted/active/booleans.local"
	printf 'security_driver = "selinux"\nuser = "qemu"\n' >"$1/etc/libvirt/qemu.conf"
}
POLICY="$T_TMP/policy.ini"
cat >"$POLICY" <<'EOF'
[policy]
name = test
default = warn
[checks]
pie = required
nx = required
[type "dso"]
* = ignore
EOF

# paths JSON: the subjects of a report, one per line, "!" before errors
paths() {
	python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(("!" if r.get("error") else "") + r["path"])' "$1"
}

# --- 1. directories swapped while a ".." symlink is resolved ----------------
# etc/libvirt/qemu.conf climbs down a/b/c/d and back up 150 times. A helper
# swaps a/b and x (both hold c/d) with renameat2(RENAME_EXCHANGE) in a loop:
# a resolver that takes ".." from the directory it stands in climbs out of
# the root when a/b/c/d has moved up to x/c/d meanwhile, and then reads
# the copy outside. (Before the fix: 10-18 of 30 runs quoted it.)
cat >"$T_TMP/swapdirs.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	for (;;)
		if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0) {
			perror("renameat2");
			return 1;
		}
}
EOF
$CC -O2 -o "$T_TMP/swapdirs" "$T_TMP/swapdirs.c" || { echo "# cannot compile swapdirs"; exit 1; }
R="$T_TMP/race/root"
for base in "$T_TMP/race" "$R"; do
	mkdir -p "$base/a/b/c/d" "$base/x/c/d" "$base/escaped"
done
mkdir -p "$R/etc/libvirt"
printf 'security_driver = "selinux"\n' >"$R/escaped/qemu.conf"
printf 'security_driver = "OUTSIDE-THE-ROOT"\n' >"$T_TMP/race/escaped/qemu.conf"
t="../.."
i=0
while [ $i -lt 150 ]; do t="$t/a/b/c/d/../../../.."; i=$((i + 1)); done
ln -s "$t/escaped/qemu.conf" "$R/etc/libvirt/qemu.conf"

race() { # race MODE-NAME RUNS
	"$T_TMP/swapdirs" "$R/a/b" "$R/x" &
	swapper=$!
	escaped=0 errors=0 other=0 i=0
	while [ $i -lt "$2" ]; do
		limited "$T_TMP/race.json" "$T_TMP/race.err" "$QHARD" audit --root "$R" --format json
		grep -q OUTSIDE-THE-ROOT "$T_TMP/race.json" "$T_TMP/race.err" && escaped=$((escaped + 1))
		grep -q '"security_driver = \\"selinux\\""' "$T_TMP/race.json" || errors=$((errors + 1))
		[ $rc -le 3 ] || other=$((other + 1))
		i=$((i + 1))
	done
	kill "$swapper"
	wait "$swapper" 2>/dev/null
	[ $escaped -eq 0 ] && pass "rename race ($1): no run of $2 read outside the root" ||
		fail "rename race ($1): $escaped of $2 runs quoted the file outside the root"
	[ $other -eq 0 ] && pass "rename race ($1): no crash or timeout" ||
		fail "rename race ($1): $other runs crashed or timed out"
	echo "# $1: $((${2} - errors)) of $2 runs read the file inside the root"
}
race "openat2 where the kernel has it" 40
QHARD_TEST_NO_OPENAT2=1 race "fallback walk, QHARD_TEST_NO_OPENAT2" 40

# --- 2. an unlistable /usr/bin ------------------------------------------------
# As an unprivileged user, /usr/bin mode 0711 (or 000) cannot be listed: the
# QEMU binary must not silently vanish from a passing audit.
chmod 0711 "$T_TMP"
nobody=$(id -u nobody 2>/dev/null)
for mode in 0711 0000; do
	D="$T_TMP/perm$mode"
	mini_root "$D"
	chmod "$mode" "$D/usr/bin"
	if [ -z "$nobody" ] || ! command -v setpriv >/dev/null; then
		fail "cannot run as an unprivileged user (no nobody user or setpriv)"
		break
	fi
	limited "$T_TMP/perm.json" "$T_TMP/perm.err" setpriv --reuid="$nobody" --regid="$nobody" \
		--clear-groups "$QHARD" audit --root "$D" --policy "$POLICY" --format json
	[ $rc -eq 3 ] && pass "/usr/bin mode $mode as nobody: exit 3" ||
		{ fail "/usr/bin mode $mode as nobody: exit $rc, wanted 3"; sed 's/^/# /' "$T_TMP/perm.err" | head; }
	got=$(paths "$T_TMP/perm.json")
	echo "$got" | grep -qx '!/usr/bin' && pass "/usr/bin mode $mode: an error for /usr/bin" ||
		fail "/usr/bin mode $mode: no error for /usr/bin: $got"
	grep -q 'Permission denied' "$T_TMP/perm.json" && pass "/usr/bin mode $mode: says why" ||
		fail "/usr/bin mode $mode: no reason given"
	echo "$got" | grep -qx '/usr/lib/qemu/qemu-bridge-helper' &&
		pass "/usr/bin mode $mode: the other binaries are still audited" ||
		fail "/usr/bin mode $mode: other binaries missing: $got"
done

# --- 3. a /usr/bin that leads out of the root ---------------------------------
D="$T_TMP/binescape"
mini_root "$D"
mkdir -p "$T_TMP/hostbin"
mv "$D/usr/bin/qemu-system-x86_64" "$T_TMP/hostbin/"
rmdir "$D/usr/bin"
ln -s "../../../../../../../../../../../..$T_TMP/hostbin" "$D/usr/bin"
# and a library dir that leads out: libc's ld-linux is looked up there
ln -s "../../../../../../../../../../../..$T_TMP/hostbin" "$D/lib64"
limited "$T_TMP/esc.json" "$T_TMP/esc.err" "$QHARD" audit --root "$D" --policy "$POLICY" --format json
[ $rc -eq 1 ] && pass "/usr/bin out of the root: exit 1" ||
	{ fail "/usr/bin out of the root: exit $rc, wanted 1"; sed 's/^/# /' "$T_TMP/esc.err" | head; }
python3 - "$T_TMP/esc.json" <<'EOF' >"$T_TMP/esc.out" 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
r = {x["path"]: x for x in d["results"]}
c = r["/usr/bin"]["checks"]["symlink-escape"]
assert c["status"] == "fail", c
assert "hostbin" in c["evidence"], c
assert not any(p.endswith("qemu-system-x86_64") for p in r), list(r)
assert "/usr/lib/qemu/qemu-bridge-helper" in r, list(r)
c = r["/lib64"]["checks"]["symlink-escape"]
assert c["status"] == "fail" and "hostbin" in c["evidence"], c
assert not any(p.startswith("/lib64/") for p in r), list(r)
EOF
[ $? -eq 0 ] && pass "/usr/bin and /lib64 out of the root: symlink-escape names each link once, nothing outside analysed" ||
	{ fail "/usr/bin out of the root: finding"; sed 's/^/# /' "$T_TMP/esc.out"; }

# --- 4. ld.so.conf includes that include each other ---------------------------
# 7 files of 34 bytes, each including the whole ld.so.conf.d/*.conf: followed
# again for every include this took 109 s per ELF file; each file is read
# once per audit and the cycle is a finding.
D="$T_TMP/ldso"
mini_root "$D"
for n in 1 2 3 4 5 6 7; do
	echo "include /etc/ld.so.conf.d/*.conf" >"$D/etc/ld.so.conf.d/loop$n.conf"
done
limited "$T_TMP/ldso.json" "$T_TMP/ldso.err" "$QHARD" audit --root "$D" --policy "$POLICY" --format json
[ $rc -eq 1 ] && pass "ld.so.conf include cycle: exit 1, no hang" ||
	{ fail "ld.so.conf include cycle: exit $rc, wanted 1 (124: timeout)"; sed 's/^/# /' "$T_TMP/ldso.err" | head; }
python3 - "$T_TMP/ldso.json" <<'EOF' >"$T_TMP/ldso.out" 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
r = {x["path"]: x for x in d["results"]}
c = r["/etc/ld.so.conf"]["checks"]["ldso-config"]
assert c["status"] == "fail" and "include cycle" in c["evidence"], c
assert "(9 files)" in c["evidence"], c
for p in ("/usr/bin/qemu-system-x86_64", "/usr/lib/qemu/qemu-bridge-helper",
          "/lib/x86_64-linux-gnu/libc.so.6"):
    assert p in r and not r[p]["error"], (p, list(r))
assert r["/usr/bin/qemu-system-x86_64"]["checks"]["library-missing"]["status"] == "pass"
EOF
[ $? -eq 0 ] && pass "ld.so.conf include cycle: ldso-config finding, libraries still found" ||
	{ fail "ld.so.conf include cycle: report"; sed 's/^/# /' "$T_TMP/ldso.out"; }
# each file opened once in the whole audit (three ELF files need the dirs)
if command -v strace >/dev/null; then
	timeout 60 strace -f -qq -e trace=openat -o "$T_TMP/ldso.trace" \
		"$QHARD" audit --root "$D" --policy "$POLICY" --format json >/dev/null 2>&1
	n=$(grep -c 'loop1.conf", O_RDONLY' "$T_TMP/ldso.trace")
	[ "$n" -eq 1 ] && pass "ld.so.conf.d/loop1.conf opened once per audit" ||
		fail "ld.so.conf.d/loop1.conf opened $n times"
else
	fail "strace missing (make deps installs it)"
fi
# the same with a plain include fan-out (no cycle): read once, no finding
D="$T_TMP/fanout"
mini_root "$D"
for n in 1 2 3 4 5 6 7; do
	echo "include /etc/ld.so.conf.d/libc.conf" >"$D/etc/ld.so.conf.d/fan$n.conf"
done
limited "$T_TMP/fan.json" "$T_TMP/fan.err" "$QHARD" audit --root "$D" --policy "$POLICY" --format json
python3 - "$T_TMP/fan.json" <<'EOF' >"$T_TMP/fan.out" 2>&1
import json, sys
r = {x["path"]: x for x in json.load(open(sys.argv[1]))["results"]}
c = r["/etc/ld.so.conf"]["checks"]["ldso-config"]
assert c["status"] == "pass" and c["evidence"] == "9 files read", c
assert r["/usr/bin/qemu-system-x86_64"]["checks"]["library-missing"]["status"] == "pass"
EOF
py=$?
[ $rc -eq 0 ] && [ $py -eq 0 ] && pass "ld.so.conf fan-out without a cycle: exit 0, each file read, no finding" ||
	{ fail "ld.so.conf fan-out: exit $rc"; sed 's/^/# /' "$T_TMP/fan.out" "$T_TMP/fan.err" | head; }
finish
