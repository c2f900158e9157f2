package org.loket.perf;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.testkit.Commands;

/**
 * Routing triggered from the contact side, in steady state: most agents are logged in and idle, and
 * each {@link #cycle()} applies three preallocated commands:
 * <ol>
 * <li>{@code CONTACT_ARRIVED} in a queue that has idle agents: {@code QUEUE_CONTACT}, then
 *     {@code OFFER_CONTACT} to the longest-idle agent ({@code LONGEST_IDLE_AGENT});</li>
 * <li>{@code OFFER_ACCEPTED} by that agent;</li>
 * <li>{@code CONTACT_ENDED} (the queues have no wrap-up): {@code END_CONTACT}, the agent is available
 *     again, goes to the back of its idle lists and is routed (nothing waits, so no offer).</li>
 * </ol>
 * The state after a cycle has the same shape as before it (same live contacts, same agents idle; only
 * the idle order rotates), so the run neither grows nor drains. Contact ids come from a ring of
 * {@value #ID_RING}: an id is reused only long after its contact ended.
 * <p>Setup logs in every agent (in a seeded random order) and gives a tenth of them a connected
 * background contact that never ends, so the contact index is not empty and some agents are busy.
 * Queues are drawn by the channel mix among those that have an idle qualified agent after that.
 */
public final class ContactDrivenCycle extends RoutingCycle {
    public static final int COMMANDS_PER_CYCLE = 3;
    static final long CYCLE_ID_BASE = 1L << 40;
    static final int ID_RING = 1024;
    static final int SCHEDULE = 4096;

    public final int backgroundContacts;
    /** What setup built, for the benchmark log. */
    public final String description;

    private final Command arrive = new Command();
    private final Command accept = new Command();
    private final Command end = new Command();
    private final int[] scheduleEntry = new int[SCHEDULE];
    private final int[] scheduleChannel = new int[SCHEDULE];

    public ContactDrivenCycle(int agents, long seed) {
        this(agents, seed, agents);
    }

    /**
     * For locality diagnostics: after the background contacts are placed, every agent outside a
     * seeded random set of {@code activeAgents} is paused, so routing only ever touches that set
     * while the roster (and every array sized by it) keeps {@code agents} entries.
     */
    public ContactDrivenCycle(int agents, long seed, int activeAgents) {
        super(agents);
        SyntheticWorkload workload = SyntheticWorkload.create(agents, seed);
        Random random = new Random(seed ^ 0x5DEE_CE66L);
        apply(Commands.config(0, workload.config));
        if (sink.rejects() != 0 || core.agentCount() != agents) {
            throw new IllegalStateException("configuration not installed: " + sink.summary());
        }
        int[] order = permutation(agents, random);
        Command c = new Command();
        for (int a : order) {
            c.clear();
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = a;
            apply(c);
        }

        // Background: a tenth of the agents hold a connected contact for the whole run.
        int background = 0;
        for (int i = 0; i < agents / 10; i++) {
            int queue = random.nextInt(SyntheticWorkload.QUEUES);
            long offersBefore = sink.offers();
            c.clear();
            c.type = CommandType.CONTACT_ARRIVED;
            c.contactId = i;
            c.entryId = queue;
            c.channel = workload.queueChannel[queue];
            apply(c);
            c.clear();
            c.contactId = i;
            if (sink.offers() > offersBefore) {
                c.type = CommandType.OFFER_ACCEPTED;
                c.agentId = sink.lastOfferAgent();
                background++;
            } else {
                c.type = CommandType.CONTACT_ABANDONED;
            }
            apply(c);
        }
        backgroundContacts = background;
        if (activeAgents < agents) {
            int[] pauseOrder = permutation(agents, random);
            for (int i = activeAgents; i < agents; i++) {
                c.clear();
                c.type = CommandType.AGENT_STATE_CHANGED;
                c.agentId = pauseOrder[i];
                c.agentState = AgentState.PAUSED.code();
                c.reason = 0;
                apply(c);
            }
        }

        // Target queues: those with an idle qualified agent now, per channel.
        int[][] targets = new int[Channel.COUNT][SyntheticWorkload.QUEUES];
        int[] targetCount = new int[Channel.COUNT];
        for (int q = 0; q < SyntheticWorkload.QUEUES; q++) {
            int channel = workload.queueChannel[q];
            for (int a = 0; a < agents; a++) {
                if (workload.qualifies(a, q) && core.agentAvailable(a, Channel.ofCode(channel))) {
                    targets[channel][targetCount[channel]++] = q;
                    break;
                }
            }
        }
        for (int i = 0; i < SCHEDULE; i++) {
            int channel;
            do {
                channel = SyntheticWorkload.drawChannel(random);
            } while (targetCount[channel] == 0);
            int queue = targets[channel][random.nextInt(targetCount[channel])];
            scheduleEntry[i] = queue;
            scheduleChannel[i] = channel;
        }

        int targetQueues = 0;
        for (int count : targetCount) {
            targetQueues += count;
        }
        description = "contact side: agents=" + agents + " active=" + Math.min(activeAgents, agents)
                + " memberships/agent=" + String.format(Locale.ROOT, "%.1f", (double) workload.memberships() / agents)
                + " background contacts=" + background + " target queues=" + targetQueues
                + " (per channel " + Arrays.toString(targetCount) + ")";

        arrive.type = CommandType.CONTACT_ARRIVED;
        accept.type = CommandType.OFFER_ACCEPTED;
        end.type = CommandType.CONTACT_ENDED;

        // Go once through the whole schedule and prove that every cycle offers.
        mark();
        for (int i = 0; i < SCHEDULE; i++) {
            cycle();
        }
        check("setup");
        mark();
    }

    /** One arrival, its offer, acceptance and end: {@value #COMMANDS_PER_CYCLE} commands. No allocation. */
    public void cycle() {
        int i = (int) (cycles & (SCHEDULE - 1));
        long contactId = CYCLE_ID_BASE + (cycles & (ID_RING - 1));
        cycles++;
        arrive.contactId = contactId;
        arrive.entryId = scheduleEntry[i];
        arrive.channel = scheduleChannel[i];
        apply(arrive);
        accept.contactId = contactId;
        accept.agentId = sink.lastOfferAgent();
        apply(accept);
        end.contactId = contactId;
        apply(end);
    }

    @Override
    String[] commandNames() {
        return new String[] {"arrive", "accept", "end"};
    }

    @Override
    String name() {
        return "contact-driven";
    }

    @Override
    String offerKind() {
        return "longestIdleOffers";
    }

    @Override
    long expectedOffers() {
        return sink.offersLongestIdle();
    }

    @Override
    int expectedLive() {
        return backgroundContacts;
    }
}
