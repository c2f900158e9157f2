package org.loket.host.kpi;

import java.util.List;

/**
 * Everything {@link KpiCollector} measured over a journal or a simulated day.
 *
 * @param zone             time zone of the interval clock times
 * @param intervalMinutes  length of an interval
 * @param shortAbandonMs   abandons quicker than this are short abandons
 * @param contacts         contacts that arrived
 * @param refused          arrivals the core refused (reason in the journal)
 * @param openAtEnd        contacts that had not ended when the journal ended (still waiting, talking or in wrap-up)
 * @param totals           all contacts
 * @param queues           per queue, in configuration order
 * @param channels         per channel
 * @param intervals        per interval, in time order, with queue lengths and staffing
 * @param waits            distribution of waits
 * @param agents           per agent who was logged in or took a contact, in roster order (first seen)
 * @param announcements    when the operator's service announcement was set, in time order
 */
public record KpiReport(String zone, int intervalMinutes, long shortAbandonMs, long contacts, long refused, long openAtEnd,
                        Figures totals, List<Figures> queues, List<Figures> channels, List<Interval> intervals,
                        WaitDistribution waits, List<AgentFigures> agents,
                        List<AnnouncementPeriod> announcements) {
    /**
     * A time the operator's service announcement was set (from {@code ANNOUNCEMENT_SET} to the one
     * that cleared or replaced it).
     *
     * @param prompt      the announced prompt's name
     * @param from        when it was set, local clock time "YYYY-MM-DDTHH:MM:SS"
     * @param fromEpochMs the same instant
     * @param to          when it was cleared or replaced, or null: still set when the journal ended
     * @param toEpochMs   the same instant, or null
     * @param heard       contacts told it meanwhile (whether or not they have ended)
     */
    public record AnnouncementPeriod(String prompt, String from, long fromEpochMs, String to, Long toEpochMs, long heard) {
    }

    /**
     * One agent's time and work.
     *
     * @param name          the agent's name
     * @param accepted      offers the agent accepted (transfers to it included)
     * @param handled       answered contacts the agent finished (its conversation ended with them)
     * @param ahtMs         mean handling time (talk from acceptance, plus after-contact work) of those, or null
     * @param transferredOut contacts the agent transferred to a queue or a colleague
     * @param declined      offers the agent declined (the desktop's decline, a phone that rejected the call)
     * @param rangOut       offers that rang out on the agent (not taken in time: the agent was paused {@code no-answer})
     * @param loggedInMs    time logged in (ready, paused or holding contacts)
     * @param staffedMs     time available or holding contacts (the occupancy's denominator)
     * @param heldMs        time holding at least one contact, after-contact work included
     * @param occupancy     heldMs / staffedMs, or null
     * @param pausedMs      time paused (and holding nothing) by reason: the configuration's pause reason
     *                      names, {@code no-answer} (an offer rang out), {@code none} (no reason given)
     */
    public record AgentFigures(String name, long accepted, long handled, Long ahtMs, long transferredOut, long declined, long rangOut,
                               long loggedInMs, long staffedMs, long heldMs, Double occupancy, java.util.Map<String, Long> pausedMs) {
    }

    /**
     * One interval.
     *
     * @param start             local clock time "YYYY-MM-DDTHH:MM"
     * @param startEpochMs      its start
     * @param figures           contacts that joined a queue (or arrived, for self-service figures) in it
     * @param channels          the same per channel
     * @param meanQueueLength   time-weighted mean of contacts waiting (all queues)
     * @param maxQueueLength    most contacts waiting at once
     * @param agentsStaffed     time-weighted mean of agents available or holding contacts
     * @param announcementMs    time in it during which the operator's service announcement was set
     */
    public record Interval(String start, long startEpochMs, Figures figures, List<Figures> channels, double meanQueueLength,
                           int maxQueueLength, double agentsStaffed, long announcementMs) {
    }

    /**
     * Waits in buckets (upper bounds in seconds; the last bucket is open) and percentiles.
     *
     * @param bucketUpperSeconds upper bound of each bucket but the last
     * @param answered           answered contacts per bucket of wait
     * @param abandoned          abandoned contacts per bucket of time waited
     * @param answeredP50Ms      median wait of answered contacts
     * @param answeredP90Ms      90th percentile
     * @param answeredP99Ms      99th percentile
     */
    public record WaitDistribution(List<Integer> bucketUpperSeconds, long[] answered, long[] abandoned, long answeredP50Ms,
                                   long answeredP90Ms, long answeredP99Ms) {
    }

    /** A queue's figures by name, or null. */
    public Figures queue(String name) {
        return queues.stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
    }
}
