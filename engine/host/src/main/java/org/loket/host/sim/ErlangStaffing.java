package org.loket.host.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.host.trace.TraceContact;

/**
 * A first cut of how many voice agents a day needs, by Erlang C, against how many the roster has on
 * seat: {@code loket erlang}. Per 15-minute interval of the trace's day: the voice contacts that
 * join a queue then (first attempts only: Erlang C knows no abandonment, so no redials), their
 * mean handling time (talk plus wrap-up), the offered load in Erlang, and the fewest agents that
 * reach the interval's service-level target (its contacts' queues' {@code serviceLevelPercent}
 * within {@code serviceLevelSeconds}, weighted by contacts). All voice queues are pooled as if every
 * voice agent took every voice call, which a skilled roster does not: read "needed" as a lower
 * bound, and simulate ({@code loket simulate}) for the honest figure with skills, patience,
 * redials and escalation. Contacts that would join a queue outside its business hours on the
 * settings' date are turned away and not counted. On seat: the voice agents of the roster on shift
 * and not on a planned break, time-weighted over the interval, without those {@code --absence}
 * keeps home.
 */
public final class ErlangStaffing {
    /** Interval length, minutes: the report's. */
    public static final int INTERVAL_MINUTES = 15;
    private static final int INTERVALS = 24 * 60 / INTERVAL_MINUTES;
    /** No interval asks for more than this many agents (a load past it is reported as needing it). */
    static final int MAX_AGENTS = 100_000;

    /**
     * One interval.
     *
     * @param start       local clock time "HH:MM"
     * @param offered     voice contacts that join a queue in it
     * @param ahtSeconds  their mean talk plus wrap-up time
     * @param erlangs     offered load: contacts x AHT / interval length
     * @param target      service-level target (0..1), weighted by contacts
     * @param thresholdSeconds service-level threshold, weighted by contacts
     * @param needed      fewest agents that reach the target by Erlang C (0 without contacts)
     * @param serviceLevel the service level Erlang C gives with {@code onSeat} agents (rounded down), or null without contacts
     * @param onSeat      mean voice agents on seat, as the roster plans
     */
    public record Interval(String start, long offered, double ahtSeconds, double erlangs, double target, double thresholdSeconds,
                           int needed, Double serviceLevel, double onSeat) {
        /** Whether the roster has fewer agents on seat than Erlang C asks for. */
        public boolean isShort() {
            return onSeat < needed;
        }
    }

    /**
     * @param intervals   the day's intervals from the first to the last with contacts or agents on seat
     * @param voiceAgents rostered agents who can take voice calls
     * @param absent      of those, the ones kept home
     * @param unresolved  voice rows whose topic is an entry with a menu (their queue, and so their target, is
     *                    the one the day's other contacts have on average)
     * @param outsideHours voice rows that would join their queue while it is closed on the settings' date
     *                    (turned away, as in the simulator: not counted)
     */
    public record Result(List<Interval> intervals, int voiceAgents, int absent, long unresolved, long outsideHours) {
        public List<Interval> shortIntervals() {
            return intervals.stream().filter(Interval::isShort).toList();
        }
    }

    private ErlangStaffing() {
    }

    /** Erlang C: the probability that a contact waits, with {@code agents} agents and {@code erlangs} offered; 1 when agents do not exceed the load. */
    public static double probabilityOfWaiting(int agents, double erlangs) {
        if (agents <= erlangs) {
            return 1;
        }
        double blocking = 1; // Erlang B by its recursion: stable for any roster size
        for (int k = 1; k <= agents; k++) {
            blocking = erlangs * blocking / (k + erlangs * blocking);
        }
        return agents * blocking / (agents - erlangs * (1 - blocking));
    }

    /** Erlang C's share of contacts answered within {@code thresholdSeconds}. */
    public static double serviceLevel(int agents, double erlangs, double ahtSeconds, double thresholdSeconds) {
        if (agents <= erlangs) {
            return 0;
        }
        return 1 - probabilityOfWaiting(agents, erlangs) * Math.exp(-(agents - erlangs) * thresholdSeconds / ahtSeconds);
    }

    /** The fewest agents whose Erlang C service level reaches {@code target}; 0 without load. */
    public static int agentsNeeded(double erlangs, double ahtSeconds, double thresholdSeconds, double target) {
        if (erlangs <= 0) {
            return 0;
        }
        for (int agents = (int) Math.floor(erlangs) + 1; agents < MAX_AGENTS; agents++) {
            if (serviceLevel(agents, erlangs, ahtSeconds, thresholdSeconds) >= target) {
                return agents;
            }
        }
        return MAX_AGENTS;
    }

    /** The day of {@code trace} (times after local midnight, as the simulator reads them) against {@code loaded}'s roster. */
    public static Result estimate(LoadedConfig loaded, List<TraceContact> trace, DaySimulator.Settings settings) {
        RoutingConfig config = loaded.routing();
        Map<String, Integer> queueOfTopic = new HashMap<>();
        for (int q = 0; q < config.queues().size(); q++) {
            queueOfTopic.put(config.queues().get(q).name(), q);
        }
        for (EntrySpec entry : config.entries()) {
            if (entry.flowNodeId() < 0 && entry.queueId() >= 0) {
                queueOfTopic.putIfAbsent(entry.name(), entry.queueId());
            }
        }
        long[] offered = new long[INTERVALS];
        double[] workSeconds = new double[INTERVALS];
        double[] targets = new double[INTERVALS];
        double[] thresholds = new double[INTERVALS];
        long[] resolved = new long[INTERVALS];
        long unresolved = 0;
        long closed = 0;
        double dayTarget = 0;
        double dayThreshold = 0;
        long dayResolved = 0;
        for (TraceContact row : trace) {
            if (row.channel() != Channel.VOICE || row.selfServed() || row.redialOf() != null) {
                continue;
            }
            long joinMs = row.arrivalMs() + Math.max(0, row.selfServiceMs());
            int i = (int) Math.min(INTERVALS - 1, Math.max(0, joinMs / (INTERVAL_MINUTES * 60_000L)));
            Integer queue = queueOfTopic.get(row.topic());
            // Turned away by the business hours (as the simulator does): no agent is needed for it.
            org.loket.config.Shift open = queue == null ? loaded.hours().on(settings.date())
                    : loaded.hours().on(config.queues().get(queue).name(), settings.date());
            if (open == null || !open.covers((int) (joinMs / 60_000))) {
                closed++;
                continue;
            }
            offered[i]++;
            workSeconds[i] += (Math.max(0, row.handleMs()) + Math.max(0, row.wrapUpMs())) / 1000.0;
            if (queue == null || config.queues().get(queue).channel() != Channel.VOICE) {
                unresolved++;
                continue;
            }
            QueueSpec spec = config.queues().get(queue);
            targets[i] += spec.serviceLevelTargetPercent() / 100.0;
            thresholds[i] += spec.serviceLevelMs() / 1000.0;
            resolved[i]++;
            dayTarget += spec.serviceLevelTargetPercent() / 100.0;
            dayThreshold += spec.serviceLevelMs() / 1000.0;
            dayResolved++;
        }
        double meanTarget = dayResolved == 0 ? 0.8 : dayTarget / dayResolved;
        double meanThreshold = dayResolved == 0 ? 40 : dayThreshold / dayResolved;

        List<Integer> voiceAgents = new ArrayList<>();
        for (int a = 0; a < config.agents().size(); a++) {
            if (loaded.planOn(a, settings.date()) != null && Roster.servesChannel(config, config.agents().get(a), Channel.VOICE)) {
                voiceAgents.add(a);
            }
        }
        Set<Integer> absent = Roster.absent(loaded, settings, Set.of());
        double[] seated = new double[INTERVALS];
        int first = INTERVALS;
        int last = -1;
        for (int i = 0; i < INTERVALS; i++) {
            int from = i * INTERVAL_MINUTES;
            for (int a : voiceAgents) {
                if (!absent.contains(a)) {
                    seated[i] += Roster.onSeatMinutes(loaded, a, settings.date(), from, from + INTERVAL_MINUTES) / (double) INTERVAL_MINUTES;
                }
            }
            if (offered[i] > 0 || seated[i] > 0) {
                first = Math.min(first, i);
                last = i;
            }
        }
        List<Interval> intervals = new ArrayList<>();
        for (int i = first; i <= last; i++) { // every interval between, a gap in the staffing included
            int from = i * INTERVAL_MINUTES;
            double onSeat = seated[i];
            long unresolvedHere = offered[i] - resolved[i];
            double target = offered[i] == 0 ? meanTarget : (targets[i] + unresolvedHere * meanTarget) / offered[i];
            double threshold = offered[i] == 0 ? meanThreshold : (thresholds[i] + unresolvedHere * meanThreshold) / offered[i];
            double aht = offered[i] == 0 ? 0 : workSeconds[i] / offered[i];
            double erlangs = workSeconds[i] / (INTERVAL_MINUTES * 60.0);
            int needed = agentsNeeded(erlangs, aht, threshold, target);
            Double level = offered[i] == 0 ? null : serviceLevel((int) Math.floor(onSeat + 1e-9), erlangs, aht, threshold);
            intervals.add(new Interval(org.loket.config.Shift.clock(from), offered[i], aht, erlangs, target, threshold, needed, level, onSeat));
        }
        int absentVoice = (int) voiceAgents.stream().filter(absent::contains).count();
        return new Result(intervals, voiceAgents.size(), absentVoice, unresolved, closed);
    }
}
