package org.loket.perf;

import java.util.Locale;
import java.util.Random;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.testkit.Commands;

/**
 * Routing triggered from the agent side, in steady state: every agent is logged in but paused and
 * {@value #WAITING} voice contacts wait. Each {@link #cycle()} takes the next agent of a seeded
 * rotation over all agents who serve a voice queue and applies five preallocated commands:
 * <ol>
 * <li>{@code CONTACT_ARRIVED} in one of that agent's voice queues: nobody is available, so only
 *     {@code QUEUE_CONTACT};</li>
 * <li>{@code AGENT_STATE_CHANGED} to {@code READY}: {@code OFFER_CONTACT} of the best waiting contact over
 *     the agent's queues ({@code BEST_WAITING_CONTACT}); voice is exclusive, so exactly one offer;</li>
 * <li>{@code OFFER_ACCEPTED};</li>
 * <li>{@code AGENT_STATE_CHANGED} to {@code PAUSED} (during the call, so the end does not route again);</li>
 * <li>{@code CONTACT_ENDED}: {@code END_CONTACT}; the agent is paused, so no routing.</li>
 * </ol>
 * One contact joins and one leaves per cycle, so the waiting total stays {@value #WAITING}. Contact ids
 * are recycled through a small free stack: the ended contact's id is the next arrival's.
 */
public final class AgentDrivenCycle extends RoutingCycle {
    public static final int COMMANDS_PER_CYCLE = 5;
    static final int WAITING = 2_000;
    static final int SPARE_IDS = 16;

    /** What setup built, for the benchmark log. */
    public final String description;

    private final Command arrive = new Command();
    private final Command ready = new Command();
    private final Command accept = new Command();
    private final Command pause = new Command();
    private final Command end = new Command();
    private final int[] rotation;
    /** The entry (= voice queue) of each rotation position, so the harness reads it sequentially. */
    private final int[] rotationEntry;
    private final long[] freeIds = new long[SPARE_IDS];
    private int freeTop;
    private int position;

    public AgentDrivenCycle(int agents, long seed) {
        this(agents, seed, agents);
    }

    /**
     * For locality diagnostics: the rotation (and the backlog's queues) is cut to the first
     * {@code activeAgents} agents of it, so routing only ever touches that set while the roster
     * (and every array sized by it) keeps {@code agents} entries.
     */
    public AgentDrivenCycle(int agents, long seed, int activeAgents) {
        super(agents);
        SyntheticWorkload workload = SyntheticWorkload.create(agents, seed);
        Random random = new Random(seed ^ 0xA11C_E5EDL);
        apply(Commands.config(0, workload.config));
        if (sink.rejects() != 0 || core.agentCount() != agents) {
            throw new IllegalStateException("configuration not installed: " + sink.summary());
        }
        Command c = new Command();
        for (int a : permutation(agents, random)) {
            c.clear();
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = a;
            apply(c);
            c.clear();
            c.type = CommandType.AGENT_STATE_CHANGED;
            c.agentId = a;
            c.agentState = AgentState.PAUSED.code();
            c.reason = 0;
            apply(c);
        }

        // Agents who serve a voice queue, each with one of those queues (its entry id is the queue id).
        int[] agentEntry = new int[agents];
        int[] eligible = new int[agents];
        int eligibleCount = 0;
        int[] voiceQueues = new int[SyntheticWorkload.SKILLS];
        for (int a = 0; a < agents; a++) {
            int n = 0;
            for (int q = 0; q < SyntheticWorkload.QUEUES; q++) {
                if (workload.queueChannel[q] == Channel.VOICE.code() && workload.qualifies(a, q)) {
                    voiceQueues[n++] = q;
                }
            }
            agentEntry[a] = n == 0 ? -1 : voiceQueues[random.nextInt(n)];
            if (n > 0) {
                eligible[eligibleCount++] = a;
            }
        }
        if (eligibleCount == 0) {
            throw new IllegalStateException("no agent serves a voice queue (agents=" + agents + ")");
        }
        int[] shuffle = permutation(eligibleCount, random);
        eligibleCount = Math.min(eligibleCount, activeAgents);
        rotation = new int[eligibleCount];
        rotationEntry = new int[eligibleCount];
        for (int i = 0; i < eligibleCount; i++) {
            rotation[i] = eligible[shuffle[i]];
            rotationEntry[i] = agentEntry[rotation[i]];
        }

        // The backlog: voice contacts in queues the rotating agents serve; nobody is ready, so all wait.
        for (int i = 0; i < WAITING; i++) {
            c.clear();
            c.type = CommandType.CONTACT_ARRIVED;
            c.contactId = i;
            c.entryId = rotationEntry[random.nextInt(eligibleCount)];
            c.channel = Channel.VOICE.code();
            apply(c);
        }
        if (sink.offers() != 0 || sink.rejects() != 0 || core.liveContacts() != WAITING) {
            throw new IllegalStateException("backlog setup failed: live=" + core.liveContacts() + "; " + sink.summary());
        }
        for (int i = 0; i < SPARE_IDS; i++) {
            freeIds[freeTop++] = WAITING + i;
        }

        description = "agent side: agents=" + agents + " rotation=" + eligibleCount + " memberships/agent="
                + String.format(Locale.ROOT, "%.1f", (double) workload.memberships() / agents) + " waiting=" + WAITING;

        arrive.type = CommandType.CONTACT_ARRIVED;
        arrive.channel = Channel.VOICE.code();
        ready.type = CommandType.AGENT_STATE_CHANGED;
        ready.agentState = AgentState.READY.code();
        accept.type = CommandType.OFFER_ACCEPTED;
        pause.type = CommandType.AGENT_STATE_CHANGED;
        pause.agentState = AgentState.PAUSED.code();
        pause.reason = 0;
        end.type = CommandType.CONTACT_ENDED;

        // Go once round the whole rotation and prove that every cycle offers.
        mark();
        for (int i = 0; i < Math.max(eligibleCount, ContactDrivenCycle.SCHEDULE); i++) {
            cycle();
        }
        check("setup");
        mark();
    }

    /** One agent made ready, its offer, acceptance, pause and end: {@value #COMMANDS_PER_CYCLE} commands. No allocation. */
    public void cycle() {
        int agent = rotation[position];
        int entry = rotationEntry[position];
        position = position + 1 == rotation.length ? 0 : position + 1;
        cycles++;
        arrive.contactId = freeIds[--freeTop];
        arrive.entryId = entry;
        apply(arrive);
        ready.agentId = agent;
        apply(ready);
        long offered = sink.lastOfferContact();
        accept.contactId = offered;
        accept.agentId = agent;
        apply(accept);
        pause.agentId = agent;
        apply(pause);
        end.contactId = offered;
        apply(end);
        freeIds[freeTop++] = offered;
    }

    @Override
    String[] commandNames() {
        return new String[] {"arrive", "ready", "accept", "pause", "end"};
    }

    @Override
    String name() {
        return "agent-driven";
    }

    @Override
    String offerKind() {
        return "bestWaitingOffers";
    }

    @Override
    long expectedOffers() {
        return sink.offersBestWaiting();
    }

    @Override
    int expectedLive() {
        return WAITING;
    }
}
