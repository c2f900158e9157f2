package org.loket.telephony;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import java.util.concurrent.atomic.AtomicLong;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.command.CommandType;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the adapter knows about calls in flight, shared by the AGI sessions (one virtual thread
 * each), the AMI reader thread and the egress thread: live sessions by contact id and by Asterisk
 * unique id, callers waiting for a callback (their real number, in memory only, never journaled),
 * a waiting-list board for position announcements, and the counters. Thread-safe; never blocks.
 */
final class Calls {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);
    /** One command to publish; the filler copies it into the ring's slot. */
    /** @param citizen the caller's pseudonym (CONTACT_ARRIVED only) */
    record Out(CommandType type, long contactId, int agentId, int entryId, int input, int agentState, int reason, long citizen) {
        Out(CommandType type, long contactId, int agentId, int entryId, int input, int agentState, int reason) {
            this(type, contactId, agentId, entryId, input, agentState, reason, org.loket.core.command.Command.UNKNOWN_CITIZEN);
        }

        static Out of(CommandType type, long contactId) {
            return new Out(type, contactId, -1, -1, -1, -1, -1);
        }

        static Out offer(CommandType type, long contactId, int agentId) {
            return new Out(type, contactId, agentId, -1, -1, -1, -1);
        }
    }

    static final CommandFiller<Out> FILL = (c, o) -> {
        c.type = o.type;
        c.contactId = o.contactId;
        c.agentId = o.agentId;
        c.entryId = o.entryId;
        c.input = o.input;
        c.agentState = o.agentState;
        c.reason = o.reason;
        c.citizenPseudonym = o.citizen;
        if (o.type == CommandType.CONTACT_ARRIVED || o.type == CommandType.AGENT_CHANNEL_SET) {
            c.channel = Channel.VOICE.code();
        }
    };

    /** A caller who asked to be called back: where to ring, known only to this process. */
    record Callback(String number, String pseudonym) {
    }

    final ConcurrentHashMap<Long, CallSession> byContact = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, CallSession> byUniqueId = new ConcurrentHashMap<>();
    final ConcurrentHashMap<Long, Callback> callbacks = new ConcurrentHashMap<>();
    /** Where {@link #callbacks} are kept across a restart; null: memory only. */
    private volatile CallbackStore callbackStore;
    /**
     * Agents in after-call work on a voice contact, by agent name (stable across reloads): the
     * contact a wrap-up code from their phone ({@code *57N}) closes. Filled from the core's state at
     * start, then written on the egress thread when a call ends in a queue with wrap-up time; forgotten when the wrap-up ends (from the phone,
     * the desktop or the queue's limit). An agent who could hold several voice contacts at once
     * (voice capacity above 1) closes the one that ended last.
     */
    final ConcurrentHashMap<String, Long> wrapUps = new ConcurrentHashMap<>();
    /** Agents whose phone asked for a state change or a wrap-up's end just now, by agent id: completed with the reason when the core refuses it. */
    final ConcurrentHashMap<Integer, java.util.concurrent.CompletableFuture<Integer>> presenceRequests = new ConcurrentHashMap<>();
    final LastAgents lastAgents = new LastAgents();

    /**
     * The agent each caller (by pseudonym, never by number) last talked to, and when: a caller who
     * calls again soon names that agent as preferred. Memory only, never journaled; an entry is
     * forgotten when it is too old to be used, and the map is swept when it grows large.
     */
    static final class LastAgents {
        private static final int SWEEP_ABOVE = 100_000;
        private final ConcurrentHashMap<String, Talk> byCaller = new ConcurrentHashMap<>();
        /** A sweep is O(callers): at most one per keep time, however many callers are remembered. */
        private volatile long nextSweepMs;

        private record Talk(String agent, long atMs) {
        }

        void remember(String pseudonym, String agent, long nowMs, long keepMs) {
            if (keepMs <= 0) {
                return;
            }
            byCaller.put(pseudonym, new Talk(agent, nowMs));
            if (byCaller.size() > SWEEP_ABOVE && nowMs >= nextSweepMs) {
                nextSweepMs = nowMs + keepMs;
                byCaller.values().removeIf(t -> nowMs - t.atMs() > keepMs);
            }
        }

        /** @return the agent's name when the caller talked to one within {@code keepMs}, else null */
        String recent(String pseudonym, long nowMs, long keepMs) {
            Talk talk = byCaller.get(pseudonym);
            if (talk == null || nowMs - talk.atMs() > keepMs) {
                return null;
            }
            return talk.agent();
        }
    }
    final Board board = new Board();
    final Counters counters = new Counters();
    private final CommandPublisher publisher;
    private final long idBase = System.currentTimeMillis() << 16;
    private final AtomicLong nextId = new AtomicLong();

    Calls(CommandPublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * Contact ids: the start time of this process in ms, shifted, plus a counter. Dense within a run
     * and never reused by a later run that recovers the same journal.
     */
    long newContactId() {
        return idBase + nextId.getAndIncrement();
    }

    /** @return false when the ring is full (counted) */
    boolean publish(Out out) {
        if (publisher.tryPublish(FILL, out)) {
            return true;
        }
        counters.ringFull.incrementAndGet();
        return false;
    }

    boolean publishAgentState(int agentId, AgentState state, int reason) {
        return publish(new Out(CommandType.AGENT_STATE_CHANGED, -1, agentId, -1, -1, state.code(), reason));
    }

    /** {@code AGENT_CHANNEL_SET} of voice: the agent takes calls ({@code on}) or none; {@code reason} says why (journaled). */
    boolean publishVoice(int agentId, boolean on, int reason) {
        return publish(new Out(CommandType.AGENT_CHANNEL_SET, -1, agentId, -1, on ? 1 : 0, -1, reason));
    }

    /** @param code the wrap-up code (an index of the configuration's {@code wrapUpCodes}), or -1 for none */
    boolean publishWrapUpDone(long contactId, int agentId, int code) {
        return publish(new Out(CommandType.WRAP_UP_DONE, contactId, agentId, -1, -1, -1, code));
    }

    /** Restores the callbacks a previous process kept in {@code store} and keeps new ones there. */
    void keepCallbacksIn(CallbackStore store) throws IOException {
        callbacks.putAll(store.load());
        callbackStore = store;
    }

    /** A caller's callback is scheduled: kept in memory and, when there is a store, on disk (blocking IO). */
    void callbackScheduled(long contactId, Callback callback) {
        callbacks.put(contactId, callback);
        CallbackStore store = callbackStore;
        if (store != null) {
            try {
                store.put(contactId, callback);
            } catch (IOException e) {
                counters.callbacksNotKept.incrementAndGet();
                LOG.warn("callback {}: could not be kept in {} (a restart would lose it): {}", contactId, store.folder(), e.toString());
            }
        }
    }

    /** The contact ended: its callback, if any, is forgotten (blocking IO: not on the egress thread). */
    void callbackDone(long contactId) {
        CallbackStore store = callbackStore;
        if (callbacks.remove(contactId) != null && store != null) {
            try {
                store.remove(contactId);
            } catch (IOException e) {
                LOG.warn("callback {}: file not removed: {}", contactId, e.toString());
            }
        }
    }

    /** The adapter's counters; printed at close and readable by tests. */
    static final class Counters {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong unknownEntry = new AtomicLong();
        final AtomicLong engineTimeouts = new AtomicLong();
        final AtomicLong ringFull = new AtomicLong();
        final AtomicLong fallbacks = new AtomicLong();
        final AtomicLong agiErrors = new AtomicLong();
        /** FastAGI connections from an address {@code telephony.agi.allow} does not list: closed unread. */
        final AtomicLong agiRefused = new AtomicLong();
        final AtomicLong abandons = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong callbacksOriginated = new AtomicLong();
        final AtomicLong callbacksFailed = new AtomicLong();
        /** Callbacks whose number could not be written to the callback folder (kept in memory only). */
        final AtomicLong callbacksNotKept = new AtomicLong();
        final AtomicLong amiConnects = new AtomicLong();
        final AtomicLong amiDisconnects = new AtomicLong();
        final AtomicLong deviceStates = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong lateOffers = new AtomicLong();
        /** Offers an agent's phone refused (a dial answered busy, congestion or unavailable; a warm transfer's ring refused): agent paused at once. */
        final AtomicLong ringsRefused = new AtomicLong();
        final AtomicLong answeredAfterRetraction = new AtomicLong();
        /** Holds ended by an AMI Redirect and resumed in a new AGI session; lost: none resumed; failed: the Redirect failed. */
        final AtomicLong handovers = new AtomicLong();
        final AtomicLong handoversLost = new AtomicLong();
        final AtomicLong handoversFailed = new AtomicLong();
        final AtomicLong resumeUnknown = new AtomicLong();
        /** Callback offers an escalation step asked for and a waiting caller heard. */
        final AtomicLong callbackOffers = new AtomicLong();
        /** Decision delivered to a held caller until its session resumed, in µs. */
        final Histogram handoverUs = new ConcurrentHistogram(3);
        /** A call's CONTACT_ARRIVED published until its first agent is dialled (offers at once and after waiting), in µs. */
        final Histogram arrivalToDialUs = new ConcurrentHistogram(3);
        /** Hold music started for a caller and stopped again within 20 ms for a dial (an offer right behind the queueing). */
        final AtomicLong briefHolds = new AtomicLong();
        /** Presence codes dialled by agents' phones ({@link PresenceSession}): taken, and refused or unknown. */
        final AtomicLong presenceChanges = new AtomicLong();
        final AtomicLong presenceRefused = new AtomicLong();
        /** Wrap-up codes dialled by agents' phones ({@code *57N}): the after-call work ended, or refused (none open, no such code). */
        final AtomicLong wrapUpsEnded = new AtomicLong();
        final AtomicLong wrapUpsRefused = new AtomicLong();
        /** Supervisors' monitoring codes ({@link MonitorSession}): calls joined, and refused (not allowed, no such agent, no call). */
        final AtomicLong monitorSessions = new AtomicLong();
        final AtomicLong monitorRefused = new AtomicLong();
        /**
         * Calls an agent transferred from the desktop: moved out of the agent's bridge to their new
         * queue's hold, and transfers whose caller had gone (or hung up as it happened: an abandon then).
         */
        final AtomicLong transfers = new AtomicLong();
        final AtomicLong transfersLost = new AtomicLong();
        /**
         * Warm transfers of calls: next agents rung while the caller stayed with the first, callers
         * bridged with the next agent (or left with them after an introduction), next agents who
         * answered for a call that no longer waited for them (or whose bridge failed), and first
         * agents who hung up before the next one answered.
         */
        final AtomicLong warmLegs = new AtomicLong();
        final AtomicLong warmTransfers = new AtomicLong();
        final AtomicLong warmLegsLost = new AtomicLong();
        final AtomicLong warmFirstAgentHungUp = new AtomicLong();
        /** Warm transfers that introduce: next agents who joined the caller's call with the first agent (three-way). */
        final AtomicLong introductions = new AtomicLong();
        /** Introductions the joined agent left first (hung up, or Leave): the caller stayed with the introducer. */
        final AtomicLong introductionsReturned = new AtomicLong();
        /**
         * Calls of a previous process the core still held at start in self-service, waiting or offered:
         * ended as abandoned ({@link CallsLeftAtRestart}); and its conversations that may have outlived
         * the restart in Asterisk (offers answered while Loket was down among them), ended when the
         * agent's phone is free.
         */
        final AtomicLong callsLostAtRestart = new AtomicLong();
        final AtomicLong callsTalkingAtRestart = new AtomicLong();
        /** Offers of a previous process whose leg to the agent's phone was found up at start: accepted, then watched. */
        final AtomicLong callsAnsweredAtRestart = new AtomicLong();
        /** Agents' phones still ringing at start for an offer of a previous process: hung up (the caller takes the fallback route). */
        final AtomicLong ringsStoppedAtRestart = new AtomicLong();
        /**
         * Agents paused {@code phone-in-use} ({@link PhonesInUse}: their phone was in a call Loket did
         * not make, at a restart or when an offer to it failed), and those made ready again when it was free.
         */
        final AtomicLong phonesInUse = new AtomicLong();
        final AtomicLong phonesFreed = new AtomicLong();
        /** No-answer pauses ended when the phone that caused them answered again ({@link DeadPhonePauses}). */
        final AtomicLong deadPhonePausesEnded = new AtomicLong();

        /** Every count by name, in a fixed order (the metrics' names: {@code loket_telephony_<snake case>_total}). */
        java.util.Map<String, Long> snapshot() {
            java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
            m.put("calls", calls.get());
            m.put("answered", answered.get());
            m.put("abandons", abandons.get());
            m.put("fallbacks", fallbacks.get());
            m.put("engineTimeouts", engineTimeouts.get());
            m.put("ringFull", ringFull.get());
            m.put("unknownEntry", unknownEntry.get());
            m.put("agiErrors", agiErrors.get());
            m.put("agiRefused", agiRefused.get());
            m.put("callbacksOriginated", callbacksOriginated.get());
            m.put("callbacksFailed", callbacksFailed.get());
            m.put("callbacksNotKept", callbacksNotKept.get());
            m.put("amiConnects", amiConnects.get());
            m.put("amiDisconnects", amiDisconnects.get());
            m.put("deviceStates", deviceStates.get());
            m.put("rejected", rejected.get());
            m.put("lateOffers", lateOffers.get());
            m.put("ringsRefused", ringsRefused.get());
            m.put("answeredAfterRetraction", answeredAfterRetraction.get());
            m.put("handovers", handovers.get());
            m.put("handoversLost", handoversLost.get());
            m.put("handoversFailed", handoversFailed.get());
            m.put("resumeUnknown", resumeUnknown.get());
            m.put("callbackOffers", callbackOffers.get());
            m.put("briefHolds", briefHolds.get());
            m.put("presenceChanges", presenceChanges.get());
            m.put("presenceRefused", presenceRefused.get());
            m.put("wrapUpsEnded", wrapUpsEnded.get());
            m.put("wrapUpsRefused", wrapUpsRefused.get());
            m.put("monitorSessions", monitorSessions.get());
            m.put("monitorRefused", monitorRefused.get());
            m.put("transfers", transfers.get());
            m.put("transfersLost", transfersLost.get());
            m.put("warmLegs", warmLegs.get());
            m.put("warmTransfers", warmTransfers.get());
            m.put("warmLegsLost", warmLegsLost.get());
            m.put("warmFirstAgentHungUp", warmFirstAgentHungUp.get());
            m.put("introductions", introductions.get());
            m.put("introductionsReturned", introductionsReturned.get());
            m.put("callsLostAtRestart", callsLostAtRestart.get());
            m.put("callsTalkingAtRestart", callsTalkingAtRestart.get());
            m.put("callsAnsweredAtRestart", callsAnsweredAtRestart.get());
            m.put("ringsStoppedAtRestart", ringsStoppedAtRestart.get());
            m.put("phonesInUse", phonesInUse.get());
            m.put("phonesFreed", phonesFreed.get());
            m.put("deadPhonePausesEnded", deadPhonePausesEnded.get());
            return m;
        }

        /** Count and p50 / p90 / p99 / max in ms. */
        static String summary(Histogram us) {
            return us.getTotalCount() == 0 ? "none" : String.format(java.util.Locale.ROOT, "n:%d,p50:%.1f,p90:%.1f,p99:%.1f,max:%.1f",
                    us.getTotalCount(), us.getValueAtPercentile(50) / 1000.0, us.getValueAtPercentile(90) / 1000.0,
                    us.getValueAtPercentile(99) / 1000.0, us.getMaxValue() / 1000.0);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            snapshot().forEach((name, n) -> out.append(name).append('=').append(n).append(' '));
            return out.append("handoverMs=").append(summary(handoverUs)).append(" arrivalToDialMs=").append(summary(arrivalToDialUs))
                    .toString();
        }
    }

    /**
     * Waiting contacts per queue as the decisions report them, for position announcements: a
     * contact is ahead when its priority is higher, or equal and it joined earlier. An estimate
     * (the core also ages priorities); the core alone decides who is offered. Estimated wait: the
     * position times the recent mean interval between offers of that queue.
     */
    static final class Board {
        private record Place(int queueId, int priority, long joinedNs) {
        }

        private final Map<Long, Place> waiting = new HashMap<>();
        private final Map<Long, Place> held = new HashMap<>();
        private final Map<Integer, long[]> offerPace = new HashMap<>(); // queue -> {lastOfferNs, meanIntervalNs}
        /** The core's estimated wait when the contact queued: {ms, when (epoch ns)}; stands in until the board has a pace. */
        private final Map<Long, long[]> coreEstimate = new HashMap<>();

        synchronized void queued(long contactId, int queueId, int priority, long nowNs) {
            queued(contactId, queueId, priority, nowNs, -1);
        }

        /** @param estimatedWaitMs the core's estimate from the {@code QUEUE_CONTACT} decision, -1 unknown */
        synchronized void queued(long contactId, int queueId, int priority, long nowNs, long estimatedWaitMs) {
            Place old = held.remove(contactId);
            if (old == null) {
                old = waiting.get(contactId); // placed by a transfer
            }
            waiting.put(contactId, new Place(queueId, priority, old != null && old.queueId == queueId ? old.joinedNs : nowNs));
            if (estimatedWaitMs >= 0) {
                coreEstimate.put(contactId, new long[] {estimatedWaitMs, nowNs});
            }
        }

        synchronized void offered(long contactId, int queueId, long nowNs) {
            Place place = waiting.remove(contactId);
            if (place != null) {
                held.put(contactId, place);
            }
            long[] pace = offerPace.computeIfAbsent(queueId, q -> new long[] {0, 0});
            if (pace[0] > 0) {
                long interval = nowNs - pace[0];
                pace[1] = pace[1] == 0 ? interval : (pace[1] * 7 + interval) / 8;
            }
            pace[0] = nowNs;
        }

        /**
         * A reload moved queue ids: {@code to[old]} is the new id of each queue (-1: gone; the core
         * refuses a reload that removes a queue holding a contact). Places and offer pace follow by name.
         */
        synchronized void remapQueues(int[] to) {
            waiting.replaceAll((contact, p) -> new Place(moved(to, p.queueId), p.priority, p.joinedNs));
            held.replaceAll((contact, p) -> new Place(moved(to, p.queueId), p.priority, p.joinedNs));
            Map<Integer, long[]> pace = new HashMap<>();
            offerPace.forEach((queue, value) -> {
                int next = moved(to, queue);
                if (next >= 0) {
                    pace.put(next, value);
                }
            });
            offerPace.clear();
            offerPace.putAll(pace);
        }

        private static int moved(int[] to, int queueId) {
            return queueId >= 0 && queueId < to.length ? to[queueId] : -1;
        }

        /** An escalation step moved the contact to another queue: same priority and join time, its place there. */
        synchronized void moved(long contactId, int queueId) {
            Place place = waiting.get(contactId);
            if (place != null) {
                waiting.put(contactId, new Place(queueId, place.priority, place.joinedNs));
            }
        }

        /** An agent transferred the call: it waits in the new queue from the time it first joined (the core's rule). */
        synchronized void transferred(long contactId, int queueId) {
            Place place = held.remove(contactId);
            if (place != null) {
                waiting.put(contactId, new Place(queueId, place.priority, place.joinedNs));
            }
        }

        /** The offer was retracted or declined: back at the place it had. */
        synchronized void returned(long contactId) {
            Place place = held.remove(contactId);
            if (place != null) {
                waiting.put(contactId, place);
            }
        }

        synchronized void ended(long contactId) {
            waiting.remove(contactId);
            held.remove(contactId);
            coreEstimate.remove(contactId);
        }

        /** @return 1 for the first in line, 0 when not waiting */
        synchronized int position(long contactId) {
            Place mine = waiting.get(contactId);
            if (mine == null) {
                return 0;
            }
            int ahead = 0;
            for (Place p : waiting.values()) {
                if (p.queueId == mine.queueId && (p.priority > mine.priority
                        || p.priority == mine.priority && p.joinedNs < mine.joinedNs)) {
                    ahead++;
                }
            }
            return ahead + 1;
        }

        /**
         * @param nowNs the time now (epoch ns, the core's clock)
         * @return the estimated wait in ms: position times the queue's recent interval between offers, or
         *         before the board has seen one, the core's estimate at queueing less the time waited
         *         since; -1 when neither is known
         */
        synchronized long estimatedWaitMs(long contactId, long nowNs) {
            Place mine = waiting.get(contactId);
            if (mine == null) {
                return -1;
            }
            long[] pace = offerPace.get(mine.queueId);
            if (pace == null || pace[1] == 0) {
                long[] core = coreEstimate.get(contactId);
                return core == null ? -1 : Math.max(0, core[0] - (nowNs - core[1]) / 1_000_000L);
            }
            return position(contactId) * pace[1] / 1_000_000L;
        }
    }
}
