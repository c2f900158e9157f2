#!/bin/bash
# Side by side: `loket bench --json` in two checkouts (base and new), alternating, ROUNDS rounds each,
# one line per run with the load average before and after. Compare ratios within one run of this
# script, never figures across runs: these machines are shared and noisy (perf/RESULTS.md).
#   perf/bench-ab.sh /tmp/base /tmp/new [rounds]     # each a clone at the commit to compare
set -euo pipefail
base=${1:?base checkout}; new=${2:?new checkout}; rounds=${3:-4}
out=$(mktemp -d)
echo "build round load raw/s engine/s ratio core-p50-ns core-p99-ns e2e-p50-us e2e-p99-us replay/s identical"
for round in $(seq 1 "$rounds"); do
  order="new base"; [ $((round % 2)) -eq 0 ] && order="base new"
  for build in $order; do
    dir=$new; [ "$build" = base ] && dir=$base
    l0=$(cut -d' ' -f1 /proc/loadavg)
    (cd "$dir" && ./loket bench --json --dir "$out/bench-$build" > "$out/$build-$round.json" 2> "$out/$build-$round.err")
    l1=$(cut -d' ' -f1 /proc/loadavg)
    echo "$build $round $l0-$l1 $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['rawCommandsPerSecond'], d['engineCommandsPerSecond'], d['ratio'], d['coreServiceNanos']['p50'], d['coreServiceNanos']['p99'], d['endToEndMicros']['p50'], d['endToEndMicros']['p99'], d['replayCommandsPerSecond'], d['replayIdentical'])" "$out/$build-$round.json")"
  done
done
