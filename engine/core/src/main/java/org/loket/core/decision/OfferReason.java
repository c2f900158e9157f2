package org.loket.core.decision;

/** Why an offer went where it went: the first half of every offer's explanation. Codes are journaled. */
public final class OfferReason {
    /** A contact needed an agent: the longest-idle eligible agent was chosen among {@code candidates}. */
    public static final int LONGEST_IDLE_AGENT = 1;
    /**
     * An agent became available: the best waiting contact over the agent's {@code candidates} queues
     * was chosen, by effective priority (aged), then arrival, then contact id.
     */
    public static final int BEST_WAITING_CONTACT = 2;
    /**
     * A warm transfer named this agent, who could take the contact at once ({@code candidates} 1,
     * {@code score} 0, no runner-up).
     */
    public static final int TRANSFERRED_TO_AGENT = 3;

    /**
     * The contact named this agent as preferred (its last agent) and waited for it alone, within its
     * queue's {@code preferredAgentMs} ({@code candidates} 1, {@code score} 0, no runner-up).
     */
    public static final int PREFERRED_AGENT = 4;

    private static final String[] NAMES = {"NONE", "LONGEST_IDLE_AGENT", "BEST_WAITING_CONTACT", "TRANSFERRED_TO_AGENT",
        "PREFERRED_AGENT"};

    private OfferReason() {
    }

    /** A readable name for logs and explanations. */
    public static String name(int reason) {
        return reason >= 0 && reason < NAMES.length ? NAMES[reason] : "OFFER_REASON_" + reason;
    }
}
