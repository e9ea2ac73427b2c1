#!/usr/bin/env python3
"""pkg_seeds.py DIR - write the seed corpus of fuzz_pkg: small synthetic
packages, each a few KiB, made here from a 178-byte ELF file and a README:
tarballs (plain, gzip, xz, bzip2, zstd when the zstd program is there;
hard links; GNU and pax sparse members when GNU tar is there), .deb files (ar + control.tar + data.tar) and .rpm
files (lead, signature header, header, cpio payload; one with a hard-link
set the way rpm writes it). Nothing here comes from a real package.

The files are committed in tests/fuzz/corpus/pkg/; run this again (and
commit) when the reader learns a new format."""
import bz2
import gzip
import hashlib
import io
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from hostile_pkg import ar_write, tiny_elf  # noqa: E402

ELF = tiny_elf()
README = b"qhard fuzz seed\n"


def tar_of(entries, fmt=tarfile.GNU_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, payload in entries:
            ti = tarfile.TarInfo(name)
            ti.mode, ti.mtime = 0o755, 0
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            elif kind == "symlink":
                ti.type, ti.linkname = tarfile.SYMTYPE, payload
                t.addfile(ti)
            elif kind == "link":
                ti.type, ti.linkname = tarfile.LNKTYPE, payload
                t.addfile(ti)
            else:
                ti.size = len(payload)
                t.addfile(ti, io.BytesIO(payload))
    return buf.getvalue()


TREE = [
    ("./", "dir", None), ("./usr/", "dir", None), ("./usr/bin/", "dir", None),
    ("./usr/bin/tiny", "file", ELF),
    ("./usr/bin/alias", "symlink", "tiny"),
    ("./usr/bin/tiny-link", "link", "./usr/bin/tiny"),
    ("./usr/share/doc/README", "file", README),
]


def deb(data_name, data, extra=(), md5sums=None):
    control = tar_of([("./control", "file",
                       b"Package: seed\nVersion: 1\nArchitecture: all\n"
                       b"Maintainer: qhard <t@example.org>\nDescription: s\n")] +
                     ([("./md5sums", "file", md5sums)] if md5sums else []))
    return ar_write([("debian-binary", b"2.0\n"),
                     ("control.tar.gz", gzip.compress(control, mtime=0))] +
                    list(extra) + [(data_name, data)])


# ---- rpm ------------------------------------------------------------------

RPM_INT16, RPM_INT32, RPM_STRING, RPM_BIN, RPM_STRING_ARRAY = 3, 4, 6, 7, 8


def rpm_header(entries):
    index, data = [], bytearray()
    for tag, ty, val in entries:
        width = {RPM_INT16: 2, RPM_INT32: 4}.get(ty, 1)
        data += b"\0" * ((width - len(data) % width) % width)
        off = len(data)
        if ty == RPM_STRING:
            data += val.encode() + b"\0"
            count = 1
        elif ty == RPM_STRING_ARRAY:
            for v in val:
                data += v.encode() + b"\0"
            count = len(val)
        elif ty == RPM_BIN:
            data += val
            count = len(val)
        else:
            data += struct.pack(">%d%s" % (len(val), "H" if ty == RPM_INT16 else "I"), *val)
            count = len(val)
        index.append(struct.pack(">IIII", tag, ty, off, count))
    return (b"\x8e\xad\xe8\x01\0\0\0\0" + struct.pack(">II", len(index), len(data)) +
            b"".join(index) + bytes(data))


def cpio_entry(name, mode, data, nlink=1, ino=1):
    name = name.encode() + b"\0"
    hdr = b"070701" + b"".join(b"%08X" % v for v in (
        ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name), 0))
    out = hdr + name
    out += b"\0" * ((4 - len(out) % 4) % 4)
    out += data + b"\0" * ((4 - len(data) % 4) % 4)
    return out


def rpm(files, compress, compressor="gzip"):
    """files: (path, mode, data, nlink, ino) in payload order; the header
    lists them in the same order."""
    dirs = sorted({p.rsplit("/", 1)[0] + "/" for p, *_ in files})
    cpio = b"".join(cpio_entry("." + p, m, d, n, i) for p, m, d, n, i in files)
    cpio += cpio_entry("TRAILER!!!", 0, b"", 1, 0)
    payload = compress(cpio)
    main = rpm_header([
        (1000, RPM_STRING, "seed"),
        (1028, RPM_INT32, [len(d) for _, _, d, _, _ in files]),
        (1030, RPM_INT16, [m for _, m, _, _, _ in files]),
        (1037, RPM_INT32, [0] * len(files)),
        (1116, RPM_INT32, [dirs.index(p.rsplit("/", 1)[0] + "/") for p, *_ in files]),
        (1117, RPM_STRING_ARRAY, [p.rsplit("/", 1)[1] for p, *_ in files]),
        (1118, RPM_STRING_ARRAY, dirs),
        (1124, RPM_STRING, "cpio"),
        (1125, RPM_STRING, compressor),
    ])
    sig = rpm_header([(1000, RPM_INT32, [len(main) + len(payload)]),
                      (1007, RPM_INT32, [len(cpio)])])
    sig += b"\0" * ((8 - len(sig) % 8) % 8)
    lead = (b"\xed\xab\xee\xdb\x03\x00\x00\x00\x00\x01" + b"seed".ljust(66, b"\0") +
            b"\x00\x01\x00\x05" + b"\0" * 16)
    return lead + sig + main + payload


def gnu_tar_sparse(out_dir):
    """GNU tar's own sparse members (old GNU and pax 1.0), when it is here."""
    if not shutil.which("tar"):
        return {}
    seeds = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "usr", "bin")
        os.makedirs(path)
        with open(os.path.join(path, "sparse"), "wb") as f:
            f.write(ELF)
            f.seek(256 * 1024)
            f.write(b"TAIL")
        for name, opts in (("sparse-gnu.tar", ["--format=gnu"]),
                           ("sparse-pax.tar", ["--format=pax", "--sparse-version=1.0",
                                             "--pax-option=delete=atime,delete=ctime"])):
            dest = os.path.join(tmp, name)
            subprocess.run(["tar", "-C", tmp, "-cSf", dest, "--mtime=@0",
                            "--owner=0", "--group=0", "--numeric-owner"] + opts +
                           ["usr"], check=True)
            with open(dest, "rb") as f:
                seeds[name] = f.read()
    return seeds


def zstd_seeds(data):
    """zstd has no Python module here: the zstd program, when it is here."""
    if not shutil.which("zstd"):
        return {}
    z = subprocess.run(["zstd", "-q", "-c", "-"], input=data, check=True,
                       stdout=subprocess.PIPE).stdout
    return {"tree.tar.zst": z, "tree-zst.deb": deb("data.tar.zst", z)}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    data = tar_of(TREE)
    gz = lambda b: gzip.compress(b, mtime=0)  # noqa: E731
    seeds = {
        "tree.tar": data,
        "tree-pax.tar": tar_of(TREE, tarfile.PAX_FORMAT),
        "tree.tar.gz": gz(data),
        "tree.tar.xz": lzma.compress(data),
        "tree.tar.bz2": bz2.compress(data),
        "tree.deb": deb("data.tar.gz", gz(data)),
        "tree-xz.deb": deb("data.tar.xz", lzma.compress(data)),
        "tree-md5.deb": deb("data.tar.gz", gz(data), md5sums=b"".join(
            b"%s  %s\n" % (hashlib.md5(body).hexdigest().encode(),
                           name[2:].encode())
            for name, kind, body in TREE if kind == "file")),
        "tree-plain.deb": deb("data.tar", data, [("_extra", b"x")]),
        "empty.deb": deb("data.tar.gz", gz(b"\0" * 1024)),
        "tree.rpm": rpm([("/usr/bin/tiny", 0o100755, ELF, 1, 1),
                         ("/usr/share/doc/README", 0o100644, README, 1, 2)], gz),
        "links.rpm": rpm([("/usr/bin/a", 0o100755, b"", 3, 7),
                          ("/usr/bin/b", 0o100755, b"", 3, 7),
                          ("/usr/bin/c", 0o100755, ELF, 3, 7)],
                         lambda b: lzma.compress(b), "xz"),
        "doc.rpm": rpm([("/usr/share/doc/README", 0o100644, README, 1, 1)],
                       bz2.compress, "bzip2"),
    }
    seeds.update(gnu_tar_sparse(out))
    seeds.update(zstd_seeds(data))
    for name, blob in sorted(seeds.items()):
        assert len(blob) <= 65536, name
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
        print("%-16s %6d bytes" % (name, len(blob)))


if __name__ == "__main__":
    main()
