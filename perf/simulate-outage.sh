#!/usr/bin/env bash
# Times `loket simulate` of a full outage-day trace (~26,000 rows), journal included, five times.
# Prints the simulator's own elapsed time (trace read to KPIs, in process) and the wall time of the
# whole command (JVM start included). Usage: perf/simulate-outage.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./loket trace generate --scenario outage --seed 1 --out "$work/outage.csv"
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  ./loket simulate --trace "$work/outage.csv" --journal "$work/journal-$i" --json > "$work/run-$i.json"
  end=$(date +%s%N)
  python3 - "$work/run-$i.json" "$(( (end - start) / 1000000 ))" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"rows {d['rows']:,}  arrived {d['arrived']:,}  commands {d['commands']:,}  decisions {d['decisions']:,}  "
      f"simulator {d['elapsedMs']:,} ms  whole command {int(sys.argv[2]):,} ms")
PY
done
du -sh "$work/journal-1" | sed 's/^/journal size /'
