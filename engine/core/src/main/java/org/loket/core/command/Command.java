package org.loket.core.command;

import java.util.Arrays;

/**
 * A flat, mutable, reusable holder for one command: the ring's event payload, the journal's record
 * and the core's input. Which fields matter depends on {@link #type}; see {@link CommandType}.
 * Identifiers are dense integers made at the edge; no outside object ever enters the core.
 * <p>Not thread-safe: one writer at a time, handed over by the ring's memory barriers.
 */
public final class Command {
    /** Marks an int field as "not given". */
    public static final int NONE = -1;
    /** {@link #citizenPseudonym} of a contact whose citizen is not known. */
    public static final long UNKNOWN_CITIZEN = 0;
    /** {@link #reason} of a {@link CommandType#TRANSFER_REQUESTED} that is warm: the agent stays until the next one accepts. */
    public static final int TRANSFER_WARM = 1;
    /**
     * {@link #reason} of a {@link CommandType#TRANSFER_REQUESTED} that is warm with an introduction:
     * the agent stays until the next one accepts, and then talks on with both (a three-way call)
     * until they leave ({@link CommandType#TRANSFER_LEFT}) or the contact ends.
     */
    public static final int TRANSFER_INTRODUCE = 2;

    /**
     * {@link #reason} of a {@link CommandType#CONTACT_ABANDONED} or {@link CommandType#CONTACT_ENDED}
     * that no citizen's hang-up caused: a gateway ended, at its start after a restart of Loket, a
     * contact whose session died with the previous process (or whose end it could only infer). The
     * outcome is the core's usual one; the reason is journaled so reports and audits can tell these
     * ends apart. The core ignores it.
     */
    public static final int ENDED_AT_RESTART = 1;
    /**
     * {@link #reason} of a {@link CommandType#OFFER_ACCEPTED} that a gateway inferred at its start
     * after a restart of Loket: the offered agent's phone was found in a call, answered while no
     * process heard it. Journaled for reports and audits; the core ignores it.
     */
    public static final int FOUND_AT_RESTART = 1;
    /**
     * {@link #reason} of an {@link CommandType#AGENT_CHANNEL_SET} that switches voice off because the
     * agent's phone no longer answers (Asterisk's qualify found its contact unreachable: a network
     * blip, a phone switched off), not because it unregistered: the agent stays logged in, in its
     * state, with its chats, and the desktop says why no calls come. Journaled; the core ignores it.
     * (Journals of Loket before 2026-11-25 hold it as the reason of a logout, which the core ignores too.)
     */
    public static final int PHONE_UNREACHABLE = 1;

    public CommandType type;
    /** Position of the command in the journal, assigned by the host; echoed in decisions. */
    public long sequence;
    /** Epoch nanoseconds, stamped once when the command is published; the core's only clock. */
    public long timestampNs;
    public long contactId = NONE;
    public int agentId = NONE;
    public int entryId = NONE;
    public int queueId = NONE;
    public int channel = NONE;
    public int priority = NONE;
    public int languageId = NONE;
    public int input = NONE;
    public int agentState = NONE;
    public int reason = NONE;
    /**
     * Only for {@link CommandType#CONTACT_ARRIVED}: a keyed pseudonym of who made the contact (the
     * adapter's HMAC of a caller number or sender address), {@link #UNKNOWN_CITIZEN} when withheld or
     * not known. The core ignores it; reports link a citizen's contacts by it (repeat contacts).
     */
    public long citizenPseudonym = UNKNOWN_CITIZEN;
    /** Only for {@link CommandType#CONFIG_APPLIED}; never retained by the core. */
    public byte[] payload;

    /** Resets every field to "not given", so a reused holder carries nothing over. */
    public Command clear() {
        type = null;
        sequence = 0;
        timestampNs = 0;
        contactId = NONE;
        agentId = NONE;
        entryId = NONE;
        queueId = NONE;
        channel = NONE;
        priority = NONE;
        languageId = NONE;
        input = NONE;
        agentState = NONE;
        reason = NONE;
        citizenPseudonym = UNKNOWN_CITIZEN;
        payload = null;
        return this;
    }

    /** Copies every field of {@code other} (the payload by reference). */
    public Command copyFrom(Command other) {
        type = other.type;
        sequence = other.sequence;
        timestampNs = other.timestampNs;
        contactId = other.contactId;
        agentId = other.agentId;
        entryId = other.entryId;
        queueId = other.queueId;
        channel = other.channel;
        priority = other.priority;
        languageId = other.languageId;
        input = other.input;
        agentState = other.agentState;
        reason = other.reason;
        citizenPseudonym = other.citizenPseudonym;
        payload = other.payload;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command c && type == c.type && sequence == c.sequence && timestampNs == c.timestampNs
                && contactId == c.contactId && agentId == c.agentId && entryId == c.entryId && queueId == c.queueId
                && channel == c.channel && priority == c.priority && languageId == c.languageId && input == c.input
                && agentState == c.agentState && reason == c.reason && citizenPseudonym == c.citizenPseudonym && Arrays.equals(payload, c.payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Long.hashCode(contactId);
    }

    @Override
    public String toString() {
        return "Command{" + type + " seq=" + sequence + " t=" + timestampNs + " contact=" + contactId + " agent=" + agentId
                + " entry=" + entryId + " queue=" + queueId + " channel=" + channel + " priority=" + priority
                + " language=" + languageId + " input=" + input + " state=" + agentState + " reason=" + reason
                + (citizenPseudonym == UNKNOWN_CITIZEN ? "" : " citizen=" + Long.toHexString(citizenPseudonym))
                + (payload == null ? "" : " payload=" + payload.length + "B") + '}';
    }
}
