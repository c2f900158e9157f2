package org.loket.core.decision;

/**
 * A flat, mutable, reusable holder for one decision. The core fills one instance and hands it to
 * its {@link DecisionSink}, which must copy what it keeps before returning. Which fields matter
 * depends on {@link #type}; see {@link DecisionType}.
 */
public final class Decision {
    /** Marks a field as "not set". */
    public static final int NONE = -1;
    /** The offer is a callback: Loket calls the citizen once the agent accepts. */
    public static final int FLAG_CALLBACK = 1;
    /** The prompt is the last thing the contact hears or reads: the contact ends after it. */
    public static final int FLAG_FINAL = 2;
    /** The offer is a call to an agent who holds deferrable work (e-mail, social): the call interrupts it. */
    public static final int FLAG_INTERRUPTS = 4;
    /** The transfer is warm: its agent stays with the citizen until {@link DecisionType#TRANSFER_RELEASED}. */
    public static final int FLAG_WARM = 8;
    /** The warm transfer introduces: its agent stays on after the next one accepts, until it leaves ({@link org.loket.core.command.Command#TRANSFER_INTRODUCE}). */
    public static final int FLAG_INTRODUCE = 16;

    public DecisionType type;
    /** Sequence of the command that caused this decision. */
    public long causeSequence;
    /** The core's time (epoch ns) when it decided. */
    public long timestampNs;
    public long contactId = NONE;
    public int agentId = NONE;
    public int queueId = NONE;
    public int promptId = NONE;
    public int nodeId = NONE;
    public int languageId = NONE;
    public int priority = NONE;
    public int outcome = NONE;
    public int reason = NONE;
    public int agentState = NONE;
    public int commandType = NONE;
    public int candidates = NONE;
    public int flags;
    public long score = NONE;
    public long runnerUp = NONE;

    /** Resets every field, keeping the holder. */
    public Decision clear() {
        type = null;
        causeSequence = 0;
        timestampNs = 0;
        contactId = NONE;
        agentId = NONE;
        queueId = NONE;
        promptId = NONE;
        nodeId = NONE;
        languageId = NONE;
        priority = NONE;
        outcome = NONE;
        reason = NONE;
        agentState = NONE;
        commandType = NONE;
        candidates = NONE;
        flags = 0;
        score = NONE;
        runnerUp = NONE;
        return this;
    }

    /** Copies every field of {@code other}. */
    public Decision copyFrom(Decision other) {
        type = other.type;
        causeSequence = other.causeSequence;
        timestampNs = other.timestampNs;
        contactId = other.contactId;
        agentId = other.agentId;
        queueId = other.queueId;
        promptId = other.promptId;
        nodeId = other.nodeId;
        languageId = other.languageId;
        priority = other.priority;
        outcome = other.outcome;
        reason = other.reason;
        agentState = other.agentState;
        commandType = other.commandType;
        candidates = other.candidates;
        flags = other.flags;
        score = other.score;
        runnerUp = other.runnerUp;
        return this;
    }

    /**
     * Folds every field into a running 64-bit hash. Replay compares these hashes to prove that a
     * fresh core decided exactly what the recorded one did.
     */
    public long hashInto(long hash) {
        long h = hash;
        h = mix(h, type == null ? 0 : type.code());
        h = mix(h, causeSequence);
        h = mix(h, timestampNs);
        h = mix(h, contactId);
        h = mix(h, ((long) agentId << 32) | (queueId & 0xFFFF_FFFFL));
        h = mix(h, ((long) promptId << 32) | (nodeId & 0xFFFF_FFFFL));
        h = mix(h, ((long) languageId << 32) | (priority & 0xFFFF_FFFFL));
        h = mix(h, ((long) outcome << 32) | (reason & 0xFFFF_FFFFL));
        h = mix(h, ((long) agentState << 32) | (commandType & 0xFFFF_FFFFL));
        h = mix(h, ((long) candidates << 32) | (flags & 0xFFFF_FFFFL));
        h = mix(h, score);
        return mix(h, runnerUp);
    }

    /** Whether the core refused the command these decisions answer (one of them is a {@code REJECT_COMMAND}). */
    public static boolean refused(Decision[] decisions, int count) {
        for (int i = 0; i < count; i++) {
            if (decisions[i].type == DecisionType.REJECT_COMMAND) {
                return true;
            }
        }
        return false;
    }

    /** One step of a 64-bit multiply-xorshift hash (the finaliser of SplitMix64). */
    public static long mix(long hash, long value) {
        long z = hash ^ (value + 0x9E37_79B9_7F4A_7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(96).append(type).append('{');
        s.append("cause=").append(causeSequence).append(" t=").append(timestampNs);
        field(s, "contact", contactId);
        field(s, "agent", agentId);
        field(s, "queue", queueId);
        field(s, "prompt", promptId);
        field(s, "node", nodeId);
        field(s, "language", languageId);
        field(s, "priority", priority);
        if (outcome != NONE) {
            s.append(" outcome=").append(Outcome.name(outcome));
        }
        if (reason != NONE) {
            s.append(" reason=").append(type == DecisionType.REJECT_COMMAND ? RejectReason.name(reason)
                    : type == DecisionType.OFFER_CONTACT ? OfferReason.name(reason) : Integer.toString(reason));
        }
        field(s, "agentState", agentState);
        field(s, "commandType", commandType);
        field(s, "candidates", candidates);
        if (flags != 0) {
            s.append(" flags=").append(flags);
        }
        field(s, "score", score);
        field(s, "runnerUp", runnerUp);
        return s.append('}').toString();
    }

    private static void field(StringBuilder s, String name, long value) {
        if (value != NONE) {
            s.append(' ').append(name).append('=').append(value);
        }
    }
}
