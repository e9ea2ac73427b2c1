#!/bin/sh
# Every command answers --help and --version with exit 0; bad use exits 2.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "qhard --help" -- "$QHARD" --help
expect_grep "checksec" "$T_TMP/out" "qhard --help lists checksec"
expect_exit 2 "qhard without a command" -- "$QHARD"
expect_exit 2 "qhard unknown command" -- "$QHARD" no-such-command
for cmd in $("$QHARD" --help | sed -n '/^commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
	expect_exit 0 "qhard $cmd --help" -- "$QHARD" "$cmd" --help
	expect_grep "usage: qhard $cmd" "$T_TMP/out" "qhard $cmd --help shows usage"
	expect_exit 0 "qhard $cmd --version" -- "$QHARD" "$cmd" --version
	expect_exit 2 "qhard $cmd --no-such-option" -- "$QHARD" "$cmd" --no-such-option
done
finish
