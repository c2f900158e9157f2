package org.loket.core.decision;

/** How a contact ended; every contact ends exactly once with one of these. Codes are journaled. */
public final class Outcome {
    /** An agent talked to the citizen (the contact was connected). */
    public static final int ANSWERED = 1;
    /** The citizen left while waiting in a queue or while an agent was being offered the contact. */
    public static final int ABANDONED = 2;
    /** The citizen left during self-service, before asking for a human. */
    public static final int ABANDONED_IN_SELF_SERVICE = 3;
    /** Self-service answered the question (an information leaf). */
    public static final int SELF_SERVED = 4;
    /** The queue was closed by an operator: the contact heard the closure message and ended. */
    public static final int CLOSED = 5;
    /** The queue was outside its business hours (or on a holiday): the contact heard the hours message and ended. */
    public static final int OUTSIDE_HOURS = 6;
    /**
     * Turned away by the queue's own policy: it was full, its estimated wait was too long, or an
     * escalation step closed it; the contact heard the deflection message and ended.
     */
    public static final int DEFLECTED = 7;
    /** Number of outcome codes, for arrays indexed by outcome. */
    public static final int COUNT = 8;

    private static final String[] NAMES = {"NONE", "ANSWERED", "ABANDONED", "ABANDONED_IN_SELF_SERVICE", "SELF_SERVED", "CLOSED", "OUTSIDE_HOURS", "DEFLECTED"};

    private Outcome() {
    }

    /** A readable name for logs and reports. */
    public static String name(int outcome) {
        return outcome >= 0 && outcome < NAMES.length ? NAMES[outcome] : "OUTCOME_" + outcome;
    }
}
