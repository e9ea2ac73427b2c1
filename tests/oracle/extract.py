#!/usr/bin/env python3
"""extract.py GIT_DIR OUTDIR - copy every ELF file of a bare git repository's
HEAD tree into OUTDIR (for oracle.py runs over public test corpora; these
files are third-party and never committed). Blobs compressed with bzip2,
gzip or xz (elfutils keeps its test files as testfile*.bz2) are unpacked
when what comes out is ELF. Names keep the tree path, '/' replaced by '__'.
Prints how many files were written."""
import bz2
import gzip
import lzma
import os
import subprocess
import sys

MAX = 64 << 20  # larger blobs are skipped (and counted)


def unpack(data):
    for magic, fn in ((b"BZh", bz2.decompress), (b"\x1f\x8b", gzip.decompress),
                      (b"\xfd7zXZ", lzma.decompress)):
        if data.startswith(magic):
            try:
                return fn(data)
            except Exception:  # not really compressed, or damaged
                return None
    return None


def main():
    git_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    tree = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-l",
                           "-z", "HEAD"], check=True,
                          stdout=subprocess.PIPE).stdout.split(b"\0")
    blobs = []
    skipped = 0
    for ent in tree:
        if not ent:
            continue
        meta, path = ent.split(b"\t", 1)
        mode, kind, sha, size = meta.split()
        if kind != b"blob" or mode == b"120000":
            continue
        # "BAD"/"-": the snapshot lacks the blob (its largest files)
        if not size.isdigit() or int(size) > MAX:
            skipped += 1
            continue
        blobs.append((sha.decode(), path.decode("utf-8", "surrogateescape")))
    cat = subprocess.Popen(["git", "--git-dir", git_dir, "cat-file", "--batch"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    written = 0
    for sha, path in blobs:
        cat.stdin.write(sha.encode() + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        if len(header) < 3:  # "<sha> missing": not in this snapshot
            skipped += 1
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)
        if not data.startswith(b"\x7fELF"):
            data = unpack(data)
            if not data or not data.startswith(b"\x7fELF"):
                continue
            path = path.rsplit(".", 1)[0]
        name = path.replace("/", "__")
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        written += 1
    cat.stdin.close()
    cat.wait()
    print("%s: %d ELF files written to %s (%d blobs skipped: too large or "
          "absent)" % (git_dir, written, out, skipped))


if __name__ == "__main__":
    main()
