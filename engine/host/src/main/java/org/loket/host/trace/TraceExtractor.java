package org.loket.host.trace;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.Outcome;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.trace.ContactFollower.Followed;

/**
 * Turns a recorded day of a journal into a trace ({@code docs/trace-format.md}), its staffing and
 * its contact records ({@link ContactRecord}). The trace lets a real day
 * can be simulated again, reactively, against another configuration ({@code loket compare}): what
 * the citizens did (arrival, channel, the queue they chose, time in self-service, how long they
 * waited before giving up, asking for a callback) and what the work took (talk, after-contact work)
 * is kept; what routing decided (which agent, when) is left to the new run.
 * <p>What a journal cannot tell is documented where the rows are made: an answered contact's
 * patience is unknown, only that it was longer than its wait; {@link AnsweredPatience} says what its
 * row gets; transfers are one handling time; contacts that left during self-service and contacts still open at the
 * end have no row (counted in the result). A contact whose citizen is known and whose previous
 * contact of the day did not reach an agent redials that one ({@code redial_of}).
 */
public final class TraceExtractor {
    /** A contact that arrived late in the day may end after midnight: read this far past it. */
    private static final long READ_PAST_DAY_NS = 6 * 3_600_000_000_000L;

    /**
     * @param rows              one per contact that arrived on the day, by arrival
     * @param day               the local day the rows are of
     * @param arrived           contacts that arrived on the day
     * @param leftInSelfService of those, contacts that hung up during self-service (the format has no such row)
     * @param openAtEnd         of those, contacts the journal does not see end
     * @param staffing          the agents' logins, pauses, readies and logouts of the day, by time
     * @param records           every contact that arrived on the day as the journal tells it, by arrival
     * @param busy              per agent name, when it held a contact of the day: {from, to} in ms after the day's
     *                          local midnight, from its acceptance to the end of its after-contact work (a transferred
     *                          contact's first agent until the transfer), by start
     */
    public record Result(List<TraceContact> rows, LocalDate day, long arrived, long leftInSelfService, long openAtEnd,
                         List<StaffingEvent> staffing, List<ContactRecord> records, Map<String, List<long[]>> busy) {
    }

    /** What an answered contact's row gets as patience: the journal only says it exceeded the wait. */
    public enum AnsweredPatience {
        /**
         * A draw from the channel's patience distribution given that it exceeded the contact's wait:
         * Kaplan-Meier over the day's queued contacts (abandons observed, answered ones censored at their
         * wait); past the longest observed abandon, never. Seeded per contact: the same day, the same rows.
         */
        ESTIMATED,
        /** Never abandons (a what-if with fewer agents then understates abandons). */
        NEVER
    }

    private TraceExtractor() {
    }

    /**
     * @param day the local day to take, or null for the day of the journal's first contact or agent login (the whole
     *            journal is read then; with a day only that day and a few hours after it)
     * @throws IllegalArgumentException when the folder holds no journal
     */
    public static Result extract(Path journal, ZoneId zone, LocalDate day) {
        return extract(journal, zone, day, AnsweredPatience.ESTIMATED, 1);
    }

    /**
     * @param answeredPatience what answered contacts' rows get as patience
     * @param seed             the draws of {@link AnsweredPatience#ESTIMATED}
     */
    public static Result extract(Path journal, ZoneId zone, LocalDate day, AnsweredPatience answeredPatience, long seed) {
        Extraction x = new Extraction(zone, day, answeredPatience, seed);
        if (day == null) {
            JournalKpis.forEach(journal, Long.MAX_VALUE, x::accept);
        } else {
            Instant start = day.atStartOfDay(zone).toInstant();
            long endNs = epochNs(day.plusDays(1).atStartOfDay(zone).toInstant()) + READ_PAST_DAY_NS;
            JournalKpis.forEach(journal, start, Long.MAX_VALUE, endNs, x::accept);
        }
        return x.result();
    }

    private static long epochNs(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** What one pass over the journal learns of each contact of the day. */
    private static final class Extraction {
        private final ZoneId zone;
        private LocalDate day;
        private long dayStartNs;
        private long dayEndNs;
        private final ContactFollower follower;
        private final List<Followed> contacts = new ArrayList<>();
        private final AnsweredPatience answeredPatience;
        private final long seed;
        private final List<StaffingEvent> staffing = new ArrayList<>();
        private final java.util.Set<String> staffedAgents = new java.util.HashSet<>();

        Extraction(ZoneId zone, LocalDate day, AnsweredPatience answeredPatience, long seed) {
            this.zone = zone;
            this.answeredPatience = answeredPatience;
            this.seed = seed;
            this.follower = new ContactFollower(zone, null, this::ofTheDay);
            setDay(day);
        }

        private void setDay(LocalDate newDay) {
            day = newDay;
            if (newDay != null) {
                dayStartNs = epochNs(newDay.atStartOfDay(zone).toInstant());
                dayEndNs = epochNs(newDay.plusDays(1).atStartOfDay(zone).toInstant());
            }
        }

        /** An arrival: of the day (the first one sets the day when none was given)? */
        private boolean ofTheDay(Command arrival) {
            if (day == null) {
                setDay(Instant.ofEpochSecond(0, arrival.timestampNs).atZone(zone).toLocalDate());
            }
            return arrival.timestampNs >= dayStartNs && arrival.timestampNs < dayEndNs;
        }

        void accept(Command c, Decision[] decisions, int count) {
            Followed arrived = follower.accept(c, decisions, count);
            if (arrived != null) {
                contacts.add(arrived);
            }
            RoutingConfig config = follower.config();
            if (config == null || Decision.refused(decisions, count)) {
                return;
            }
            boolean presence = c.type == CommandType.AGENT_LOGGED_IN || c.type == CommandType.AGENT_STATE_CHANGED;
            if (day == null && presence) {
                setDay(Instant.ofEpochSecond(0, c.timestampNs).atZone(zone).toLocalDate());
            }
            if (presence
                    && c.timestampNs >= dayStartNs && c.timestampNs < dayEndNs && c.agentId >= 0 && c.agentId < config.agents().size()) {
                staffed(c, config);
            }
        }

        /** An agent's presence command of the day, as a staffing row. */
        private void staffed(Command c, RoutingConfig config) {
            String agent = config.agents().get(c.agentId).name();
            StaffingEvent.Presence presence;
            if (c.type == CommandType.AGENT_LOGGED_IN) {
                presence = StaffingEvent.Presence.LOGIN;
            } else if (c.agentState == org.loket.core.AgentState.READY.code()) {
                presence = StaffingEvent.Presence.READY;
            } else if (c.agentState == org.loket.core.AgentState.PAUSED.code()) {
                presence = StaffingEvent.Presence.PAUSE;
            } else if (c.agentState == org.loket.core.AgentState.LOGGED_OUT.code()) {
                presence = StaffingEvent.Presence.LOGOUT;
            } else {
                return;
            }
            long atMs = (c.timestampNs - dayStartNs) / 1_000_000;
            if (staffedAgents.add(agent) && presence != StaffingEvent.Presence.LOGIN) {
                // Its first change of the day is not a login: it was logged in at midnight already.
                staffing.add(new StaffingEvent(0, 0, agent, StaffingEvent.Presence.LOGIN, ""));
            }
            String reason = presence == StaffingEvent.Presence.PAUSE ? config.pauseReasonName(c.reason) : "";
            staffing.add(new StaffingEvent(0, atMs, agent, presence, reason));
        }

        Result result() {
            List<Followed> seen = new ArrayList<>(contacts);
            seen.sort(Comparator.comparingLong((Followed s) -> s.arrivedNs).thenComparingLong(s -> s.contactId));
            List<TraceContact> rows = new ArrayList<>();
            Map<Long, Followed> lastOfCitizen = new HashMap<>();
            Map<Integer, Patience> patienceByChannel = new HashMap<>();
            if (answeredPatience == AnsweredPatience.ESTIMATED) {
                Map<Integer, List<long[]>> observed = new HashMap<>();
                for (Followed s : seen) {
                    long waitMs = s.waitMs();
                    if (waitMs >= 0) {
                        observed.computeIfAbsent(s.channel, k -> new ArrayList<>()).add(new long[] {waitMs, s.abandoned() ? 1 : 0});
                    }
                }
                observed.forEach((channel, list) -> patienceByChannel.put(channel, new Patience(list)));
            }
            long leftInSelfService = 0;
            long open = 0;
            List<ContactRecord> records = new ArrayList<>();
            Map<String, List<long[]>> busy = new java.util.TreeMap<>();
            for (Followed s : seen) {
                records.add(follower.record(s));
                if (s.agent != null) {
                    long untilNs = s.firstLegEndNs >= 0 ? s.firstLegEndNs : s.wrapUpEndNs >= 0 ? s.wrapUpEndNs
                            : s.endedNs >= 0 ? s.endedNs : dayEndNs + READ_PAST_DAY_NS;
                    busy.computeIfAbsent(s.agent, a -> new ArrayList<>())
                            .add(new long[] {(s.acceptedNs - dayStartNs) / 1_000_000, (untilNs - dayStartNs) / 1_000_000});
                }
                // Trace rows: contacts that ended and reached a queue or an entry's flow.
                if (s.endedNs < 0) {
                    open++;
                    continue;
                }
                if (s.outcome == Outcome.ABANDONED_IN_SELF_SERVICE || (s.queue == null && s.entry == null)) {
                    leftInSelfService++;
                    continue;
                }
                String redialOf = null;
                if (s.citizen != Command.UNKNOWN_CITIZEN) {
                    Followed previous = lastOfCitizen.put(s.citizen, s);
                    if (previous != null && previous.outcome != Outcome.ANSWERED) {
                        redialOf = previous.id();
                    }
                }
                long patienceMs = -1;
                if (s.abandoned()) {
                    patienceMs = s.waitMs();
                } else if (s.outcome == Outcome.ANSWERED && s.callbackNs < 0 && s.waitMs() >= 0 && patienceByChannel.containsKey(s.channel)) {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ s.contactId);
                    patienceMs = patienceByChannel.get(s.channel).drawBeyond(s.waitMs(), random.nextDouble());
                }
                rows.add(row(s, redialOf, patienceMs));
            }
            return new Result(rows, day, seen.size(), leftInSelfService, open, List.copyOf(staffing), List.copyOf(records), busy);
        }

        private TraceContact row(Followed s, String redialOf, long patienceMs) {
            boolean selfServed = s.outcome == Outcome.SELF_SERVED;
            boolean queued = s.queuedNs >= 0;
            // A self-served contact's topic is the queue of the menu branch it was in (the simulator takes the
            // information leaf nearest to that branch, and the reports count it there), else its entry; a
            // queued or turned-away one names its queue, reached as the citizen did.
            String topic = selfServed ? (s.menuQueue != null ? s.menuQueue : s.entry) : s.queue != null ? s.queue : s.entry;
            boolean answered = s.outcome == Outcome.ANSWERED;
            long callbackAfterMs = s.callbackNs >= 0 && queued ? (s.callbackNs - s.queuedNs) / 1_000_000 : -1;
            return new TraceContact(0, (s.arrivedNs - dayStartNs) / 1_000_000, s.id(), Channel.ofCode(s.channel), topic,
                    s.priority, s.language, s.selfServiceMs(), selfServed, patienceMs, answered ? s.talkNs / 1_000_000 : 0, s.wrapUpMs(),
                    redialOf, callbackAfterMs);
        }
    }

    /**
     * Kaplan-Meier estimate of how long contacts of a channel wait before abandoning: abandons are
     * observed patience, answered contacts censored at their wait.
     */
    static final class Patience {
        /** Distinct abandon times (ms), ascending, and the survival just after each. */
        private final long[] timesMs;
        private final double[] survival;

        /** @param observations {wait ms, 1 abandoned / 0 answered} */
        Patience(List<long[]> observations) {
            List<long[]> sorted = new ArrayList<>(observations);
            sorted.sort(Comparator.comparingLong(o -> o[0]));
            List<Long> times = new ArrayList<>();
            List<Double> survivals = new ArrayList<>();
            double s = 1;
            int atRisk = sorted.size();
            for (int i = 0; i < sorted.size();) {
                long t = sorted.get(i)[0];
                int events = 0;
                int leaving = 0;
                while (i < sorted.size() && sorted.get(i)[0] == t) {
                    events += (int) sorted.get(i)[1];
                    leaving++;
                    i++;
                }
                if (events > 0) {
                    s *= 1 - (double) events / atRisk;
                    times.add(t);
                    survivals.add(s);
                }
                atRisk -= leaving;
            }
            timesMs = times.stream().mapToLong(Long::longValue).toArray();
            survival = survivals.stream().mapToDouble(Double::doubleValue).toArray();
        }

        /** P(patience > t). */
        double survivalAt(long tMs) {
            double s = 1;
            for (int i = 0; i < timesMs.length && timesMs[i] <= tMs; i++) {
                s = survival[i];
            }
            return s;
        }

        /**
         * A patience longer than {@code waitMs}, by inverse transform of the survival given that it
         * exceeded the wait; -1 (never) when the draw falls past the longest observed abandon.
         *
         * @param u uniform in [0, 1)
         */
        long drawBeyond(long waitMs, double u) {
            double target = (1 - u) * survivalAt(waitMs);
            for (int i = 0; i < timesMs.length; i++) {
                if (timesMs[i] > waitMs && survival[i] <= target) {
                    return timesMs[i];
                }
            }
            return -1;
        }
    }
}
