#!/usr/bin/env bash
# The same sipp load through (a) Asterisk's own app_queue and (b) Asterisk + Loket over FastAGI,
# in one run, with the same agents (one sipp phone answering for all of them), and per path:
# calls completed and abandoned, post-dial delay and time-to-agent percentiles, CPU seconds per call
# of Asterisk and of Loket.
#
#   perf/asterisk-load.sh [CALLS] [RATE_PER_S] [AGENTS] [HOLD_MS] [RING_MS]    (defaults 600 20 60 2000 200)
#
# Callers ring the entry, are answered at once on both paths, wait for an agent (up to 60 s, then
# they count as abandoned) and stay until the agent hangs up. Post-dial delay: INVITE to 200 OK at
# the caller. Time to agent: the caller's INVITE to the agent's phone receiving its INVITE (both
# logged by sipp on this machine's clock). CPU: utime+stime of the Asterisk and Loket processes
# over each phase (/proc), divided by the calls placed; Loket runs with its default wait strategy,
# phased (LOKET_WAIT_STRATEGY=sleeping|yielding|... to compare; yielding spins a core while idle).
# Before the measured rounds: a minute of app_queue calls unreported (Asterisk's warm-up), one round
# of app_queue with Loket not running (the check that Loket's idle AMI session does not weigh on
# app_queue: with the per-call events it does not read switched off, it should not), a Loket of its
# own that trains the AOT cache (LOAD_AOT=0: none), then Loket from that cache, a minute of calls
# on its path unreported (warm-up; LOAD_WARMUP_CALLS sets the number) and ten quiet seconds (its
# idle cost, subtracted in the "net" figures). The measured calls then go through in LOAD_ROUNDS
# short rounds (default 10), the paths taking turns, Loket up throughout as at a site that runs it.
# The report compares the pairs of neighbouring rounds (mean difference with its 95 % interval) and
# counts Asterisk's tasks per call by taskprocessor on each path (`core show taskprocessors`).
# Work files: var/load (kept for inspection: loket.1.log, its journal.1 and loket-gc.1.log with its GC
# and safepoint pauses; the training run's the same with "training").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
calls="${1:-600}" rate="${2:-20}" agents="${3:-60}" hold="${4:-2000}" ring="${5:-200}"
work="$here/var/load"
loket_pid=
asterisk="$here/ops/asterisk/asterisk.sh"

"$asterisk" provision
[ -n "$(ls "$work"/asterisk/run/asterisk.pid 2>/dev/null)" ] && "$asterisk" stop "$work/asterisk" || true
rm -rf "$work"
mkdir -p "$work/config" "$work/sipp"
cat >"$work/config/routing.yaml" <<YAML
version: 1
languages: [nl]
skills: [load]
prompts:
  fallback-closed: {nl: "Gesloten."}
queues:
  - {name: load-voice, channel: voice, skill: load, offerTimeoutSeconds: 10}
agents:
  - {name: agent, count: $agents, skills: {load: 5}}
entries:
  - {name: load, queue: load-voice, numbers: ["0880000001"]}
YAML
head -c 32 /dev/urandom >"$work/pseudonym-key"
"$here/loket" asterisk-config --config "$work/config" --out "$work/asterisk/etc" --ami-secret-file "$work/ami-secret" \
    --agent-contacts shared:127.0.0.1:5101 --fallback-seconds 60 --rtp-ports 10000-19999 --comparison-queue >/dev/null
"$asterisk" start "$work/asterisk" >/dev/null
asterisk_pid=$(cat "$work/asterisk/run/asterisk.pid")
cleanup() {
    [ -n "${loket_pid:-}" ] && kill "$loket_pid" 2>/dev/null && wait "$loket_pid" 2>/dev/null || true
    [ -n "${phones_pid:-}" ] && kill "$phones_pid" 2>/dev/null || true
    "$asterisk" stop "$work/asterisk" || true
}
trap cleanup EXIT

sipp_common=(-nostdin -i 127.0.0.1 -mi 127.0.0.1 -ci 127.0.0.1 -trace_msg)
# sipp does not fill keywords into pause lengths: write them into a copy.
sed -e "s/\[ring\]/$ring/; s/\[hold\]/$hold/" "$here/ops/asterisk/sipp/agent-answer.xml" >"$work/sipp/agent-answer.xml"
( cd "$work/sipp" && exec sipp "${sipp_common[@]}" -sf agent-answer.xml \
    -p 5101 -mp 5120 -cp 5105 -message_file agents.msg.log -l 100000 ) >"$work/sipp/agents.out" 2>&1 &
phones_pid=$!

start_loket() {  # name (of its log, journal and GC log)
    LOKET_JAVA_OPTS="${LOKET_JAVA_OPTS:-} -Xlog:gc*,safepoint:file=$work/loket-gc.$1.log:uptime,level,tags" \
        "$here/loket" run --config "$work/config" --journal "$work/journal.$1" --status-seconds 0 \
        --set telephony.enabled=true --set telephony.ami.secretFile="$work/ami-secret" \
        --set telephony.pseudonymKeyFile="$work/pseudonym-key" --set telephony.announceEveryMs=0 \
        --wait-strategy "${LOKET_WAIT_STRATEGY:-phased}" >"$work/loket.$1.log" 2>&1 &
    loket_pid=$!
    for _ in $(seq 1 150); do grep -q "resynchronised" "$work/loket.$1.log" 2>/dev/null && break; sleep 0.2; done
    grep -q "resynchronised" "$work/loket.$1.log" || { echo "Loket did not connect to Asterisk; see $work/loket.$1.log" >&2; exit 1; }
    sleep 2
    # The java launched by ./loket is the last process of the launcher (it execs): its PID is loket_pid.
}
stop_loket() {
    kill "$loket_pid" && wait "$loket_pid" 2>/dev/null || true
    loket_pid=
    sleep 2
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
loket_ticks() { if [ -n "$loket_pid" ]; then cpu_ticks "$loket_pid"; else echo 0; fi; }
# Loket's CPU ticks and wake-ups per thread (name, ticks, voluntary context switches: a thread that
# blocked and was woken; the name may hold spaces, so cut the stat line after ')').
thread_ticks() {
    local t
    for t in /proc/"$1"/task/*; do
        printf '%s\t%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{ print $12 + $13 }')" \
            "$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status" 2>/dev/null)"
    done
}

phase() {  # name service prefix (service "idle": $calls seconds without calls)
    local name="$1" service="$2" prefix="$3" a0 l0 t0
    [ -n "$loket_pid" ] && thread_ticks "$loket_pid" >"$work/threads-$name.before"
    [ "$service" = idle ] || "$asterisk" cli "$work/asterisk" "core show taskprocessors" >"$work/tasks-$name.before" 2>&1 || true
    a0=$(cpu_ticks "$asterisk_pid"); l0=$(loket_ticks); t0=$(date +%s.%N)
    if [ "$service" = idle ]; then sleep "$calls"; else ( cd "$work/sipp" && sipp "${sipp_common[@]}" -sf "$here/ops/asterisk/sipp/caller-wait.xml" -key prefix "$prefix" \
        -s "$service" -m "$calls" -r "$rate" -l "$calls" -p 5070 -mp 5140 -cp 5080 -message_file "$name.msg.log" \
        -trace_stat -stf "$name.stat.csv" -fd 1 127.0.0.1:5060 ) >"$work/sipp/$name.out" 2>&1 || true; fi
    echo "$name $(( $(cpu_ticks "$asterisk_pid") - a0 )) $(( $(loket_ticks) - l0 )) $(echo "$(date +%s.%N) - $t0" | bc)" >>"$work/cpu.txt"
    [ -n "$loket_pid" ] && thread_ticks "$loket_pid" >"$work/threads-$name.after"
    [ "$service" = idle ] || sleep $(( hold / 1000 + 3 ))
    [ "$service" = idle ] || "$asterisk" cli "$work/asterisk" "core show taskprocessors" >"$work/tasks-$name.after" 2>&1 || true
}

warmup_calls="${LOAD_WARMUP_CALLS:-$(( rate * 60 ))}"
rounds="${LOAD_ROUNDS:-10}"
per_round=$(( calls / rounds ))
# Asterisk's own warm-up, not reported.
calls="$warmup_calls"; phase app_queue_warmup app-queue 81
# app_queue with no Loket at all, one round's worth: the check that Loket's idle AMI session, up in
# the measured rounds below, does not weigh on app_queue's figures.
calls=$per_round; phase app_queue_alone app-queue 82
# Loket starts as an operator would run it at a busy site: from an AOT cache (the launcher's
# LOKET_AOT_CACHE) trained on this load by a Loket of its own, so its JIT compiles the call path at
# once instead of through the first thousands of calls. LOAD_AOT=0: a cold JVM.
if [ "${LOAD_AOT:-1}" = 1 ]; then
    export LOKET_AOT_CACHE="$work/loket.aot"
    start_loket training
    calls="$warmup_calls"; phase loket_training 0880000001 83
    stop_loket
fi
start_loket 1
calls=$warmup_calls; phase loket_warmup 0880000001 84
calls=10; phase idle idle -
# The measured calls in LOAD_ROUNDS short rounds, the paths taking turns with Loket up throughout (as
# at a site that runs it): this VM's speed drifts by 10-40 % from one minute to the next, so the
# fair comparison is a pair of neighbouring rounds, and many pairs.
for round in $(seq 1 "$rounds"); do
    calls=$per_round; phase "app_queue.$round" app-queue "7$(printf %02d "$round")1"
    calls=$per_round; phase "loket.$round" 0880000001 "7$(printf %02d "$round")2"
done
stop_loket

if [ -f "$work/loket.aot" ]; then echo "Loket started from an AOT cache trained on $warmup_calls calls of this load."
else echo "Loket started without an AOT cache (a cold JVM)."; fi
python3 "$here/perf/asterisk-load-report.py" "$work" "$per_round" "$(getconf CLK_TCK)" "$rounds"
