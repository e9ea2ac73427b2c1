#!/bin/sh
# qhard audit's KVM host checks (what virt-host-validate checks) from the
# command line: a fake host tree without /dev/kvm given with --root --live
# fails kvm-available (exit 1) and says so in every format; the same tree
# without --live is an image, whose kernel facts are skipped with the
# reason; and on the machine running the tests the live audit agrees with
# what /dev/kvm and /proc/cpuinfo really are.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "# python3 missing (make deps)"; exit 1; }

t=$T_TMP/host
mkdir -p "$t/proc" "$t/sys/fs/cgroup" "$t/sys/kernel/iommu_groups/0" "$t/sys/firmware/acpi/tables" \
	"$t/dev/net" "$t/etc"
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme vmx sse2\n' >"$t/proc/cpuinfo"
printf 'root=/dev/sda1 intel_iommu=on\n' >"$t/proc/cmdline"
printf 'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec 0 0\n' >"$t/proc/mounts"
printf 'cpuset cpu io memory pids\n' >"$t/sys/fs/cgroup/cgroup.controllers"
: >"$t/sys/firmware/acpi/tables/DMAR"

expect_exit 1 "no /dev/kvm with --live: exit 1" -- "$QHARD" audit --root "$t" --live --format json
cp "$T_TMP/out" "$T_TMP/live.json"
python3 - "$T_TMP/live.json" <<'PY' && pass "kvm-available fails: /dev/kvm missing, severity high, with a fix" || fail "kvm-available on a host without /dev/kvm"
import json, sys
host = [r for r in json.load(open(sys.argv[1]))["results"] if r["path"] == "host"][0]["checks"]
c = host["kvm-available"]
print("# kvm-available:", c["status"], c["evidence"])
ok = (c["status"] == "fail" and "/dev/kvm missing" in c["evidence"] and c["severity"] == "high"
      and c["fix"] and host["kvm-hw-virt"]["status"] == "pass"
      and host["iommu-hardware"]["status"] == "pass" and host["iommu-kernel"]["status"] == "pass"
      and host["cgroup-controllers"]["status"] == "pass")
sys.exit(0 if ok else 1)
PY
"$QHARD" audit --root "$t" --live >"$T_TMP/live.txt"
expect_grep '^verdict: FAIL: ' "$T_TMP/live.txt" "text: the verdict leads"
expect_grep 'fail kvm-available \[high\]: /dev/kvm missing' "$T_TMP/live.txt" "text: the finding with its severity"
"$QHARD" audit --root "$t" --live --format sarif >"$T_TMP/live.sarif"
expect_grep '"ruleId": *"kvm-available"' "$T_TMP/live.sarif" "sarif: a kvm-available result"

# the same tree as an image: nothing about /dev/kvm is claimed
"$QHARD" audit --root "$t" --format json >"$T_TMP/image.json"
python3 - "$T_TMP/image.json" <<'PY' && pass "an image root skips the kernel facts, saying why" || fail "kernel facts on an image root"
import json, sys
host = [r for r in json.load(open(sys.argv[1]))["results"] if r["path"] == "host"][0]["checks"]
ids = ["kvm-hw-virt", "kvm-available", "vhost-net", "tun-device", "cgroup-controllers",
       "iommu-hardware", "iommu-kernel", "secure-guest"]
sys.exit(0 if all(host[i]["status"] == "skip" and "not the running host" in host[i]["evidence"]
                  for i in ids) else 1)
PY

# this machine, live: the finding follows the real /dev/kvm and CPU flags
"$QHARD" audit --format json >"$T_TMP/self.json" 2>"$T_TMP/self.err"
python3 - "$T_TMP/self.json" <<'PY' && pass "the live audit matches this machine's /dev/kvm and CPU flags" || fail "live audit vs this machine"
import json, os, re, stat, sys
host = [r for r in json.load(open(sys.argv[1]))["results"] if r["path"] == "host"][0]["checks"]
kvm, hw = host["kvm-available"], host["kvm-hw-virt"]
flags = set()
for line in open("/proc/cpuinfo"):
    if re.match(r"flags\s*:", line):
        flags |= set(line.split(":", 1)[1].split())
print("# /dev/kvm %s; kvm-available %s: %s" % ("present" if os.path.exists("/dev/kvm") else "missing",
      kvm["status"], kvm["evidence"]))
print("# vmx/svm %s; kvm-hw-virt %s" % (bool(flags & {"vmx", "svm"}), hw["status"]))
ok = True
if not os.path.exists("/dev/kvm"):
    ok &= kvm["status"] == "fail" and "/dev/kvm missing" in kvm["evidence"]
elif not stat.S_ISCHR(os.lstat("/dev/kvm").st_mode):
    ok &= kvm["status"] == "fail"
if any(re.match(r"flags\s*:", l) for l in open("/proc/cpuinfo")):
    ok &= (hw["status"] == "pass") == bool(flags & {"vmx", "svm"})
sys.exit(0 if ok else 1)
PY
finish
