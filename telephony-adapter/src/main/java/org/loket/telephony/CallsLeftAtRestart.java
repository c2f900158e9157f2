package org.loket.telephony;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.routing.RoutingCore;
import org.loket.host.pipeline.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The voice contacts a previous process of Loket left in the core (a crash, or a stop with calls
 * up): recovered from the journal, but no call session of this process owns them. Without this
 * they walked the IVR's timeouts into a queue and waited there as callers nobody could reach.
 * <p>What survives a restart in Asterisk follows from the dialplan ({@code loket asterisk-config}):
 * a caller in self-service or on hold is in an AGI command that watches the AGI socket, so the
 * dead connection ends it and the dialplan sends the caller to the fallback route. An agent's
 * {@code Dial} (or a warm transfer's {@code Bridge}) is an application the AGI runs: Asterisk
 * does not read the socket until it returns, so a conversation goes on until someone hangs up.
 * Hence, at start, before the FastAGI server accepts a call:
 * <ul>
 * <li>in self-service or waiting: ended now with {@code CONTACT_ABANDONED}, reason
 *     {@link Command#ENDED_AT_RESTART}; the core's outcome is {@code ABANDONED_IN_SELF_SERVICE} or
 *     {@code ABANDONED};</li>
 * <li>offered: the {@code Dial} ringing the agent outlived the process too, so the agent may have
 *     answered while Loket was down, or may still be ringing. Asterisk is asked first
 *     ({@link #askPhones}, {@link AmiProbe}: Dial's leg to the agent): a leg that is up was
 *     answered ({@code OFFER_ACCEPTED}, reason {@link Command#FOUND_AT_RESTART}, then watched as a
 *     conversation below); a leg still ringing is hung up (the caller's dead AGI then takes the
 *     fallback route) and the contact ended as abandoned, as is every offer Asterisk could not be
 *     asked about; otherwise the agent would talk to, or pick up, a caller the core had ended
 *     while it held the agent free;</li>
 * <li>in conversation (connected, or a warm transfer whose first agent stays on the line): kept,
 *     and ended when the agent's phone is no longer in a call, which the AMI tells
 *     ({@link #checkTalking}): {@code CONTACT_ENDED} (outcome {@code ANSWERED}) or, for a warm
 *     transfer not yet accepted, {@code CONTACT_ABANDONED}, reason {@link Command#ENDED_AT_RESTART};</li>
 * <li>left alone: after-call work (the agent ends it, {@link Calls#wrapUps}), kept callbacks waiting
 *     or offered ({@link CallbackStore}: their callers hung up on purpose and wait to be rung), and
 *     other channels' contacts (chat keeps its own).</li>
 * </ul>
 * Thread-safe: read on the core thread, ended on the gateway's threads.
 */
final class CallsLeftAtRestart {
    private static final Logger LOG = LoggerFactory.getLogger(CallsLeftAtRestart.class);
    /** How often the AMI is asked about the phones of conversations that outlived the restart. */
    static final long TALK_CHECK_MS = 2_000;

    /** A contact to end now, the state the core held it in (for the log), and for an offer the agent it rings. */
    record Orphan(long contactId, ContactState state, int agentId, String agent) {
        Orphan(long contactId, ContactState state) {
            this(contactId, state, -1, null);
        }
    }

    /** The offers' dialled legs as Asterisk has them, for a while ({@link AmiProbe}; a fake in tests). */
    interface Phones extends AutoCloseable {
        /** What the leg an offer dialled to the endpoint does now: answered, ringing, over, or unknown. */
        PhoneState state(String endpoint);

        /** Hangs up the endpoint's ringing offer leg; false when that failed. */
        boolean stopRinging(String endpoint);

        /** Whether the endpoint's phone has a channel up, whatever made it ({@link PhonesInUse}); unknown when it cannot tell. */
        default PhoneState phone(String endpoint) {
            return PhoneState.UNKNOWN;
        }

        @Override
        default void close() {
        }
    }

    private final List<Orphan> orphans;
    /** Offers whose leg to the agent's phone was found up ({@link #settle}): accepted, then watched. */
    private final List<Orphan> answered = new ArrayList<>();
    /** Conversations that may still be up in Asterisk, by contact id: the endpoint (agent name) whose phone carries it. */
    private final Map<Long, String> talking = new ConcurrentHashMap<>();

    private CallsLeftAtRestart(List<Orphan> orphans, Map<Long, String> talking) {
        this.orphans = orphans;
        this.talking.putAll(talking);
    }

    /** Nothing left behind (no engine: a test double). */
    static CallsLeftAtRestart none() {
        return new CallsLeftAtRestart(List.of(), Map.of());
    }

    /**
     * Sorts the core's live voice contacts. Core thread ({@link Engine#query}).
     *
     * @param keptCallbacks the contacts whose callers wait for a call back ({@link Calls#callbacks})
     */
    static CallsLeftAtRestart read(RoutingCore core, Set<Long> keptCallbacks) {
        List<Orphan> orphans = new ArrayList<>();
        List<Orphan> offered = new ArrayList<>();
        Map<Long, String> talking = new java.util.HashMap<>();
        long[] live = new long[core.liveContacts()];
        for (int i = 0, n = core.liveContactIds(live); i < n; i++) {
            long id = live[i];
            ContactState state = core.contactState(id);
            if (core.contactChannel(id) != Channel.VOICE || state == ContactState.WRAP_UP) {
                continue;
            }
            int holder = core.contactHolder(id);
            int onThePhone = holder >= 0 ? holder : state == ContactState.CONNECTED ? core.contactAgent(id) : -1;
            if (onThePhone >= 0) {
                talking.put(id, core.config().agents().get(onThePhone).name());
            } else if (keptCallbacks.contains(id)) {
                continue;
            } else if (state == ContactState.OFFERED) {
                int agent = core.contactAgent(id);
                offered.add(new Orphan(id, state, agent, agent < 0 ? null : core.config().agents().get(agent).name()));
            } else {
                orphans.add(new Orphan(id, state));
            }
        }
        // Offers last: an agent an ended offer frees finds no orphan still waiting to be offered (a phantom offer, counted).
        orphans.addAll(offered);
        return new CallsLeftAtRestart(orphans, talking);
    }

    /** Whether any offer's agent may have answered while Loket was down (then {@link #askPhones} is worth asking Asterisk). */
    boolean anyOffered() {
        return orphans.stream().anyMatch(o -> o.agent() != null);
    }

    /** What Asterisk said about the offers' legs ({@link #askPhones}): per offered contact, and how many rings were stopped. */
    record Answers(Map<Long, PhoneState> byContact, int ringsStopped) {
    }

    /**
     * Asks Asterisk about the leg every offer dialled, and hangs up one still ringing. Changes
     * nothing here: a start that stopped waiting for the answers ends every offer as abandoned while
     * this may still run ({@link #settle} takes the answers only when they came in time).
     */
    Answers askPhones(Phones phones) {
        Map<Long, PhoneState> byContact = new java.util.HashMap<>();
        int stopped = 0;
        for (Orphan o : orphans) {
            if (o.agent() == null) {
                continue;
            }
            PhoneState phone = phones.state(o.agent());
            byContact.put(o.contactId(), phone);
            if (phone == PhoneState.RINGING && phones.stopRinging(o.agent())) {
                stopped++;
                LOG.info("telephony: call {} of the previous process: {}'s phone still rang for it; stopped (the caller takes the fallback route)",
                        o.contactId(), o.agent());
            }
        }
        return new Answers(byContact, stopped);
    }

    /**
     * Takes Asterisk's answers: an offer whose leg is up was answered while Loket was down and moves
     * to {@link #acceptAnswered}; the others stay orphans to end. Before {@link #acceptAnswered} and
     * {@link #endOrphans}, on the thread that calls them.
     */
    void settle(Answers answers) {
        for (java.util.Iterator<Orphan> i = orphans.iterator(); i.hasNext();) {
            Orphan o = i.next();
            if (answers.byContact().get(o.contactId()) == PhoneState.IN_CALL) {
                i.remove();
                answered.add(o);
            }
        }
    }

    /**
     * Publishes {@code OFFER_ACCEPTED} for every offer {@link #settle} found answered and
     * watches it as a conversation from then on.
     *
     * @param publish publishes one command; false when the ring was full
     * @return how many were accepted
     */
    int acceptAnswered(java.util.function.Predicate<Calls.Out> publish) {
        int accepted = 0;
        for (Orphan o : answered) {
            if (publish.test(new Calls.Out(CommandType.OFFER_ACCEPTED, o.contactId(), o.agentId(), -1, -1, -1, Command.FOUND_AT_RESTART))) {
                talking.put(o.contactId(), o.agent());
                accepted++;
                LOG.info("telephony: call {} of the previous process: {} answered it while Loket was down; kept until the phone is free",
                        o.contactId(), o.agent());
            } else {
                LOG.error("telephony: call {} of the previous process: {}'s answer could not be published (ring full)",
                        o.contactId(), o.agent());
            }
        }
        answered.clear();
        return accepted;
    }

    /**
     * Publishes the end of every orphan and logs them once (counting is the caller's: the gateway
     * may not have its counters yet).
     *
     * @param publish publishes one end; false when the ring was full
     * @return how many were ended
     */
    int endOrphans(java.util.function.Predicate<Calls.Out> publish) {
        int[] byState = new int[ContactState.values().length];
        int ended = 0;
        for (Orphan o : orphans) {
            if (publish.test(new Calls.Out(CommandType.CONTACT_ABANDONED, o.contactId(), -1, -1, -1, -1, Command.ENDED_AT_RESTART))) {
                byState[o.state().ordinal()]++;
                ended++;
            }
        }
        if (ended > 0 || !talking.isEmpty()) {
            LOG.warn("telephony: {} calls of the previous process ended as abandoned (lost at restart: {} in self-service,"
                    + " {} waiting, {} offered); {} conversations may still be up in Asterisk and end when the agent's phone"
                    + " is free", ended, byState[ContactState.SELF_SERVICE.ordinal()], byState[ContactState.WAITING.ordinal()],
                    byState[ContactState.OFFERED.ordinal()], talking.size());
        }
        if (ended < orphans.size()) {
            LOG.error("telephony: {} calls of the previous process could not be ended (ring full)", orphans.size() - ended);
        }
        return ended;
    }

    /** How many conversations of the previous process were kept to watch. */
    int talkingCount() {
        return talking.size();
    }

    /** Whether conversations of the previous process are still watched. */
    boolean anyTalking() {
        return !talking.isEmpty();
    }

    /** The contact ended (a decision on egress): it is no longer watched. */
    void ended(long contactId) {
        if (!talking.isEmpty()) {
            talking.remove(contactId);
        }
    }

    /**
     * One round: asks whether each watched agent's phone is still in a call; a conversation whose
     * phone is not (or whose end the AMI cannot tell, {@code null}: asked again next round) is
     * ended as the core holds it now. Gateway's action thread.
     *
     * @param inCall the AMI's answer per endpoint: true in a call, false not, null unknown
     * @return how many conversations were ended
     */
    int checkTalking(Function<String, Boolean> inCall, Engine engine, Calls calls) throws Exception {
        int ended = 0;
        for (Map.Entry<Long, String> e : List.copyOf(talking.entrySet())) {
            if (!Boolean.FALSE.equals(inCall.apply(e.getValue()))) {
                continue;
            }
            long id = e.getKey();
            ContactState state = engine.query(core -> core.contactState(id)).get(30, TimeUnit.SECONDS);
            CommandType end = state == ContactState.CONNECTED ? CommandType.CONTACT_ENDED
                    : state == ContactState.WAITING || state == ContactState.OFFERED ? CommandType.CONTACT_ABANDONED : null;
            if (end == null || calls.publish(new Calls.Out(end, id, -1, -1, -1, -1, Command.ENDED_AT_RESTART))) {
                talking.remove(id);
                ended += end == null ? 0 : 1;
                LOG.info("telephony: call {} of the previous process: {}'s phone is free; {}", id, e.getValue(),
                        end == null ? "the contact had ended" : "ended (" + end + ")");
            }
        }
        return ended;
    }

    /**
     * Until every watched conversation ended: a round every {@link #TALK_CHECK_MS} while the AMI is
     * connected. Runs on the gateway's action executor (a virtual thread; shut down with it).
     */
    void watch(Function<String, Boolean> inCall, java.util.function.BooleanSupplier connected, Engine engine, Calls calls) {
        new WatchRounds(LOG, "the conversations of the previous process", TALK_CHECK_MS, this::anyTalking)
                .run(connected, () -> checkTalking(inCall, engine, calls));
    }
}
