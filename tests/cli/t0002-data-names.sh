#!/bin/sh
# Policies and profiles by name (lib/datapath.h): every command that takes
# --policy, --profile or --allow-list finds NAME.ini in the user's
# directory, /etc/qhard or the data dir; the user's copy comes first; a
# value with a '/' or ending in .ini is a path; an unknown name is exit 2
# naming the directories searched. The data dir is a copy of the shipped
# files, set with QHARD_DATADIR; the user's directory with XDG_CONFIG_HOME.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"
MINI="$GATE_SRC_DIR/tests/fixtures/qemu-mini"

share="$T_TMP/share" xdg="$T_TMP/xdg"
mkdir -p "$share/policies" "$share/profiles" "$xdg/qhard/policies" "$T_TMP/root"
cp "$POLICIES"/*.ini "$share/policies/"
cp "$GATE_SRC_DIR"/configure-profiles/profiles/*.ini "$share/profiles/"
printf '[profile]\nname = mini\ndescription = d\ntargets = x86_64-softmmu\n[devices]\nmachines = q35\nallow = virtio-net-pci\n[features]\naccelerators = kvm tcg\n' \
	>"$share/profiles/mini.ini"
export QHARD_DATADIR="$share" XDG_CONFIG_HOME="$xdg"
hello_hardened "$T_TMP/hard" || { fail "compile hello"; finish; }

# --- --policy NAME in gate and checksec. hello has no CET: strict fails it.
expect_exit 0 "gate --policy openstack-guide passes hello" -- \
	"$QHARD" gate --policy openstack-guide "$T_TMP/hard"
expect_exit 1 "gate --policy strict fails hello (no CET)" -- \
	"$QHARD" gate --policy strict --format json "$T_TMP/hard"
got=$(json_get "$T_TMP/out" "d['gate']['policy']")
[ "$got" = strict ] && pass "the gate names the strict policy" || fail "gate policy: $got"
expect_exit 1 "checksec -P strict" -- "$QHARD" checksec -P strict "$T_TMP/hard"
expect_exit 0 "checksec --policy=openstack-guide" -- \
	"$QHARD" checksec --policy=openstack-guide "$T_TMP/hard"

# --- a path is a path: with a '/' or ending in .ini, never looked up
expect_exit 1 "an absolute path still works" -- \
	"$QHARD" gate --policy "$share/policies/strict.ini" "$T_TMP/hard"
printf '[policy]\nname = lenient\ndefault = warn\n[checks]\ncet-ibt = ignore\ncet-shstk = ignore\n' >"$T_TMP/strict.ini"
(cd "$T_TMP" && "$QHARD" gate --policy strict.ini --format json hard >strict-ini.json)
[ "$(json_get "$T_TMP/strict-ini.json" "d['gate']['policy']")" = lenient ] &&
	pass "strict.ini is the file in the current directory, not the shipped strict" ||
	fail "strict.ini was looked up"
expect_exit 2 "a path that does not exist is not looked up" -- \
	"$QHARD" gate --policy ./strict "$T_TMP/hard"
expect_grep "cannot open ./strict" "$T_TMP/err" "the error names the path"

# --- the user's copy comes before the data dir
cp "$T_TMP/strict.ini" "$xdg/qhard/policies/strict.ini"
expect_exit 0 "\$XDG_CONFIG_HOME/qhard/policies/strict.ini shadows the shipped one" -- \
	"$QHARD" gate --policy strict "$T_TMP/hard"
rm "$xdg/qhard/policies/strict.ini"
mkdir -p "$T_TMP/home/.config/qhard/policies"
cp "$T_TMP/strict.ini" "$T_TMP/home/.config/qhard/policies/"
expect_exit 0 "without XDG_CONFIG_HOME, ~/.config/qhard comes first" -- \
	env -u XDG_CONFIG_HOME HOME="$T_TMP/home" "$QHARD" gate --policy strict "$T_TMP/hard"

# --- unknown names: exit 2, the search path in the message
expect_exit 2 "gate: unknown policy name" -- "$QHARD" gate --policy nope "$T_TMP/hard"
expect_grep "no policy named \"nope\": no nope.ini in $xdg/qhard/policies, /etc/qhard/policies, $share/policies" \
	"$T_TMP/err" "the message lists the directories in search order"
expect_exit 2 "checksec: unknown policy name" -- "$QHARD" checksec -P nope "$T_TMP/hard"
expect_grep "no policy named" "$T_TMP/err" "checksec says so"

# --- profiles: qhard profile, qhard build, qhard audit --allow-list
expect_exit 0 "profile --profile NAME" -- \
	"$QHARD" profile --profile mini -s "$MINI" -d "$T_TMP/out-mini" --no-probe
expect_grep "profile mini" "$T_TMP/out" "the named profile was read"
expect_exit 2 "profile: unknown profile name" -- "$QHARD" profile -p nope -s "$MINI"
expect_grep "no profile named \"nope\": no nope.ini in .*/profiles" "$T_TMP/err" "profile says so"
# build checks the profile before the tree: a found profile gets as far as
# the missing tree (3), an unknown one stops at usage (2)
expect_exit 3 "build --profile NAME finds it (then the tree is missing)" -- \
	"$QHARD" build --profile kvm-virtio-minimal -s "$T_TMP/no-tree" -b "$T_TMP/b"
expect_exit 2 "build: unknown profile name" -- \
	"$QHARD" build --profile nope -s "$T_TMP/no-tree" -b "$T_TMP/b"
expect_exit 2 "build: unknown policy name" -- \
	"$QHARD" build --profile mini --policy nope -s "$T_TMP/no-tree" -b "$T_TMP/b"
expect_exit 0 "audit --policy NAME --allow-list NAME" -- \
	"$QHARD" audit --root "$T_TMP/root" --policy openstack-guide --allow-list mini --format json
got=$(json_get "$T_TMP/out" "d['summary']['files']")
[ -n "$got" ] && pass "audit ran ($got results)" || fail "audit output"
expect_exit 2 "audit: unknown allow-list name" -- \
	"$QHARD" audit --root "$T_TMP/root" --allow-list nope
expect_grep "no profile named" "$T_TMP/err" "audit says so"

# --- a policy's profile key may be a name too
printf '[policy]\nname = held\nprofile = mini\n' >"$xdg/qhard/policies/held.ini"
expect_exit 0 "a policy whose profile key is a name loads" -- \
	"$QHARD" gate --policy held --format json "$T_TMP/hard"
expect_grep '"profile":"mini"' "$T_TMP/out" "the report names the policy's profile"
printf '[policy]\nname = held\nprofile = nope\n' >"$xdg/qhard/policies/held.ini"
expect_exit 2 "an unknown profile name in a policy is a usage error" -- \
	"$QHARD" gate --policy held "$T_TMP/hard"
expect_grep "held: profile: no profile named \"nope\"" "$T_TMP/err" "naming the policy"
finish
