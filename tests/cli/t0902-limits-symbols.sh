#!/bin/sh
# Limits: a symbol table with millions of entries. A fixture compiled here
# (stack protector on, not stripped) gets its .symtab replaced by one with
# 3,000,000 entries (all naming an existing function), appended to the file.
# The analysis must finish, see the file as not stripped, and give the same
# verdicts as on the original (extra copies of a name change nothing).
. "$(dirname "$0")/lib.sh"
CC=${CC_UNDER_TEST:-cc}
NSYMS=3000000

cat >"$T_TMP/s.c" <<'C'
#include <string.h>
int copy(char *out, const char *in) { char buf[64]; strcpy(buf, in); strcpy(out, buf); return buf[0]; }
int main(int argc, char **argv) { char o[64]; return argc > 1 ? copy(o, argv[1]) : 0; }
C
$CC -O2 -fstack-protector-all -fPIE -pie -Wl,-z,relro,-z,now -o "$T_TMP/orig" "$T_TMP/s.c" ||
	{ fail "compile fixture"; finish; }

python3 - "$T_TMP/orig" "$T_TMP/many" "$NSYMS" <<'PY' || fail "generate huge symbol table"
import struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(src, 'rb').read())
assert data[:4] == b'\x7fELF' and data[4] == 2 and data[5] == 1, 'ELF64 LE only'
(shoff,) = struct.unpack_from('<Q', data, 0x28)
shentsize, shnum, _ = struct.unpack_from('<HHH', data, 0x3a)
SH = '<IIQQQQIIQQ'
def shdr(i):
    return list(struct.unpack_from(SH, data, shoff + i * shentsize))
symtab = next(i for i in range(shnum) if shdr(i)[1] == 2)   # SHT_SYMTAB
h = shdr(symtab)
strtab = shdr(h[6])
# find "main" in .strtab so every new symbol has a real name
strs = bytes(data[strtab[4]:strtab[4] + strtab[5]])
name = strs.index(b'\0main\0') + 1
# every entry: main's name, STB_GLOBAL|STT_FUNC, in section 1, value 0
sym = struct.pack('<IBBHQQ', name, 0x12, 0, 1, 0, 0)
blob = bytes(24) + sym * (n - 1)
while len(data) % 8:
    data.append(0)
h[4], h[5], h[7] = len(data), len(blob), 1   # sh_offset, sh_size, sh_info
data += blob
struct.pack_into(SH, data, shoff + symtab * shentsize, *h)
open(dst, 'wb').write(data)
PY

same_verdicts "$NSYMS symbols" "
assert vb['stripped'] == 'no', vb['stripped']
assert vb['canary'] == 'yes', vb['canary']   # -fstack-protector-all"
finish
