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
 * cause, which used to outlast the blip (the agent, back, had to press Ready). When the phone is
 * found unreachable ({@link #unreachable}) and its agent was paused {@code no-answer} at most
 * {@link #RECENT_MS} before, that pause is remembered; when the phone answers again
 * ({@link #back}) and the agent is still in that very pause (same reason, same start), it is made
 * ready. Any other change meanwhile (ready, a break, a logout) is left as it is. Both run on one
 * virtual thread of their own, in the order the AMI told them (a short blip's "back" must not pass
 * its "unreachable"), and never block the AMI reader. Thread-safe.
 */
final class DeadPhonePauses {
    private static final Logger LOG = LoggerFactory.getLogger(DeadPhonePauses.class);
    /** How long before the phone was found unreachable a no-answer pause counts as its doing: a qualify period and a ring. */
    static final long RECENT_MS = 60_000;

    private final long recentMs;

    /** Per endpoint (agent name), when the remembered pause began (core time, ns). */
    private final Map<String, Long> pausedSinceNs = new ConcurrentHashMap<>();
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

    /** {@code endpoint}'s phone stopped answering: remember a no-answer pause of its agent that began just before. */
    void unreachable(String endpoint) {
        PhonesInUse.Line l = line;
        if (l == null) {
            return;
        }
        run(endpoint, () -> {
            try {
                long since = l.engine().query(core -> {
                    int agent = core.config().agentIndex(endpoint);
                    boolean recent = agent >= 0 && core.agentPresence(agent) == AgentState.PAUSED
                            && core.agentPauseReason(agent) == PauseReason.NO_ANSWER
                            && core.nowNs() - core.agentPresenceSinceNs(agent) <= TimeUnit.MILLISECONDS.toNanos(recentMs);
                    return recent ? core.agentPresenceSinceNs(agent) : -1L;
                }).get(30, TimeUnit.SECONDS);
                if (since >= 0) {
                    pausedSinceNs.put(endpoint, since);
                    LOG.info("telephony: {}'s phone stopped answering just after an offer rang out on it; the no-answer pause ends"
                            + " when the phone is back", endpoint);
                }
            } catch (Exception e) {
                LOG.warn("telephony: {}'s no-answer pause not looked at: {}", endpoint, e.toString());
            }
        });
    }

    /** {@code endpoint}'s phone answers again: its agent, still in the remembered pause, is made ready. */
    void back(String endpoint) {
        PhonesInUse.Line l = line;
        if (l == null) {
            return;
        }
        run(endpoint, () -> {
            Long since = pausedSinceNs.remove(endpoint);
            if (since == null) {
                return;
            }
            try {
                boolean same = l.engine().query(core -> {
                    int agent = core.config().agentIndex(endpoint);
                    return agent >= 0 && core.agentPresence(agent) == AgentState.PAUSED
                            && core.agentPauseReason(agent) == PauseReason.NO_ANSWER && core.agentPresenceSinceNs(agent) == since;
                }).get(30, TimeUnit.SECONDS);
                int agent = l.agentIdNow().applyAsInt(endpoint);
                if (same && agent >= 0 && l.calls().publishAgentState(agent, AgentState.READY, PauseReason.UNSPECIFIED)) {
                    l.calls().counters.deadPhonePausesEnded.incrementAndGet();
                    LOG.info("telephony: {}'s phone is back; the no-answer pause its dead phone caused ended: ready", endpoint);
                }
            } catch (Exception e) {
                LOG.warn("telephony: {}'s no-answer pause not ended: {}", endpoint, e.toString());
            }
        });
    }
}
