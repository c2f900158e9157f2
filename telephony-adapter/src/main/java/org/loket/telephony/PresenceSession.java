package org.loket.telephony;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent set their state from their phone: a presence code dialled from the agent's endpoint
 * ({@code *55} ready, {@code *56} pause, {@code *56N} pause with the N-th pause reason, N = 1-9, the
 * configuration's {@code pauseReasons}, reason code {@code 16 + N - 1};
 * {@link org.loket.telephony.config.AsteriskConfigWriter} writes them into the agents' context). An agent the core paused because an offer rang out
 * ({@code NO_ANSWER}) needs no desktop to take calls again. The agent hears {@code agent-ready} or
 * {@code agent-paused}, or {@code agent-refused} when the engine refuses the change (the agent is
 * logged out, e.g. the phone was unreachable) or the code names no agent.
 */
final class PresenceSession {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceSession.class);
    /**
     * How long a refusal is waited for. The core takes a state change without a decision and refuses
     * it with one ({@code REJECT_COMMAND}); it decides within milliseconds, so silence means taken.
     */
    static final long REFUSAL_WAIT_MS = 500;

    private final TelephonyGateway gateway;
    private final AgiChannel channel;

    PresenceSession(TelephonyGateway gateway, AgiChannel channel) {
        this.gateway = gateway;
        this.channel = channel;
    }

    /** @param args {@code ready} or {@code pause}, then the endpoint that dialled, then (a pause) the reason's number */
    void run(String[] args) throws AgiException {
        Calls calls = gateway.calls();
        String wanted = args != null && args.length > 0 ? args[0].trim() : "";
        String endpoint = args != null && args.length > 1 ? args[1].trim() : "";
        String reasonDigit = args != null && args.length > 2 ? args[2].trim() : "";
        AgentState state = switch (wanted) {
            case "ready" -> AgentState.READY;
            case "pause" -> AgentState.PAUSED;
            default -> null;
        };
        int reason = reason(reasonDigit, gateway.directory().pauseReasons().size());
        int agentId = gateway.directory().agent(endpoint);
        String language = gateway.directory().language(0);
        if (state == null || agentId < 0 || reason < 0) {
            calls.counters.presenceRefused.incrementAndGet();
            LOG.warn("presence code '{}{}' from endpoint '{}': no such code or no call-taking agent", wanted, reasonDigit, endpoint);
            play(language, "agent-refused");
            return;
        }
        CompletableFuture<Integer> refusal = new CompletableFuture<>();
        CompletableFuture<Integer> earlier = calls.presenceRequests.put(agentId, refusal);
        if (earlier != null) {
            earlier.complete(-1); // a second code from the same phone: the first one's wait ends here
        }
        int refusedBecause = -1;
        try {
            if (!calls.publishAgentState(agentId, state, reason)) {
                refusedBecause = Integer.MAX_VALUE; // ring full
            } else {
                try {
                    refusedBecause = refusal.get(REFUSAL_WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException taken) {
                    refusedBecause = -1;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            calls.presenceRequests.remove(agentId, refusal);
        }
        if (refusedBecause >= 0) {
            calls.counters.presenceRefused.incrementAndGet();
            LOG.info("agent {}: {} from the phone refused (reason {})", endpoint, state, refusedBecause);
            play(language, "agent-refused");
        } else {
            calls.counters.presenceChanges.incrementAndGet();
            LOG.info("agent {}: {} from the phone (reason {})", endpoint, state, reason);
            play(language, state == AgentState.READY ? "agent-ready" : "agent-paused");
        }
    }

    /**
     * The reason code of {@code *56N}'s digit: none, or 1-9 up to the configuration's number of
     * pause reasons; -1 for anything else.
     */
    static int reason(String digit, int reasons) {
        if (digit.isEmpty()) {
            return PauseReason.UNSPECIFIED;
        }
        if (digit.length() == 1 && digit.charAt(0) >= '1' && digit.charAt(0) <= '9' && digit.charAt(0) - '1' < reasons) {
            return PauseReason.FIRST_OPERATOR_CODE + digit.charAt(0) - '1';
        }
        return -1;
    }

    private void play(String language, String prompt) throws AgiException {
        try {
            channel.streamFile(gateway.settings().soundsDir() + "/" + language + "/" + prompt);
        } catch (AgiHangupException e) {
            // the agent hung up before the confirmation ended: the change stands
        }
    }
}
