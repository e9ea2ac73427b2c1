#!/usr/bin/env python3
"""oracle.py - a second opinion on `qhard checksec`, built on binutils.

For every ELF file that `readelf -W` reads without a warning, derive type,
relro, nx, canary, rpath, runpath and textrel from readelf's own output
(objdump for the one thing readelf cannot show: whether main() of a
statically linked program calls __stack_chk_fail) and compare with qhard's
JSON report. Every disagreement fails unless tests/oracle/exceptions.txt
lists it with its reason.

The rules are the ones docs/qhard-checksec.1.scd documents, written a
second time here on top of a different ELF reader, so a parsing mistake in
either reader shows up as a disagreement:

  type     ET_REL object, ET_CORE core; a separate debug file (.dynamic,
           .interp or every executable section of type NOBITS) is
           "other"; ET_EXEC exec/static by PT_INTERP; ET_DYN: DF_1_PIE ->
           pie/static-pie, DT_SONAME -> dso, PT_INTERP -> pie,
           DT_NEEDED or no entry point -> dso, glibc's
           _dl_relocate_static_pie -> static-pie, an entry point outside
           every executable PT_LOAD -> dso, no PT_DYNAMIC -> static-pie,
           DT_DEBUG -> static-pie, _start
           at the entry point -> uncertain (dso or static-pie), else dso.
  relro    none without PT_GNU_RELRO; full when every relocated pointer
           slot (JUMP_SLOT and GLOB_DAT targets; IRELATIVE and RELATIVE
           targets inside .got/.got.plt/.igot/.igot.plt or a writable .plt;
           on MIPS the implicitly relocated GOT) lies inside PT_GNU_RELRO
           and, for dynamically linked files, binding is immediate;
           partial otherwise.
  nx       PT_GNU_STACK without PF_X; objects: .note.GNU-stack without X;
           without PT_GNU_STACK the per-machine default (STACK_DEFAULTS).
  canary   imports or definitions of __stack_chk_fail/__stack_chk_guard/
           __stack_chk_fail_local in .dynsym (.symtab for objects);
           statically linked files: a call from main() (objdump).
  rpath,   DT_RPATH/DT_RUNPATH entries; fail on an empty or relative entry
  runpath  ($ORIGIN and absolute entries pass; an existing world-writable
           directory without the sticky bit warns).
  textrel  DT_TEXTREL or DF_TEXTREL.

usage: oracle.py --qhard BIN [--sample N] [--seed S] [--max-size BYTES]
                 [--exceptions FILE] [--jobs N] [--list] [--json FILE] PATH...
Each PATH (a file or a directory walked without following symlinks) is
sampled on its own: at most N of its ELF files, chosen with the fixed seed.
Exit 0 when every disagreement is excepted, 1 otherwise, 2 on usage errors.
"""
import argparse
import concurrent.futures
import fnmatch
import json
import os
import random
import re
import stat
import struct
import subprocess
import sys

CHECKS = ["type", "relro", "nx", "canary", "rpath", "runpath", "textrel"]
LINKED = {"exec", "static", "pie", "static-pie", "dso"}
CODE = LINKED | {"object"}
APPLIES = {"relro": LINKED, "nx": CODE, "canary": CODE, "rpath": LINKED,
           "runpath": LINKED, "textrel": LINKED}

EM_386, EM_SPARC, EM_MIPS, EM_PPC, EM_PPC64, EM_S390 = 3, 2, 8, 20, 21, 22
EM_ARM, EM_SPARCV9, EM_X86_64, EM_AARCH64, EM_RISCV = 40, 43, 62, 183, 243
EM_LOONGARCH = 258

# Is the stack executable when PT_GNU_STACK is missing? (machine, class)
# -> bool; the same facts as lib/stack_defaults.c, from the kernel's
# elf_read_implies_exec and glibc's DEFAULT_STACK_PERMS (stackinfo.h).
STACK_DEFAULTS = {
    (EM_X86_64, 64): True, (EM_X86_64, 32): True, (EM_386, 32): True,
    (EM_AARCH64, 64): False, (EM_AARCH64, 32): True, (EM_ARM, 32): True,
    (EM_PPC64, 64): False, (EM_PPC, 32): True, (EM_S390, 64): True,
    (EM_S390, 32): True, (EM_RISCV, 64): False, (EM_RISCV, 32): False,
    (EM_LOONGARCH, 64): True, (EM_MIPS, 32): True, (EM_MIPS, 64): True,
    (EM_SPARC, 32): True, (EM_SPARCV9, 64): True,
}

OBJDUMP = {EM_X86_64: "objdump", EM_386: "objdump",
           EM_AARCH64: "aarch64-linux-gnu-objdump",
           EM_ARM: "arm-linux-gnueabihf-objdump",
           EM_MIPS: "mips-linux-gnu-objdump",
           EM_PPC64: "powerpc64le-linux-gnu-objdump",
           EM_S390: "s390x-linux-gnu-objdump"}

CANARY_NAMES = ("__stack_chk_fail", "__stack_chk_guard",
                "__stack_chk_fail_local")
GOT_NAMES = {".got", ".got.plt", ".igot", ".igot.plt"}


class Unreadable(Exception):
    """readelf warned: the file is outside the oracle's domain."""


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, LC_ALL="C"))
    return (p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def hexint(s):
    return int(s, 16)


# ---- readelf output ------------------------------------------------------

def split_blocks(text):
    """The -h -S -l -d output in its parts."""
    parts = {"h": [], "S": [], "l": [], "d": []}
    cur = None
    for line in text.splitlines():
        if line.startswith("ELF Header:"):
            cur = "h"
        elif line.startswith("Section Headers:") or \
                line.startswith("There are no sections"):
            cur = "S"
        elif line.startswith("Program Headers:") or \
                line.startswith("There are no program headers"):
            cur = "l"
        elif line.startswith("Dynamic section at offset") or \
                line.startswith("There is no dynamic section"):
            cur = "d"
        if cur:
            parts[cur].append(line)
    return parts


def parse_header(lines):
    h = {}
    for line in lines:
        if ":" not in line:
            continue
        k, v = line.split(":", 1)
        k, v = k.strip(), v.strip()
        if k == "Version" and "ei_version" not in h:
            h["ei_version"] = v
        elif k in ("Class", "Type", "Machine", "Entry point address"):
            h[k] = v
    return h


SEC_RE = re.compile(r"^\s*\[\s*(\d+)\]\s(.*)$")


def parse_sections(lines):
    secs = []
    for line in lines:
        m = SEC_RE.match(line)
        if not m or m.group(1) == "Nr":
            continue
        toks = m.group(2).split()
        if len(toks) < 8:
            continue
        # from the right: Lk Inf Al, optional flags, ES Size Off Addr Type
        lk, inf, al = toks[-3:]
        rest = toks[:-3]
        flags = ""
        if not re.fullmatch(r"[0-9a-f]{2,}", rest[-1]):
            flags = rest[-1]
            rest = rest[:-1]
        es, size, off, addr = rest[-1], rest[-2], rest[-3], rest[-4]
        typ = rest[-5]
        name = " ".join(rest[:-5])
        if typ == "INDICES" and name.endswith("SYMTAB SECTION"):
            typ, name = "SYMTAB_SHNDX", name[:-len("SYMTAB SECTION")].strip()
        secs.append({"name": name, "type": typ, "addr": hexint(addr),
                     "size": hexint(size), "flags": flags})
    return secs


PH_RE = re.compile(r"^\s+(\S+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)"
                   r"\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+([RWE ]*?)\s*"
                   r"(0x[0-9a-f]+|\d+)$")  # an align of 0 prints as "0"


def parse_phdrs(lines):
    ph = []
    for line in lines:
        m = PH_RE.match(line)
        if m:
            ph.append({"type": m.group(1), "offset": hexint(m.group(2)),
                       "vaddr": hexint(m.group(3)),
                       "filesz": hexint(m.group(5)),
                       "memsz": hexint(m.group(6)),
                       "flags": m.group(7).replace(" ", "")})
    return ph


DYN_RE = re.compile(r"^\s*0x[0-9a-f]+\s+\((\w+)\)\s*(.*)$")


def parse_dynamic(lines):
    dyn = []
    for line in lines:
        m = DYN_RE.match(line)
        if m:
            dyn.append((m.group(1), m.group(2).strip()))
    return dyn


def bracketed(v):
    m = re.search(r"\[(.*)\]\s*$", v)
    return m.group(1) if m else v


def dyn_value(v):
    m = re.match(r"(0x[0-9a-f]+|\d+)", v)
    if not m:
        return None
    return int(m.group(1), 0)


# Num: Value Size Type Bind Vis [<localentry>: 8] Ndx Name [(version)]
SYM_RE = re.compile(r"^\s*\d+:\s+([0-9a-f]+)\s+\S+\s+\S+\s+\S+\s+\S+\s+"
                    r"(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)")


class Elf:
    """What readelf shows about one file."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            ident = f.read(20)
        self.cls = 64 if ident[4] == 2 else 32
        self.machine = struct.unpack("<H" if ident[5] == 1 else ">H",
                                     ident[18:20])[0]
        out, err = run(["readelf", "-W", "-h", "-S", "-l", "-d", path])
        parts = split_blocks(out)
        self.hdr = parse_header(parts["h"])
        self.secs = parse_sections(parts["S"])
        self.phdrs = parse_phdrs(parts["l"])
        self.dyn = parse_dynamic(parts["d"])
        self.debug_file = self._is_debug_file()
        if err.strip() and not self.debug_file:
            raise Unreadable(err.strip().splitlines()[0])
        self.etype = self.hdr.get("Type", "").split()[0] if \
            self.hdr.get("Type") else ""
        self.entry = hexint(self.hdr.get("Entry point address", "0x0"))
        self._symtab = None
        self._dynsym = None

    def _is_debug_file(self):
        code = [s for s in self.secs if "X" in s["flags"] and s["size"]]
        if code and all(s["type"] == "NOBITS" for s in code):
            return True
        return any(s["type"] == "NOBITS" and s["size"] and
                   s["name"] in (".dynamic", ".interp") for s in self.secs)

    def phdr(self, typ):
        for p in self.phdrs:
            if p["type"] == typ:
                return p
        return None

    def dyn_has(self, tag):
        return any(t == tag for t, _ in self.dyn)

    def dyn_get(self, tag):
        for t, v in self.dyn:
            if t == tag:
                return v
        return None

    def section(self, name):
        for s in self.secs:
            if s["name"] == name:
                return s
        return None

    def symbols(self, dynamic):
        """{name: [(value, defined)]} of .dynsym or .symtab."""
        cache = "_dynsym" if dynamic else "_symtab"
        if getattr(self, cache) is None:
            out, err = run(["readelf", "-W", "--dyn-syms" if dynamic else
                            "--syms", self.path])
            if err.strip():
                raise Unreadable(err.strip().splitlines()[0])
            table = {}
            want = ".dynsym" if dynamic else ".symtab"
            cur = False
            for line in out.splitlines():
                if line.startswith("Symbol table"):
                    cur = ("'%s'" % want) in line
                    continue
                if not cur:
                    continue
                m = SYM_RE.match(line)
                if not m:
                    continue
                name = m.group(3).split("@")[0]
                table.setdefault(name, []).append(
                    (hexint(m.group(1)), m.group(2) != "UND"))
            setattr(self, cache, table)
        return getattr(self, cache)


# ---- derivations ---------------------------------------------------------

def flags_1(e):
    v = e.dyn_get("FLAGS_1") or ""
    return v.replace("Flags:", "").split()


def exec_segment_holds(e, addr):
    for p in e.phdrs:
        if p["type"] == "LOAD" and "E" in p["flags"] and \
                p["vaddr"] <= addr < p["vaddr"] + p["memsz"]:
            return True
    return False


def derive_type(e):
    """(type, note): note None, "separate-debug" or "uncertain"."""
    if e.etype == "REL":
        return "object", None
    if e.etype == "CORE":
        return "core", None
    if e.etype not in ("EXEC", "DYN"):
        return "other", None
    if e.debug_file:
        return "other", "separate-debug"
    interp = e.phdr("INTERP") is not None
    if e.etype == "EXEC":
        return ("exec" if interp else "static"), None
    if "PIE" in flags_1(e):
        return ("pie" if interp else "static-pie"), None
    if e.dyn_has("SONAME"):
        return "dso", None
    if interp:
        return "pie", None
    if e.dyn_has("NEEDED") or e.entry == 0:
        return "dso", None
    syms = {}
    for dynamic, sec in ((True, ".dynsym"), (False, ".symtab")):
        if e.section(sec):
            for name, defs in e.symbols(dynamic).items():
                syms.setdefault(name, []).extend(defs)
    if any(d for _, d in syms.get("_dl_relocate_static_pie", [])):
        return "static-pie", None
    if not exec_segment_holds(e, e.entry):
        return "dso", None
    if not e.phdr("DYNAMIC"):
        return "static-pie", None
    if e.dyn_has("DEBUG"):
        return "static-pie", None
    if any(v == e.entry and d for v, d in syms.get("_start", [])):
        return "dso", "uncertain"
    return "dso", None


def linked_statically(e, typ):
    return typ in ("static", "static-pie") and not e.dyn_has("NEEDED")


def bind_now(e):
    if e.dyn_has("BIND_NOW"):
        return True
    if "BIND_NOW" in (e.dyn_get("FLAGS") or "").split():
        return True
    return "NOW" in flags_1(e)


def slot_kind(typ):
    for suffix, kind in (("_JUMP_SLOT", "JUMP_SLOT"), ("_JMP_SLOT", "JUMP_SLOT"),
                         ("_GLOB_DAT", "GLOB_DAT"),
                         ("_IRELATIVE", "IRELATIVE"),
                         ("_RELATIVE", "RELATIVE")):
        if typ.endswith(suffix):
            return kind
    return None


def got_ranges(e):
    return [(s["addr"], s["addr"] + s["size"]) for s in e.secs
            if s["name"] in GOT_NAMES or
            (s["name"] == ".plt" and "W" in s["flags"])]


def relocated_slots(e):
    """[(address, kind)] of the pointer slots the loader or the start-up
    code writes; None when they cannot be found."""
    alloc = {s["name"] for s in e.secs if "A" in s["flags"]}
    if e.secs:
        out, err = run(["readelf", "-W", "-r", e.path])
    else:
        out, err = run(["readelf", "-W", "-D", "-r", e.path])
    if err.strip():
        raise Unreadable(err.strip().splitlines()[0])
    got = got_ranges(e)
    slots = []
    use = False
    relr = False
    for line in out.splitlines():
        if line.startswith("Relocation section '"):
            name = line.split("'")[1]
            use = name in alloc  # not the .rela.debug_* of an object
            relr = name.startswith(".relr")
            continue
        if "relocation section at offset" in line:  # readelf -D -r
            use = True
            relr = line.startswith("'RELR'")
            continue
        if not use:
            continue
        toks = line.split()
        if relr:
            if len(toks) == 1 and re.fullmatch(r"[0-9a-f]{8,16}", toks[0]):
                addr = hexint(toks[0])
                if any(lo <= addr < hi for lo, hi in got):
                    slots.append((addr, "RELATIVE"))
            continue
        if len(toks) < 3 or not re.fullmatch(r"[0-9a-f]{8,16}", toks[0]):
            continue
        kind = slot_kind(toks[2])
        if not kind:
            continue
        addr = hexint(toks[0])
        in_got = any(lo <= addr < hi for lo, hi in got)
        if kind in ("IRELATIVE", "RELATIVE") and e.secs and not in_got:
            continue
        if kind == "RELATIVE" and not e.secs:
            continue
        slots.append((addr, kind))
    if e.machine == EM_MIPS and e.dyn_has("MIPS_LOCAL_GOTNO"):
        word = e.cls // 8
        base = dyn_value(e.dyn_get("PLTGOT") or "")
        local = dyn_value(e.dyn_get("MIPS_LOCAL_GOTNO") or "") or 0
        symtabno = dyn_value(e.dyn_get("MIPS_SYMTABNO") or "") or 0
        gotsym = dyn_value(e.dyn_get("MIPS_GOTSYM") or "") or 0
        if base is not None:
            for i in range(local + max(symtabno - gotsym, 0)):
                slots.append((base + i * word, "MIPS GOT"))
    return slots


def derive_relro(e, typ):
    rel = e.phdr("GNU_RELRO")
    if not rel:
        return "none"
    static = linked_statically(e, typ)
    if not static and not bind_now(e):
        return "partial"
    if not e.secs and not e.phdr("DYNAMIC"):
        return None  # no section headers, no dynamic: cannot find them
    lo, hi = rel["vaddr"], rel["vaddr"] + rel["memsz"]
    word = e.cls // 8
    for addr, _ in relocated_slots(e):
        if not (lo <= addr and addr + word <= hi):
            return "partial"
    return "full"


def derive_nx(e, typ):
    if typ == "object":
        s = e.section(".note.GNU-stack")
        return "yes" if s and "X" not in s["flags"] else "no"
    p = e.phdr("GNU_STACK")
    if p:
        return "no" if "E" in p["flags"] else "yes"
    return "no" if STACK_DEFAULTS.get((e.machine, e.cls), True) else "yes"


CALL_RE = re.compile(r"\s(call|callq|bl|blx|jal|bal|brasl|jalr)\s+"
                     r"(?:%r14,)?[0-9a-f]+ <(__stack_chk_fail|__stack_chk_fail_local)"
                     r"(?:@plt)?(\+0x8)?>")


def mips_got_calls(e, text, target_addrs):
    """MIPS PIC code calls through the GOT: lw/ld REG,OFF(gp) of a GOT word
    holding the target's address."""
    syms = e.symbols(False)
    gp = [v for v, d in syms.get("_gp", []) if d]
    got = e.section(".got")
    if not got:
        return False
    gpv = gp[0] if gp else got["addr"] + 0x7ff0
    out, _ = run(["readelf", "-x", ".got", e.path])
    words = {}
    word = e.cls // 8
    raw = b""
    start = None
    for line in out.splitlines():
        m = re.match(r"\s+0x([0-9a-f]+) ((?:[0-9a-f]{8} ){1,4})", line + " ")
        if m:
            if start is None:
                start = hexint(m.group(1))
            raw += bytes.fromhex(m.group(2).replace(" ", ""))
    with open(e.path, "rb") as f:
        big = f.read(6)[5] == 2
    for i in range(0, len(raw) - word + 1, word):
        words[start + i] = int.from_bytes(raw[i:i + word],
                                          "big" if big else "little")
    for m in re.finditer(r"\s(lw|ld)\s+\w+,(-?\d+)\(gp\)", text):
        if words.get(gpv + int(m.group(2))) in target_addrs:
            return True
    return False


def derive_canary(e, typ):
    if typ == "object":
        syms = e.symbols(False) if e.section(".symtab") else {}
        return "yes" if any(n in syms for n in CANARY_NAMES) else "no"
    if linked_statically(e, typ):
        if not e.section(".symtab"):
            return "no"
        syms = e.symbols(False)
        targets = {v for n in CANARY_NAMES for v, d in syms.get(n, []) if d}
        if not targets or not any(d for _, d in syms.get("main", [])):
            return "no"
        tool = OBJDUMP.get(e.machine)
        if not tool:
            return None
        out, _ = run([tool, "-d", "--no-show-raw-insn", "--disassemble=main",
                      e.path])
        if CALL_RE.search(out):
            return "yes"
        if e.machine == EM_MIPS and mips_got_calls(e, out, targets):
            return "yes"
        return "no"
    syms = e.symbols(True) if e.section(".dynsym") or not e.secs else {}
    return "yes" if any(n in syms for n in CANARY_NAMES) else "no"


ORIGIN_RE = re.compile(r"^\$(ORIGIN|\{ORIGIN\})(/|$)")


def path_status(entries):
    st = "pass"
    for p in entries:
        if p == "" or (not p.startswith("/") and not ORIGIN_RE.match(p)):
            return "fail"
        if p.startswith("/"):
            try:
                s = os.stat(p)
            except OSError:
                continue
            if stat.S_ISDIR(s.st_mode) and s.st_mode & stat.S_IWOTH and \
                    not s.st_mode & stat.S_ISVTX:
                st = "warn"
    return st


def derive_path(e, tag):
    entries = []
    for t, v in e.dyn:
        if t == tag:
            entries.extend(bracketed(v).split(":"))
    return entries, path_status(entries)


def derive_textrel(e):
    if e.dyn_has("TEXTREL"):
        return "yes"
    return "yes" if "TEXTREL" in (e.dyn_get("FLAGS") or "").split() else "no"


def oracle(path):
    """{check: expected} for one file; raises Unreadable."""
    e = Elf(path)
    typ, note = derive_type(e)
    exp = {"type": (typ, note)}
    skip_all = note == "separate-debug" or typ in ("core", "other")
    for cid in CHECKS[1:]:
        if skip_all or typ not in APPLIES[cid]:
            exp[cid] = "n/a"
    if "relro" not in exp:
        exp["relro"] = derive_relro(e, typ)
    if "nx" not in exp:
        exp["nx"] = derive_nx(e, typ)
    if "canary" not in exp:
        exp["canary"] = derive_canary(e, typ)
    for cid, tag in (("rpath", "RPATH"), ("runpath", "RUNPATH")):
        if cid not in exp:
            exp[cid] = derive_path(e, tag)
    if "textrel" not in exp:
        exp["textrel"] = derive_textrel(e)
    return exp


# ---- comparison ----------------------------------------------------------

def qhard_view(res, cid):
    """What qhard said, in the oracle's terms."""
    if res.get("error"):
        return "error: " + res["error"]
    if cid == "type":
        note = res.get("type_note") or {}
        return (res.get("type"), note.get("kind"))
    c = (res.get("checks") or {}).get(cid) or {}
    status = c.get("raw_status", c.get("status"))
    if status == "skip":
        return "n/a"
    if cid in ("rpath", "runpath"):
        return (c.get("value"), status)
    return c.get("value")


def same(cid, want, got):
    if cid in ("rpath", "runpath") and isinstance(want, tuple) and \
            isinstance(got, tuple):
        return want[0] == got[0] and want[1] == got[1]
    return want == got


def load_exceptions(path):
    rules = []
    if not path:
        return rules
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        toks = line.split(None, 2)
        if len(toks) < 3:
            sys.exit("%s:%d: want GLOB CHECK REASON" % (path, n))
        rules.append({"glob": toks[0], "check": toks[1], "reason": toks[2],
                      "line": n, "used": 0})
    return rules


def excepted(rules, path, cid):
    for r in rules:
        if (r["check"] in ("*", cid)) and fnmatch.fnmatch(path, r["glob"]):
            r["used"] += 1
            return r
    return None


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def collect(root, max_size):
    files, big = [], 0
    if os.path.isfile(root):
        return [root], 0
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or not is_elf(p):
                continue
            if max_size and st.st_size > max_size:
                big += 1
                continue
            files.append(p)
    return files, big


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qhard", required=True)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--max-size", type=int, default=0)
    ap.add_argument("--exceptions")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--list", action="store_true",
                    help="print every disagreement, excepted ones too")
    ap.add_argument("--json", help="write the counts here")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()

    files, too_big = [], 0
    for root in a.paths:
        got, big = collect(root, a.max_size)
        too_big += big
        if a.sample and len(got) > a.sample:
            got = sorted(random.Random(a.seed).sample(got, a.sample))
        files.extend(got)

    expected, unreadable, unparsed = {}, {}, {}
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futs = {pool.submit(oracle, f): f for f in files}
        for fut in concurrent.futures.as_completed(futs):
            f = futs[fut]
            try:
                expected[f] = fut.result()
            except Unreadable as ex:
                unreadable[f] = str(ex)
            except Exception as ex:  # pylint: disable=broad-except
                # output the parser above does not know (a truncated
                # header, an odd table): outside the oracle's domain too,
                # but counted apart so an oracle bug cannot hide
                unparsed[f] = "%s: %s" % (type(ex).__name__, ex)
    todo = sorted(expected)
    p = subprocess.run([a.qhard, "checksec", "--format", "json", "-j",
                        str(a.jobs), "-"], input="\n".join(todo).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    report = json.loads(p.stdout.decode("utf-8", "surrogateescape"))
    results = {r["path"]: r for r in report["results"]}

    rules = load_exceptions(a.exceptions)
    counts = {c: {"compared": 0, "agree": 0, "excepted": 0, "disagree": 0,
                  "undecided": 0} for c in CHECKS}
    failures = []
    qerrors = 0
    for f in todo:
        res = results.get(f) or {"error": "no result"}
        if res.get("error"):
            qerrors += 1
        for cid in CHECKS:
            want = expected[f][cid]
            if want is None:
                counts[cid]["undecided"] += 1
                continue
            got = qhard_view(res, cid)
            counts[cid]["compared"] += 1
            if same(cid, want, got):
                counts[cid]["agree"] += 1
                continue
            r = excepted(rules, f, cid)
            line = "%s %s: oracle %s, qhard %s" % (f, cid, json.dumps(want),
                                                   json.dumps(got))
            if r:
                counts[cid]["excepted"] += 1
                if a.list:
                    print("excepted - %s (exceptions.txt:%d: %s)" %
                          (line, r["line"], r["reason"]))
            else:
                counts[cid]["disagree"] += 1
                failures.append(line)

    print("# %d ELF files: %d compared, %d skipped (readelf warned), "
          "%d the oracle could not parse, %d larger than --max-size, "
          "%d qhard errors" % (len(files), len(todo), len(unreadable),
                               len(unparsed), too_big, qerrors))
    if a.list:
        for f in sorted(unparsed):
            print("# oracle could not parse %s: %s" % (f, unparsed[f]))
    print("# %-8s %8s %8s %8s %8s %9s %7s" % ("check", "compared", "agree",
                                            "excepted", "disagree", "undecided",
                                            "agree%"))
    for cid in CHECKS:
        c = counts[cid]
        pct = 100.0 * c["agree"] / c["compared"] if c["compared"] else 100.0
        print("# %-8s %8d %8d %8d %8d %9d %6.1f%%" %
              (cid, c["compared"], c["agree"], c["excepted"], c["disagree"],
               c["undecided"], pct))
    for line in failures:
        print("not ok - " + line)
    for r in rules:
        if not r["used"] and a.list:
            print("# unused exception line %d: %s %s" % (r["line"], r["glob"],
                                                         r["check"]))
    if a.json:
        with open(a.json, "w") as out:
            json.dump({"files": len(files), "compared": len(todo),
                       "readelf_warned": len(unreadable),
                       "oracle_unparsed": unparsed, "too_big": too_big,
                       "qhard_errors": qerrors, "checks": counts,
                       "failures": failures,
                       "unreadable": unreadable}, out, indent=1)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
