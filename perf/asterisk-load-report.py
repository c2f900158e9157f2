"""Report of perf/asterisk-load.sh: per path, calls completed and failed, post-dial delay and time-to-agent
percentiles from sipp's message logs, CPU per call of Asterisk and Loket, each path summed over its
rounds (phases "app_queue.N" and "loket.N"; Loket's idle cost from its quiet phase "idle"), the
round pairs compared, Asterisk's tasks per call by taskprocessor. Arguments: WORK CALLS_PER_ROUND CLK_TCK [ROUNDS]."""
import re, sys, csv, statistics
from datetime import datetime
work, per_round, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 1
calls = per_round * rounds
def phases(path):
    """The phases of a path: its rounds, or the one quiet phase "idle"."""
    return ["idle"] if path == "idle" else [f"{path}.{r}" for r in range(1, rounds + 1)]
block = re.compile(r"-{10,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\n(UDP message (?:sent|received))[^\n]*\n+([^\n]*)\n(.*?)(?=\n-{10,} |\Z)", re.S)
def messages(path):
    text = open(path, encoding="latin-1").read()
    for m in block.finditer(text):
        t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        frm = re.search(r"^From:\s*(?:\"[^\"]*\"\s*)?<sip:([^@>]+)@", m.group(4), re.M)
        yield t, m.group(2).endswith("sent"), m.group(3), frm.group(1) if frm else None
agent_invites = {}
for t, sent, first, frm in messages(f"{work}/sipp/agents.msg.log"):
    if not sent and first.startswith("INVITE") and frm and frm not in agent_invites:
        agent_invites[frm] = t
def pct(values, p):
    if not values: return float("nan")
    v = sorted(values); return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
cpu = {l.split()[0]: l.split()[1:] for l in open(f"{work}/cpu.txt")}
# Per path: Asterisk ticks, Loket ticks, seconds, summed over the rounds.
for path in ("app_queue", "loket"):
    cpu[path] = [sum(float(cpu[p][i]) for p in phases(path)) for i in range(3)]
cpu["idle"] = [float(x) for x in cpu["idle"]]
# Loket's CPU rate in its quiet seconds is the engine's idle cost (wait strategy, timers, journal
# pre-toucher), subtracted from its phase to give the cost of the calls.
idle_ticks_per_s = cpu["idle"][1] / cpu["idle"][2]
print(f"| path | calls | completed | abandoned or failed | post-dial delay p50/p99 ms | time to agent p50/p90/p99/max ms | Asterisk CPU ms/call | Loket CPU ms/call (net of idle) |")
print("|---|---|---|---|---|---|---|---|")
for name in ("app_queue", "loket"):
    invite, ok, succ, fail = {}, {}, 0, 0
    for phase in phases(name):
        for t, sent, first, frm in messages(f"{work}/sipp/{phase}.msg.log"):
            if sent and first.startswith("INVITE") and frm and frm not in invite: invite[frm] = t
            if not sent and first.startswith("SIP/2.0 200") and frm and frm not in ok and frm in invite: ok[frm] = t
        stats = list(csv.reader(open(f"{work}/sipp/{phase}.stat.csv"), delimiter=";"))
        head, last = stats[0], stats[-1]
        succ += int(last[head.index("SuccessfulCall(C)")]); fail += int(last[head.index("FailedCall(C)")])
    pdd = [1000 * (ok[k] - invite[k]) for k in ok]
    tta = [1000 * (agent_invites[k] - invite[k]) for k in invite if k in agent_invites]
    a_ticks, l_ticks, secs = cpu[name]
    print(f"| {name} | {calls} | {succ} | {fail} | {pct(pdd,50):.1f} / {pct(pdd,99):.1f} | "
          f"{pct(tta,50):.0f} / {pct(tta,90):.0f} / {pct(tta,99):.0f} / {max(tta) if tta else float('nan'):.0f} | "
          f"{1000 * a_ticks / hz / calls:.2f} | "
          + (f"- (connected, idle: {1000 * l_ticks / hz / calls:.2f})" if name == "app_queue" else
             f"{1000 * l_ticks / hz / calls:.2f} ({1000 * (l_ticks - idle_ticks_per_s * secs) / hz / calls:.2f})") + " |")
alone = cpu.get("app_queue_alone")
if alone:
    print(f"app_queue with Loket not running (one round before Loket started): Asterisk {1000 * float(alone[0]) / hz / per_round:.2f} ms per call")
# Round by round (each Loket round right after its app_queue round): this VM's minutes differ by
# 10 % and more, so a pair of neighbouring rounds is the fairest comparison the run has.
pairs = []
for r in range(1, rounds + 1):
    aq = 1000 * float(cpu[f"app_queue.{r}"][0]) / hz / per_round
    lk = 1000 * (float(cpu[f"loket.{r}"][0]) + float(cpu[f"loket.{r}"][1])) / hz / per_round
    pairs.append((aq, lk))
print("Round by round, CPU ms per call (app_queue: Asterisk | Loket's path: Asterisk + Loket, JIT included): "
      + ", ".join(f"{aq:.2f} | {lk:.2f}" for aq, lk in pairs)
      + f"; Loket's path cheaper in {sum(1 for aq, lk in pairs if lk < aq)} of {rounds} rounds")
if rounds > 1:
    # Paired comparison: the difference of each pair, its mean and a 95 % interval (Student's t).
    diffs = [lk - aq for aq, lk in pairs]
    t975 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23, 11: 2.20,
            12: 2.18, 13: 2.16, 14: 2.14, 15: 2.13, 16: 2.12, 17: 2.11, 18: 2.10, 19: 2.09}.get(rounds - 1, 2.05 if rounds < 31 else 1.96)
    mean, half = statistics.mean(diffs), t975 * statistics.stdev(diffs) / len(diffs) ** 0.5
    base = statistics.mean(aq for aq, _ in pairs)
    print(f"Loket's path minus app_queue, per pair: mean {mean:+.2f} ms per call, 95 % interval {mean - half:+.2f} .. {mean + half:+.2f} "
          f"({100 * mean / base:+.0f} %, {100 * (mean - half) / base:+.0f} .. {100 * (mean + half) / base:+.0f} % of app_queue's mean)")
print(f"Loket idle: {100 * idle_ticks_per_s / hz:.1f}% of one core (measured in its quiet seconds)")

# Where Loket's CPU goes: per thread (numbers in names folded), ms per call in Loket's phase and the
# same thread's idle cost in the quiet phases (per second), so a thread's cost of the calls shows.
def thread_counts(path, field="ticks"):
    total = {}
    for phase in phases(path):
        one = phase_thread_counts(phase, field)
        if one is None:
            return None
        for k, v in one.items():
            total[k] = total.get(k, 0) + v
    return total
def phase_thread_counts(name, field):
    """Per folded thread name, the difference over the phase of "ticks" (CPU) or "wakes" (voluntary
    context switches: each one a block and, later, a wake-up)."""
    column = 1 if field == "ticks" else 2
    def read(suffix):
        ticks = {}
        for line in open(f"{work}/threads-{name}.{suffix}", encoding="utf-8", errors="replace"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) > column and parts[column].isdigit():
                ticks.setdefault(re.sub(r"\d+", "N", parts[0]) or "?", []).append(int(parts[column]))
        return ticks
    try:
        before, after = read("before"), read("after")
    except FileNotFoundError:
        return None
    # Threads are matched by folded name: sums per name, so a thread that exited takes its ticks with it
    # (the difference to the process total is printed as "exited threads").
    return {k: sum(after[k]) - sum(before.get(k, [])) for k in after}
busy, idle = thread_counts("loket"), thread_counts("idle")
if busy and idle:
    # The JIT compiler's threads ("C1/C2 CompilerThread"): a start-up cost that, at 20 calls/s, runs
    # on through the first thousands of calls (per-call methods reach C2 after ~10,000 invocations).
    # Loket's steady-state cost per call leaves them out; the table above includes them.
    jit = sum(v for k, v in busy.items() if "CompilerThre" in k)
    jit_idle = sum(v for k, v in idle.items() if "CompilerThre" in k)
    l_ticks, secs = cpu["loket"][1], cpu["loket"][2]
    idle_wo_jit = (cpu["idle"][1] - jit_idle) / cpu["idle"][2]
    print(f"\nLoket CPU per call without JIT compilation: {1000 * (l_ticks - jit) / hz / calls:.2f} ms "
          f"(net of idle: {1000 * (l_ticks - jit - idle_wo_jit * secs) / hz / calls:.2f} ms); "
          f"JIT compiler threads: {1000 * jit / hz / calls:.2f} ms per call in Loket's phase")
    aq, lk_ast = cpu["app_queue"][0], cpu["loket"][0]
    print(f"CPU per call, both processes: app_queue {1000 * aq / hz / calls:.2f} ms; Loket's path "
          f"{1000 * (lk_ast + l_ticks) / hz / calls:.2f} ms, {1000 * (lk_ast + l_ticks - jit) / hz / calls:.2f} "
          f"without the JIT compiler ({100 * (lk_ast + l_ticks - jit) / aq - 100:+.0f} % against app_queue)")
    secs_busy, secs_idle = cpu["loket"][2], cpu["idle"][2]
    wakes, wakes_idle = thread_counts("loket", "wakes") or {}, thread_counts("idle", "wakes") or {}
    print("\nLoket CPU by thread: ms per call in Loket's phase | idle ms per s (quiet phases) | "
          "wake-ups per call | idle wake-ups per s")
    rows = sorted(busy, key=lambda k: -busy[k])
    for k in rows:
        if busy[k] <= 0 and idle.get(k, 0) <= 0 and wakes.get(k, 0) <= 0: continue
        print(f"  {k:<48} {1000 * busy[k] / hz / calls:6.2f} | {1000 * max(0, idle.get(k, 0)) / hz / secs_idle:6.1f} | "
              f"{wakes.get(k, 0) / calls:6.1f} | {max(0, wakes_idle.get(k, 0)) / secs_idle:6.1f}")
    print(f"  {'(all threads alive at the end)':<48} {'':6} | {'':6} | {sum(wakes.values()) / calls:6.1f} | "
          f"{sum(max(0, v) for v in wakes_idle.values()) / secs_idle:6.1f}")
    gone = cpu["loket"][1] - sum(busy.values())
    print(f"  {'(exited threads)':<48} {1000 * gone / hz / calls:6.2f}")

# Asterisk's side: tasks per call by taskprocessor (names folded: serial numbers dropped), summed
# over each path's rounds. Each task is a wake-up of one of Asterisk's threads or work queued to one.
def tasks(phase):
    def read(suffix):
        counts = {}
        try:
            for line in open(f"{work}/tasks-{phase}.{suffix}", encoding="utf-8", errors="replace"):
                f = line.split()
                if len(f) >= 2 and f[1].isdigit():
                    counts[f[0]] = int(f[1])
        except FileNotFoundError:
            return None
        return counts
    before, after = read("before"), read("after")
    if before is None or after is None:
        return None
    folded = {}
    for k, v in after.items():
        name = re.sub(r"-[0-9a-f]{8}$", "", k)
        name = re.sub(r"/(agent|outsess/agent)-?\w*$", r"/\1-*", name)
        folded[name] = folded.get(name, 0) + v - before.get(k, 0)
    return folded
by_path = {}
for path in ("app_queue", "loket"):
    total = {}
    for phase in phases(path):
        one = tasks(phase)
        if one is None:
            total = None
            break
        for k, v in one.items():
            total[k] = total.get(k, 0) + v
    by_path[path] = total
if all(by_path.values()):
    names = sorted(set(by_path["app_queue"]) | set(by_path["loket"]),
                   key=lambda k: -(by_path["app_queue"].get(k, 0) + by_path["loket"].get(k, 0)))
    print("\nAsterisk's tasks per call by taskprocessor: app_queue | Loket's path")
    print(f"  {'(all)':<40} {sum(by_path['app_queue'].values()) / calls:7.1f} | {sum(by_path['loket'].values()) / calls:7.1f}")
    for k in names[:8]:
        print(f"  {k:<40} {by_path['app_queue'].get(k, 0) / calls:7.1f} | {by_path['loket'].get(k, 0) / calls:7.1f}")
