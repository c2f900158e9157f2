package org.loket.telephony;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.loket.config.PhonePrompts;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent set their state from their phone: a presence code dialled from the agent's endpoint
 * ({@code *55} ready, {@code *56} pause, {@code *56N} pause with the N-th pause reason, N = 1-9, the
 * configuration's {@code pauseReasons}, reason code {@code 16 + N - 1}; {@code *57} ends the
 * after-call work of the call that ended last, {@code *57N} with the N-th of the configuration's
 * {@code wrapUpCodes}; {@link org.loket.telephony.config.AsteriskConfigWriter} writes them into the
 * agents' context). An agent the core paused because an offer rang out ({@code NO_ANSWER}) needs no
 * desktop to take calls again, and one without a desktop records what a call was about. The agent
 * hears {@code agent-ready}, {@code agent-paused} or {@code agent-wrapped-up}, or {@code agent-refused}
 * when the engine refuses (the agent is logged out, e.g. the phone was unreachable; no after-call
 * work is open) or the code names no agent, reason or wrap-up code.
 */
final class PresenceSession {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceSession.class);
    /**
     * How long a refusal is waited for. The core takes a state change or a wrap-up's end without a
     * decision and refuses it with one ({@code REJECT_COMMAND}); it decides within milliseconds, so
     * silence means taken.
     */
    static final long REFUSAL_WAIT_MS = 500;
    /** {@link #code}'s answer for a digit that names nothing. */
    static final int NO_SUCH_CODE = -2;

    private final TelephonyGateway gateway;
    private final AgiChannel channel;

    PresenceSession(TelephonyGateway gateway, AgiChannel channel) {
        this.gateway = gateway;
        this.channel = channel;
    }

    /**
     * @param args {@code ready}, {@code pause} or {@code wrapup}, then the endpoint that dialled, then
     *             (a pause, a wrap-up) the digit of the reason or code
     */
    void run(String[] args) throws AgiException {
        String wanted = args != null && args.length > 0 ? args[0].trim() : "";
        String endpoint = args != null && args.length > 1 ? args[1].trim() : "";
        String digit = args != null && args.length > 2 ? args[2].trim() : "";
        if ("wrapup".equals(wanted)) {
            endWrapUp(endpoint, digit);
        } else {
            changeState(wanted, endpoint, digit);
        }
    }

    private void changeState(String wanted, String endpoint, String reasonDigit) throws AgiException {
        Calls calls = gateway.calls();
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
            play(language, PhonePrompts.AGENT_REFUSED);
            return;
        }
        int refusedBecause = publishAndAwaitRefusal(agentId, () -> calls.publishAgentState(agentId, state, reason));
        answer(refusedBecause, endpoint + ": " + state + " (reason " + reason + ")", language,
                state == AgentState.READY ? PhonePrompts.AGENT_READY : PhonePrompts.AGENT_PAUSED, calls.counters.presenceChanges, calls.counters.presenceRefused);
    }

    /** {@code *57[N]}: the agent's open after-call work ends, with wrap-up code N - 1 or none. */
    private void endWrapUp(String endpoint, String codeDigit) throws AgiException {
        Calls calls = gateway.calls();
        int code = code(codeDigit, gateway.directory().wrapUpCodes().size());
        int agentId = gateway.directory().agent(endpoint);
        Long contactId = agentId < 0 ? null : calls.wrapUps.get(endpoint);
        String language = gateway.directory().language(0);
        if (code == NO_SUCH_CODE || contactId == null) {
            calls.counters.wrapUpsRefused.incrementAndGet();
            LOG.info("wrap-up code '{}' from endpoint '{}': {}", codeDigit, endpoint,
                    code == NO_SUCH_CODE ? "no such code" : agentId < 0 ? "no call-taking agent" : "no after-call work open");
            play(language, PhonePrompts.AGENT_REFUSED);
            return;
        }
        int refusedBecause = publishAndAwaitRefusal(agentId, () -> calls.publishWrapUpDone(contactId, agentId, code));
        if (refusedBecause != Integer.MAX_VALUE) {
            calls.wrapUps.remove(endpoint, contactId); // ended, or (refused) no longer open: the desktop or its limit ended it
        }
        answer(refusedBecause, endpoint + ": end of the after-call work of " + contactId + " (code " + code + ")", language,
                PhonePrompts.AGENT_WRAPPED_UP, calls.counters.wrapUpsEnded, calls.counters.wrapUpsRefused);
    }

    /** Counts, logs and confirms the engine's answer to the agent ({@link #publishAndAwaitRefusal}'s result). */
    private void answer(int refusedBecause, String what, String language, String takenPrompt, AtomicLong taken, AtomicLong refused)
            throws AgiException {
        if (refusedBecause >= 0) {
            refused.incrementAndGet();
            LOG.info("agent {} from the phone: refused (reason {})", what, refusedBecause);
            play(language, PhonePrompts.AGENT_REFUSED);
        } else {
            taken.incrementAndGet();
            LOG.info("agent {} from the phone", what);
            play(language, takenPrompt);
        }
    }

    /**
     * Publishes the agent's command and waits up to {@link #REFUSAL_WAIT_MS} for the core to refuse it.
     *
     * @return -1 when taken, the core's {@code RejectReason} when refused, {@link Integer#MAX_VALUE} when the ring was full
     */
    private int publishAndAwaitRefusal(int agentId, java.util.function.BooleanSupplier publish) {
        Calls calls = gateway.calls();
        CompletableFuture<Integer> refusal = new CompletableFuture<>();
        CompletableFuture<Integer> earlier = calls.presenceRequests.put(agentId, refusal);
        if (earlier != null) {
            earlier.complete(-1); // a second code from the same phone: the first one's wait ends here
        }
        try {
            if (!publish.getAsBoolean()) {
                return Integer.MAX_VALUE;
            }
            return refusal.get(REFUSAL_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException taken) {
            return -1;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            calls.presenceRequests.remove(agentId, refusal);
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
        int code = code(digit, reasons);
        return code >= 0 ? PauseReason.FIRST_OPERATOR_CODE + code : -1;
    }

    /**
     * The index a code's digit names in a list of {@code size} names: -1 for no digit, {@code N - 1}
     * for a digit N of 1-9 up to {@code size}; {@link #NO_SUCH_CODE} for anything else.
     */
    static int code(String digit, int size) {
        if (digit.isEmpty()) {
            return -1;
        }
        if (digit.length() == 1 && digit.charAt(0) >= '1' && digit.charAt(0) <= '9' && digit.charAt(0) - '1' < size) {
            return digit.charAt(0) - '1';
        }
        return NO_SUCH_CODE;
    }

    private void play(String language, String prompt) throws AgiException {
        play(gateway, channel, language, prompt);
    }

    /** Plays a confirmation or refusal to a staff phone (an agent's, a supervisor's); a hang-up during it changes nothing. */
    static void play(TelephonyGateway gateway, AgiChannel channel, String language, String prompt) throws AgiException {
        try {
            channel.streamFile(gateway.settings().soundsDir() + "/" + language + "/" + prompt);
        } catch (AgiHangupException e) {
            // the phone hung up before the prompt ended: what it asked for stands (or was refused) all the same
        }
    }
}
