#!/bin/sh
# qhard gate's per-package budgets (--max-unpacked, --max-members,
# --max-seconds) and its memory. Tiny inputs used to blow it up: 20 sparse
# members just under the per-member cap took minutes and 2 GB, an 8 GiB
# member was read for 1 GiB before it was refused, a cpio name claiming
# 2 GiB was filled from a few MB of compressed zeros, and a tar.gz of
# small ELF files ran out of memory with no report at all. Now each budget ends
# that package with an error naming it (exit 3), checked from the headers
# before a member is read; what came before is still reported, with the
# other inputs; memory stays flat in the number of members. Every run is
# bounded in time and memory (no timing is asserted).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-fixtures.sh"

hello_hardened "$T_TMP/hard" || { fail "compile fixture"; finish; }
mkdir -p "$T_TMP/tree/usr/bin"
cp "$T_TMP/hard" "$T_TMP/tree/usr/bin/hello"
deb_of "$T_TMP/tree" "$T_TMP/good.deb" || { fail "dpkg-deb"; finish; }
hostile tiny-elf "$T_TMP/tiny"

# results FILE: "N_MEMBER_RESULTS HELLO_JUDGED ERROR_OF_THE_PACKAGE"
results() {
	python3 - "$T_TMP/out" "$1" <<'PY'
import json, sys
try:
    res = json.load(open(sys.argv[1]))["results"]
except Exception as e:
    print("0 0 no JSON report: %s" % e)
    sys.exit()
pkg = [r for r in res if r["path"] == sys.argv[2]]
hello = [r for r in res if r["path"] == "/usr/bin/hello" and r["checks"]]
members = [r for r in res if r["path"].startswith("/usr/") and r["path"] != "/usr/bin/hello"]
print(len(members), len(hello), pkg[0]["error"] if pkg else None)
PY
}
# verdict DESC RC_WANTED N_WANTED TEXT: check $RC and results of $pkg;
# N_WANTED is a number or LOW-HIGH
verdict() {
	got=$(results "$pkg")
	n=${got%% *} rest=${got#* } judged=${rest%% *} msg=${rest#* }
	case $3 in
	*-*) in_range=$([ "$n" -ge "${3%-*}" ] && [ "$n" -le "${3#*-}" ] && echo 1) ;;
	*) in_range=$([ "$n" = "$3" ] && echo 1) ;;
	esac
	if [ "$RC" -eq "$2" ] && [ "$in_range" = 1 ] && [ "$judged" = 1 ] &&
		case $msg in *"$4"*) true ;; *) false ;; esac; then
		pass "$1: exit $RC, $n members reported, good.deb judged${4:+; $msg}"
	else
		fail "$1: exit $RC (wanted $2), $n members (wanted $3), good.deb judged: $judged, error: $msg"
		sed 's/^/# /' "$T_TMP/err" | head -5
	fi
}
# small_rss DESC: peak RSS under 256 MiB (768 MiB under ASan: libarchive
# reserves what a header claims before filling it, and ASan writes the
# shadow of the reservation)
RSS_MAX_KB=262144
qhard_is_asan && RSS_MAX_KB=786432
small_rss() {
	if [ "${RSS_KB:-9999999}" -lt "$RSS_MAX_KB" ]; then pass "$1: peak RSS ${RSS_KB} KiB"
	else fail "$1: peak RSS ${RSS_KB} KiB"; fi
}

# --- 20 sparse members of almost 1 GiB each, 100 KB on disk
if truncate -s 1M "$T_TMP/probe" && [ "$(du -k "$T_TMP/probe" | cut -f1)" -lt 64 ]; then
	mkdir -p "$T_TMP/sparse/usr/bin"
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
		f="$T_TMP/sparse/usr/bin/s$i"
		truncate -s $(((1 << 30) - 4096)) "$f"
		dd if="$T_TMP/tiny" of="$f" conv=notrunc 2>/dev/null
	done
	tar -C "$T_TMP/sparse" --sort=name -cSf "$T_TMP/sparse.tar" usr
	rm -rf "$T_TMP/sparse"
	pkg="$T_TMP/sparse.tar"
	# (the holes are not stored, so not unpacked: the budget allows them)
	run_bounded 120 4096 -- "$QHARD" gate --format json "$pkg" "$T_TMP/good.deb"
	verdict "20 sparse 1 GiB members" 1 20 None
	small_rss "20 sparse 1 GiB members"
else
	pass "SKIP: no sparse files on this filesystem"
fi

# --- one member whose header says 8 GiB (1.1 GiB of it present)
hostile tar-huge-member "$T_TMP/huge.tar.gz" 1.1
pkg="$T_TMP/huge.tar.gz"
run_bounded 120 1024 -- "$QHARD" gate --format json "$pkg" "$T_TMP/good.deb"
verdict "8 GiB member, default budget" 3 0 \
	"member /usr/bin/huge is 8589934592 bytes: the payload would unpack past 4294967296"
small_rss "8 GiB member, refused from its header"
run_bounded 120 1024 -- "$QHARD" gate --format json --max-unpacked 0 "$pkg" "$T_TMP/good.deb"
verdict "8 GiB ELF member, no unpacked budget" 3 0 \
	"more than the 1073741824 bytes qhard reads into memory"
small_rss "8 GiB ELF member, refused before reading it"

# --- many small ELF members: the member budget, and flat memory
hostile tar-many "$T_TMP/many.tar.gz" 200100
hostile tar-many "$T_TMP/few.tar.gz" 2000
pkg="$T_TMP/many.tar.gz"
run_bounded 600 1024 -- "$QHARD" gate --format json "$pkg" "$T_TMP/good.deb"
verdict "200,100 members, default budget" 3 200000 "more than 200000 members"
rm -f "$T_TMP/out"
run_bounded 600 1024 -- "$QHARD" gate --max-members 0 -o /dev/null "$T_TMP/few.tar.gz"
few_rc=$RC few_kb=$RSS_KB
run_bounded 600 1024 -- "$QHARD" gate --max-members 0 -o /dev/null "$pkg"
# flat: 100 times the members may not take more than 32 MiB more
if [ "$few_rc" -eq 1 ] && [ "$RC" -eq 1 ] && [ "$RSS_KB" -lt $((few_kb + 32768)) ]; then
	pass "memory is flat: 2,000 members ${few_kb} KiB, 200,100 members ${RSS_KB} KiB"
else
	fail "memory: 2,000 members exit $few_rc ${few_kb} KiB, 200,100 exit $RC ${RSS_KB} KiB"
	sed 's/^/# /' "$T_TMP/err" | head -5
fi
pkg="$T_TMP/few.tar.gz"
run_bounded 120 1024 -- "$QHARD" gate --format json --max-members 1500 "$pkg" "$T_TMP/good.deb"
verdict "--max-members 1500" 3 1500 "more than 1500 members"
# 2,000 members of 1 KiB unpacked (header and data): the budget stops the
# reading before the 1,024th member (from its header, or the decompressor
# as it passes the budget: reads go by blocks)
run_bounded 120 1024 -- "$QHARD" gate --format json --max-unpacked 1M "$pkg" "$T_TMP/good.deb"
verdict "--max-unpacked 1M" 3 1-1023 "past 1048576 bytes (the --max-unpacked budget)"

# --- a cpio header claiming a 2 GiB name, then 512 MiB of zeros (2 MB
# compressed): libarchive would hold them all
mkdir -p "$T_TMP/r0/usr/bin" && cp "$T_TMP/hard" "$T_TMP/r0/usr/bin/hello"
if rpm_of "$T_TMP/r0" one "$T_TMP/one.rpm" /usr/bin/hello; then
	hostile rpm-huge-name "$T_TMP/name.rpm" "$T_TMP/one.rpm" 512
	pkg="$T_TMP/name.rpm"
	# (address space for libarchive's reservation: the RSS is the point)
	run_bounded 120 8192 -- "$QHARD" gate --format json "$pkg" "$T_TMP/good.deb"
	verdict "cpio name of 2 GiB" 3 0 "asks libarchive to hold more than 16 MiB"
	small_rss "cpio name of 2 GiB"
else
	fail "rpmbuild"
fi

# --- an .rpm's budgets are checked from its headers, before the payload
mkdir -p "$T_TMP/r/usr/bin"
for i in 1 2 3 4 5; do cp "$T_TMP/hard" "$T_TMP/r/usr/bin/h$i"; done
# (good.deb has 4 members)
if rpm_of "$T_TMP/r" five "$T_TMP/five.rpm" /usr/bin/h1 /usr/bin/h2 \
	/usr/bin/h3 /usr/bin/h4 /usr/bin/h5; then
	pkg="$T_TMP/five.rpm"
	run_bounded 60 512 -- "$QHARD" gate --format json --max-members 4 "$pkg" "$T_TMP/good.deb"
	verdict ".rpm of 5 files, --max-members 4" 3 0 "the header lists 5 files, more than 4"
	run_bounded 60 512 -- "$QHARD" gate --format json --max-unpacked 60K "$pkg" "$T_TMP/good.deb"
	verdict ".rpm, --max-unpacked 60K" 3 0 "by the signature header, more than 61440 (the --max-unpacked budget); nothing was read"
	run_bounded 60 512 -- "$QHARD" gate --format json --max-seconds 30 "$pkg" "$T_TMP/good.deb"
	verdict ".rpm, --max-seconds 30" 0 5 None
else
	fail "rpmbuild"
fi

# --- the options
expect_exit 2 "--max-unpacked 4X is a usage error" -- \
	"$QHARD" gate --max-unpacked 4X "$T_TMP/good.deb"
expect_grep "max-unpacked wants a size" "$T_TMP/err" "and says what it wants"
expect_exit 2 "--max-members -1 is a usage error" -- \
	"$QHARD" gate --max-members -1 "$T_TMP/good.deb"
expect_exit 2 "--max-seconds ten is a usage error" -- \
	"$QHARD" gate --max-seconds ten "$T_TMP/good.deb"
expect_exit 2 "--max-unpacked 99999999T overflows: a usage error" -- \
	"$QHARD" gate --max-unpacked 99999999T "$T_TMP/good.deb"
finish
