package org.loket.host.trace;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.loket.config.AgentPlan;
import org.loket.config.LoadedConfig;
import org.loket.config.PlannedBreak;
import org.loket.config.Shift;

/**
 * Schedule adherence of a recorded day ({@code loket report --adherence}): per agent of the plan (a
 * configuration's shifts and planned breaks), how much of its scheduled time it spent as scheduled:
 * working while the shift plans work, not working while it plans a break. Working is logged in and
 * not paused, or holding a contact whatever the presence (an agent who paused for its break during
 * a call works until the call and its wrap-up end).
 * Time off shift is not scheduled and does not count (worked off shift is shown apart). The plan is
 * the configuration's roster for the day's weekday (a shift's {@code days}; nobody on a holiday):
 * for a day whose shifts differed from that, pass a folder with that day's.
 */
public final class Adherence {
    /**
     * One agent of the plan.
     *
     * @param agent          the agent's name
     * @param shift          its planned shift, "HH:MM-HH:MM"
     * @param scheduledMin   minutes of its shift
     * @param adheringMin    of those, minutes spent as planned
     * @param adherence      adheringMin / scheduledMin
     * @param lateStartMin   minutes from the shift's start to its first login or ready in the shift (the shift's length when none)
     * @param earlyEndMin    minutes from its last logout before the shift's end to that end (0 when it stayed)
     * @param offShiftWorkMin minutes logged in and not paused outside the shift
     */
    public record Agent(String agent, String shift, long scheduledMin, long adheringMin, double adherence, long lateStartMin,
                        long earlyEndMin, long offShiftWorkMin) {
    }

    /**
     * @param agents        every agent with a shift in the plan on that day, least adherent first
     * @param adherence     all agents' adhering minutes over all scheduled minutes
     * @param unplanned     agents the recording names that the plan lacks, plans all day, or does not
     *                      roster that day (not scored)
     */
    public record Result(List<Agent> agents, double adherence, List<String> unplanned) {
    }

    private static final long MINUTE_MS = 60_000;

    private Adherence() {
    }

    /** Scores a recorded day ({@link TraceExtractor}: its staffing and busy times) against {@code plan}. */
    public static Result of(TraceExtractor.Result day, LoadedConfig plan) {
        return of(day.staffing(), day.busy(), plan, day.day());
    }

    /**
     * @param staffing the day's presence changes
     * @param busy     per agent, {from, to} ms after midnight while it held a contact
     * @param date     the day, whose weekday and holidays decide who the plan rosters
     */
    public static Result of(List<StaffingEvent> staffing, Map<String, List<long[]>> busy, LoadedConfig plan, LocalDate date) {
        Map<String, List<StaffingEvent>> byAgent = new HashMap<>();
        for (StaffingEvent e : staffing) {
            byAgent.computeIfAbsent(e.agent(), a -> new ArrayList<>()).add(e);
        }
        List<Agent> agents = new ArrayList<>();
        TreeSet<String> unplanned = new TreeSet<>(byAgent.keySet());
        long scheduled = 0;
        long adhering = 0;
        for (int a = 0; a < plan.routing().agents().size(); a++) {
            AgentPlan planned = plan.planOn(a, date);
            if (planned == null || !planned.hasShift()) {
                continue; // not rostered that day, or no shift: nothing is scheduled
            }
            String name = plan.routing().agents().get(a).name();
            unplanned.remove(name);
            List<StaffingEvent> events = new ArrayList<>(byAgent.getOrDefault(name, List.of()));
            events.sort(Comparator.comparingLong(StaffingEvent::atMs));
            Agent scored = score(name, planned, events, busy.getOrDefault(name, List.of()));
            agents.add(scored);
            scheduled += scored.scheduledMin();
            adhering += scored.adheringMin();
        }
        agents.sort(Comparator.comparingDouble(Agent::adherence).thenComparing(Agent::agent));
        return new Result(agents, scheduled == 0 ? 1 : (double) adhering / scheduled, List.copyOf(unplanned));
    }

    /** What a plan asks of its agent at an instant: the one rule the report and the live wallboard share. */
    public enum Planned {
        /** Not rostered then: not scored. */
        OFF,
        /** On shift: adhering means working. */
        WORK,
        /** On a planned break: adhering means not working. */
        BREAK
    }

    /**
     * What {@code plan} asks at {@code atMs} after local midnight; {@link Planned#OFF} for a null plan
     * (not rostered that day) or one without a shift.
     */
    public static Planned planned(AgentPlan plan, long atMs) {
        if (plan == null || !plan.hasShift() || atMs < plan.shift().startMs() || atMs >= plan.shift().endMs()) {
            return Planned.OFF;
        }
        for (PlannedBreak b : plan.breaks()) {
            if (b.when().startMs() <= atMs && atMs < b.when().endMs()) {
                return Planned.BREAK;
            }
        }
        return Planned.WORK;
    }

    /**
     * Whether an agent adheres to {@code planned}: working (logged in and not paused, or holding a
     * contact) on shift, not working on a break; null off shift (not scored).
     */
    public static Boolean adheres(Planned planned, boolean working) {
        return planned == Planned.OFF ? null : working == (planned == Planned.WORK);
    }

    /**
     * The instants (ms after local midnight) at which {@code plan} asks something else: its shift's
     * start and end, and its breaks' (empty without a shift), in time order.
     */
    public static List<Long> changesMs(AgentPlan plan) {
        if (plan == null || !plan.hasShift()) {
            return List.of();
        }
        TreeSet<Long> at = new TreeSet<>(List.of(plan.shift().startMs(), plan.shift().endMs()));
        plan.breaks().forEach(b -> {
            at.add(b.when().startMs());
            at.add(b.when().endMs());
        });
        return List.copyOf(at);
    }

    /** What an agent was doing from an instant on. */
    private enum Doing { OUT, WORKING, PAUSED }

    private static boolean busyAt(List<long[]> busy, long atMs) {
        for (long[] span : busy) {
            if (span[0] <= atMs && atMs < span[1]) {
                return true;
            }
        }
        return false;
    }

    private static Agent score(String name, AgentPlan plan, List<StaffingEvent> events, List<long[]> busy) {
        Shift shift = plan.shift();
        long shiftStart = shift.startMs();
        long shiftEnd = shift.endMs();
        // Every instant where the plan or the recording changes, and the pieces between them.
        TreeSet<Long> cuts = new TreeSet<>(changesMs(plan));
        cuts.add(0L);
        cuts.add(24 * 60 * MINUTE_MS);
        events.forEach(e -> cuts.add(Math.max(0, e.atMs())));
        busy.forEach(span -> {
            cuts.add(Math.max(0, span[0]));
            cuts.add(Math.max(0, span[1]));
        });
        long adheringMs = 0;
        long offShiftWorkMs = 0;
        long firstInShift = -1;
        long lastOutInShift = -1;
        Doing doing = Doing.OUT;
        int next = 0;
        long from = -1;
        for (long cut : cuts) {
            if (from >= 0) { // the piece [from, cut): plan and recording both unchanged in it
                long length = cut - from;
                boolean working = doing == Doing.WORKING || busyAt(busy, from);
                Boolean adhering = adheres(planned(plan, from), working);
                if (Boolean.TRUE.equals(adhering)) {
                    adheringMs += length;
                } else if (adhering == null && working) {
                    offShiftWorkMs += length;
                }
            }
            while (next < events.size() && Math.max(0, events.get(next).atMs()) <= cut) {
                StaffingEvent e = events.get(next++);
                doing = switch (e.presence()) {
                    case LOGIN, READY -> Doing.WORKING;
                    case PAUSE -> Doing.PAUSED;
                    case LOGOUT -> Doing.OUT;
                };
                long at = Math.max(0, e.atMs());
                if (doing == Doing.WORKING && firstInShift < 0 && at < shiftEnd) {
                    firstInShift = Math.max(at, shiftStart);
                }
                if (e.presence() == StaffingEvent.Presence.LOGOUT && at >= shiftStart && at < shiftEnd) {
                    lastOutInShift = at;
                } else if (doing != Doing.OUT && at < shiftEnd) {
                    lastOutInShift = -1; // back in before the end
                }
            }
            from = cut;
        }
        long scheduledMs = shiftEnd - shiftStart;
        long lateMs = firstInShift < 0 ? scheduledMs : firstInShift - shiftStart;
        long earlyMs = lastOutInShift < 0 ? 0 : shiftEnd - lastOutInShift;
        return new Agent(name, shift.toString(), scheduledMs / MINUTE_MS, adheringMs / MINUTE_MS, (double) adheringMs / scheduledMs,
                lateMs / MINUTE_MS, earlyMs / MINUTE_MS, offShiftWorkMs / MINUTE_MS);
    }
}
