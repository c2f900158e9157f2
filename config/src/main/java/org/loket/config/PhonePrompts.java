package org.loket.config;

import java.util.List;

/**
 * Prompts the phone channel plays by name, besides those the flows and queues name: the
 * configuration holds their texts like every other prompt's. {@code loket config check} warns when
 * a configuration with voice queues lacks one (callers or agents would hear nothing there).
 */
public final class PhonePrompts {
    /** A waiting caller's position, then the estimated wait and its unit. */
    public static final String QUEUE_POSITION = "queue-position";
    public static final String QUEUE_WAIT = "queue-wait";
    public static final String QUEUE_MINUTES = "queue-minutes";
    /** A waiting caller may ask to be called back; then hears that it will be. */
    public static final String CALLBACK_OFFER = "callback-offer";
    public static final String CALLBACK_CONFIRMED = "callback-confirmed";
    /** The dialplan's closing message when Loket does not finish a call. */
    public static final String FALLBACK_CLOSED = "fallback-closed";
    /** An agent's presence codes from the phone: ready ({@code *55}), paused ({@code *56}), after-call work done ({@code *57}), refused. */
    public static final String AGENT_READY = "agent-ready";
    public static final String AGENT_PAUSED = "agent-paused";
    public static final String AGENT_WRAPPED_UP = "agent-wrapped-up";
    public static final String AGENT_REFUSED = "agent-refused";

    public static final List<String> ALL = List.of(QUEUE_POSITION, QUEUE_WAIT, QUEUE_MINUTES, CALLBACK_OFFER, CALLBACK_CONFIRMED,
            FALLBACK_CLOSED, AGENT_READY, AGENT_PAUSED, AGENT_WRAPPED_UP, AGENT_REFUSED);

    private PhonePrompts() {
    }
}
