package org.loket.host.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.loket.config.AgentPlan;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.host.kpi.Figures;
import org.loket.host.kpi.KpiReport;
import org.loket.host.trace.TraceContact;
import org.loket.host.trace.TraceException;

/**
 * The agents a day needs on top of a roster, found by simulation ({@code loket staff}): simulate
 * the day, take the interval and channel furthest under their service-level target, add one agent
 * like the busiest one of the roster who works then and takes that channel (same skills,
 * capacities, shift and breaks), and simulate again, until every interval and channel with at
 * least {@link #MIN_OFFERED} contacts meets its target or {@code maxAdded} agents were added.
 * Greedy and deterministic: a sufficient roster, not the cheapest one; each step is a full
 * simulation with the core's routing, patience, redials, escalation, breaks and absence.
 * <p>{@link #trim} goes the other way: it takes agents out of a roster, least used first, as long
 * as no interval falls (further) under its target.
 */
public final class RosterSearch {
    /** Intervals (and their channels) with fewer contacts are not judged: a handful of contacts says little. */
    public static final int MIN_OFFERED = 10;

    /**
     * One added agent.
     *
     * @param name     its name: the template's, "-plus-" and a number
     * @param likeAgent the roster agent it copies
     * @param shift    its shift
     * @param neededAt the interval start ("HH:MM") and channel it was added for
     */
    public record Added(String name, String likeAgent, String shift, String neededAt) {
    }

    /**
     * @param added        the agents added, in order
     * @param before       the intervals and channels under target on the roster as given ("HH:MM channel: level / target")
     * @param after        the same on the roster with the agents added (empty when the search met every target)
     * @param unfixable    intervals and channels under target that no agent of the roster could be copied for
     * @param result       the last simulation
     * @param roster       the roster with the agents added
     */
    public record Result(List<Added> added, List<String> before, List<String> after, List<String> unfixable,
                         DaySimulator.Result result, LoadedConfig roster) {
    }

    /**
     * One agent taken out.
     *
     * @param name     the agent
     * @param shift    its shift that day
     * @param accepted contacts it accepted in the simulation before it was taken out
     */
    public record Removed(String name, String shift, long accepted) {
    }

    /**
     * @param removed the agents taken out, in order
     * @param tried   the agents tried (a simulation each), taken out or not
     * @param after   the intervals and channels under target without them (as before the trim, at worst)
     * @param result  the simulation of the trimmed roster
     */
    public record Trimmed(List<Removed> removed, int tried, List<String> after, DaySimulator.Result result, List<Kept> keptForCover) {
    }

    /**
     * An agent kept whatever the simulation said: without it a queue would have fewer agents who
     * qualify for it on seat than the floor ({@code --min-per-queue}) at some minute.
     *
     * @param name  the agent
     * @param where the first queue and minute it covers ("misuse-voice at 19:00")
     */
    public record Kept(String name, String where) {
    }

    private RosterSearch() {
    }

    /**
     * Takes agents out of a roster that day while every interval and channel keeps its target: the
     * agents rostered that day (and not absent), fewest contacts accepted first (later in the roster
     * first on a tie), each tried by simulating the day without it; kept out when no interval and
     * channel with at least {@link #MIN_OFFERED} contacts falls under its target or, one already
     * under it, lower, and no queue with as many falls under its target over the day. Greedy: each
     * removal is judged on top of the ones before. Before any simulation, an agent is kept when
     * without it some queue would have fewer than {@code minPerQueue} agents on seat who qualify for
     * it at some minute (or fewer than the roster had, where it had fewer): a trace that hardly
     * reaches a queue must not strip its cover.
     *
     * @param keep      agents not to try (those {@link #search} just added)
     * @param minPerQueue agents per queue and minute the roster keeps, where it had them (0: no floor)
     * @param maxRemoved most agents to take out
     * @param maxTried  most agents to try (each a full simulation)
     * @param progress  told of each agent taken out
     * @throws TraceException when the configuration cannot follow the trace
     */
    public static Trimmed trim(LoadedConfig roster, List<TraceContact> trace, DaySimulator.Settings settings, Set<String> keep,
                               int minPerQueue, int maxRemoved, int maxTried, Consumer<String> progress) throws TraceException {
        DaySimulator.Result result = new DaySimulator(roster, settings).run(trace, null, null);
        Map<String, Double> under = levelsUnderTarget(result.kpis());
        Map<String, Long> accepted = new HashMap<>();
        result.kpis().agents().forEach(a -> accepted.put(a.name(), a.accepted()));
        Set<Integer> absent = Roster.absent(roster, settings, Set.of());
        List<Integer> candidates = new ArrayList<>();
        for (int a = roster.routing().agents().size() - 1; a >= 0; a--) {
            if (roster.planOn(a, settings.date()) != null && !absent.contains(a) && !keep.contains(roster.routing().agents().get(a).name())) {
                candidates.add(a);
            }
        }
        // Stable: later roster places first among equals.
        candidates.sort(java.util.Comparator.comparingLong(a -> accepted.getOrDefault(roster.routing().agents().get(a).name(), 0L)));
        LoadedConfig config = roster;
        List<Removed> removed = new ArrayList<>();
        List<Kept> kept = new ArrayList<>();
        QueueCoverage cover = new QueueCoverage(roster, settings.date(), absent, minPerQueue);
        int tried = 0;
        for (int candidate : candidates) {
            if (removed.size() >= maxRemoved || tried >= maxTried) {
                break;
            }
            String name = roster.routing().agents().get(candidate).name();
            String shortfall = cover.shortfallWithout(candidate);
            if (shortfall != null) {
                kept.add(new Kept(name, shortfall));
                continue;
            }
            tried++;
            LoadedConfig without = without(config, name);
            DaySimulator.Result trial = new DaySimulator(without, settings).run(trace, null, null);
            if (!worse(levelsUnderTarget(trial.kpis()), under)) {
                config = without;
                result = trial;
                cover.remove(candidate);
                removed.add(new Removed(name, roster.planOn(candidate, settings.date()).toString(), accepted.getOrDefault(name, 0L)));
                progress.accept("took out " + name + " (" + accepted.getOrDefault(name, 0L) + " contacts accepted)");
            }
        }
        return new Trimmed(List.copyOf(removed), tried, underTarget(result.kpis()), result, List.copyOf(kept));
    }

    /**
     * Whether {@code now} has an interval and channel under target that {@code before} had not, or
     * had higher; or a queue under target over the day that was not (a queue already short over the
     * day moves with every change: its intervals are judged instead).
     */
    private static boolean worse(Map<String, Double> now, Map<String, Double> before) {
        for (Map.Entry<String, Double> e : now.entrySet()) {
            Double was = before.get(e.getKey());
            if (was == null || !e.getKey().startsWith("day ") && e.getValue() < was - 1e-12) {
                return true;
            }
        }
        return false;
    }

    /**
     * The service level of each interval and channel (with enough contacts) under its target, by
     * "HH:MM channel", and of each queue over the day, by "day queue": a channel's intervals can meet
     * their target while a small queue of it (misuse, say) no longer has anyone to answer.
     */
    private static Map<String, Double> levelsUnderTarget(KpiReport kpis) {
        Map<String, Double> levels = new HashMap<>();
        for (Figures queue : kpis.queues()) {
            if (queue.offered() >= MIN_OFFERED && queue.underTarget()) {
                levels.put("day " + queue.name(), orZero(queue.serviceLevel()));
            }
        }
        for (KpiReport.Interval interval : kpis.intervals()) {
            for (Figures channel : interval.channels()) {
                if (channel.offered() >= MIN_OFFERED && channel.underTarget()) {
                    levels.put(clock(interval) + " " + channel.name(), orZero(channel.serviceLevel()));
                }
            }
        }
        return levels;
    }

    /** {@code config} without the agent named {@code name} (and its plan). */
    static LoadedConfig without(LoadedConfig config, String name) {
        RoutingConfig r = config.routing();
        List<AgentSpec> agents = new ArrayList<>(r.agents());
        List<AgentPlan> plans = new ArrayList<>(config.plans());
        for (int a = 0; a < agents.size(); a++) {
            if (agents.get(a).name().equals(name)) {
                agents.remove(a);
                plans.remove(a);
                break;
            }
        }
        return withAgents(config, agents, plans);
    }

    /**
     * @param maxAdded most agents to add
     * @param progress told of each agent added
     * @throws TraceException when the configuration cannot follow the trace
     */
    public static Result search(LoadedConfig roster, List<TraceContact> trace, DaySimulator.Settings settings, int maxAdded,
                                Consumer<String> progress) throws TraceException {
        LoadedConfig config = roster;
        List<Added> added = new ArrayList<>();
        Set<String> unfixable = new java.util.TreeSet<>();
        DaySimulator.Result result = new DaySimulator(config, settings).run(trace, null, null);
        List<String> before = underTarget(result.kpis());
        while (added.size() < maxAdded) {
            Shortfall worst = worst(result.kpis(), unfixable);
            if (worst == null) {
                break;
            }
            int template = template(config, roster.routing().agents().size(), result.kpis(), worst, settings);
            if (template < 0) {
                unfixable.add(worst.key());
                continue;
            }
            String name = config.routing().agents().get(template).name() + "-plus-" + (added.size() + 1);
            config = withCopy(config, template, name);
            added.add(new Added(name, config.routing().agents().get(template).name(), config.plans().get(template).toString(),
                    worst.key()));
            progress.accept("added " + name + " for " + worst.key() + " (" + percent(worst.level) + " of " + percent(worst.target) + ")");
            result = new DaySimulator(config, settings).run(trace, null, null);
        }
        return new Result(List.copyOf(added), before, underTarget(result.kpis()), List.copyOf(unfixable), result, config);
    }

    /** An interval's channel under its target. */
    private record Shortfall(String start, String channel, int minute, double level, double target) {
        String key() {
            return start + " " + channel;
        }
    }

    /** Of the intervals' channels with enough contacts, the one furthest under target (earliest on a tie), or null. */
    private static Shortfall worst(KpiReport kpis, Set<String> skip) {
        Shortfall worst = null;
        for (KpiReport.Interval interval : kpis.intervals()) {
            String start = clock(interval);
            int minute = Integer.parseInt(start.substring(0, 2)) * 60 + Integer.parseInt(start.substring(3));
            for (Figures channel : interval.channels()) {
                Shortfall s = new Shortfall(start, channel.name(), minute, orZero(channel.serviceLevel()), orZero(channel.serviceLevelTarget()));
                if (channel.offered() >= MIN_OFFERED && channel.underTarget() && !skip.contains(s.key())
                        && (worst == null || s.target - s.level > worst.target - worst.level + 1e-12)) {
                    worst = s;
                }
            }
        }
        return worst;
    }

    private static List<String> underTarget(KpiReport kpis) {
        List<String> lines = new ArrayList<>();
        for (KpiReport.Interval interval : kpis.intervals()) {
            String start = clock(interval);
            for (Figures channel : interval.channels()) {
                if (channel.offered() >= MIN_OFFERED && channel.underTarget()) {
                    lines.add(start + " " + channel.name() + ": " + percent(orZero(channel.serviceLevel())) + " / "
                            + percent(orZero(channel.serviceLevelTarget())));
                }
            }
        }
        return lines;
    }

    /**
     * The agent of the roster as given (the first {@code rostered}: copies are never copied) to copy
     * for a shortfall: works at its interval (on shift, not on a planned break, not absent), can take
     * its channel and serves one of its queues; the one who accepted most contacts that day (then the
     * first in the roster); -1 when none.
     */
    private static int template(LoadedConfig config, int rostered, KpiReport kpis, Shortfall s, DaySimulator.Settings settings) {
        RoutingConfig routing = config.routing();
        Channel channel = Channel.valueOf(s.channel.toUpperCase(java.util.Locale.ROOT));
        Map<String, Long> accepted = new HashMap<>();
        kpis.agents().forEach(a -> accepted.put(a.name(), a.accepted()));
        Set<Integer> absent = Roster.absent(config, settings, Set.of());
        int best = -1;
        for (int a = 0; a < rostered; a++) {
            AgentSpec agent = routing.agents().get(a);
            if (absent.contains(a) || agent.capacityPerChannel()[channel.code()] == 0
                    || Roster.onSeatMinutes(config, a, settings.date(), s.minute, s.minute + 15) == 0 || !Roster.servesChannel(routing, agent, channel)) {
                continue;
            }
            if (best < 0 || accepted.getOrDefault(agent.name(), 0L) > accepted.getOrDefault(routing.agents().get(best).name(), 0L)) {
                best = a;
            }
        }
        return best;
    }

    /** {@code config} with one more agent, a copy of agent {@code template} (its plan too) named {@code name}. */
    static LoadedConfig withCopy(LoadedConfig config, int template, String name) {
        RoutingConfig r = config.routing();
        AgentSpec like = r.agents().get(template);
        List<AgentSpec> agents = new ArrayList<>(r.agents());
        agents.add(new AgentSpec(name, like.skillLevels().clone(), like.capacityPerChannel().clone()));
        List<AgentPlan> plans = new ArrayList<>(config.plans());
        plans.add(config.plans().get(template));
        return withAgents(config, agents, plans);
    }

    private static LoadedConfig withAgents(LoadedConfig config, List<AgentSpec> agents, List<AgentPlan> plans) {
        RoutingConfig r = config.routing();
        RoutingConfig routing = new RoutingConfig(r.version(), r.skills(), r.languages(), r.prompts(), r.queues(), agents, r.entries(),
                r.flowNodes(), r.maxLiveContacts(), r.pauseReasons(), r.wrapUpCodes());
        return config.with(routing, plans);
    }

    /** An interval's local clock time, "HH:MM" (its start is "YYYY-MM-DDTHH:MM"). */
    private static String clock(KpiReport.Interval interval) {
        return interval.start().substring(interval.start().length() - 5);
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }

    private static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.1f %%", share * 100);
    }

    /**
     * The added agents by roster group (the copied agent's name without its "-NNN" number) and shift,
     * in order of first addition: what an operator raises a shift's {@code count} by.
     */
    public static Map<String, Integer> byGroupAndShift(List<Added> added) {
        Map<String, Integer> groups = new LinkedHashMap<>();
        for (Added a : added) {
            groups.merge(group(a.likeAgent()) + " " + a.shift(), 1, Integer::sum);
        }
        return groups;
    }

    /** The removed agents by roster group and shift, in order of first removal: what an operator lowers a shift's {@code count} by. */
    public static Map<String, Integer> removedByGroupAndShift(List<Removed> removed) {
        Map<String, Integer> groups = new LinkedHashMap<>();
        for (Removed a : removed) {
            groups.merge(group(a.name()) + " " + a.shift(), 1, Integer::sum);
        }
        return groups;
    }

    /** A roster group's name from one of its agents' ("generalist-012" -> "generalist"). */
    private static String group(String agentName) {
        return agentName.replaceFirst("-\\d+$", "");
    }
}
