#!/usr/bin/env bash
# Runs the routing-core JMH benchmarks without a main class or an uber-jar:
#   java -cp perf/target/classes:$(cat perf/target/classpath.txt) org.openjdk.jmh.Main ...
# (with the jars of classpath.txt copied to perf/target/jmh-lib first, see below)
#
# Usage (from anywhere):
#   perf/jmh.sh                      # the default run below (about 3 minutes on 2 cores)
#   perf/jmh.sh [JMH options]        # your options instead, e.g.
#   perf/jmh.sh -wi 3 -i 5 -w 1s -r 1s -f 1 -prof gc -p agents=100,100000 RoutingDecisionBenchmark.contactArrives
#   perf/jmh.sh RoutingLocalityBenchmark          # diagnostic: same roster, fewer agents reached
#   perf/jmh.sh TapeBenchmark                     # the bench workload's tape on a fresh core (a realistic mix)
#   perf/jmh.sh -h                   # JMH's own help; -lprof lists profilers
#   PERF_MAIN=org.loket.perf.CycleBreakdown perf/jmh.sh 100 100000   # another main class of perf, same classpath
#
# The benchmarks run against the loket-core jar and test-jar installed in the local Maven
# repository, so install the core first after changing it:
#   ./mvnw -B -q install -DskipTests -pl engine/core
# This script then rebuilds perf (package writes perf/target/classpath.txt); set
# LOKET_JMH_NO_BUILD=1 to skip that. JMH's temp and lock files stay in perf/target, and the
# results are also written to perf/target/jmh-result.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JAVA="$JAVA_HOME/bin/java"
TARGET="$ROOT/perf/target"

if [[ "${LOKET_JMH_NO_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q package -DskipTests -pl perf
fi
if [[ ! -f "$TARGET/classpath.txt" || ! -f "$TARGET/classes/META-INF/BenchmarkList" ]]; then
  echo "perf is not built: run ./mvnw -B -q install -DskipTests -pl engine/core && ./mvnw -B -q package -pl perf" >&2
  exit 1
fi

# Run from a private copy of the classpath: the core jars live in the shared local Maven
# repository, and another build's `mvn install` must not swap the core under a running benchmark.
LIB="$TARGET/jmh-lib"
rm -rf "$LIB"
mkdir -p "$LIB" "$TARGET/jmh-tmp"
CP="$TARGET/classes"
IFS=':' read -r -a JARS < "$TARGET/classpath.txt" || true  # the file has no final newline
if [[ ${#JARS[@]} -eq 0 ]]; then
  echo "perf/target/classpath.txt is empty" >&2
  exit 1
fi
for jar in "${JARS[@]}"; do
  cp -p "$jar" "$LIB/"
  CP="$CP:$LIB/$(basename "$jar")"
done

# Say which core is measured: the jar's checksum, and whether it is the one built from this tree.
CORE_JAR="$LIB/loket-core-0.1.0-SNAPSHOT.jar"
TREE_JAR="$ROOT/engine/core/target/loket-core-0.1.0-SNAPSHOT.jar"
echo "# loket-core: $(sha256sum "$CORE_JAR" | cut -c1-16) built $(date -u -r "$CORE_JAR" +%FT%TZ)" \
  "$(if cmp -s "$CORE_JAR" "$TREE_JAR"; then echo "= engine/core/target (this tree)"; else echo "!= engine/core/target: install the core first"; fi)" \
  "core source at git $(git log -1 --format=%h -- engine/core/src/main 2>/dev/null || echo '?')$(git status --porcelain -- engine/core/src/main 2>/dev/null | grep -q . && echo ' +uncommitted changes')"
MAIN=${PERF_MAIN:-org.openjdk.jmh.Main}
if [[ $# -eq 0 && "$MAIN" == org.openjdk.jmh.Main ]]; then
  set -- -wi 3 -i 5 -w 1s -r 1s -f 2 -prof gc -rf json -rff "$TARGET/jmh-result.json" RoutingDecisionBenchmark
fi

# The forked benchmark JVMs inherit these flags (JMH passes the host VM's arguments on), and the
# benchmark adds its own heap flags (@Fork jvmArgsAppend). The core is pure Java: it needs none of
# the Chronicle flags in the parent pom's loket.jvm.flags.
export TMPDIR="$TARGET/jmh-tmp"
# Another main class runs in this JVM: give it the heap the benchmarks' forks get.
HEAP=()
if [[ "$MAIN" != org.openjdk.jmh.Main ]]; then
  HEAP=(-Xms2g -Xmx2g -XX:+AlwaysPreTouch)
fi
exec "$JAVA" "${HEAP[@]}" \
  -Djava.io.tmpdir="$TARGET/jmh-tmp" \
  -Djmh.ignoreLock=true \
  -cp "$CP" \
  "$MAIN" "$@"
