package org.loket.core;

/** Where a live contact is. Codes are stable: they appear in snapshots. */
public enum ContactState {
    /** Not a live contact (never seen, or ended). */
    NONE(0),
    /** In a self-service flow (IVR or chatbot). */
    SELF_SERVICE(1),
    /** Waiting in a queue for an agent. */
    WAITING(2),
    /** Offered to an agent who has not accepted yet. */
    OFFERED(3),
    /** Talking or chatting with an agent. */
    CONNECTED(4),
    /** The citizen is done; the agent is doing after-contact work. */
    WRAP_UP(5);

    private static final ContactState[] BY_CODE = values();
    private final int code;

    ContactState(int code) {
        this.code = code;
    }

    /** Stable code. */
    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for an unknown code */
    public static ContactState ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown contact state code " + code);
        }
        return BY_CODE[code];
    }
}
