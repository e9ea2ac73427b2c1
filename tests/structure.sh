#!/bin/sh
# structure.sh ROOT - the layout rules of docs/HACKING.md, checked on the
# tree at ROOT. Prints one "ok"/"not ok" line per rule (and one line per
# offence) and exits 1 when a rule is broken. tests/cli/t0005-structure.sh
# runs it on the project and on small broken trees.
#
# A module is a .c file and its .h (lib/qemu/kconfig.[ch]); module A uses
# B when A's .c or .h includes B's header. Rules:
#  1. no include cycle between modules (tsort finds them);
#  2. outside lib/AREA/, product code includes only AREA/AREA.h;
#  3. every lib/ folder but dl/ has that public header;
#  4. lib/'s top level holds only the core listed in docs/HACKING.md;
#  5. object names in libqhard.a are unique (ar keeps one member per name);
#  6. no function in product code is longer than 150 lines.
set -u
root=${1:?usage: structure.sh ROOT}
cd "$root" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
bad=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; bad=1; }

product=$(find lib tool checksec audit ci configure-profiles -name '*.[ch]' \
	! -path 'lib/dl/*' 2>/dev/null | LC_ALL=C sort)

# Quote includes resolved the way the compiler does (-iquote lib -iquote
# tool): the including file's folder first. One "from to" pair per line.
for f in $product; do
	d=$(dirname "$f")
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
	while read -r h; do
		for cand in "$d/$h" "lib/$h" "tool/$h"; do
			if [ -f "$cand" ]; then
				echo "$f $cand"
				break
			fi
		done
	done
done >"$tmp/includes"

# 1. Cycles: module = path without .c/.h. A header with no .c of its own
# (a folder's internal header, qemu/qemu.h) is not a module: what includes
# it uses what it includes.
sed 's/\.[ch]\( \)/\1/; s/\.[ch]$//' "$tmp/includes" |
	awk '$1 != $2' | LC_ALL=C sort -u >"$tmp/raw-edges"
for f in $product; do
	case $f in *.h) [ -f "${f%.h}.c" ] || echo "${f%.h}" ;; esac
done >"$tmp/header-only"
awk 'FILENAME == ARGV[1] { ho[$1] = 1; next }
	{ out[$1] = out[$1] " " $2; from[NR] = $1; to[NR] = $2; n = NR }
	function emit(a, b,    k, t, i) {
		if (!(b in ho)) { if (a != b) print a, b; return }
		if ((a SUBSEP b) in seen) return
		seen[a, b] = 1
		k = split(out[b], t, " ")
		for (i = 1; i <= k; i++) emit(a, t[i])
	}
	END { for (i = 1; i <= n; i++) if (!(from[i] in ho)) emit(from[i], to[i]) }' \
	"$tmp/header-only" "$tmp/raw-edges" | LC_ALL=C sort -u >"$tmp/edges"
if tsort "$tmp/edges" >/dev/null 2>"$tmp/tsort"; then
	ok "no include cycle between modules"
else
	notok "include cycle between modules:"
	sed 's/^/#   /' "$tmp/tsort"
fi

# 2. Public headers only across folders of lib/.
awk '{
	n = split($2, p, "/")
	if (p[1] != "lib" || n != 3 || p[2] == "dl")
		next
	area = "lib/" p[2] "/"
	if (index($1, area) == 1)
		next
	if ($2 != area p[2] ".h")
		print $1 " includes " $2 " (use " area p[2] ".h)"
}' "$tmp/includes" >"$tmp/private"
if [ -s "$tmp/private" ]; then
	notok "code outside a lib/ folder includes its private headers:"
	sed 's/^/#   /' "$tmp/private"
else
	ok "outside its folder, a lib/ area is used through its public header"
fi

# 3. Each folder's public header.
missing=
for d in lib/*/; do
	a=$(basename "$d")
	[ "$a" = dl ] && continue
	[ -f "lib/$a/$a.h" ] || missing="$missing lib/$a/$a.h"
done
[ -z "$missing" ] && ok "every lib/ folder has its public header" ||
	notok "missing public headers:$missing"

# 4. The core, as docs/HACKING.md lists it (`lib/NAME.c` in its core table).
if [ -f docs/HACKING.md ]; then
	stray=
	for c in lib/*.c; do
		grep -q "\`$c\`" docs/HACKING.md || stray="$stray $c"
	done
	[ -z "$stray" ] && ok "lib/'s top level holds only the core of docs/HACKING.md" ||
		notok "lib/ top-level files not in docs/HACKING.md's core:$stray"
else
	notok "docs/HACKING.md is missing"
fi

# 5. Unique member names in libqhard.a.
dups=$(find lib -name '*.c' ! -path 'lib/dl/*' -exec basename {} \; |
	LC_ALL=C sort | uniq -d | tr '\n' ' ')
[ -z "$dups" ] && ok "lib/ source names are unique (ar members)" ||
	notok "two lib/ files share a name (ar keeps one): $dups"

# 6. Function length: a definition starts at a line in column 0 that opens a
# parameter list and is not a declaration; its body is the "{" ... "}" pair
# at column 0 (the kernel style the tree follows).
for f in $product; do
	case $f in *.c) ;; *) continue ;; esac
	awk -v file="$f" -v max=150 '
		/^[A-Za-z_].*\(/ && !/;[[:space:]]*$/ { name = $0; at = NR }
		/^\{/ { if (at) start = NR }
		/^\}/ { if (start && NR - start + 1 > max) {
				sub(/\(.*/, "", name)
				printf "%s:%d: %s is %d lines\n", file, at, name, NR - start + 1
			}
			start = 0; at = 0 }' "$f"
done >"$tmp/long"
if [ -s "$tmp/long" ]; then
	notok "functions over 150 lines:"
	sed 's/^/#   /' "$tmp/long"
else
	ok "no function over 150 lines"
fi
exit $bad
