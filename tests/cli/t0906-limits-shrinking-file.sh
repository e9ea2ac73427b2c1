#!/bin/sh
# A file that shrinks while qhard reads it: another process truncates it to
# one page and writes it back, in a loop, while audit, checksec and gate
# read it. A mapped page past the new end raises SIGBUS: before the fix
# audit died in 18-24 of 30 runs, checksec in 2-9 of 60, checksec -j2 in
# 2-6 of 30, gate in 4-11 of 40, with no report at all. Now the file gets an error (or is read whole), the other
# input a complete report, and no run dies of a signal.
. "$(dirname "$0")/lib.sh"

CC=${CC_UNDER_TEST:-cc}
command -v python3 >/dev/null || { echo "# python3 missing (make deps)"; exit 1; }
if grep -q __asan_init "$QHARD" 2>/dev/null; then MEM=unlimited; else MEM=2097152; fi

cat >"$T_TMP/shrinker.c" <<'EOF'
/* shrinker FILE: truncate FILE to one page, write its content back, in a
 * loop, until killed */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct stat st;
	char *buf;
	int fd = argc == 2 ? open(argv[1], O_RDWR) : -1;

	if (fd < 0 || fstat(fd, &st) < 0 || !(buf = malloc(st.st_size)) ||
	    pread(fd, buf, st.st_size, 0) != st.st_size)
		return perror("shrinker"), 2;
	for (;;) {
		if (ftruncate(fd, 4096) < 0)
			return perror("shrinker"), 1;
		usleep(300);
		if (pwrite(fd, buf, st.st_size, 0) != st.st_size)
			return perror("shrinker"), 1;
		usleep(300);
	}
}
EOF
$CC -O2 -o "$T_TMP/shrinker" "$T_TMP/shrinker.c" || { echo "# cannot compile"; exit 1; }
cat >"$T_TMP/hello.c" <<'EOF'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
EOF
$CC -O2 -fPIE -pie -o "$T_TMP/hello" "$T_TMP/hello.c" || exit 1

# The shrinking file: a copy of qhard itself (many sections and symbols
# spread over the file, so checks touch pages all over it).
R="$T_TMP/root"
mkdir -p "$R/usr/bin" "$R/usr/lib/qemu"
cp "$T_TMP/hello" "$R/usr/lib/qemu/qemu-bridge-helper"
VICTIM="$R/usr/bin/qemu-system-x86_64"

# shrinking DESC RUNS CMD...: CMD writes JSON; the victim must have a result
# (checks or an error) and the helper a result with checks, every run
shrinking() {
	desc=$1 runs=$2
	shift 2
	cp "$QHARD" "$VICTIM"
	rm -rf "$T_TMP/runs"
	mkdir "$T_TMP/runs"
	"$T_TMP/shrinker" "$VICTIM" &
	pid=$!
	signal=0 i=0
	while [ $i -lt "$runs" ]; do
		(ulimit -v "$MEM" && exec timeout 60 "$@") >"$T_TMP/runs/$i.json" 2>/dev/null
		rc=$?
		echo $rc >"$T_TMP/runs/$i.rc"
		[ $rc -gt 128 ] || [ $rc -eq 124 ] && signal=$((signal + 1))
		i=$((i + 1))
	done
	kill $pid
	wait $pid 2>/dev/null
	[ $signal -eq 0 ] && pass "$desc: no run of $runs killed by a signal" ||
		fail "$desc: $signal of $runs runs killed by a signal (SIGBUS) or timed out"
	python3 - "$T_TMP/runs" "$runs" <<'EOF' >>"$T_TMP/why" 2>&1
import json, sys
bad = 0
for i in range(int(sys.argv[2])):
    rc = int(open("%s/%d.rc" % (sys.argv[1], i)).read())
    if rc > 128 or rc == 124:
        continue  # counted above
    try:
        r = {x["path"].rsplit("/", 1)[-1]: x
             for x in json.load(open("%s/%d.json" % (sys.argv[1], i)))["results"]}
        assert rc in (0, 1, 3), rc
        h = r["qemu-bridge-helper"]
        assert not h["error"] and h["checks"], h
        v = r["qemu-system-x86_64"]
        assert v["error"] or v["checks"], v
        assert (rc == 3) == bool(v["error"]), (rc, v["error"])
        if v["error"]:
            print("error:", v["error"])
    except Exception as e:
        bad += 1
        print("bad run %d: %r" % (i, e))
sys.exit(1 if bad else 0)
EOF
	[ $? -eq 0 ] && pass "$desc: every run reports both files, the shrinking one as an error or whole" ||
		{ fail "$desc: runs with a wrong report"; grep '^bad run' "$T_TMP/why" | sed 's/^/# /' | tail -5; }
}
: >"$T_TMP/why"
shrinking "audit" 30 "$QHARD" audit --root "$R" --format json
shrinking "checksec" 60 "$QHARD" checksec --format json "$VICTIM" "$R/usr/lib/qemu/qemu-bridge-helper"
shrinking "checksec -j2" 30 "$QHARD" checksec -j2 --format json "$VICTIM" "$R/usr/lib/qemu/qemu-bridge-helper"
shrinking "gate DIR" 40 "$QHARD" gate --format json "$R"
echo "# errors seen:"
grep '^error:' "$T_TMP/why" | sed 's/[0-9][0-9]* bytes/N bytes/; s/0x[0-9a-f]*/0x…/g' | sort | uniq -c | sed 's/^/# /'
grep -q '^error: .*shrank while being read' "$T_TMP/why" &&
	pass "a file that shrank is named as such" || fail "no run saw the file shrink (raise the run counts?)"
finish
