#!/usr/bin/env python3
"""kconfig_diff.py - differential test of qhard's Kconfig evaluator against
QEMU's own scripts/minikconf.py on a real QEMU tree.

Each trial builds one minikconf command line the way meson does
(MODE OUT DEPS configs/devices/T/default.mak Kconfig HOST... TARGET...),
with random host symbols, random device assignments (=y and =n) and both
modes, runs minikconf.py and tests/tools/kconfig_eval with the same
arguments and compares: both fail, or both print the same symbols.

usage: kconfig_diff.py QEMU_SRC KCONFIG_EVAL [TRIALS] [SEED]
Prints one line per disagreement and a summary; exit 1 if any.
"""
import os
import random
import re
import subprocess
import sys
import tempfile


ARCH_DIRS = {"x86_64-softmmu": "i386", "aarch64-softmmu": "arm"}


def kconfig_symbols(root, target):
    """Symbols declared outside hw/ARCH and target/ARCH of other targets
    (those could never be enabled for this one)."""
    mine = ARCH_DIRS[target]
    syms = set()
    for d, _, files in os.walk(root):
        rel = os.path.relpath(d, root)
        parts = rel.split(os.sep)
        if rel.startswith((".pc", "tests", "debian", "roms", "subprojects")):
            continue
        if len(parts) >= 2 and parts[0] in ("hw", "target") and \
                os.path.isdir(os.path.join(root, "target", parts[1])) and parts[1] != mine:
            continue
        for f in files:
            if f == "Kconfig" or f.startswith("Kconfig."):
                try:
                    text = open(os.path.join(d, f), encoding="utf-8", errors="replace").read()
                except OSError:
                    continue
                syms.update(re.findall(r"^config\s+(\w+)", text, re.M))
    return sorted(syms)


def host_symbols(root):
    try:
        text = open(os.path.join(root, "Kconfig.host"), encoding="utf-8").read()
    except OSError:
        return []
    return re.findall(r"^config\s+(\w+)", text, re.M)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main():
    root, tool = sys.argv[1], sys.argv[2]
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    rnd = random.Random(seed)
    host = host_symbols(root)
    targets = [t for t in ("x86_64-softmmu", "aarch64-softmmu")
               if os.path.exists(os.path.join(root, "configs/devices", t, "default.mak"))]
    syms = {t: kconfig_symbols(root, t) for t in targets}
    arch = {"x86_64-softmmu": "X86_64", "aarch64-softmmu": "AARCH64"}
    minikconf = os.path.join(root, "scripts/minikconf.py")
    bad = agree_ok = agree_fail = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(trials):
            t = rnd.choice(targets)
            mode = rnd.choice(["--allnoconfig", "--defconfig"])
            p_host = rnd.choice([0.0, 0.5, 1.0])
            ext = ["CONFIG_%s=y" % h for h in host if rnd.random() < p_host]
            ext += ["CONFIG_KVM=y"] if rnd.random() < 0.7 else []
            ext += ["CONFIG_TCG=y"] if rnd.random() < 0.5 else []
            ext += ["CONFIG_%s=y" % arch[t]]
            mak = os.path.join(tmp, "devices.mak")
            first = os.path.join(root, "configs/devices", t, "default.mak") \
                if mode == "--defconfig" or rnd.random() < 0.3 else mak

            def argv(devs):
                with open(mak, "w") as f:
                    f.write("\n".join(devs) + "\n")
                return [mode, os.path.join(tmp, "out"), os.path.join(tmp, "deps"),
                        first, os.path.join(root, "Kconfig")] + \
                    ([mak] if first != mak else []) + ext

            # Most random device sets contradict themselves (a device
            # without its bus): in most trials, grow the set one symbol at
            # a time and keep what qhard accepts; minikconf then judges.
            devs = []
            greedy = rnd.random() < 0.8
            for s in rnd.sample(syms[t], 40 if greedy else rnd.randint(0, 8)):
                d = "CONFIG_%s=%s" % (s, rnd.choice("yyyyn"))
                if not greedy or run([tool] + argv(devs + [d]))[0] == 0:
                    devs.append(d)
                if len(devs) >= 12:
                    break
            args = argv(devs)
            a = run([sys.executable, minikconf] + args)
            b = run([tool] + args)
            if (a[0] == 0) != (b[0] == 0) or (a[0] == 0 and a[1] != b[1]):
                bad += 1
                sa, sb = set(a[1].split()), set(b[1].split())
                print("DIFF trial %d: %s" % (i, " ".join(args[3:])))
                print("  minikconf rc=%d qhard rc=%d" % (a[0], b[0]))
                print("  only minikconf: %s" % " ".join(sorted(sa - sb)[:20]))
                print("  only qhard:     %s" % " ".join(sorted(sb - sa)[:20]))
                if a[0] != b[0]:
                    print("  minikconf: %s" % a[2].strip().splitlines()[-1:])
                    print("  qhard: %s" % b[2].strip().splitlines()[-1:])
            elif a[0] == 0:
                agree_ok += 1
            else:
                agree_fail += 1
    print("%s: %d trials: %d same closure, %d both refused, %d differ"
          % (os.path.basename(root.rstrip("/")), trials, agree_ok, agree_fail, bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
