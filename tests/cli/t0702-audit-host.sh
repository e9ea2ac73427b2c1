#!/bin/sh
# qhard audit on the machine running the tests, as the live host and as
# --root /: no crash, a contract exit code, every finding explained; and on
# Debian's real qemu-system-x86_64 (when installed) the QOM extractor finds
# the well-known devices and Debian's reference count.
. "$(dirname "$0")/lib.sh"

for args in "" "--root /"; do
	# shellcheck disable=SC2086
	"$QHARD" audit $args --format json >"$T_TMP/host.json" 2>"$T_TMP/host.err"
	rc=$?
	case $rc in
	0 | 1 | 3) pass "audit $args: exit $rc" ;;
	*) fail "audit $args: exit $rc"; sed 's/^/# /' "$T_TMP/host.err" ;;
	esac
	python3 - "$T_TMP/host.json" <<'EOF' && pass "audit $args: every finding has evidence, reason and fix" || fail "audit $args: unexplained findings"
import json, sys
d = json.load(open(sys.argv[1]))
bad = 0
for r in d["results"]:
    for k, c in (r.get("checks") or {}).items():
        if c["status"] in ("fail", "warn") and k not in (
                "relro", "pie", "nx", "canary", "fortify", "rpath", "runpath", "textrel",
                "rwx-segment", "cet-ibt", "cet-shstk", "bti", "pac", "stack-clash",
                "sanitizers", "stripped"):
            if not (c.get("evidence") and c.get("reason") and c.get("fix") and c.get("severity")):
                print("# unexplained:", r["path"], k, c); bad += 1
            else:
                print("# %s %s: %s" % (r["path"], k, c["evidence"]))
sys.exit(1 if bad else 0)
EOF
done

qemu=/usr/bin/qemu-system-x86_64
ver=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null)
if [ -f "$qemu" ] && [ "$ver" = "1:7.2+dfsg-7+deb12u18+b3" ]; then
	cat >"$T_TMP/minimal.ini" <<'EOF'
[profile]
name = minimal
targets = x86_64-softmmu
[devices]
machines = q35
allow = virtio-net-pci virtio-blk-pci
[features]
accelerators = kvm
EOF
	"$QHARD" audit --allow-list "$T_TMP/minimal.ini" --format json >"$T_TMP/dev.json"
	python3 - "$T_TMP/dev.json" "$qemu" <<'EOF' && pass "Debian qemu-system-x86_64: devices found, count = reference" || fail "Debian qemu-system-x86_64 devices"
import json, sys
d = json.load(open(sys.argv[1]))
c = [r for r in d["results"] if r["path"] == sys.argv[2]][0]["checks"]["devices-allowlist"]
v = c["value"]
known = ["pcie-root-port", "ich9-ahci", "isa-debugcon", "vfio-pci", "nvme", "e1000e",
         "usb-tablet", "virtio-scsi-pci", "qemu-xhci", "isa-serial"]
missing = [k for k in known if k not in v["extra"]]
print("# devices %d (reference %d), beyond allow-list %d, status %s" %
      (v["devices"], v["debian_full"], len(v["extra"]), c["status"]))
ok = (not missing and "virtio-net-pci" not in v["extra"] and c["status"] == "fail"
      and (v["modules"] != 25 or v["devices"] == v["debian_full"])
      and len(v["extra"]) == v["devices"] - 2 - ("q35" in v["extra"]))
sys.exit(0 if ok else 1)
EOF
	# the installed emulator is Debian 12's 7.2: compare with that tree
	src=$(sh "$(dirname "$0")/../../mk/qemu-src.sh" "${QHARD_CACHE:-.cache}" 7.2)
	if [ $? -ne 0 ]; then
		echo "ok - # SKIP --qemu-src closure: no QEMU 7.2 tree (mk/qemu-src.sh)"
	elif [ -f "$src/VERSION" ]; then
		# the profile's closure in the real tree allows the board devices
		"$QHARD" audit --allow-list "$T_TMP/minimal.ini" --qemu-src "$src" --format json >"$T_TMP/closure.json"
		python3 - "$T_TMP/dev.json" "$T_TMP/closure.json" "$qemu" <<'EOF' && pass "--qemu-src: closure types allowed, others still extra" || fail "--qemu-src closure"
import json, sys
def extra(f):
    d = json.load(open(f))
    return [r for r in d["results"] if r["path"] == sys.argv[3]][0]["checks"]["devices-allowlist"]["value"]["extra"]
strict, closure = extra(sys.argv[1]), extra(sys.argv[2])
print("# beyond allow-list: %d literal, %d with the closure" % (len(strict), len(closure)))
sys.exit(0 if set(closure) < set(strict) and "ich9-ahci" in strict and "ich9-ahci" not in closure
         and "e1000e" in closure else 1)
EOF
	fi
else
	echo "# Debian's qemu-system-x86 7.2 not installed: reference count not checked"
fi
finish
