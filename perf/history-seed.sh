#!/usr/bin/env bash
# What the desktop's citizen history costs when the chat gateway starts (README, "Earlier contacts"):
# the start reads the journal back (today's wallboard figures, and with the history from 7 days back).
# Simulates the outage day (seed 1) into a journal, then in one JVM reads it alternately without and
# with a CitizenHistory fed by the same read, and prints each read's time and the heap the history
# keeps. Usage: perf/history-seed.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./loket trace generate --scenario outage --seed 1 --out "$work/outage.csv" >/dev/null
./loket simulate --trace "$work/outage.csv" --journal "$work/journal" --date 2027-03-01 --json > "$work/sim.json"
python3 -c "import json; d=json.load(open('$work/sim.json')); print(f\"outage day: {d['arrived']:,} contacts arrived, {d['commands']:,} commands\")"
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
# shellcheck disable=SC2046
"$JAVA_HOME/bin/java" $(cat ops/target/jvm-flags.txt) -cp "ops/target/lib/*" perf/history/HistorySeed.java "$work/journal" "$rounds"
