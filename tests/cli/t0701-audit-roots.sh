#!/bin/sh
# qhard audit on fixture roots: a good host, then one thing broken at a time.
# Binaries are compiled here with real flags; each root must give EXACTLY its
# findings (the audit check ids that fail or warn, per subject), and the
# unhardened stand-in must fail the checksec ids its flags remove.
. "$(dirname "$0")/lib.sh"

CC=${CC_UNDER_TEST:-cc}
command -v python3 >/dev/null || { echo "# python3 missing (make deps)"; exit 1; }

# --- fixture sources -------------------------------------------------------
# A QEMU stand-in: TypeInfo records laid out like QEMU's (include/qom/object.h)
# plus some ordinary string tables that must NOT be taken for types.
cat >"$T_TMP/qemu.c" <<'EOF'
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
typedef struct TypeInfo {
	const char *name, *parent;
	size_t instance_size, instance_align;
	void (*instance_init)(void *), (*instance_post_init)(void *),
	     (*instance_finalize)(void *);
	bool abstract;
	size_t class_size;
	void (*class_init)(void *, void *), (*class_base_init)(void *, void *);
	void *class_data, *interfaces;
} TypeInfo;
static void init(void *o) { (void)o; }
static void cinit(void *k, void *d) { (void)k; (void)d; }
static const TypeInfo types[] = {
	{ .name = "object", .instance_size = 40 },
	{ .name = "interface", .abstract = true },
	{ .name = "device", .parent = "object", .instance_size = 160, .instance_init = init, .abstract = true },
	{ .name = "pci-device", .parent = "device", .instance_size = 2304, .abstract = true, .class_init = cinit },
	{ .name = "virtio-net-pci", .parent = "pci-device", .instance_size = 4096, .instance_init = init },
	{ .name = "virtio-blk-pci", .parent = "pci-device", .instance_size = 4000, .instance_init = init },
	{ .name = "memory-backend", .parent = "object", .instance_size = 300, .abstract = true },
	EXTRA
};
/* name/value tables: pairs of strings, but not QOM types */
static const char *const options[] = { "device", "type", "driver", "object", "bogus", "device", NULL };
int main(int argc, char **argv)
{
	char buf[32];
	size_t n = sizeof(types) / sizeof(types[0]);
	strcpy(buf, argc > 1 ? argv[1] : "x");
	printf("%s %s %s\n", buf, types[(size_t)argc % n].name, options[argc % 6]);
	return 0;
}
EOF
cat >"$T_TMP/helper.c" <<'EOF'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char buf[32];
	strcpy(buf, argc > 1 ? argv[1] : "br0");
	printf("%s\n", buf);
	return 0;
}
EOF
HARD="-O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -pie -Wl,-z,relro,-z,now"
SOFT="-O0 -fno-stack-protector -U_FORTIFY_SOURCE -no-pie -Wl,-z,norelro"
build() { # build OUT FLAGS EXTRA-DEVICES
	$CC $2 "-DEXTRA=$3" -o "$1" "$T_TMP/qemu.c" || { echo "# cannot compile"; exit 1; }
}
build "$T_TMP/qemu-good" "$HARD" ""
build "$T_TMP/qemu-soft" "$SOFT" ""
build "$T_TMP/qemu-extra" "$HARD" '{ .name = "e1000", .parent = "pci-device", .instance_size = 9000 }, { .name = "sb16", .parent = "device", .instance_size = 900 }'
$CC $HARD -o "$T_TMP/helper" "$T_TMP/helper.c" || exit 1
# a QEMU module: its device's parent lives in the emulator, not in the module
cat >"$T_TMP/module.c" <<'EOF'
#include <stdbool.h>
#include <stddef.h>
typedef struct TypeInfo {
	const char *name, *parent;
	size_t instance_size, instance_align;
	void (*instance_init)(void *), (*instance_post_init)(void *),
	     (*instance_finalize)(void *);
	bool abstract;
	size_t class_size;
	void (*class_init)(void *, void *), (*class_base_init)(void *, void *);
	void *class_data, *interfaces;
} TypeInfo;
const TypeInfo qxl_info = { .name = "qxl-vga", .parent = "pci-device", .instance_size = 5000 };
const TypeInfo *module_types(void) { return &qxl_info; }
EOF
$CC $HARD -shared -fPIC -o "$T_TMP/hw-display-qxl.so" "$T_TMP/module.c" || exit 1
libc=$($CC -print-file-name=libc.so.6)
ldso=$($CC -print-file-name=ld-linux-x86-64.so.2)

cat >"$T_TMP/profile.ini" <<'EOF'
[profile]
name = test-virtio
targets = x86_64-softmmu
[devices]
machines = q35
allow = virtio-net-pci virtio-blk-pci
EOF
# Library findings are checksec's business (and depend on the host's libc).
cat >"$T_TMP/policy.ini" <<'EOF'
[policy]
name = test
default = warn
[checks]
relro = required
pie = required
nx = required
canary = required
fortify = required
[type "dso"]
* = ignore
EOF

good_root() { # good_root DIR
	r=$1
	mkdir -p "$r/usr/bin" "$r/usr/lib/qemu" "$r/etc/selinux" "$r/etc/libvirt" \
		"$r/lib/x86_64-linux-gnu" "$r/etc/ld.so.conf.d" "$r/var/lib/selinux/targeted/active"
	ln -s usr/bin "$r/bin"
	cp "$T_TMP/qemu-good" "$r/usr/bin/qemu-system-x86_64"
	ln -s qemu-system-x86_64 "$r/usr/bin/qemu-kvm"
	cp "$T_TMP/helper" "$r/usr/lib/qemu/qemu-bridge-helper"
	chmod 0755 "$r/usr/bin/qemu-system-x86_64" "$r/usr/lib/qemu/qemu-bridge-helper"
	cp "$libc" "$r/lib/x86_64-linux-gnu/libc.so.6"
	cp "$ldso" "$r/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
	echo "include /etc/ld.so.conf.d/*.conf" >"$r/etc/ld.so.conf"
	echo "/lib/x86_64-linux-gnu" >"$r/etc/ld.so.conf.d/x86_64-linux-gnu.conf"
	printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$r/etc/selinux/config"
	printf 'virt_use_nfs=0\n' >"$r/var/lib/selinux/targeted/active/booleans.local"
	printf 'security_driver = "selinux"\nuser = "qemu"\ngroup = "qemu"\n' >"$r/etc/libvirt/qemu.conf"
}

# findings JSON -> "subject: id id" lines for audit ids that fail or warn
summarize() {
	python3 - "$1" <<'EOF'
import json, sys
checksec = {"relro", "pie", "nx", "canary", "fortify", "rpath", "runpath", "textrel",
            "rwx-segment", "cet-ibt", "cet-shstk", "bti", "pac", "stack-clash",
            "sanitizers", "stripped"}
d = json.load(open(sys.argv[1]))
for r in d["results"]:
    if r.get("error"):
        print(r["path"] + ": ERROR")
        continue
    ids = [k for k, c in r.get("checks", {}).items()
           if k not in checksec and c["status"] in ("fail", "warn")]
    if ids:
        print(r["path"] + ": " + " ".join(sorted(ids)))
EOF
}

# check_root NAME EXIT "expected lines" [extra qhard args]
check_root() {
	name=$1 want_exit=$2 want=$3
	shift 3
	"$QHARD" audit --root "$T_TMP/$name" --policy "$T_TMP/policy.ini" \
		--allow-list "$T_TMP/profile.ini" --format json "$@" >"$T_TMP/$name.json" 2>"$T_TMP/$name.err"
	got_exit=$?
	[ "$got_exit" -eq "$want_exit" ] && pass "$name: exit $want_exit" ||
		{ fail "$name: exit $got_exit, wanted $want_exit"; sed 's/^/# /' "$T_TMP/$name.err"; }
	got=$(summarize "$T_TMP/$name.json")
	if [ "$got" = "$want" ]; then pass "$name: exactly its findings"; else
		fail "$name: findings differ"; echo "# got:"; echo "$got" | sed 's/^/#   /'
		echo "# wanted:"; echo "$want" | sed 's/^/#   /'; fi
}

good_root "$T_TMP/good"
check_root good 0 ""
# the libraries were found through the root's ld.so.conf include
python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); p=[r["path"] for r in d["results"]]
sys.exit(0 if "/lib/x86_64-linux-gnu/libc.so.6" in p and "/usr/bin/qemu-kvm" not in p else 1)' \
	"$T_TMP/good.json" && pass "good: libc resolved in the root, qemu-kvm link deduplicated" ||
	fail "good: library resolution / dedup"

good_root "$T_TMP/selinux-off"
printf 'SELINUX=disabled\n' >"$T_TMP/selinux-off/etc/selinux/config"
check_root selinux-off 1 "/etc/selinux/config: selinux-mode
host: mac-confinement"

good_root "$T_TMP/booleans"
printf 'virt_use_nfs=1\nvirt_use_xserver=1\nvirt_use_usb=0\n' \
	>"$T_TMP/booleans/var/lib/selinux/targeted/active/booleans.local"
check_root booleans 1 "host: sebool-virt_use_nfs sebool-virt_use_xserver"

good_root "$T_TMP/driver-none"
printf '# off\nsecurity_driver = "none"\n' >"$T_TMP/driver-none/etc/libvirt/qemu.conf"
check_root driver-none 1 "/etc/libvirt/qemu.conf: libvirt-security-driver"

good_root "$T_TMP/as-root"
printf 'user = "root"\ngroup = "kvm"\n' >"$T_TMP/as-root/etc/libvirt/qemu.conf"
check_root as-root 1 "/etc/libvirt/qemu.conf: libvirt-user"

# a policy that names an audit id decides its level
{ cat "$T_TMP/policy.ini"; printf '[path "/etc/libvirt/*"]\nlibvirt-user = ignore\n'; } >"$T_TMP/waive.ini"
"$QHARD" audit --root "$T_TMP/as-root" --policy "$T_TMP/waive.ini" --format json >"$T_TMP/waived.json"
rc=$?
[ $rc -eq 0 ] && [ -z "$(summarize "$T_TMP/waived.json")" ] &&
	pass "as-root: a policy can ignore libvirt-user" || fail "as-root: policy level for an audit id (exit $rc)"

good_root "$T_TMP/setuid"
chmod 4755 "$T_TMP/setuid/usr/lib/qemu/qemu-bridge-helper"
check_root setuid 1 "/usr/lib/qemu/qemu-bridge-helper: setuid"
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
c=[r for r in d["results"] if r["path"]=="/usr/lib/qemu/qemu-bridge-helper"][0]["checks"]["setuid"]
sys.exit(0 if "bridge.conf" in c["reason"] and "bridge.conf" in c["fix"] else 1)' \
	"$T_TMP/setuid.json" && pass "setuid: bridge helper finding explains itself" ||
	fail "setuid: bridge helper reason"

good_root "$T_TMP/world-writable"
chmod 0757 "$T_TMP/world-writable/usr/bin/qemu-system-x86_64"
check_root world-writable 1 "/usr/bin/qemu-system-x86_64: world-writable"

good_root "$T_TMP/escape"
mkdir -p "$T_TMP/outside"
cp "$T_TMP/qemu-soft" "$T_TMP/outside/qemu-img"
ln -s "../../../../../../../../../../../../$T_TMP/outside/qemu-img" "$T_TMP/escape/usr/bin/qemu-img"
check_root escape 1 "/usr/bin/qemu-img: symlink-escape"
grep -q 'outside' "$T_TMP/escape.json" && ! grep -q '"relro": {"status": "fail"' "$T_TMP/escape.json" &&
	pass "escape: the outside file was named, never analysed" || fail "escape: outside file analysed?"

good_root "$T_TMP/unhardened"
cp "$T_TMP/qemu-soft" "$T_TMP/unhardened/usr/bin/qemu-system-x86_64"
check_root unhardened 1 ""
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
c=[r for r in d["results"] if r["path"]=="/usr/bin/qemu-system-x86_64"][0]["checks"]
bad=sorted(k for k in ("relro","pie","canary","fortify") if c[k]["status"]=="fail")
print("# failing:", bad); sys.exit(0 if bad==["canary","fortify","pie","relro"] else 1)' \
	"$T_TMP/unhardened.json" && pass "unhardened: relro, pie, canary, fortify fail as built" ||
	fail "unhardened: checksec verdicts"
# the fixed-address build still shows its devices
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
v=[r for r in d["results"] if r["path"]=="/usr/bin/qemu-system-x86_64"][0]["checks"]["devices-allowlist"]["value"]
sys.exit(0 if v["devices"]==2 and v["extra"]==[] else 1)' "$T_TMP/unhardened.json" &&
	pass "unhardened: QOM types read from a non-PIE binary" || fail "unhardened: QOM types (non-PIE)"

good_root "$T_TMP/extra"
cp "$T_TMP/qemu-extra" "$T_TMP/extra/usr/bin/qemu-system-x86_64"
check_root extra 1 "/usr/bin/qemu-system-x86_64: devices-allowlist"
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
v=[r for r in d["results"] if r["path"]=="/usr/bin/qemu-system-x86_64"][0]["checks"]["devices-allowlist"]["value"]
print("# value:", v); sys.exit(0 if v["extra"]==["e1000","sb16"] and v["devices"]==4 else 1)' \
	"$T_TMP/extra.json" && pass "extra: exactly e1000 and sb16 beyond the allow-list" ||
	fail "extra: extra devices"

# without --allow-list the count is reported, nothing fails
"$QHARD" audit --root "$T_TMP/extra" --policy "$T_TMP/policy.ini" --format json >"$T_TMP/noallow.json"
[ $? -eq 0 ] && pass "no allow-list: exit 0" || fail "no allow-list: exit"

good_root "$T_TMP/module"
mkdir -p "$T_TMP/module/usr/lib/x86_64-linux-gnu/qemu"
cp "$T_TMP/hw-display-qxl.so" "$T_TMP/module/usr/lib/x86_64-linux-gnu/qemu/"
check_root module 1 "/usr/bin/qemu-system-x86_64: devices-allowlist"
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
v=[r for r in d["results"] if r["path"]=="/usr/bin/qemu-system-x86_64"][0]["checks"]["devices-allowlist"]["value"]
m=[r for r in d["results"] if r["path"].endswith("/qemu/hw-display-qxl.so")]
print("# value:", v); sys.exit(0 if v["extra"]==["qxl-vga"] and v["modules"]==1 and m and m[0]["type"]=="dso" else 1)' \
	"$T_TMP/module.json" && pass "module: its device counts, the module itself is audited" ||
	fail "module: devices from modules"

good_root "$T_TMP/broken"
echo "not an ELF file" >"$T_TMP/broken/usr/bin/qemu-nbd"
check_root broken 3 "/usr/bin/qemu-nbd: ERROR"

expect_exit 3 "missing root" -- "$QHARD" audit --root "$T_TMP/no-such-root"
expect_exit 2 "bad allow-list" -- "$QHARD" audit --root "$T_TMP/good" --allow-list "$T_TMP/nope.ini"
expect_exit 2 "operand" -- "$QHARD" audit "$T_TMP/good"
finish
