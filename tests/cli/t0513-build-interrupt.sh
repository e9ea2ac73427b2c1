#!/bin/sh
# qhard build on SIGTERM / SIGINT: the child build (configure or ninja, in
# its own process group) and everything it started are stopped, qhard says
# which child it stopped and dies of the signal (143 / 130), and the build
# dir keeps no --reuse stamp, so the next --reuse run configures again.
# No QEMU is built: the tree is Debian's QEMU source copied as hard links
# (the planner reads its Kconfig, configs and options) with a stand-in
# configure, and a stand-in ninja comes first in PATH. Both start a
# grandchild that would leave NAME.finished behind if it were not stopped.
# A last case runs the real ninja on a build.ninja whose one step hangs:
# ninja puts its steps in process groups of their own, so only ninja's
# own handling of the forwarded signal can stop them.
. "$(dirname "$0")/lib.sh"

: "${QHARD_CACHE:=$(pwd)/.cache}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROFILE="$ROOT/configure-profiles/profiles/kvm-virtio-minimal.ini"
SRC=$(sh "$ROOT/mk/qemu-src.sh" "$QHARD_CACHE" 10.0)
case $? in
0) ;;
4) echo "ok - # SKIP: QHARD_QEMU_SRC names no QEMU 10.0 tree"; exit 0 ;;
*) fail "cannot get Debian's QEMU source"; finish ;;
esac

FAKE_DIR="$T_TMP/fake"
export FAKE_DIR
mkdir "$FAKE_DIR" "$T_TMP/src" "$T_TMP/bin"
# Only processes this script started are ever signalled here.
qpid=""
cleanup() {
	for p in $qpid $(cat "$FAKE_DIR"/*.pid 2>/dev/null); do
		pkill -KILL -P "$p" 2>/dev/null # its sleep
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# A copy of the tree made of hard links (a tree is read like an audit
# root: symlinks out of it are refused); only configure is replaced, by
# removing its link, so the real tree is never written to.
cp -al "$SRC/." "$T_TMP/src/" 2>/dev/null || cp -a "$SRC/." "$T_TMP/src/"
rm -f "$T_TMP/src/configure"
# The stand-in exits before the real configure text, which stays below it
# because the planner checks the configure line against its options.
{
	cat <<'EOF'
#!/bin/sh
echo run >> "$FAKE_DIR/configure.runs"
if [ "$FAKE_CONFIGURE" = hang ]; then
	# A background job, as configure's own helpers would be.
	sh -c 'sleep 60; : > "$0.finished"' "$FAKE_DIR/configure" &
	echo $! > "$FAKE_DIR/configure.tmp"
	mv "$FAKE_DIR/configure.tmp" "$FAKE_DIR/configure.pid"
	wait
fi
if [ "$FAKE_CONFIGURE" = real-ninja ]; then
	cat > build.ninja <<'NINJA'
rule slow
  command = sh -c 'echo $$$$ > "$$0.tmp"; mv "$$0.tmp" "$$0.pid"; sleep 60; : > "$$0.finished"' "$$FAKE_DIR/compiler"
build qemu-system-x86_64: slow
NINJA
	exit 0
fi
echo 'rule x' > build.ninja
exit 0
EOF
	cat "$SRC/configure"
} > "$T_TMP/src/configure"
REAL_NINJA=$(command -v ninja) || REAL_NINJA=/nonexistent/ninja
export REAL_NINJA
cat > "$T_TMP/bin/ninja" <<'EOF'
#!/bin/sh
[ "$FAKE_NINJA" = real ] && exec "$REAL_NINJA" "$@"
if [ "$FAKE_NINJA" = hang ]; then
	echo "[1/2] Compiling C object x.o"
	# In the foreground, as a compiler under ninja would be.
	sh -c 'echo $$ > "$0.tmp"; mv "$0.tmp" "$0.pid"; sleep 60; : > "$0.finished"' "$FAKE_DIR/ninja"
fi
exit 0
EOF
chmod +x "$T_TMP/src/configure" "$T_TMP/bin/ninja"
PATH="$T_TMP/bin:$PATH"
export PATH

# state PID: its state letter from /proc (empty when it is gone).
pstate() { sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null; }
# pgroup PID: its process group.
pgroup() { sed -n 's/.*) . [0-9]* \([0-9]*\).*/\1/p' "/proc/$1/stat" 2>/dev/null; }
# gone PID: bounded wait (20 s) until PID has exited; a zombie that nobody
# reaped yet (init in a container may not) runs nothing and counts.
gone() {
	i=0
	while [ $i -lt 200 ]; do
		s=$(pstate "$1")
		{ [ -z "$s" ] || [ "$s" = Z ]; } && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# wait_file FILE: bounded wait (30 s) until FILE is there.
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1" ]
}
runs() { [ -f "$FAKE_DIR/configure.runs" ] && wc -l < "$FAKE_DIR/configure.runs" | tr -d ' ' || echo 0; }

# interrupt NAME PHASE STEM SIGNAL STATUS [WRAPPER...]: qhard build into
# $T_TMP/NAME in the background, SIGNAL once PHASE's grandchild (pid in
# $FAKE_DIR/STEM.pid) runs; qhard must die with STATUS having stopped PHASE
# and the grandchild.
interrupt() {
	name=$1 phase=$2 stem=$3 sig=$4 want=$5
	shift 5
	"$@" "$QHARD" build --profile "$PROFILE" --qemu-src "$T_TMP/src" \
		--build-dir "$T_TMP/$name" --compare '' \
		>"$T_TMP/$name.out" 2>"$T_TMP/$name.err" &
	qpid=$!
	if ! wait_file "$FAKE_DIR/$stem.pid"; then
		fail "$name: $phase never started its grandchild"
		sed 's/^/# /' "$T_TMP/$name.err" | tail -5
		kill -KILL "$qpid"
		wait "$qpid"
		qpid=""
		return
	fi
	gc=$(cat "$FAKE_DIR/$stem.pid")
	group=$(pgroup "$gc")
	[ "$stem" = "$phase" ] && what=$phase || what="$phase's step ($stem)"
	[ -n "$group" ] && [ "$group" != "$(pgroup "$qpid")" ] &&
		pass "$name: $what runs outside qhard's process group ($group)" ||
		fail "$name: $what shares qhard's process group (${group:-?})"
	# The message names the child qhard started: the group leader here,
	# ninja (whose steps have groups of their own) for the real ninja.
	[ "$stem" = "$phase" ] && leader=$group || leader='[0-9]*'

	if [ "$phase" = ninja ]; then
		[ -f "$T_TMP/$name/qhard-build.stamp" ] &&
			pass "$name: configure wrote its stamp before ninja ran" ||
			fail "$name: no stamp while ninja runs"
	fi
	kill -"$sig" "$qpid"
	if gone "$qpid"; then
		wait "$qpid"
		got=$?
		qpid=""
		[ "$got" -eq "$want" ] && pass "$name: qhard exits $got after SIG$sig" ||
			fail "$name: qhard exits $got after SIG$sig, wanted $want"
	else
		fail "$name: qhard still runs 20 s after SIG$sig"
		kill -KILL "$qpid"
		wait "$qpid"
		qpid=""
	fi
	gone "$gc" && [ ! -e "$FAKE_DIR/$stem.finished" ] &&
		pass "$name: $phase's grandchild was stopped" ||
		fail "$name: $phase's grandchild $gc ran on"
	expect_grep "^qhard build: interrupted by SIG$sig; stopped $phase (pid $leader)\$" \
		"$T_TMP/$name.err" "$name: stderr says what was stopped"
	[ ! -e "$T_TMP/$name/qhard-build.stamp" ] &&
		pass "$name: no --reuse stamp left" ||
		fail "$name: a --reuse stamp was left behind"
	[ ! -s "$T_TMP/$name.out" ] && pass "$name: no report for an interrupted build" ||
		fail "$name: a report was written"
}

FAKE_CONFIGURE=hang FAKE_NINJA=
export FAKE_CONFIGURE FAKE_NINJA
interrupt term-configure configure configure TERM 143

# qhard started by a non-interactive shell with & ignores SIGINT (and then
# rightly leaves it ignored): give it the default back, as a terminal would.
FAKE_CONFIGURE= FAKE_NINJA=hang
interrupt int-ninja ninja ninja INT 130 env --default-signal=INT

# The interrupted build dir is configured again by --reuse; a completed one
# is not (so the stamp is what decides).
FAKE_NINJA=
before=$(runs)
# (verify then fails on the empty build dir: its exit code is not the point)
"$QHARD" build --profile "$PROFILE" --qemu-src "$T_TMP/src" \
	--build-dir "$T_TMP/int-ninja" --compare '' --no-reference --reuse >/dev/null 2>&1
[ "$(runs)" -eq $((before + 1)) ] && pass "--reuse configured the interrupted dir again" ||
	fail "--reuse trusted the interrupted dir (configure runs $before -> $(runs))"
"$QHARD" build --profile "$PROFILE" --qemu-src "$T_TMP/src" \
	--build-dir "$T_TMP/int-ninja" --compare '' --no-reference --reuse >/dev/null 2>&1
[ "$(runs)" -eq $((before + 1)) ] && pass "--reuse skips configure of a completed dir" ||
	fail "--reuse configured a completed dir again"

# The real ninja stops its step itself (it reports that in its log) when
# qhard forwards SIGTERM to it.
FAKE_CONFIGURE=real-ninja FAKE_NINJA=real
interrupt term-real-ninja ninja compiler TERM 143
expect_grep "interrupted by user" "$T_TMP/term-real-ninja/qhard-ninja.log" \
	"term-real-ninja: ninja stopped its step itself"
finish
