"""Report of perf/asterisk-load.sh: per path, calls completed and failed, post-dial delay and time-to-agent
percentiles from sipp's message logs, CPU per call of Asterisk and Loket. Arguments: WORK CALLS CLK_TCK."""
import re, sys, csv, statistics
from datetime import datetime
work, calls, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
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
# Loket idles through the app_queue phase: its CPU rate there is the engine's idle cost (wait
# strategy, timers, journal pre-toucher), subtracted from its phase to give the cost of the calls.
idle_ticks_per_s = int(cpu["app_queue"][1]) / float(cpu["app_queue"][2])
print(f"| path | calls | completed | abandoned or failed | post-dial delay p50/p99 ms | time to agent p50/p90/p99/max ms | Asterisk CPU ms/call | Loket CPU ms/call (net of idle) |")
print("|---|---|---|---|---|---|---|---|")
for name in ("app_queue", "loket"):
    invite, ok, bye = {}, {}, set()
    for t, sent, first, frm in messages(f"{work}/sipp/{name}.msg.log"):
        if sent and first.startswith("INVITE") and frm and frm not in invite: invite[frm] = t
        if not sent and first.startswith("SIP/2.0 200") and frm and frm not in ok and frm in invite: ok[frm] = t
    stats = list(csv.reader(open(f"{work}/sipp/{name}.stat.csv"), delimiter=";"))
    head, last = stats[0], stats[-1]
    succ = int(last[head.index("SuccessfulCall(C)")]); fail = int(last[head.index("FailedCall(C)")])
    pdd = [1000 * (ok[k] - invite[k]) for k in ok]
    tta = [1000 * (agent_invites[k] - invite[k]) for k in invite if k in agent_invites]
    a_ticks, l_ticks, secs = cpu[name]
    print(f"| {name} | {calls} | {succ} | {fail} | {pct(pdd,50):.1f} / {pct(pdd,99):.1f} | "
          f"{pct(tta,50):.0f} / {pct(tta,90):.0f} / {pct(tta,99):.0f} / {max(tta) if tta else float('nan'):.0f} | "
          f"{1000 * int(a_ticks) / hz / calls:.2f} | {1000 * int(l_ticks) / hz / calls:.2f} "
          f"({1000 * (int(l_ticks) - idle_ticks_per_s * float(secs)) / hz / calls:.2f}) |")
print(f"Loket idle: {100 * idle_ticks_per_s / hz:.0f}% of one core (measured while app_queue carried the calls)")
