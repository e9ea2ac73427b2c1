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
expect_comp "checksec -p" "strict" qhard checksec -p s
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
	# Each line is typed, TAB pressed, the line cleared, then a marker
	# echoed: zsh handles input in order, so all output before the
	# marker's (typed as MARK-n-''DONE, printed as MARK-n-DONE) is that
	# completion's listing. zpty -r waits for the pattern: no sleeps.
	cat >"$T_TMP/drive.zsh" <<'ZSH'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "PS1='%% '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-prompt ''; LISTMAX=1000; setopt nobeep; echo RE''ADY"
zpty -r z out '*READY*' || exit 1
shift
n=0
for line in "$@"; do
	n=$((n + 1))
	zpty -w -n z "$line"$'\t'
	zpty -w z $'\C-u'"echo MARK-$n-''DONE"
	zpty -r z out "*MARK-$n-DONE*" || exit 1
	print -r -- "=== $line"
	print -r -- "$out"
done
zpty -d z
ZSH
	(cd "$T_TMP/cwd" && TERM=xterm timeout 60 zsh -f "$T_TMP/drive.zsh" "$T_TMP/zfunc" \
		'qhard gate --policy ' 'qhard profile --profile k' 'qhard checksec --format ' \
		'qhard ' 'qhard gate --' 'qhard audit --color ') 2>&1 |
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' >"$T_TMP/zsh.out"
	# zsh_offers LINE DESC WORD...: completing LINE lists every WORD
	zsh_offers() {
		sed -n "/^=== $1\$/,/^=== /p" "$T_TMP/zsh.out" >"$T_TMP/section"
		desc=$2 missing=""; shift 2
		for w in "$@"; do grep -q -- "$w" "$T_TMP/section" || missing="$missing $w"; done
		if [ -z "$missing" ]; then pass "zsh: $desc"; else
			fail "zsh: $desc: missing$missing"; sed 's/^/# /' "$T_TMP/section" | head -20; fi
	}
	zsh_offers 'qhard gate --policy ' "--policy: names and .ini files" \
		team strict openstack-guide local.ini
	zsh_offers 'qhard profile --profile k' "--profile k completes the profile name" \
		"profile --profile kvm-virtio-minimal"
	zsh_offers 'qhard checksec --format ' "checksec --format: the report formats" \
		csv json junit markdown sarif text
	# each command with the first words of its --help line
	set --
	for c in $commands; do
		set -- "$@" "$c *-- $("$QHARD" --help | sed -n "s/^  $c  *\(.\{20\}\).*/\1/p")"
	done
	zsh_offers 'qhard ' "the commands, described as in qhard --help" "$@"
	zsh_offers 'qhard gate --' "gate's options" --policy --waivers --baseline \
		--write-baseline --format --output --deep --today --color --verbose
	zsh_offers 'qhard audit --color ' "--color's values" auto always never
	if grep -q "command not found\|parse error\|_arguments:\|bad pattern" "$T_TMP/zsh.out"; then
		fail "zsh printed errors"; grep "command not found\|parse error\|_arguments:\|bad pattern" "$T_TMP/zsh.out" | sed 's/^/# /'
	else pass "zsh: no errors while completing"; fi
fi
finish
