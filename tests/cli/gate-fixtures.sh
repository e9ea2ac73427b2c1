# gate-fixtures.sh - fixtures for the t08NN qhard gate tests (sourced after
# lib.sh). Binaries are compiled here, at test time, with the flags that set
# what the gate must find.
: "${CC_UNDER_TEST:=cc}"
GATE_SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
POLICIES="$GATE_SRC_DIR/ci/policies"

cat >"$T_TMP/hello.c" <<'SRC'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char buf[64];
	strcpy(buf, argv[0]); /* fortifiable: __strcpy_chk when fortified */
	printf("%s %d\n", buf, argc);
	return 0;
}
SRC

# hello_hardened OUT / hello_unhardened OUT
hello_hardened() {
	"$CC_UNDER_TEST" -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 \
		-fstack-protector-strong -fPIE -pie -Wl,-z,relro,-z,now \
		-o "$1" "$T_TMP/hello.c"
}
hello_unhardened() {
	"$CC_UNDER_TEST" -O0 -U_FORTIFY_SOURCE -fno-stack-protector -fno-pie \
		-no-pie -Wl,-z,norelro -o "$1" "$T_TMP/hello.c"
}

# json_get FILE PYTHON-EXPR: print the expression over the parsed JSON `d`.
json_get() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}
