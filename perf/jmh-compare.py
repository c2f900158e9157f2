#!/usr/bin/env python3
"""Summarises perf/jmh-compare.sh's results: per benchmark and parameters, the median ns/op of the
baseline and the new core over all their forks, each one's ratio to the benchmark's first row, the
ratio new/base, and the new core's gc.alloc.rate.norm.

Usage: python3 perf/jmh-compare.py perf/target/jmh-compare
"""
import glob
import json
import os
import statistics
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else "perf/target/jmh-compare"
runs = {}
for variant in ("base", "new"):
    rows = runs.setdefault(variant, {})
    for path in sorted(glob.glob(os.path.join(folder, variant + "-*.json"))):
        for r in json.load(open(path)):
            params = tuple(sorted((r.get("params") or {}).items()))
            row = rows.setdefault((r["benchmark"].rsplit(".", 1)[-1], params), {"raw": [], "alloc": []})
            row["raw"] += [x for fork in r["primaryMetric"]["rawData"] for x in fork]
            alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
            if alloc:
                row["alloc"].append(alloc["score"])


def order(key):
    return key[0], [int(v) if str(v).isdigit() else v for _, v in key[1]]


print("| benchmark | params | base median ns/op (/ first row) | new median ns/op (/ first row) | new / base | iterations | new gc.alloc.rate.norm B/op |")
print("|---|---|---|---|---|---|---|")
first = {}
for key in sorted(set(runs["base"]) & set(runs["new"]), key=order):
    base = statistics.median(runs["base"][key]["raw"])
    new = statistics.median(runs["new"][key]["raw"])
    base0, new0 = first.setdefault(key[0], (base, new))
    alloc = runs["new"][key]["alloc"]
    print(f"| {key[0]} | {','.join(f'{k}={v}' for k, v in key[1])} | {base:.1f} ({base / base0:.2f}) | {new:.1f} ({new / new0:.2f}) "
          f"| {new / base:.2f} | {len(runs['new'][key]['raw'])} | {max(alloc) if alloc else float('nan'):.3f} |")

# Benchmarks that print a result line per fork (TapeBenchmark: "tape result: decisions ... hash ...")
# must print the same one for both cores: the new core decides as the baseline does.
results = {}
for path in sorted(glob.glob(os.path.join(folder, "*.log"))):
    for line in open(path, errors="replace"):
        if "tape result: " in line:  # JMH prints it after its "# Warmup Iteration 1:" prefix
            results.setdefault(line[line.index("tape result: "):].strip(), []).append(os.path.basename(path))
if results:
    print()
    for line, logs in results.items():
        print(f"{line}  ({', '.join(logs)})")
    if len(results) > 1:
        print("DIFFERENT DECISIONS: the cores do not decide alike")
        sys.exit(1)
    print("same decisions and final state for both cores")
