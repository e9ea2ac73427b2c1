#!/bin/sh
# Shell completion (`qhard --completion bash|zsh`, tool/completion.c): the
# scripts parse; every option that `qhard CMD --help` lists is offered
# (both come from the same table); option values complete by kind
# (policy and profile names from the search path, formats, colors, files);
# bash is driven through its completion function, zsh through a real
# interactive shell on a pseudo-terminal (zpty).
. "$(dirname "$0")/lib.sh"

share="$T_TMP/share"
mkdir -p "$share/policies" "$share/profiles" "$T_TMP/xdg/qhard/policies" "$T_TMP/cwd"
touch "$share/policies/strict.ini" "$share/policies/openstack-guide.ini" \
	"$share/profiles/kvm-virtio-minimal.ini" "$share/profiles/microvm.ini" \
	"$T_TMP/xdg/qhard/policies/team.ini" "$T_TMP/cwd/local.ini" "$T_TMP/cwd/prog"
export QHARD_DATADIR="$share" XDG_CONFIG_HOME="$T_TMP/xdg"

expect_exit 0 "qhard --completion bash" -- "$QHARD" --completion bash
cp "$T_TMP/out" "$T_TMP/qhard.bash"
bash -n "$T_TMP/qhard.bash" 2>"$T_TMP/err" && pass "the bash script parses" ||
	{ fail "bash -n"; sed 's/^/# /' "$T_TMP/err"; }
expect_exit 2 "qhard --completion fish is a usage error" -- "$QHARD" --completion fish
expect_exit 2 "qhard --completion without a shell" -- "$QHARD" --completion
expect_grep "completion" "$("$QHARD" --help >"$T_TMP/help"; echo "$T_TMP/help")" \
	"qhard --help mentions --completion"

# comp WORD...: what bash offers for the last word (one per line, sorted)
comp() {
	(cd "$T_TMP/cwd" && bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_qhard; printf "%s\n" "${COMPREPLY[@]}"' sh "$T_TMP/qhard.bash" "$@") | sort -u
}
# expect_comp DESC "WANTED WORDS" WORD...: exactly these words are offered
expect_comp() {
	desc=$1 want=$(echo $2 | tr ' ' '\n' | sort -u); shift 2
	got=$(comp "$@")
	if [ "$got" = "$want" ]; then pass "$desc"; else
		fail "$desc: got '$(echo $got)', wanted '$(echo $want)'"; fi
}

commands=$("$QHARD" --help | sed -n '/^commands:/,/^$/p' | awk 'NR>1 && NF {print $1}')
expect_comp "commands" "$commands --help --version --completion" qhard ''
expect_comp "a command by its prefix" "checksec" qhard ch
expect_comp "--completion's shells" "bash zsh" qhard --completion ''

# every option of every command's --help is offered, and nothing else
for cmd in $commands; do
	want=$("$QHARD" "$cmd" --help | sed -n 's/^  \(-[^ ]*\( --[^ =]*\)\{0,1\}\).*/\1/p' |
		sed 's/=.*//; s/,//g')
	expect_comp "qhard $cmd: the options of its --help" "$want" qhard "$cmd" -
done

expect_comp "gate --policy: names in search order, then .ini files and dirs" \
	"team strict openstack-guide local.ini" qhard gate --policy ''
expect_comp "--policy=st (bash splits at =)" "strict" qhard gate --policy = st
expect_comp "checksec -P" "strict" qhard checksec -P s
expect_comp "profile --profile: profile names" "kvm-virtio-minimal" qhard profile --profile kvm
expect_comp "audit --allow-list: profile names" "microvm" qhard audit --allow-list mi
expect_comp "gate --format: the report formats" "text json sarif csv junit markdown" \
	qhard gate --format ''
expect_comp "profile --format: its own formats" "text json shell" qhard profile -f ''
expect_comp "--color" "auto always never" qhard audit --color ''
expect_comp "gate operands are files" "local.ini prog" qhard gate ''
expect_comp "audit takes no operands: options" "$(comp qhard audit -)" qhard audit ''
expect_comp "--jobs takes a number: nothing offered" "" qhard checksec -j ''

# --- zsh, when installed: a real interactive zsh on a pty, TAB pressed
if command -v zsh >/dev/null; then
	expect_exit 0 "qhard --completion zsh" -- "$QHARD" --completion zsh
	mkdir -p "$T_TMP/zfunc" && cp "$T_TMP/out" "$T_TMP/zfunc/_qhard"
	zsh -n "$T_TMP/zfunc/_qhard" 2>"$T_TMP/err" && pass "the zsh script parses" ||
		{ fail "zsh -n"; sed 's/^/# /' "$T_TMP/err"; }
	# zcomp LINE: the matches zsh's completion adds for LINE, one per line,
	# sorted. A fresh interactive zsh on a pty (zpty) gets LINE and a TAB;
	# compadd is wrapped to print every match it is given, and the shell
	# exits when completion is done (comppostfuncs), so the end of the
	# output is the end of the completion: no waiting on the display.
	cat >"$T_TMP/zcomp.zsh" <<'ZSH'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "PS1='%% '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a __hits; builtin compadd -A __hits "$@"; (( $#__hits )) && print -rl -- "" ${(@)__hits/#/HIT:}; builtin compadd "$@" }'
zpty -w z 'comppostfuncs=(exit)'
zpty -w -n z "$2"$'\t'
out=
while zpty -r z chunk; do out+=$chunk; done
print -r -- "${out//$'\r'/}"
zpty -d z 2>/dev/null
ZSH
	zcomp() {
		(cd "$T_TMP/cwd" && TERM=xterm timeout 60 zsh -f "$T_TMP/zcomp.zsh" "$T_TMP/zfunc" "$1") \
			>"$T_TMP/zsh.out" 2>&1
		sed -n 's/^HIT://p' "$T_TMP/zsh.out" | sort -u
	}
	# expect_zcomp DESC "WANTED WORDS" LINE
	expect_zcomp() {
		want=$(echo $2 | tr ' ' '\n' | sort -u)
		got=$(zcomp "$3")
		if [ "$got" = "$want" ]; then pass "zsh: $1"; else
			fail "zsh: $1: got '$(echo $got)', wanted '$(echo $want)'"
			grep -v '^HIT:' "$T_TMP/zsh.out" | sed 's/^/# /' | tail -5; fi
	}
	expect_zcomp "commands" "$commands" "qhard "
	for cmd in $commands; do
		want=$("$QHARD" "$cmd" --help | sed -n 's/^  \(-[^ ]*\( --[^ =]*\)\{0,1\}\).*/\1/p' |
			sed 's/=.*//; s/,//g' | tr ' ' '\n' | grep '^--')
		expect_zcomp "qhard $cmd --: the long options of its --help" "$want" "qhard $cmd --"
	done
	expect_zcomp "--policy: names, then .ini files and dirs" \
		"team strict openstack-guide local.ini" "qhard gate --policy "
	expect_zcomp "--profile k: the profile name" "kvm-virtio-minimal" "qhard profile --profile k"
	expect_zcomp "checksec --format: the report formats" "text json sarif csv junit markdown" \
		"qhard checksec --format "
	expect_zcomp "profile -f: its own formats" "text json shell" "qhard profile -f "
	expect_zcomp "--color" "auto always never" "qhard audit --color "
fi
finish
