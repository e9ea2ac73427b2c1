#!/bin/sh
# Limits: 65535+ sections through ELF extended numbering (e_shnum = 0 with
# the count in section 0's sh_size, e_shstrndx = SHN_XINDEX with the index
# in section 0's sh_link). The fixture is compiled here with known flags,
# then rewritten with 70000 extra empty sections: every check must give the
# same answer as on the original, and the answers must match the flags.
. "$(dirname "$0")/lib.sh"
CC=${CC_UNDER_TEST:-cc}

printf 'int main(void) { return 0; }\n' >"$T_TMP/h.c"
$CC -O2 -fPIE -pie -Wl,-z,relro,-z,now -o "$T_TMP/orig" "$T_TMP/h.c" ||
	{ fail "compile fixture"; finish; }

python3 - "$T_TMP/orig" "$T_TMP/many" 70000 <<'PY' || fail "generate extended-numbering ELF"
import struct, sys
src, dst, extra = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(src, 'rb').read())
assert data[:4] == b'\x7fELF' and data[4] == 2 and data[5] == 1, 'ELF64 LE only'
(shoff,) = struct.unpack_from('<Q', data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
table = bytearray(data[shoff:shoff + shentsize * shnum])
# extra sections: SHT_PROGBITS, empty, at offset 0, named "" (index 0)
table += struct.pack('<IIQQQQIIQQ', 0, 1, 0, 0, 0, 0, 0, 0, 1, 0) * extra
total = shnum + extra
assert total >= 0xff00
struct.pack_into('<Q', table, 0x20, total)     # section 0 sh_size = count
struct.pack_into('<I', table, 0x28, shstrndx)  # section 0 sh_link = shstrndx
while len(data) % 8:
    data.append(0)
struct.pack_into('<Q', data, 0x28, len(data))  # e_shoff: table at the end
data += table
struct.pack_into('<HHH', data, 0x3a, shentsize, 0, 0xffff)  # e_shnum, XINDEX
open(dst, 'wb').write(data)
PY

# The generator must have produced what it claims (readelf reads it back).
if command -v readelf >/dev/null; then
	readelf -h "$T_TMP/many" >"$T_TMP/readelf" 2>&1
	expect_grep "Number of section headers: *0 (" \
		"$T_TMP/readelf" "fixture uses extended section numbering"
fi

same_verdicts "70000+ sections (extended numbering)" "
assert vb['relro'] == 'full', vb['relro']   # -z relro -z now
assert vb['pie'] == 'yes', vb['pie']        # -pie
assert b['type'] == a['type'] == 'pie', (a['type'], b['type'])"
finish
