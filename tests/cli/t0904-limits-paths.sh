#!/bin/sh
# Limits: paths with a newline, a tab, an escape character and bytes that
# are not UTF-8. They must come out per the escaping rule (lib/json_util.h):
#  - JSON: valid JSON; invalid UTF-8 bytes as the text "\xNN", control
#    characters kept as JSON escapes (lossless);
#  - SARIF: valid JSON; the artifact URI percent-encodes the raw bytes;
#  - text: invalid bytes and control characters as "\xNN", so the path never
#    breaks a line.
. "$(dirname "$0")/lib.sh"
CC=${CC_UNDER_TEST:-cc}

printf 'int main(void) { return 0; }\n' >"$T_TMP/h.c"
$CC -O2 -o "$T_TMP/h" "$T_TMP/h.c" || { fail "compile fixture"; finish; }
# The name: "we<LF>ird<TAB><ESC>[31m<FF><FE> näme.bin" (ä is valid UTF-8).
name=$(printf 'we\nird\t\033[31m\377\376 n\303\244me.bin')
cp "$T_TMP/h" "$T_TMP/$name" || { fail "create the odd file name"; finish; }
odd="$T_TMP/$name"

for fmt in json sarif text; do
	"$QHARD" checksec --format "$fmt" "$odd" >"$T_TMP/out.$fmt" 2>"$T_TMP/err.$fmt"
	rc=$?
	if [ "$rc" -le 1 ]; then pass "$fmt: analysed (exit $rc)"; else
		fail "$fmt: exit $rc"; sed 's/^/# /' "$T_TMP/err.$fmt" | head; fi
done

# Expected forms are computed from the raw bytes in python3, independently.
python3 - "$T_TMP" "$T_TMP/out.json" "$T_TMP/out.sarif" "$T_TMP/out.text" <<'PY' >"$T_TMP/py" 2>&1
import json, os, sys, urllib.parse
tmp = os.fsencode(sys.argv[1])
raw = next(os.path.join(tmp, n) for n in os.listdir(tmp) if n.startswith(b'we\n'))
# invalid UTF-8 bytes -> "\xNN" (lowercase): what python's backslashreplace does
as_json = raw.decode('utf-8', 'backslashreplace')

def fail(msg):
    print(msg)
    sys.exit(1)

doc = json.load(open(sys.argv[2], encoding='utf-8'))
got = doc['results'][0]['path']
if got != as_json:
    fail('json: path %r, want %r' % (got, as_json))

sarif = json.load(open(sys.argv[3], encoding='utf-8'))
uris = []
def walk(v):
    if isinstance(v, dict):
        if isinstance(v.get('artifactLocation'), dict):
            uris.append(v['artifactLocation'].get('uri', ''))
        for x in v.values():
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
walk(sarif)
if not uris:
    fail('sarif: no artifactLocation')
for u in uris:
    if any(c in u for c in '\n\t\x1b '):
        fail('sarif: raw control or space in uri %r' % u)
    if not urllib.parse.unquote_to_bytes(u).endswith(raw):
        fail('sarif: uri %r does not decode to the raw path' % u)

text = open(sys.argv[4], 'rb').read()
if raw in text or b'\xff' in text or b'\x1b' in text:
    fail('text: raw bytes of the path in the output')
# text escapes control characters too
as_text = ''.join(c if 0x20 <= ord(c) != 0x7f else '\\x%02x' % ord(c)
                  for c in as_json).encode('utf-8')
if as_text not in text:
    fail('text: %r not in output' % as_text)
text.decode('utf-8')  # the whole text output is valid UTF-8
print('json, sarif and text escape the path correctly')
PY
if [ $? -eq 0 ]; then pass "$(cat "$T_TMP/py")"; else
	fail "escaping"; sed 's/^/# /' "$T_TMP/py" | head -20; fi
finish
