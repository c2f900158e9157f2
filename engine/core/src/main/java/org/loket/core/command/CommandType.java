package org.loket.core.command;

/**
 * The facts from outside that drive the core. Codes are stable: they are journaled. Each constant's
 * javadoc names the {@link Command} fields it uses; other fields are ignored.
 */
public enum CommandType {
    /** {@code payload}: an encoded {@link org.loket.core.config.RoutingConfig}. */
    CONFIG_APPLIED(1),
    /** Only time: lets timers fire when traffic is quiet. */
    TICK(2),
    /**
     * {@code contactId, channel, entryId, priority (-1 = entry default), languageId (-1 = default),
     * agentId}: the agent the citizen should preferably reach (the last one they spoke to), or -1.
     */
    CONTACT_ARRIVED(3),
    /** {@code contactId, input}: a menu choice (0-9, 10 = '*', 11 = '#'). */
    SELF_SERVICE_INPUT(4),
    /**
     * {@code contactId}: the citizen left before an agent took the contact. {@code reason} may be
     * {@link Command#ENDED_AT_RESTART} (journaled for analysis; the core ignores it).
     */
    CONTACT_ABANDONED(5),
    /** {@code agentId}: the agent logs in and is ready. */
    AGENT_LOGGED_IN(6),
    /**
     * {@code agentId, agentState (READY, PAUSED or LOGGED_OUT), reason}: a pause's reason (a
     * logout's is journaled for audits; the core ignores it: journals before the phone's blip became
     * {@link #AGENT_CHANNEL_SET} hold {@link Command#PHONE_UNREACHABLE} there).
     */
    AGENT_STATE_CHANGED(7),
    /** {@code contactId, agentId}. */
    OFFER_ACCEPTED(8),
    /** {@code contactId, agentId}. */
    OFFER_DECLINED(9),
    /**
     * {@code contactId}: the conversation with an agent ended. {@code reason} may be
     * {@link Command#ENDED_AT_RESTART} (journaled for analysis; the core ignores it).
     */
    CONTACT_ENDED(10),
    /**
     * {@code contactId, agentId}: the agent finished after-contact work. {@code reason} may carry the
     * adapter's wrap-up code (journaled for analysis; the core ignores it).
     */
    WRAP_UP_DONE(11),
    /**
     * {@code contactId, agentId, queueId, input, reason}: the agent hands the contact to another queue;
     * {@code input} names the agent it should go to ({@link Command#NONE} = whoever the queue gives).
     * {@code reason} {@link Command#TRANSFER_WARM}: a warm transfer, the agent stays with the citizen
     * (and keeps the contact's place in its capacity) until another agent accepts it, it ends, or the
     * agent leaves it ({@link #TRANSFER_LEFT}); any other value: the agent is free at once.
     */
    TRANSFER_REQUESTED(12),
    /** {@code contactId}: the waiting citizen asks to be called back and keeps their place. */
    CALLBACK_REQUESTED(13),
    /**
     * {@code queueId (-1 = every queue), input}: an operator's emergency closure. While {@code input}
     * names a prompt, a contact about to join the queue hears that prompt and ends ({@code CLOSED});
     * contacts already waiting keep their place. {@code input} -1 opens the queue again.
     */
    QUEUE_CLOSURE_SET(14),
    /**
     * {@code queueId (-1 = every queue), input}: the queue's business hours or a holiday closed
     * ({@code input} = the prompt to render) or opened ({@code input} -1) it. Same effect as
     * {@link #QUEUE_CLOSURE_SET} (contacts turned away end {@code OUTSIDE_HOURS}), kept apart from it
     * so the hours schedule never opens an operator's emergency closure. The host's hours schedule
     * issues it from the configuration's time zone and calendar, so the core needs no time zone and
     * replay needs no tz data.
     */
    QUEUE_HOURS_SET(15),
    /**
     * {@code contactId, input}: the menu prompt of flow node {@code input} has finished playing (or
     * showing); the menu's input timeout counts from now, so a long prompt is not cut short. Ignored
     * when the contact is no longer at that node (a digit came first).
     */
    PROMPT_PLAYED(16),
    /**
     * No fields: a new day began on the site's calendar (the host's local midnight). Agents'
     * occupancy, by which a {@code least-occupied} queue chooses, counts from now; before, it counts
     * every login of the day together. No decision.
     */
    DAY_STARTED(17),
    /**
     * {@code input}: an operator's service announcement (an outage everybody should hear about). While
     * {@code input} names a prompt, every voice and chat contact that arrives hears or reads it first
     * (decision {@code ANNOUNCE}), then its entry's flow or queue as usual. {@code input} -1 clears it.
     * No decision; an unknown prompt is refused ({@code INVALID_ARGUMENT}).
     */
    ANNOUNCEMENT_SET(18),
    /**
     * {@code contactId, agentId}: the agent who transferred the contact warmly leaves it before another
     * agent accepted it; the contact waits on in its queue alone, as after a cold transfer. After an
     * introduction was accepted: the introducer leaves (the contact stays with the agent who accepted),
     * or the agent who accepted leaves (the contact is back with the introducer alone, in the queue it
     * was in before the transfer).
     */
    TRANSFER_LEFT(19),
    /**
     * {@code agentId, channel, input (0 = off, 1 = on), reason}: whether the agent takes contacts of
     * that channel, whatever its presence: off, it is offered none of them (its capacity there counts
     * for nothing, also in estimated waits) while its other channels carry on; on again, it is routed
     * at once. Presence, pause reason and the contacts it holds stay as they are, and the setting
     * outlives logouts. Switching one off sends the agent to the back of the idle lines of its
     * other channels, idle from now (as after taking work). A phone that stops answering switches voice off ({@code reason}
     * {@link Command#PHONE_UNREACHABLE}, journaled; the core ignores it) and on when it is back. No
     * decision; setting what is already set changes nothing; an unknown agent is refused
     * ({@code UNKNOWN_AGENT}), a channel or input out of range {@code INVALID_ARGUMENT}.
     */
    AGENT_CHANNEL_SET(20);

    private static final CommandType[] BY_CODE = new CommandType[32];

    static {
        for (CommandType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    CommandType(int code) {
        this.code = code;
    }

    /** Stable journal code. */
    public int code() {
        return code;
    }

    /** @return the type, or {@code null} for a code no type has */
    public static CommandType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
