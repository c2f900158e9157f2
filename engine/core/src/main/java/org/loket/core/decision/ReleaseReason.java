package org.loket.core.decision;

/** Why an agent of a warm transfer is free of the contact ({@link DecisionType#TRANSFER_RELEASED}). Codes are journaled. */
public final class ReleaseReason {
    /** Another agent accepted the contact: the hand-over is done. */
    public static final int ACCEPTED = 1;
    /** The contact ended (the citizen left, or its queue closed) before another agent accepted it. */
    public static final int CONTACT_ENDED = 2;
    /** The agent left the contact ({@code TRANSFER_LEFT}); it waits on alone. */
    public static final int LEFT = 3;
    /** The agent left after introducing the citizen to the agent who accepted them (a three-way introduction). */
    public static final int INTRODUCED = 4;
    /**
     * The agent who accepted an introduction left it while the agent who introduced the citizen was
     * still on: the contact is back with that agent alone (its agent again, connected), in the queue
     * it was in before the transfer, as if the transfer had not been made: the decision's queue is
     * that one, and the contact's end, wrap-up limit and later transfers count there. Unlike the
     * other reasons, the decision's agent is the one who joined, not the one who stayed.
     */
    public static final int RETURNED = 5;

    private static final String[] NAMES = {"NONE", "ACCEPTED", "CONTACT_ENDED", "LEFT", "INTRODUCED", "RETURNED"};

    private ReleaseReason() {
    }

    /** A readable name for logs and reports. */
    public static String name(int reason) {
        return reason >= 0 && reason < NAMES.length ? NAMES[reason] : "RELEASE_" + reason;
    }
}
