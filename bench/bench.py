#!/usr/bin/env python3
"""bench.py - qhard checksec against the tools users would pick instead.

One bench run (the point is ratios; the slow tools run once, they take
minutes; qhard and scanelf run --repeat times, median), wall from a
monotonic clock, CPU and peak RSS from wait4 and GNU time:

  qhard checksec -r TREE        vs  scanelf -a -R TREE        (whole tree)
  qhard checksec FILE...        vs  scanelf -a FILE...        (same ELF list)
  qhard checksec SAMPLE...      vs  checksec --listfile SAMPLE (checksec.sh)
                                vs  hardening-check SAMPLE...
  qhard checksec --deep qemu-system-x86_64

checksec.sh and hardening-check take ~0.1-0.5 s per file, so they run on a
fixed random subset (seeded, BENCH_SAMPLE files per tree) and their
whole-tree time is extrapolated linearly; the report says so on every such
line. Writes results.md (and the file lists) to the output directory.
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

GOALS = """Goals (issue 9): default check set >= 1000x faster than checksec.sh,
within 2x of `scanelf -a`, peak RSS < 64 MB on /usr/lib/x86_64-linux-gnu,
deep pass on QEMU < 2 s."""


def elf_files(tree):
    """Regular ELF files under tree, symlinks not followed (what -r and
    scanelf -R both analyse once each)."""
    out = []
    for root, dirs, files in os.walk(tree):
        dirs.sort()
        for name in sorted(files):
            p = os.path.join(root, name)
            try:
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                with open(p, 'rb') as f:
                    if f.read(4) == b'\x7fELF':
                        out.append(p)
            except OSError:
                continue
    return out


def run_once(argv, log):
    """Wall time (monotonic clock) and user+sys CPU of one run; the rusage
    from wait4 covers the child and every descendant it reaped."""
    with open(log, 'wb') as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    return {'wall': wall, 'cpu': ru.ru_utime + ru.ru_stime,
            'rc': os.waitstatus_to_exitcode(status)}


def run_gnu_time(argv, outdir, log):
    """One run under GNU time: wall (monotonic clock), user+sys CPU and peak
    RSS in MB (%M: the largest single process). RSS is not taken from
    wait4: a child forked from this Python process inherits its high-water
    mark (~15 MB) across exec."""
    tfile = os.path.join(outdir, 'time.txt')
    with open(log, 'wb') as out:
        t0 = time.perf_counter()
        proc = subprocess.run(['/usr/bin/time', '-f', '%U %S %M', '-o', tfile]
                              + argv, stdout=out, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - t0
    with open(tfile) as f:
        last = [l for l in f.read().splitlines() if l.strip()][-1]
    user, syst, rss = last.split()
    return {'wall': wall, 'cpu': float(user) + float(syst),
            'rss_mb': int(rss) / 1024.0, 'rc': proc.returncode}


def run(argv, outdir, label, repeat=1):
    """`repeat` timed runs back to back (the fast tools: a 10 ms run is at
    the mercy of one scheduler hiccup) and, for the fast tools, one more
    under GNU time for the peak RSS. Returns dict(wall, cpu, rss_mb, rc)
    with the median wall and CPU, or None when the tool is not
    installed."""
    if shutil.which(argv[0]) is None and not os.path.exists(argv[0]):
        return None
    log = os.path.join(outdir, label + '.out')
    if repeat == 1:
        # the slow tools: a single run under GNU time gives all three
        return run_gnu_time(argv, outdir, log)
    runs = [run_once(argv, log) for _ in range(repeat)]
    return {'wall': statistics.median(r['wall'] for r in runs),
            'cpu': statistics.median(r['cpu'] for r in runs),
            'rss_mb': run_gnu_time(argv, outdir, log)['rss_mb'],
            'rc': runs[-1]['rc']}


def fmt_ratio(a, b):
    if a is None or b is None or b <= 0:
        return 'n/a'
    return '%.1fx' % (a / b)


def per_file(r, n):
    return r['wall'] / n if r and n else None


def bench_tree(args, tree, md):
    files = elf_files(tree)
    if not files:
        md.append('\n## %s: no ELF files, skipped\n' % tree)
        return {}
    rng = random.Random(args.seed)
    sample = sorted(rng.sample(files, min(args.sample, len(files))))
    tag = tree.strip('/').replace('/', '_')
    outdir = os.path.join(args.out, tag)
    os.makedirs(outdir, exist_ok=True)
    lst = os.path.join(outdir, 'files.txt')
    smp = os.path.join(outdir, 'sample.txt')
    with open(lst, 'w') as f:
        f.write('\n'.join(files) + '\n')
    with open(smp, 'w') as f:
        f.write('\n'.join(sample) + '\n')

    q = args.qhard
    # Warm the page cache so every tool sees the same (cached) files.
    run(['scanelf', '-a', '-R', tree], outdir, 'warmup')
    R = {}
    R['qhard -r'] = run([q, 'checksec', '-r', tree], outdir, 'qhard-r', args.repeat)
    R['scanelf -R'] = run(['scanelf', '-a', '-R', tree], outdir, 'scanelf-R',
                          args.repeat)
    R['qhard list'] = run([q, 'checksec'] + files, outdir, 'qhard-list',
                          args.repeat)
    R['scanelf list'] = run(['scanelf', '-a'] + files, outdir, 'scanelf-list',
                            args.repeat)
    R['qhard sample'] = run([q, 'checksec'] + sample, outdir, 'qhard-sample',
                            args.repeat)
    R['scanelf sample'] = run(['scanelf', '-a'] + sample, outdir,
                              'scanelf-sample', args.repeat)
    R['checksec.sh sample'] = run(['checksec', '--listfile=' + smp], outdir,
                                  'checksec-sample')
    R['hardening-check sample'] = run(['hardening-check'] + sample, outdir,
                                      'hardening-check-sample')

    n, s = len(files), len(sample)
    md.append('\n## %s: %d ELF files (sample: %d, seed %d)\n'
              % (tree, n, s, args.seed))
    md.append('| run | files | wall s | cpu s | peak RSS MB | exit |')
    md.append('|---|---|---|---|---|---|')
    rows = [('qhard checksec -r %s' % tree, 'qhard -r', n),
            ('scanelf -a -R %s' % tree, 'scanelf -R', n),
            ('qhard checksec FILE... (all)', 'qhard list', n),
            ('scanelf -a FILE... (all)', 'scanelf list', n),
            ('qhard checksec SAMPLE...', 'qhard sample', s),
            ('scanelf -a SAMPLE...', 'scanelf sample', s),
            ('checksec --listfile=SAMPLE', 'checksec.sh sample', s),
            ('hardening-check SAMPLE...', 'hardening-check sample', s)]
    for title, key, cnt in rows:
        r = R.get(key)
        if r is None:
            md.append('| %s | %d | not installed | | | |' % (title, cnt))
        else:
            md.append('| %s | %d | %.3f | %.3f | %.1f | %d |'
                      % (title, cnt, r['wall'], r['cpu'], r['rss_mb'], r['rc']))

    qf = per_file(R['qhard list'], n)
    md.append('\nRatios (other tool time / qhard time; > 1 means qhard is faster):\n')
    md.append('- scanelf -a -R vs qhard -r, whole tree: **%s** wall, %s cpu'
              % (fmt_ratio(R['scanelf -R'] and R['scanelf -R']['wall'],
                           R['qhard -r'] and R['qhard -r']['wall']),
                 fmt_ratio(R['scanelf -R'] and R['scanelf -R']['cpu'],
                           R['qhard -r'] and R['qhard -r']['cpu'])))
    md.append('- scanelf -a vs qhard, same full file list: **%s** wall'
              % fmt_ratio(R['scanelf list'] and R['scanelf list']['wall'],
                          R['qhard list'] and R['qhard list']['wall']))
    for key, name in (('checksec.sh sample', 'checksec.sh'),
                      ('hardening-check sample', 'hardening-check')):
        r = R.get(key)
        if r is None:
            md.append('- %s: not installed' % name)
            continue
        md.append('- %s vs qhard, same %d-file sample: **%s** wall '
                  '(qhard\'s sample run is mostly process start-up)'
                  % (name, s, fmt_ratio(r['wall'], R['qhard sample'] and
                                        R['qhard sample']['wall'])))
        md.append('- %s vs qhard, per file (%s extrapolated linearly from '
                  'the sample to %d files = %.0f s; qhard measured on all '
                  'files): **%s**'
                  % (name, name, n, per_file(r, s) * n,
                     fmt_ratio(per_file(r, s), qf)))
    return R


def bench_deep(args, md):
    qemu = args.deep_target
    md.append('\n## deep pass: %s\n' % qemu)
    if not os.path.exists(qemu):
        md.append('not installed: skipped')
        return
    outdir = os.path.join(args.out, 'deep')
    os.makedirs(outdir, exist_ok=True)
    size = os.path.getsize(qemu) / 1e6
    d = run([args.qhard, 'checksec', '--deep', qemu], outdir, 'deep', 3)
    h = run([args.qhard, 'checksec', qemu], outdir, 'default', args.repeat)
    md.append('| run | size MB | wall s | cpu s | peak RSS MB | exit |')
    md.append('|---|---|---|---|---|---|')
    for title, r in (('qhard checksec --deep', d), ('qhard checksec', h)):
        md.append('| %s | %.1f | %.3f | %.3f | %.1f | %d |'
                  % (title, size, r['wall'], r['cpu'], r['rss_mb'], r['rc']))
    md.append('\n- deep / default: %s wall; deep wall / 2 s goal: %s'
              % (fmt_ratio(d['wall'], h['wall']), fmt_ratio(d['wall'], 2.0)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--qhard', required=True)
    ap.add_argument('--out', default='build/bench')
    ap.add_argument('--trees', default='/usr/bin /usr/lib/x86_64-linux-gnu')
    ap.add_argument('--sample', type=int, default=60)
    ap.add_argument('--seed', type=int, default=9)
    ap.add_argument('--deep-target', default='/usr/bin/qemu-system-x86_64')
    ap.add_argument('--repeat', type=int, default=5,
                    help='back-to-back runs of the fast tools (median)')
    args = ap.parse_args()
    args.qhard = os.path.abspath(args.qhard)
    os.makedirs(args.out, exist_ok=True)
    md = ['# qhard bench', '',
          'One bench run on this machine (%d cores, shared; load average '
          '%.1f at start), page cache warm: checksec.sh and hardening-check '
          'once each, qhard and scanelf %d times back to back (median wall '
          'and CPU). Wall from a monotonic clock, user+sys CPU from wait4 '
          'or GNU time, peak RSS from GNU time (for shell-script tools: '
          'the largest single process). Timings are noisy on a shared machine: read '
          'the ratios, not the seconds. checksec.sh and hardening-check run '
          'on a seeded random sample and are extrapolated linearly where '
          'marked.'
          % (os.cpu_count(), os.getloadavg()[0], args.repeat), '', GOALS]
    for tree in args.trees.split():
        bench_tree(args, tree, md)
    bench_deep(args, md)
    text = '\n'.join(md) + '\n'
    with open(os.path.join(args.out, 'results.md'), 'w') as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == '__main__':
    main()
