package org.loket.core.decision;

/** Why a command was refused. Codes are journaled; each rejection also counts in the core's counters. */
public final class RejectReason {
    public static final int NO_CONFIGURATION = 1;
    public static final int UNKNOWN_CONTACT = 2;
    public static final int UNKNOWN_AGENT = 3;
    public static final int UNKNOWN_ENTRY = 4;
    public static final int UNKNOWN_QUEUE = 5;
    public static final int DUPLICATE_CONTACT = 6;
    public static final int ILLEGAL_TRANSITION = 7;
    public static final int WRONG_AGENT = 8;
    public static final int AGENT_HAS_CONTACTS = 9;
    public static final int CONTACT_CAPACITY_EXCEEDED = 10;
    public static final int CONFIGURATION_INVALID = 11;
    public static final int CONFIGURATION_IN_FLIGHT = 12;
    public static final int INVALID_ARGUMENT = 13;
    public static final int UNKNOWN_COMMAND = 14;
    /** A transfer into a queue of another channel: a call stays a call, a chat a chat. */
    public static final int WRONG_CHANNEL = 15;

    /** One past the highest code; sizes counter arrays. */
    public static final int COUNT = 16;

    private static final String[] NAMES = {"NONE", "NO_CONFIGURATION", "UNKNOWN_CONTACT", "UNKNOWN_AGENT",
            "UNKNOWN_ENTRY", "UNKNOWN_QUEUE", "DUPLICATE_CONTACT", "ILLEGAL_TRANSITION", "WRONG_AGENT",
            "AGENT_HAS_CONTACTS", "CONTACT_CAPACITY_EXCEEDED", "CONFIGURATION_INVALID", "CONFIGURATION_IN_FLIGHT",
            "INVALID_ARGUMENT", "UNKNOWN_COMMAND", "WRONG_CHANNEL"};

    private RejectReason() {
    }

    /** A readable name for logs and reports. */
    public static String name(int reason) {
        return reason >= 0 && reason < NAMES.length ? NAMES[reason] : "REJECT_" + reason;
    }
}
