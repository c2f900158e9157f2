#!/usr/bin/env bash
# WebSocket load on loopback against the full engine with the chat gateway (results: perf/RESULTS.md).
#   perf/chat-load.sh                                  # 10,000 citizens, one choice each per 2 s, 60 s measured
#   perf/chat-load.sh --sessions 2000 --seconds 30 --json
# Options: --sessions N --interval-ms MS --seconds S --ramp-per-second N --warmup-seconds S --json
# The server runs in a child JVM (so its memory is its own); each side needs one file descriptor
# per citizen, so N must stay below `ulimit -n` (20,000 on this project's machines).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ "${LOKET_LOAD_NO_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q package -DskipTests -pl perf,ops -am
fi
# shellcheck disable=SC2046
exec "$JAVA_HOME/bin/java" $(cat ops/target/jvm-flags.txt) -Xmx4g \
  -cp "perf/target/classes:$(cat perf/target/classpath.txt)" org.loket.perf.chat.ChatLoad "$@"
