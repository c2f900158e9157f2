package org.loket.host.trace;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.Outcome;
import org.loket.host.kpi.JournalKpis;

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
    private static final java.time.format.DateTimeFormatter LOCAL_TIME = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");

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
        private RoutingConfig config;
        private final Map<Long, Seen> contacts = new LinkedHashMap<>();
        private final AnsweredPatience answeredPatience;
        private final long seed;
        private final List<StaffingEvent> staffing = new ArrayList<>();
        private final java.util.Set<String> staffedAgents = new java.util.HashSet<>();

        Extraction(ZoneId zone, LocalDate day, AnsweredPatience answeredPatience, long seed) {
            this.zone = zone;
            this.answeredPatience = answeredPatience;
            this.seed = seed;
            setDay(day);
        }

        private void setDay(LocalDate newDay) {
            day = newDay;
            if (newDay != null) {
                dayStartNs = epochNs(newDay.atStartOfDay(zone).toInstant());
                dayEndNs = epochNs(newDay.plusDays(1).atStartOfDay(zone).toInstant());
            }
        }

        void accept(Command c, Decision[] decisions, int count) {
            boolean rejected = Decision.refused(decisions, count);
            if (rejected) {
                return;
            }
            if (c.type == CommandType.CONFIG_APPLIED && c.payload != null) {
                config = RoutingConfigCodec.decode(c.payload);
            }
            if (config == null) {
                return;
            }
            boolean presence = c.type == CommandType.AGENT_LOGGED_IN || c.type == CommandType.AGENT_STATE_CHANGED;
            if (day == null && (presence || c.type == CommandType.CONTACT_ARRIVED)) {
                setDay(Instant.ofEpochSecond(0, c.timestampNs).atZone(zone).toLocalDate());
            }
            if (presence
                    && c.timestampNs >= dayStartNs && c.timestampNs < dayEndNs && c.agentId >= 0 && c.agentId < config.agents().size()) {
                staffed(c);
            }
            if (c.type == CommandType.CONTACT_ARRIVED) {
                if (c.timestampNs >= dayStartNs && c.timestampNs < dayEndNs) {
                    Seen s = new Seen(c.contactId, c.timestampNs, c.channel, c.priority, c.citizenPseudonym);
                    s.entry = c.entryId >= 0 && c.entryId < config.entries().size() ? config.entries().get(c.entryId).name() : null;
                    s.language = language(c.languageId);
                    contacts.put(c.contactId, s);
                }
            }
            Seen s = contacts.get(c.contactId);
            if (s != null) {
                switch (c.type) {
                    case OFFER_ACCEPTED -> {
                        s.talkFromNs = c.timestampNs;
                        if (s.acceptedNs < 0) {
                            s.acceptedNs = c.timestampNs;
                            s.agent = c.agentId >= 0 && c.agentId < config.agents().size() ? config.agents().get(c.agentId).name() : null;
                        }
                    }
                    case WRAP_UP_DONE -> {
                        s.wrapUpEnded(c.timestampNs);
                        if (c.reason >= 0 && s.outcome == Outcome.ANSWERED) {
                            s.wrapUpCode = config.wrapUpCodeLabel(c.reason);
                        }
                    }
                    default -> {
                    }
                }
            }
            for (int i = 0; i < count; i++) {
                decided(decisions[i]);
            }
        }

        private void decided(Decision d) {
            Seen s = d.contactId >= 0 ? contacts.get(d.contactId) : null;
            if (s == null) {
                return;
            }
            switch (d.type) {
                case PLAY_PROMPT -> {
                    s.language = d.languageId >= 0 ? language(d.languageId) : s.language;
                    if ((d.flags & Decision.FLAG_FINAL) == 0 && d.nodeId >= 0 && d.nodeId < config.flowNodes().size()) {
                        s.menuQueue = queueName(config.flowNodes().get(d.nodeId).queueFor(s.channel)); // the branch it is in
                    }
                }
                case QUEUE_CONTACT -> {
                    if (s.queuedNs < 0) {
                        s.queuedNs = d.timestampNs;
                        s.queue = queueName(d.queueId);
                    }
                }
                case CALLBACK_SCHEDULED -> s.callbackNs = s.callbackNs < 0 ? d.timestampNs : s.callbackNs;
                case TRANSFER_CONTACT -> {
                    s.talkNs += d.timestampNs - s.talkFromNs;
                    s.transfers++;
                    s.firstLegEndNs = s.firstLegEndNs < 0 ? d.timestampNs : s.firstLegEndNs;
                }
                case END_CONTACT -> {
                    s.endedNs = d.timestampNs;
                    s.outcome = d.outcome;
                    s.lastQueue = queueName(d.queueId);
                    if (d.outcome == Outcome.ANSWERED) {
                        s.talkNs += d.timestampNs - s.talkFromNs;
                    }
                    if (s.queue == null) {
                        s.queue = queueName(d.queueId); // turned away at a queue before joining it
                    }
                }
                case AGENT_STATE -> s.wrapUpEnded(d.timestampNs); // the wrap-up limit (or a no-answer before the end: ignored)
                default -> {
                }
            }
        }

        /** An agent's presence command of the day, as a staffing row. */
        private void staffed(Command c) {
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

        private String language(int id) {
            return id >= 0 && id < config.languages().size() ? config.languages().get(id) : null;
        }

        private String queueName(int id) {
            return id >= 0 && id < config.queues().size() ? config.queues().get(id).name() : null;
        }

        Result result() {
            List<Seen> seen = new ArrayList<>(contacts.values());
            seen.sort(Comparator.comparingLong((Seen s) -> s.arrivedNs).thenComparingLong(s -> s.contactId));
            List<TraceContact> rows = new ArrayList<>();
            Map<Long, Seen> lastOfCitizen = new HashMap<>();
            Map<Integer, Patience> patienceByChannel = new HashMap<>();
            if (answeredPatience == AnsweredPatience.ESTIMATED) {
                Map<Integer, List<long[]>> observed = new HashMap<>();
                for (Seen s : seen) {
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
            for (Seen s : seen) {
                records.add(record(s));
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
                    Seen previous = lastOfCitizen.put(s.citizen, s);
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

        private ContactRecord record(Seen s) {
            boolean queued = s.queuedNs >= 0;
            boolean ended = s.endedNs >= 0;
            long waitEndNs = s.acceptedNs >= 0 ? s.acceptedNs : s.endedNs;
            long waitMs = queued && waitEndNs >= s.queuedNs ? (waitEndNs - s.queuedNs) / 1_000_000 : -1;
            return new ContactRecord(s.id(), s.citizen == Command.UNKNOWN_CITIZEN ? "" : org.loket.host.gateway.Pseudonyms.text(s.citizen),
                    Channel.ofCode(s.channel).name().toLowerCase(java.util.Locale.ROOT), orEmpty(s.entry), orEmpty(s.language),
                    local(s.arrivedNs), s.selfServiceMs(), orEmpty(s.queue), orEmpty(s.lastQueue), waitMs, orEmpty(s.agent),
                    s.talkNs / 1_000_000, s.wrapUpMs(), orEmpty(s.wrapUpCode), s.transfers, s.callbackNs >= 0,
                    ended ? Outcome.name(s.outcome).toLowerCase(java.util.Locale.ROOT) : "open", ended ? local(s.endedNs) : "");
        }

        private String local(long epochNs) {
            return java.time.LocalDateTime.ofInstant(Instant.ofEpochSecond(0, epochNs), zone).format(LOCAL_TIME);
        }

        private static String orEmpty(String value) {
            return value == null ? "" : value;
        }

        private TraceContact row(Seen s, String redialOf, long patienceMs) {
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

    /** One contact as the journal showed it. */
    private static final class Seen {
        final long contactId;
        final long arrivedNs;
        final int channel;
        final int priority;
        final long citizen;
        String entry;
        String language;
        String queue;
        /** The queue the menu branch it was last in serves for its channel, or null. */
        String menuQueue;
        /** The queue it ended in, the first agent who took it, the code its last agent wrapped up with. */
        String lastQueue;
        String agent;
        String wrapUpCode;
        int transfers;
        /** When its first agent handed it on (its first transfer), or -1. */
        long firstLegEndNs = -1;
        long queuedNs = -1;
        long acceptedNs = -1;
        long talkFromNs;
        long talkNs;
        long callbackNs = -1;
        long endedNs = -1;
        long wrapUpEndNs = -1;
        int outcome = -1;

        Seen(long contactId, long arrivedNs, int channel, int priority, long citizen) {
            this.contactId = contactId;
            this.arrivedNs = arrivedNs;
            this.channel = channel;
            this.priority = priority;
            this.citizen = citizen;
        }

        /** Abandoned while waiting in a queue (not after asking for a callback): its patience ran out. */
        boolean abandoned() {
            return outcome == Outcome.ABANDONED && queuedNs >= 0 && callbackNs < 0;
        }

        /**
         * How long it waited in its queue before it ran out of patience (abandoned), or until it was
         * seen still waiting for the last time (asked for a callback, taken by an agent, closed by an
         * escalation step: its patience was longer), or -1 when nothing says anything of its patience.
         */
        long waitMs() {
            if (queuedNs < 0) {
                return -1;
            }
            if (abandoned()) {
                return (endedNs - queuedNs) / 1_000_000;
            }
            // Still there when asked for a callback, taken by an agent, or closed by a step: patience longer.
            long stillThereNs = callbackNs >= 0 ? callbackNs : outcome == Outcome.ANSWERED ? acceptedNs
                    : outcome == Outcome.DEFLECTED ? endedNs : -1;
            return stillThereNs >= queuedNs ? (stillThereNs - queuedNs) / 1_000_000 : -1;
        }

        /** From arrival to joining a queue, or to the end when it joined none (0 while open). */
        long selfServiceMs() {
            long untilNs = queuedNs >= 0 ? queuedNs : endedNs;
            return untilNs >= 0 ? (untilNs - arrivedNs) / 1_000_000 : 0;
        }

        /** The after-contact work of the agent who ended it answered, or 0. */
        long wrapUpMs() {
            return outcome == Outcome.ANSWERED && wrapUpEndNs >= endedNs ? (wrapUpEndNs - endedNs) / 1_000_000 : 0;
        }

        /** The first end of after-contact work once the contact ended answered. */
        void wrapUpEnded(long atNs) {
            if (outcome == Outcome.ANSWERED && wrapUpEndNs < 0) {
                wrapUpEndNs = atNs;
            }
        }

        /** The row's contact id: the journal's, so a row can be looked up in the recorded day. */
        String id() {
            return "j" + contactId;
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
