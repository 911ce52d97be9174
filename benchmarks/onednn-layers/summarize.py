#!/usr/bin/env python3
"""Table of an ab_driver run: one row per call (median ms of A and B, the median of the per-pair
ratios B/A), then the totals of the batch-32 calls by pass and precision, each total weighted by
the median ratio of its calls (sum of B medians / sum of A medians).

    summarize.py ab.txt
"""
import collections
import re
import sys

KINDS = {1: "conv fwd", 2: "conv bwd-data", 3: "conv bwd-weights", 4: "tconv fwd", 5: "tconv bwd-data", 6: "tconv bwd-weights"}


def describe(kind, flags, d):
    n, ih, iw, ic, oc, kh, kw, sh, sw = d[:9]
    precision = "bf16" if flags & 8 else "f32"
    if kind >= 4:
        shape = f"{ih // sh}x{iw // sw}x{oc}->{ih}x{iw}x{ic}"
    else:
        oh = (ih + d[9] + d[10] - kh) // sh + 1
        shape = f"{ih}x{iw}x{ic}->{oh}x{oh}x{oc} {kh}x{kw}s{sh}" + (" dw" if d[13] > 1 else "")
    return f"b{n:<2} {KINDS[kind]:<17} {precision:<4} {shape}"


rows = []
for line in open(sys.argv[1]):
    m = re.match(r"kind (\d+) flags (\d+) dims ([\d ]+) A ([\d.]+) ([\d.]+) B ([\d.]+) ([\d.]+) ratio ([\d.]+) implA (\S+) implB (\S+)", line)
    if m:
        rows.append((int(m[1]), int(m[2]), [int(x) for x in m[3].split()], float(m[4]), float(m[6]), float(m[8]), m[9], m[10]))
print(f"| call | 2.6.3 ms | 3.2 ms | 3.2/2.6 (median of pairs) | 2.6.3 impl | 3.2 impl |")
print("|---|---|---|---|---|---|")
groups = collections.defaultdict(lambda: [0.0, 0.0])
for kind, flags, d, a, b, ratio, ia, ib in rows:
    print(f"| {describe(kind, flags, d)} | {a:.2f} | {b:.2f} | {ratio:.2f} | {ia} | {ib} |")
    group = ("encoder convs" if kind == 1 else KINDS[kind]) + (" bf16" if flags & 8 else " f32") + f" b{d[0]}"
    groups[group][0] += a
    groups[group][1] += b
print()
for group, (a, b) in sorted(groups.items()):
    print(f"{group:<28} 2.6.3 {a:8.1f} ms   3.2 {b:8.1f} ms   3.2/2.6 {b / a:.2f}")
