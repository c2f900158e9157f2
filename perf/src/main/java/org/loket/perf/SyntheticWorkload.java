package org.loket.perf;

import java.util.Random;
import org.loket.core.Channel;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.testkit.ConfigBuilder;

/**
 * The configuration the routing benchmarks run on, shaped like the project's synthetic workload:
 * 50 skills, 200 queues (one per skill and channel), one entry straight into each queue, and agents
 * with 3 to 5 distinct skills at random levels 1..10. Everything comes from one seeded
 * {@link Random}, so a given (agents, seed) is the same configuration on every run and machine.
 * Setup only: this class allocates freely.
 */
public final class SyntheticWorkload {
    public static final int SKILLS = 50;
    public static final int QUEUES = SKILLS * Channel.COUNT;
    /** Fixed for every agent count, so contact-side structures are the same size in every run. */
    public static final int MAX_LIVE_CONTACTS = 16_384;
    /** Arrivals by channel code: phone 72 %, chat 13 %, e-mail 12 %, webcare 3 % (the shipped digid-traffic.json). */
    static final double[] CHANNEL_MIX = {0.72, 0.13, 0.12, 0.03};

    public final RoutingConfig config;
    /** Entry id of queue q is q. */
    public final int[] queueChannel;

    private SyntheticWorkload(RoutingConfig config) {
        this.config = config;
        queueChannel = new int[config.queues().size()];
        for (int q = 0; q < queueChannel.length; q++) {
            queueChannel[q] = config.queues().get(q).channel().code();
        }
    }

    public static SyntheticWorkload create(int agents, long seed) {
        Random random = new Random(seed);
        ConfigBuilder b = new ConfigBuilder().maxLiveContacts(MAX_LIVE_CONTACTS);
        for (int s = 0; s < SKILLS; s++) {
            b.skill("skill-" + s);
        }
        for (int q = 0; q < QUEUES; q++) {
            Channel channel = Channel.ofCode(q / SKILLS);
            int skill = q % SKILLS;
            int minLevel = 1 + random.nextInt(3);
            int defaultPriority = random.nextInt(3);
            long agingMs = random.nextBoolean() ? 0 : 60_000;
            long serviceLevelMs = channel == Channel.VOICE ? 40_000 : channel == Channel.CHAT ? 60_000 : 3_600_000;
            // No wrap-up: a contact that ends frees its agent at once.
            int id = b.queue(new QueueSpec("queue-" + q, channel, skill, minLevel, defaultPriority, agingMs,
                    15_000, 0, serviceLevelMs));
            b.entryToQueue("entry-" + id, id);
        }
        int[] pairs = new int[10];
        for (int a = 0; a < agents; a++) {
            int skills = 3 + random.nextInt(3);
            int n = 0;
            while (n < skills) {
                int skill = random.nextInt(SKILLS);
                boolean seen = false;
                for (int i = 0; i < n; i++) {
                    seen |= pairs[2 * i] == skill;
                }
                if (!seen) {
                    pairs[2 * n] = skill;
                    pairs[2 * n + 1] = 1 + random.nextInt(10);
                    n++;
                }
            }
            int[] given = new int[2 * skills];
            System.arraycopy(pairs, 0, given, 0, given.length);
            b.agent("agent-" + a, given);
        }
        RoutingConfig config = b.build();
        if (!config.problems().isEmpty()) {
            throw new IllegalStateException("synthetic configuration is invalid: " + config.problems());
        }
        return new SyntheticWorkload(config);
    }

    /** The core's rule for a contact that has not escalated: the queue's requirement, and capacity on its channel. */
    public boolean qualifies(int agent, int queue) {
        return config.queues().get(queue).servedBy(config.agents().get(agent), 0, -1);
    }

    /** (agent, queue) pairs where the agent qualifies: the core's "memberships", its per-agent routing work. */
    public long memberships() {
        long n = 0;
        for (int a = 0; a < config.agents().size(); a++) {
            for (int q = 0; q < config.queues().size(); q++) {
                if (qualifies(a, q)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A channel drawn from {@link #CHANNEL_MIX}. */
    static int drawChannel(Random random) {
        double x = random.nextDouble();
        for (int c = 0; c < CHANNEL_MIX.length - 1; c++) {
            x -= CHANNEL_MIX[c];
            if (x < 0) {
                return c;
            }
        }
        return CHANNEL_MIX.length - 1;
    }
}
