package org.loket.core.testkit;

import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;

/**
 * Factories for commands with explicit timestamps (milliseconds in, epoch ns out, counted from
 * {@link #T0_NS}), so tests read like a timeline.
 */
public final class Commands {
    /** 2026-03-02 08:00:00 UTC, the first working day of a tax season, in epoch ns. */
    public static final long T0_NS = 1_772_438_400_000_000_000L;

    private Commands() {
    }

    public static long ns(long ms) {
        return T0_NS + ms * 1_000_000L;
    }

    private static Command at(CommandType type, long ms) {
        Command c = new Command();
        c.type = type;
        c.timestampNs = ns(ms);
        return c;
    }

    public static Command config(long ms, RoutingConfig config) {
        Command c = at(CommandType.CONFIG_APPLIED, ms);
        c.payload = RoutingConfigCodec.encode(config);
        return c;
    }

    public static Command tick(long ms) {
        return at(CommandType.TICK, ms);
    }

    public static Command arrive(long ms, long contactId, Channel channel, int entryId) {
        return arrive(ms, contactId, channel, entryId, -1);
    }

    public static Command arrive(long ms, long contactId, Channel channel, int entryId, int priority) {
        Command c = at(CommandType.CONTACT_ARRIVED, ms);
        c.contactId = contactId;
        c.channel = channel.code();
        c.entryId = entryId;
        c.priority = priority;
        return c;
    }

    public static Command input(long ms, long contactId, int input) {
        Command c = at(CommandType.SELF_SERVICE_INPUT, ms);
        c.contactId = contactId;
        c.input = input;
        return c;
    }

    /** An operator's emergency closure of {@code queue} (-1 = all) with {@code prompt}; -1 opens it. */
    public static Command closure(long ms, int queue, int prompt) {
        Command c = at(CommandType.QUEUE_CLOSURE_SET, ms);
        c.queueId = queue;
        c.input = prompt;
        return c;
    }

    /** The operator's service announcement: {@code prompt} for every arriving voice and chat contact; -1 clears it. */
    public static Command announcement(long ms, int prompt) {
        Command c = at(CommandType.ANNOUNCEMENT_SET, ms);
        c.input = prompt;
        return c;
    }

    /** Business hours closing {@code queue} (-1 = all) with {@code prompt}; -1 opens it. */
    public static Command hours(long ms, int queue, int prompt) {
        Command c = closure(ms, queue, prompt);
        c.type = CommandType.QUEUE_HOURS_SET;
        return c;
    }

    /** The host's local midnight: occupancy counts from now. */
    public static Command dayStarted(long ms) {
        return at(CommandType.DAY_STARTED, ms);
    }

    /** The adapter finished playing (showing) the prompt of flow node {@code nodeId}. */
    public static Command promptPlayed(long ms, long contactId, int nodeId) {
        Command c = at(CommandType.PROMPT_PLAYED, ms);
        c.contactId = contactId;
        c.input = nodeId;
        return c;
    }

    public static Command abandon(long ms, long contactId) {
        Command c = at(CommandType.CONTACT_ABANDONED, ms);
        c.contactId = contactId;
        return c;
    }

    public static Command login(long ms, int agentId) {
        Command c = at(CommandType.AGENT_LOGGED_IN, ms);
        c.agentId = agentId;
        return c;
    }

    public static Command ready(long ms, int agentId) {
        return state(ms, agentId, AgentState.READY, -1);
    }

    public static Command pause(long ms, int agentId, int reason) {
        return state(ms, agentId, AgentState.PAUSED, reason);
    }

    public static Command logout(long ms, int agentId) {
        return state(ms, agentId, AgentState.LOGGED_OUT, -1);
    }

    /** {@code AGENT_CHANNEL_SET}: the agent takes contacts of the channel ({@code on}) or none of them. */
    public static Command channel(long ms, int agentId, Channel channel, boolean on) {
        Command c = at(CommandType.AGENT_CHANNEL_SET, ms);
        c.agentId = agentId;
        c.channel = channel.code();
        c.input = on ? 1 : 0;
        return c;
    }

    public static Command state(long ms, int agentId, AgentState state, int reason) {
        Command c = at(CommandType.AGENT_STATE_CHANGED, ms);
        c.agentId = agentId;
        c.agentState = state.code();
        c.reason = reason;
        return c;
    }

    public static Command accept(long ms, long contactId, int agentId) {
        return contactAgent(CommandType.OFFER_ACCEPTED, ms, contactId, agentId);
    }

    public static Command decline(long ms, long contactId, int agentId) {
        return contactAgent(CommandType.OFFER_DECLINED, ms, contactId, agentId);
    }

    public static Command end(long ms, long contactId) {
        Command c = at(CommandType.CONTACT_ENDED, ms);
        c.contactId = contactId;
        return c;
    }

    public static Command wrapUpDone(long ms, long contactId, int agentId) {
        return contactAgent(CommandType.WRAP_UP_DONE, ms, contactId, agentId);
    }

    public static Command transfer(long ms, long contactId, int agentId, int queueId) {
        Command c = contactAgent(CommandType.TRANSFER_REQUESTED, ms, contactId, agentId);
        c.queueId = queueId;
        return c;
    }

    /** A warm transfer: the agent stays with the citizen until the next agent accepts. */
    public static Command warmTransfer(long ms, long contactId, int agentId, int queueId) {
        Command c = transfer(ms, contactId, agentId, queueId);
        c.reason = Command.TRANSFER_WARM;
        return c;
    }

    /** A warm transfer with an introduction: the agent stays with the citizen, and with the next agent once they accept, until it leaves. */
    public static Command introducingTransfer(long ms, long contactId, int agentId, int queueId) {
        Command c = transfer(ms, contactId, agentId, queueId);
        c.reason = Command.TRANSFER_INTRODUCE;
        return c;
    }

    public static Command transferLeft(long ms, long contactId, int agentId) {
        return contactAgent(CommandType.TRANSFER_LEFT, ms, contactId, agentId);
    }

    public static Command callback(long ms, long contactId) {
        Command c = at(CommandType.CALLBACK_REQUESTED, ms);
        c.contactId = contactId;
        return c;
    }

    private static Command contactAgent(CommandType type, long ms, long contactId, int agentId) {
        Command c = at(type, ms);
        c.contactId = contactId;
        c.agentId = agentId;
        return c;
    }
}
