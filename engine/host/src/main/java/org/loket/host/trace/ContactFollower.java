package org.loket.host.trace;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.ReleaseReason;
import org.loket.host.gateway.Pseudonyms;

/**
 * Follows contacts through a journal's commands and decisions (in journal order) and tells each as
 * a {@link ContactRecord}: where it arrived, the queue it joined, who took it, how it ended, the
 * wrap-up code. The one reading of the journal behind {@code loket trace extract}'s contact records
 * ({@link TraceExtractor}) and the desktop's earlier contacts of a citizen ({@link CitizenHistory}).
 * <p>Which contacts it follows is the caller's choice at their arrival; a followed contact stays
 * until {@link #forget}. Commands the core refused change nothing. Not thread-safe.
 */
final class ContactFollower {
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");

    private final ZoneId zone;
    private final Predicate<Command> follow;
    private final Map<Long, Followed> contacts = new HashMap<>();
    private RoutingConfig config;

    /**
     * @param zone     the zone of the records' local times
     * @param config   the configuration in force before the first command, or null when the stream brings it
     * @param follow   asked at each {@code CONTACT_ARRIVED} the core accepted: follow this one?
     */
    ContactFollower(ZoneId zone, RoutingConfig config, Predicate<Command> follow) {
        this.zone = zone;
        this.config = config;
        this.follow = follow;
    }

    /**
     * Feeds one command with the decisions it caused.
     *
     * @return the contact that arrived with this command and is now followed, else null
     */
    Followed accept(Command c, Decision[] decisions, int count) {
        if (Decision.refused(decisions, count)) {
            return null;
        }
        if (c.type == CommandType.CONFIG_APPLIED && c.payload != null) {
            config = RoutingConfigCodec.decode(c.payload);
        }
        if (config == null) {
            return null;
        }
        Followed arrived = null;
        if (c.type == CommandType.CONTACT_ARRIVED && follow.test(c)) {
            arrived = new Followed(c.contactId, c.timestampNs, c.channel, c.priority, c.citizenPseudonym);
            arrived.entry = c.entryId >= 0 && c.entryId < config.entries().size() ? config.entries().get(c.entryId).name() : null;
            arrived.language = language(c.languageId);
            contacts.put(c.contactId, arrived);
        }
        Followed s = contacts.get(c.contactId);
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
        return arrived;
    }

    private void decided(Decision d) {
        Followed s = d.contactId >= 0 ? contacts.get(d.contactId) : null;
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
            case TRANSFER_RELEASED -> {
                if (d.reason == ReleaseReason.RETURNED && s.transfers == 1) {
                    // The first agent's introduction was left by the colleague: the call is theirs again (and back in
                    // its queue, which END_CONTACT will name): their conversation did not end at that transfer.
                    s.firstLegEndNs = -1;
                }
            }
            case AGENT_STATE -> s.wrapUpEnded(d.timestampNs); // the wrap-up limit (or a no-answer before the end: ignored)
            default -> {
            }
        }
    }

    /** The followed contact with this id, or null. */
    Followed get(long contactId) {
        return contacts.get(contactId);
    }

    /** Stops following a contact (its record can still be made from the {@link Followed} kept elsewhere). */
    void forget(long contactId) {
        contacts.remove(contactId);
    }

    /** The configuration in force at the last command fed, or null before one. */
    RoutingConfig config() {
        return config;
    }

    /** The contact as its record tells it now (an open one says {@code open}). */
    ContactRecord record(Followed s) {
        boolean queued = s.queuedNs >= 0;
        boolean ended = s.endedNs >= 0;
        long waitEndNs = s.acceptedNs >= 0 ? s.acceptedNs : s.endedNs;
        long waitMs = queued && waitEndNs >= s.queuedNs ? (waitEndNs - s.queuedNs) / 1_000_000 : -1;
        return new ContactRecord(s.id(), s.citizen == Command.UNKNOWN_CITIZEN ? "" : Pseudonyms.text(s.citizen),
                Channel.ofCode(s.channel).name().toLowerCase(Locale.ROOT), orEmpty(s.entry), orEmpty(s.language),
                local(s.arrivedNs), s.selfServiceMs(), orEmpty(s.queue), orEmpty(s.lastQueue), waitMs, orEmpty(s.agent),
                s.talkNs / 1_000_000, s.wrapUpMs(), orEmpty(s.wrapUpCode), s.transfers, s.callbackNs >= 0,
                ended ? Outcome.name(s.outcome).toLowerCase(Locale.ROOT) : "open", ended ? local(s.endedNs) : "");
    }

    private String local(long epochNs) {
        return java.time.LocalDateTime.ofInstant(Instant.ofEpochSecond(0, epochNs), zone).format(LOCAL_TIME);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private String language(int id) {
        return id >= 0 && id < config.languages().size() ? config.languages().get(id) : null;
    }

    private String queueName(int id) {
        return id >= 0 && id < config.queues().size() ? config.queues().get(id).name() : null;
    }

    /** One contact as the journal showed it so far. Names are those in force when each event happened. */
    static final class Followed {
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
        /** When its first agent handed it on (its first transfer; not an introduction given back to them), or -1. */
        long firstLegEndNs = -1;
        long queuedNs = -1;
        long acceptedNs = -1;
        long talkFromNs;
        long talkNs;
        long callbackNs = -1;
        long endedNs = -1;
        long wrapUpEndNs = -1;
        int outcome = -1;

        Followed(long contactId, long arrivedNs, int channel, int priority, long citizen) {
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
}
