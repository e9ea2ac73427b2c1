#!/bin/sh
# qhard profile --qemu-src on a QEMU tree prepared by an attacker: FIFOs
# where Kconfig, VERSION, a target .mak or a meson.build should be, Kconfig
# `source` lines and symlinks that lead out of the tree (/etc/shadow,
# /dev/zero, ../../x), and directory symlinks to "." sourced over and over.
# The tree is read like an audit root: regular files only, opened without
# blocking, never outside the tree, each file once. Each case runs under
# timeout and a memory limit and must end in a clear error or a result.
. "$(dirname "$0")/lib.sh"

MINI=$(cd "$(dirname "$0")/../fixtures/qemu-mini" && pwd)
if grep -q __asan_init "$QHARD" 2>/dev/null; then MEM=unlimited; else MEM=2097152; fi
limited() { # limited OUT ERR CMD...: exit code in $rc
	out=$1 err=$2
	shift 2
	(ulimit -v "$MEM" && exec timeout 30 "$@") >"$out" 2>"$err"
	rc=$?
}
P="$T_TMP/p.ini"
cat >"$P" <<'INI'
[profile]
name = mini
targets = x86_64-softmmu
[devices]
machines = q35
allow = virtio-net-pci
[features]
accelerators = kvm tcg
INI

# tree NAME: a fresh copy of the mini tree in $T_TMP/NAME (echoes the path)
tree() {
	rm -rf "$T_TMP/$1"
	cp -a "$MINI" "$T_TMP/$1"
	echo "$T_TMP/$1"
}
# profile NAME WANT-EXIT WANT-TEXT DESC
profile() {
	limited "$T_TMP/$1.out" "$T_TMP/$1.err" "$QHARD" profile -p "$P" -s "$T_TMP/$1" \
		-d "$T_TMP/$1-devices" --no-probe
	if [ "$rc" -eq "$2" ]; then pass "$4: exit $2"; else
		fail "$4: exit $rc, wanted $2 (124: timeout)"; sed 's/^/# /' "$T_TMP/$1.err" | head -5; fi
	if grep -q -- "$3" "$T_TMP/$1.err"; then pass "$4: says '$3'"; else
		fail "$4: no '$3' in the error"; sed 's/^/# /' "$T_TMP/$1.err" | head -5; fi
}

# the untouched copy works (the baseline for every case below)
tree plain >/dev/null
limited "$T_TMP/plain.out" "$T_TMP/plain.err" "$QHARD" profile -p "$P" -s "$T_TMP/plain" \
	-d "$T_TMP/plain-devices" --no-probe
[ "$rc" -eq 0 ] && pass "the mini tree copy: exit 0" || fail "the mini tree copy: exit $rc"

# FIFOs where files should be: a reader that opens them blocks forever
d=$(tree fifo-kconfig); rm "$d/Kconfig"; mkfifo "$d/Kconfig"
profile fifo-kconfig 3 "Kconfig: not a regular file" "FIFO as Kconfig"
d=$(tree fifo-sourced); rm "$d/hw/net/Kconfig"; mkfifo "$d/hw/net/Kconfig"
profile fifo-sourced 3 "Kconfig:3: .*hw/Kconfig:2: .*hw/net/Kconfig: not a regular file" "FIFO as a sourced Kconfig"
d=$(tree fifo-version); rm "$d/VERSION"; mkfifo "$d/VERSION"
profile fifo-version 3 "VERSION: not a regular file" "FIFO as VERSION"
d=$(tree fifo-mak); rm "$d/configs/targets/x86_64-softmmu.mak"
mkfifo "$d/configs/targets/x86_64-softmmu.mak"
profile fifo-mak 3 "x86_64-softmmu.mak: not a regular file" "FIFO as a target .mak"
d=$(tree fifo-meson); rm "$d/hw/net/meson.build"; mkfifo "$d/hw/net/meson.build"
profile fifo-meson 3 "subdir('net'): .*hw/net/meson.build: not a regular file" "FIFO as a meson.build"
d=$(tree gone-meson); rm "$d/hw/net/meson.build"
limited "$T_TMP/gm.out" "$T_TMP/gm.err" "$QHARD" profile -p "$P" -s "$d" -d "$T_TMP/gm-dev" --no-probe
[ "$rc" -eq 0 ] && grep -q "subdir('net'): .*No such file" "$T_TMP/gm.out" &&
	pass "a missing subdir stays a note (exit 0)" ||
	{ fail "a missing subdir: exit $rc"; sed 's/^/# /' "$T_TMP/gm.err" | head -5; }
d=$(tree dev-zero); rm "$d/hw/net/Kconfig"; mknod "$d/hw/net/Kconfig" c 1 5 2>/dev/null &&
	profile dev-zero 3 "hw/net/Kconfig: not a regular file" "/dev/zero's device node as a Kconfig"

# `source` and symlinks that lead out of the tree
d=$(tree abs-source); echo "source /etc/shadow" >>"$d/hw/Kconfig"
profile abs-source 3 "source /etc/shadow: an absolute path leads out of the tree" "source /etc/shadow"
d=$(tree dotdot-source); echo "source ../../../../../../../../dev/zero" >>"$d/hw/Kconfig"
profile dotdot-source 3 "leads out of the tree" "source ../../dev/zero"
d=$(tree link-out); rm "$d/hw/ide/Kconfig"; ln -s /etc/shadow "$d/hw/ide/Kconfig"
profile link-out 3 "hw/ide/Kconfig (-> /etc/shadow) leads out of the tree" "a Kconfig symlink to /etc/shadow"
d=$(tree dir-out); rm -rf "$d/hw/ide"; ln -s ../../../../../../../../../etc "$d/hw/ide"
profile dir-out 3 "leads out of the tree" "a sourced directory that is a symlink out of the tree"
d=$(tree version-out); rm "$d/VERSION"; ln -s /etc/debian_version "$d/VERSION"
profile version-out 3 "VERSION (-> /etc/debian_version) leads out of the tree" "VERSION symlink out of the tree"

# directory symlinks to "." sourced again and again: each file is read once
d=$(tree loops)
ln -s . "$d/x"
ln -s . "$d/y"
printf 'source x/Kconfig\nsource y/Kconfig\nsource x/y/x/Kconfig\n' >>"$d/Kconfig"
printf 'source ../x/hw/Kconfig\nsource ../y/hw/Kconfig\n' >>"$d/hw/Kconfig"
ln -s . "$d/hw/self"
printf "subdir('self')\n" >>"$d/hw/meson.build"
limited "$T_TMP/loops.out" "$T_TMP/loops.err" "$QHARD" profile -p "$P" -s "$d" \
	-d "$T_TMP/loops-devices" --no-probe --format json
[ "$rc" -eq 0 ] && pass "x -> . and y -> . sourced: exit 0, no loop" ||
	{ fail "x -> . and y -> . sourced: exit $rc (124: timeout)"; sed 's/^/# /' "$T_TMP/loops.err" | head -5; }
cmp -s "$T_TMP/loops-devices/x86_64-softmmu.mak" "$T_TMP/plain-devices/x86_64-softmmu.mak" &&
	pass "x -> . and y -> . sourced: the same devices file as the plain tree" ||
	fail "x -> . and y -> . sourced: the devices file differs"
finish
