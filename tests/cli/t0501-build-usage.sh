#!/bin/sh
# qhard build: option errors are usage errors (2) and name the problem;
# nothing is configured or built for them.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
profile="$here/../../configure-profiles/profiles/kvm-virtio-minimal.ini"

expect_exit 0 "build --help" -- "$QHARD" build --help
expect_grep "--keep-going" "$T_TMP/out" "help lists --keep-going"
expect_grep "--reuse" "$T_TMP/out" "help lists --reuse"
expect_exit 2 "no profile" -- "$QHARD" build --qemu-src /nonexistent
expect_grep "profile" "$T_TMP/err" "message names --profile"
expect_exit 2 "no source" -- env -u QHARD_QEMU_SRC "$QHARD" build --profile "$profile"
expect_grep "qemu-src" "$T_TMP/err" "message names --qemu-src"
expect_exit 2 "bad --jobs" -- "$QHARD" build --profile "$profile" --qemu-src /x --jobs 0
expect_exit 2 "bad --format" -- "$QHARD" build --profile "$profile" --qemu-src /x --format yaml
expect_exit 2 "bad --compare" -- "$QHARD" build --profile "$profile" --qemu-src /x --compare /usr/bin/qemu
printf '[profile]\nname = broken\n[nonsense]\nallow = x\n' > "$T_TMP/bad.ini"
mkdir -p "$T_TMP/src"
expect_exit 2 "malformed profile" -- "$QHARD" build --profile "$T_TMP/bad.ini" \
	--qemu-src "$T_TMP/src" --build-dir "$T_TMP/b"
[ ! -d "$T_TMP/b" ] && pass "nothing created for a bad profile" ||
	fail "a build dir was created for a bad profile"
expect_exit 3 "not a QEMU tree" -- "$QHARD" build --profile "$profile" \
	--qemu-src "$T_TMP/src" --build-dir "$T_TMP/b"
[ ! -d "$T_TMP/b" ] && pass "nothing created for a bad tree" ||
	fail "a build dir was created for a bad tree"
finish
