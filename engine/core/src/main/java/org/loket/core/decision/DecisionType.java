package org.loket.core.decision;

/**
 * The imperatives the core issues. Codes are stable: they are journaled. Each constant's javadoc
 * names the {@link Decision} fields it sets; the others hold {@link Decision#NONE}.
 */
public enum DecisionType {
    /**
     * Offer {@code contactId} (waiting in {@code queueId}) to {@code agentId}. The explanation:
     * {@code reason} ({@link OfferReason}), {@code candidates} (agents or lanes considered),
     * {@code nodeId} (escalation steps of the queue the contact had passed, 0 = none),
     * {@code score} (the chosen agent's idle-since time in ns, or the contact's effective priority
     * in thousandths), {@code runnerUp} (the next agent or contact id, -1 if none);
     * {@code flags} has {@link Decision#FLAG_CALLBACK} when Loket must call the citizen back.
     */
    OFFER_CONTACT(1),
    /** Render {@code promptId} of flow node {@code nodeId} in {@code languageId}; {@link Decision#FLAG_FINAL} when it ends the contact. */
    PLAY_PROMPT(2),
    /**
     * {@code contactId} now waits in {@code queueId} at {@code priority}: start hold music.
     * {@code score} is the estimated wait in ms from the live model (contacts waiting in the queue,
     * plus this one, times the queue's average handling time, over the capacity of the ready agents
     * who serve it), or -1 when unknown (no contact handled yet, or nobody staffed). {@code agentId}
     * is the preferred agent the contact waits for alone, within its queue's {@code preferredAgentMs};
     * when that wait ends without an offer, the contact's {@code QUEUE_CONTACT} comes again, without
     * the agent (same queue, same place).
     */
    QUEUE_CONTACT(3),
    /** Stop offering {@code contactId} to {@code agentId} (timed out or the citizen left). */
    RETRACT_OFFER(4),
    /**
     * The core changed {@code agentId}'s state on its own, or ended its wrap-up: {@code agentState} is
     * its presence now (logged out, ready or paused, never what its contacts make it) with the pause
     * {@code reason}; when the wrap-up limit of {@code contactId} ended it, that contact is named.
     * The core's own pauses: no answer to an offer, a logout that waits for the agent's contacts.
     */
    AGENT_STATE(5),
    /** {@code contactId} ended with {@code outcome} ({@link Outcome}), last in {@code queueId}, handled by {@code agentId}. */
    END_CONTACT(6),
    /**
     * {@code contactId} was handed from {@code agentId} to {@code queueId}. With {@link Decision#FLAG_WARM}
     * the agent stays with the citizen, still holding the contact's place in its capacity, until
     * {@link #TRANSFER_RELEASED}; without it the agent is free at once.
     */
    TRANSFER_CONTACT(7),
    /** {@code contactId} keeps its place in {@code queueId} and will be called back. */
    CALLBACK_SCHEDULED(8),
    /** The command of type {@code commandType} was refused for {@code reason} ({@link RejectReason}). */
    REJECT_COMMAND(9),
    /**
     * Escalation step {@code nodeId} (0-based) of the queue acted on waiting {@code contactId}:
     * {@code reason} is the step's action ({@link org.loket.core.config.EscalationStep.Action#code()}),
     * {@code queueId} the queue the contact waits in afterwards (another one after an overflow).
     * A callback step asks the adapter to offer the citizen a callback; a close step is followed by
     * the final prompt and the end.
     */
    ESCALATE(10),
    /**
     * A configuration was installed or reloaded; {@code score} is its version. Decisions before it
     * in the same command (timers that fell due) were taken under the previous configuration, those
     * after it under this one. Adapters refresh their view of queues, agents and prompts here.
     */
    CONFIGURATION_APPLIED(11),
    /**
     * {@code queueId} turned away or redirected {@code contactId} on arrival because it was full or
     * its estimated wait too long: {@code reason} is the action
     * ({@link org.loket.core.config.EscalationStep.Action#code()}), {@code score} the estimated wait
     * in ms (-1 unknown), {@code candidates} the contacts waiting. A close is followed by the final
     * prompt and the end ({@code DEFLECTED}), an overflow by the contact queueing in the other queue,
     * a callback offer comes after the contact queued.
     */
    DEFLECT(12),
    /**
     * Render the operator's service announcement {@code promptId} in {@code languageId} to the arriving
     * {@code contactId} before anything else (the contact's flow or queue decisions follow): heard to its
     * end, keys do not cut it short, nothing waits on it. See {@code ANNOUNCEMENT_SET}.
     */
    ANNOUNCE(13),
    /**
     * {@code agentId}, who transferred {@code contactId} warmly (now in {@code queueId}), is free of it:
     * {@code reason} ({@link ReleaseReason}) says why: the next agent accepted it, it ended first, or
     * the agent left it. {@link ReleaseReason#RETURNED}: {@code agentId} is the agent who had joined
     * an introduction and left it; the contact is back with the agent who transferred it, connected,
     * and {@code queueId} is the queue it is back in (the one it was in before the transfer).
     */
    TRANSFER_RELEASED(14);

    private static final DecisionType[] BY_CODE = new DecisionType[16];

    static {
        for (DecisionType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    DecisionType(int code) {
        this.code = code;
    }

    /** Stable journal code. */
    public int code() {
        return code;
    }

    /** @return the type, or {@code null} for a code no type has */
    public static DecisionType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
