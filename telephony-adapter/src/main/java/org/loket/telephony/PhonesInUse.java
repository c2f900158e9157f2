package org.loket.telephony;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.CommandType;
import org.loket.core.routing.RoutingCore;
import org.loket.host.pipeline.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents whose phone is in a call Loket did not make, paused with {@link PauseReason#PHONE_IN_USE}
 * until the phone is free. Such a call is the fallback queue's (while Loket is down, Asterisk's own
 * queue of the same agents takes the callers, and the agents it connects are busy behind the core's
 * back when Loket is up again), or one the agent made or took themselves. Without this the core
 * offered such an agent the next caller: the phone refused the ring or let it ring out, the caller
 * waited for nothing, and the agent was paused {@code no-answer}, to be made ready by hand. Found:
 * <ul>
 * <li>at a restart, before anything is routed ({@link #readAtRestart}, {@link #pauseAtRestart}):
 *     ready agents whose phone has a channel up in Asterisk's channel list ({@link AmiProbe});
 *     agents the previous process paused so are watched again;</li>
 * <li>after a ring that failed ({@link #afterNoAnswer}): the core paused the agent {@code no-answer},
 *     the agent has no call of Loket's, and Asterisk's device state says the phone is in a call.</li>
 * </ul>
 * Watched every {@link CallsLeftAtRestart#TALK_CHECK_MS} while the AMI is up: a phone no longer in a
 * call makes its agent ready, unless the agent's state changed meanwhile (a pause of its own, a
 * logout: then it is left as it is). A change in the moment between that look and the ready is
 * overridden by it (commands are not conditional). Thread-safe.
 */
final class PhonesInUse {
    private static final Logger LOG = LoggerFactory.getLogger(PhonesInUse.class);

    /** Endpoints (agent names) paused here and not yet made ready. */
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final WatchRounds watching = new WatchRounds(LOG, "phones in use", CallsLeftAtRestart.TALK_CHECK_MS,
            () -> !watched.isEmpty());
    private volatile Line line;

    /** What watching needs from the gateway, set by {@link #start}. */
    record Line(Function<String, Boolean> inCall, BooleanSupplier connected, Engine engine, Calls calls,
            ToIntFunction<String> agentIdNow, Executor actions) {
    }

    /**
     * At a restart: the agents the core holds ready (logged in, not paused, holding nothing), by
     * endpoint, those a restart may find in a call; and agents a previous process paused
     * {@code phone-in-use} are watched again (else nobody would make them ready). Core thread.
     */
    Map<String, Integer> readAtRestart(RoutingCore core) {
        Map<String, Integer> ready = new LinkedHashMap<>();
        for (int a = 0; a < core.agentCount(); a++) {
            if (core.agentCapacity(a, Channel.VOICE) == 0) {
                continue;
            }
            String name = core.config().agents().get(a).name();
            if (core.agentState(a) == AgentState.READY) {
                ready.put(name, a);
            } else if (core.agentPresence(a) == AgentState.PAUSED && core.agentPauseReason(a) == PauseReason.PHONE_IN_USE) {
                watched.add(name);
            }
        }
        return ready;
    }

    /**
     * At a restart: pauses the ready agents whose phone Asterisk has in a call, and watches them.
     *
     * @param ready   {@link #readAtRestart} as of recovery
     * @param inCall  the endpoints Asterisk has a channel up for
     * @param publish publishes one command (as of recovery); false when the ring was full
     * @return how many were paused
     */
    int pauseAtRestart(Map<String, Integer> ready, Set<String> inCall, Predicate<Calls.Out> publish) {
        int paused = 0;
        for (Map.Entry<String, Integer> agent : ready.entrySet()) {
            if (inCall.contains(agent.getKey()) && publish.test(pause(agent.getValue()))) {
                watched.add(agent.getKey());
                paused++;
                LOG.info("telephony: {}'s phone is in a call Loket did not make (the fallback queue's while Loket was down?);"
                        + " paused phone-in-use until it is free", agent.getKey());
            }
        }
        return paused;
    }

    /** Starts watching (the gateway's start, once the AMI link exists): now if agents were paused at the restart. */
    void start(Line line) {
        this.line = line;
        watchIfNeeded();
    }

    /**
     * {@code endpoint} was paused {@code no-answer} (the core's offer timer, or a ring its phone
     * refused; seen on egress): if its phone is in a call that is not Loket's, the pause becomes
     * {@code phone-in-use} and is watched. Asks the AMI on the action executor.
     */
    void afterNoAnswer(String endpoint) {
        Line l = line;
        if (l != null) {
            l.actions().execute(() -> checkAfterNoAnswer(endpoint, l));
        }
    }

    private void checkAfterNoAnswer(String endpoint, Line l) {
        if (!Boolean.TRUE.equals(l.inCall().apply(endpoint))) {
            return;
        }
        try {
            boolean notLoketsCall = l.engine().query(core -> {
                int agent = core.config().agentIndex(endpoint);
                return agent >= 0 && core.agentPresence(agent) == AgentState.PAUSED
                        && core.agentPauseReason(agent) == PauseReason.NO_ANSWER && !inLoketsCall(core, agent);
            }).get(30, TimeUnit.SECONDS);
            int agent = l.agentIdNow().applyAsInt(endpoint);
            if (notLoketsCall && agent >= 0 && l.calls().publish(pause(agent))) {
                l.calls().counters.phonesInUse.incrementAndGet();
                watched.add(endpoint);
                LOG.info("telephony: {} did not take the offer: its phone is in a call Loket did not make; paused phone-in-use"
                        + " until it is free", endpoint);
                watchIfNeeded();
            }
        } catch (Exception e) {
            LOG.warn("telephony: whether {}'s phone is in another call could not be checked: {}", endpoint, e.toString());
        }
    }

    /**
     * One round: every watched agent whose phone is no longer in a call is made ready if the core
     * still holds it paused {@code phone-in-use}, and forgotten either way. Action executor.
     *
     * @return how many were made ready
     */
    int checkFree(Line l) throws Exception {
        int freed = 0;
        for (String endpoint : List.copyOf(watched)) {
            if (!Boolean.FALSE.equals(l.inCall().apply(endpoint))) {
                continue; // in a call still, or the AMI could not say: next round
            }
            boolean stillPaused = l.engine().query(core -> {
                int agent = core.config().agentIndex(endpoint);
                return agent >= 0 && core.agentPresence(agent) == AgentState.PAUSED
                        && core.agentPauseReason(agent) == PauseReason.PHONE_IN_USE;
            }).get(30, TimeUnit.SECONDS);
            int agent = l.agentIdNow().applyAsInt(endpoint);
            if (!stillPaused || agent < 0) {
                watched.remove(endpoint);
                LOG.info("telephony: {}'s phone is free; left as it is (its state changed meanwhile)", endpoint);
            } else if (l.calls().publishAgentState(agent, AgentState.READY, PauseReason.UNSPECIFIED)) {
                watched.remove(endpoint);
                l.calls().counters.phonesFreed.incrementAndGet();
                freed++;
                LOG.info("telephony: {}'s phone is free; ready again", endpoint);
            }
        }
        return freed;
    }

    /** Whether an agent is watched (tests). */
    boolean watches(String endpoint) {
        return watched.contains(endpoint);
    }

    private void watchIfNeeded() {
        Line l = line;
        if (l != null) {
            watching.startIfNeeded(l.actions(), l.connected(), () -> checkFree(l));
        }
    }

    /** Whether the agent talks in a voice contact of Loket's (connected, or staying on after a warm transfer). Core thread. */
    private static boolean inLoketsCall(RoutingCore core, int agent) {
        if (core.agentLoad(agent, Channel.VOICE) == 0) {
            return false;
        }
        long[] live = new long[core.liveContacts()];
        for (int i = 0, n = core.liveContactIds(live); i < n; i++) {
            long id = live[i];
            if (core.contactChannel(id) == Channel.VOICE && (core.contactHolder(id) == agent
                    || core.contactState(id) == ContactState.CONNECTED && core.contactAgent(id) == agent)) {
                return true;
            }
        }
        return false;
    }

    private static Calls.Out pause(int agent) {
        return new Calls.Out(CommandType.AGENT_STATE_CHANGED, -1, agent, -1, -1, AgentState.PAUSED.code(), PauseReason.PHONE_IN_USE);
    }
}
