package org.loket.core;

/**
 * What an agent is doing, as the core reports it. {@code LOGGED_OUT}, {@code READY} and
 * {@code PAUSED} are the presence an agent chooses; {@code OFFERED}, {@code BUSY} and
 * {@code WRAP_UP} are derived from the contacts the agent holds. Codes are stable: they are journaled.
 */
public enum AgentState {
    LOGGED_OUT(0), READY(1), PAUSED(2), OFFERED(3), BUSY(4), WRAP_UP(5);

    private static final AgentState[] BY_CODE = values();
    private final int code;

    AgentState(int code) {
        this.code = code;
    }

    /** Stable journal code. */
    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for an unknown code */
    public static AgentState ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown agent state code " + code);
        }
        return BY_CODE[code];
    }
}
