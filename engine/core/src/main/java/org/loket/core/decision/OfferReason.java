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

    /** A contact needed an agent and its queue selects the most skilled: {@code score} the chosen agent's idle-since time. */
    public static final int MOST_SKILLED_AGENT = 5;
    /** As {@link #MOST_SKILLED_AGENT}, for a queue that selects the least skilled agent that qualifies. */
    public static final int LEAST_SKILLED_AGENT = 6;
    /** As {@link #MOST_SKILLED_AGENT}, for a queue that selects the least occupied agent since login. */
    public static final int LEAST_OCCUPIED_AGENT = 7;
    /** As {@link #MOST_SKILLED_AGENT}, for a queue whose agents take turns in roster order. */
    public static final int ROUND_ROBIN_AGENT = 8;

    private static final String[] NAMES = {"NONE", "LONGEST_IDLE_AGENT", "BEST_WAITING_CONTACT", "TRANSFERRED_TO_AGENT",
        "PREFERRED_AGENT", "MOST_SKILLED_AGENT", "LEAST_SKILLED_AGENT", "LEAST_OCCUPIED_AGENT", "ROUND_ROBIN_AGENT"};

    /** The reason of an offer the queue's agent selection made for a contact that needed an agent. */
    public static int forSelection(org.loket.core.config.AgentSelection selection) {
        return switch (selection) {
            case LONGEST_IDLE -> LONGEST_IDLE_AGENT;
            case MOST_SKILLED -> MOST_SKILLED_AGENT;
            case LEAST_SKILLED -> LEAST_SKILLED_AGENT;
            case LEAST_OCCUPIED -> LEAST_OCCUPIED_AGENT;
            case ROUND_ROBIN -> ROUND_ROBIN_AGENT;
        };
    }

    /** Whether the offer chose an agent for a contact (its score is the agent's idle-since time, its runner-up an agent). */
    public static boolean choseAgent(int reason) {
        return reason == LONGEST_IDLE_AGENT || reason >= MOST_SKILLED_AGENT && reason <= ROUND_ROBIN_AGENT;
    }

    private OfferReason() {
    }

    /** A readable name for logs and explanations. */
    public static String name(int reason) {
        return reason >= 0 && reason < NAMES.length ? NAMES[reason] : "OFFER_REASON_" + reason;
    }
}
