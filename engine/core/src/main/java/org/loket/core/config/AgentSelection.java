package org.loket.core.config;

/**
 * How a queue picks among the agents available for a contact. Within what the strategy puts first,
 * the longest idle wins. An agent's skill for a contact is its lowest level among the terms of the
 * best clause it meets (the language term included).
 */
public enum AgentSelection {
    /** The agent idle longest. */
    LONGEST_IDLE,
    /** The most skilled agent: experts first. */
    MOST_SKILLED,
    /** The least skilled agent that qualifies: keeps experts free for what only they can do. */
    LEAST_SKILLED,
    /**
     * The agent least occupied today (time holding contacts over time logged in since the day
     * started, every login of the day counted together, in tenths, as it was when the agent became
     * available): spreads the work over the day. The day starts with the host's {@code DAY_STARTED}.
     */
    LEAST_OCCUPIED,
    /**
     * Agents take turns in roster order: each contact the queue hands out goes to the next available
     * agent after the one it chose last (wrapping around), however long either has been idle.
     */
    ROUND_ROBIN;

    /** @return the strategy of an ordinal, or null */
    public static AgentSelection ofOrdinal(int ordinal) {
        return ordinal >= 0 && ordinal < values().length ? values()[ordinal] : null;
    }
}
