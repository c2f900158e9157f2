package org.loket.telephony;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code no-answer} pauses a dead phone caused. Asterisk rings a phone's contact until its qualify
 * (every 30 s) finds it unreachable, so an offer made to an agent whose softphone just lost the
 * network rings out, and the core pauses the agent {@code no-answer}: a pause the agent did not
 * cause, which used to outlast the blip (the agent, back, had to press Ready). The ring may end
 * before the phone is found unreachable or after it (switching voice off leaves an offer already
 * ringing alone). So when the phone is found unreachable ({@link #unreachable}) the core's time is
 * remembered, and when it answers again ({@link #back}) an agent paused {@code no-answer} since at
 * most {@link #RECENT_MS} before that time is made ready: while voice is off the core offers the
 * agent no call, so such a pause came from a ring to the dead phone (or, rarely, a chat offer let
 * ring meanwhile: made ready too). Any other state (ready, a break, a logout) is left as it is; a
 * break taken in the moment between the look and the ready is overridden by it (commands are not
 * conditional). Both run on one virtual thread of their own, in the order the AMI told them (a
 * short blip's "back" must not pass its "unreachable"), and never block the AMI reader. What is
 * remembered lives in this process only. Thread-safe.
 */
final class DeadPhonePauses {
    private static final Logger LOG = LoggerFactory.getLogger(DeadPhonePauses.class);
    /** How long before the phone was found unreachable a no-answer pause counts as its doing: a qualify period and a ring. */
    static final long RECENT_MS = 60_000;

    private final long recentMs;

    /** Per endpoint (agent name), the core's time when its phone was found unreachable (ns). */
    private final Map<String, Long> unreachableAtNs = new ConcurrentHashMap<>();
    /** One task at a time, in order; its thread is virtual, so it holds no process open. */
    private final ExecutorService inOrder = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("telephony-dead-phones").factory());
    private volatile PhonesInUse.Line line;

    DeadPhonePauses() {
        this(RECENT_MS);
    }

    /** @param recentMs {@link #RECENT_MS}, shorter in tests */
    DeadPhonePauses(long recentMs) {
        this.recentMs = recentMs;
    }

    void start(PhonesInUse.Line line) {
        this.line = line;
    }

    void close() {
        inOrder.shutdownNow();
    }

    /** Waits until what was asked so far is done (tests). */
    boolean awaitIdle() throws Exception {
        inOrder.submit(() -> { }).get(10, TimeUnit.SECONDS);
        return true;
    }

    private void run(String endpoint, Runnable task) {
        try {
            inOrder.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("telephony: {}: closing, not looked at", endpoint);
        }
    }

    /** {@code endpoint}'s phone stopped answering: when, in the core's time. */
    void unreachable(String endpoint) {
        PhonesInUse.Line l = line;
        if (l == null) {
            return;
        }
        run(endpoint, () -> {
            try {
                unreachableAtNs.put(endpoint, l.engine().query(core -> core.nowNs()).get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                LOG.warn("telephony: when {}'s phone stopped answering is not known: {}", endpoint, e.toString());
            }
        });
    }

    /** {@code endpoint}'s phone answers again: its agent, paused no-answer since just before the phone was found unreachable, is made ready. */
    void back(String endpoint) {
        PhonesInUse.Line l = line;
        if (l == null) {
            return;
        }
        run(endpoint, () -> {
            Long deadSinceNs = unreachableAtNs.remove(endpoint);
            if (deadSinceNs == null) {
                return;
            }
            long fromNs = deadSinceNs - TimeUnit.MILLISECONDS.toNanos(recentMs);
            try {
                boolean deadPhonesPause = l.engine().query(core -> {
                    int agent = core.config().agentIndex(endpoint);
                    return agent >= 0 && core.agentPresence(agent) == AgentState.PAUSED
                            && core.agentPauseReason(agent) == PauseReason.NO_ANSWER && core.agentPresenceSinceNs(agent) >= fromNs;
                }).get(30, TimeUnit.SECONDS);
                int agent = l.agentIdNow().applyAsInt(endpoint);
                if (deadPhonesPause && agent >= 0 && l.calls().publishAgentState(agent, AgentState.READY, PauseReason.UNSPECIFIED)) {
                    l.calls().counters.deadPhonePausesEnded.incrementAndGet();
                    LOG.info("telephony: {}'s phone is back; the no-answer pause its dead phone caused ended: ready", endpoint);
                }
            } catch (Exception e) {
                LOG.warn("telephony: {}'s no-answer pause not ended: {}", endpoint, e.toString());
            }
        });
    }
}
