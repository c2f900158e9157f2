#!/usr/bin/env bash
# Compares two routing cores in one run: the core of this tree against a baseline core, with the
# JMH forks of the two interleaved (base, new, base, new, ...), so that load from other work on a
# shared machine falls on both alike. Numbers from separate runs here differ by 10-20 %.
#
# Usage (from anywhere):
#   perf/jmh-compare.sh BASE_DIR [ROUNDS] [JMH options and benchmark]
#     BASE_DIR  a folder holding the baseline's loket-core-0.1.0-SNAPSHOT.jar and -tests.jar, e.g.
#               git worktree add /tmp/loket-base main && (cd /tmp/loket-base &&
#               ./mvnw -B -o -q package -pl engine/core -DskipTests) && BASE_DIR=/tmp/loket-base/engine/core/target
#     ROUNDS    forks per variant (default 2), one fork of each per round
#   e.g. perf/jmh-compare.sh /tmp/loket-base/engine/core/target 2 -p agents=100,100000 RoutingDecisionBenchmark
#        perf/jmh-compare.sh /tmp/loket-base/engine/core/target 2 TapeBenchmark
#
# Builds this tree's core and perf in the reactor (no install: the local Maven repository is left
# alone), copies both cores aside, runs JMH (-wi 3 -i 5 -w 1s -r 1s -f 1 -prof gc per fork) and
# prints medians side by side (perf/jmh-compare.py). Results: perf/target/jmh-compare/{base,new}-N.json.
# For TapeBenchmark it also checks that both cores printed the same decision and state hashes
# (they record and replay the same tape), and fails if not.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE=$(cd "$1" && pwd)
ROUNDS=${2:-2}
shift $(( $# >= 2 ? 2 : 1 ))
if [[ $# -eq 0 ]]; then
  set -- RoutingDecisionBenchmark
fi
cd "$ROOT"
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
TARGET="$ROOT/perf/target"
OUT="$TARGET/jmh-compare"
./mvnw -B -o -q package -pl engine/core,perf -am -DskipTests
rm -rf "$OUT"
mkdir -p "$OUT/base" "$OUT/new" "$TARGET/jmh-tmp"
for jar in loket-core-0.1.0-SNAPSHOT.jar loket-core-0.1.0-SNAPSHOT-tests.jar; do
  cp -p "$BASE/$jar" "$OUT/base/"
  cp -p "$ROOT/engine/core/target/$jar" "$OUT/new/"
done
classpath() { # the perf classpath with the loket-core jars of folder $1
  local cp="$TARGET/classes" jar
  IFS=':' read -r -a JARS < "$TARGET/classpath.txt" || true
  for jar in "${JARS[@]}"; do
    case "$(basename "$jar")" in
      loket-core-0.1.0-SNAPSHOT.jar | loket-core-0.1.0-SNAPSHOT-tests.jar) cp="$cp:$1/$(basename "$jar")" ;;
      *) cp="$cp:$jar" ;;
    esac
  done
  echo "$cp"
}
export TMPDIR="$TARGET/jmh-tmp"
for round in $(seq 1 "$ROUNDS"); do
  for variant in base new; do
    echo "# round $round $variant: $(uptime)"
    "$JAVA_HOME/bin/java" -Djava.io.tmpdir="$TARGET/jmh-tmp" -Djmh.ignoreLock=true -cp "$(classpath "$OUT/$variant")" \
      org.openjdk.jmh.Main -wi 3 -i 5 -w 1s -r 1s -f 1 -prof gc -rf json -rff "$OUT/$variant-$round.json" "$@" \
      > "$OUT/$variant-$round.log" 2>&1 || { tail -30 "$OUT/$variant-$round.log"; exit 1; }
  done
done
python3 "$ROOT/perf/jmh-compare.py" "$OUT"
