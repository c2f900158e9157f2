#!/usr/bin/env python3
"""Summarises a JMH JSON result (perf/jmh.sh writes perf/target/jmh-result.json) as a Markdown table:
mean ± error, median and best iteration in ns/op, gc.alloc.rate.norm in B/op, and each benchmark's
ratio to its smallest roster. Medians matter on a shared 2-core machine, where bursts from other
processes inflate single iterations.

Usage: python3 perf/jmh-table.py [perf/target/jmh-result.json]
"""
import json
import statistics
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "perf/target/jmh-result.json"
rows = {}
for r in json.load(open(path)):
    name = r["benchmark"].rsplit(".", 2)
    bench = name[-2] + "." + name[-1]
    params = ",".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
    rows.setdefault(bench, []).append((r.get("params") or {}, params, r["primaryMetric"], raw, alloc))

print("| benchmark | params | mean ns/op (± 99.9 %) | median ns/op | best ns/op | iterations | gc.alloc.rate.norm B/op | median / first row |")
print("|---|---|---|---|---|---|---|---|")
for bench, entries in rows.items():
    entries.sort(key=lambda e: [int(v) if str(v).isdigit() else v for _, v in sorted(e[0].items())])
    base = statistics.median(entries[0][3])
    for _, params, metric, raw, alloc in entries:
        med = statistics.median(raw)
        alloc_s = "n/a" if alloc is None else f"{alloc['score']:.3f}"
        print(f"| {bench} | {params} | {metric['score']:.1f} ± {metric['scoreError']:.1f} | {med:.1f} | {min(raw):.1f} "
              f"| {len(raw)} | {alloc_s} | {med / base:.2f} |")
