package org.loket.core.routing;

import org.loket.core.config.AgentSelection;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;

/**
 * Routing lanes: the unit the core indexes by. A queue whose agents do not depend on the contact has
 * one lane; a queue with escalation has one per tier (each widening step adds one), and a queue
 * that asks for the contact's language has one per tier and language. Every agent who serves a
 * lane serves every contact in it, so a lane keeps the two indexes of a plain queue: its waiting
 * contacts in order, and its available agents longest-idle first.
 * <p>Why lanes and not a per-contact eligibility check: the core never scans agents for a contact;
 * with lanes an escalated or English-speaking contact is still one FIFO head away from its agent.
 * A queue's order spans its lanes: an agent in several of them compares their heads by the same
 * rank, so a contact keeps its place when it moves to the next tier.
 */
final class Lanes {
    final int count;
    private final int[] queue;
    private final int[] tier;
    private final int[] language;
    private final int[] first;
    private final int[] perTier;

    Lanes(RoutingConfig config) {
        int queues = config.queues().size();
        first = new int[queues + 1];
        perTier = new int[queues];
        for (int q = 0; q < queues; q++) {
            perTier[q] = config.queues().get(q).usesLanguage() ? config.languages().size() : 1;
            first[q + 1] = first[q] + config.lanesOf(q);
        }
        count = first[queues];
        queue = new int[count];
        tier = new int[count];
        language = new int[count];
        for (int q = 0; q < queues; q++) {
            for (int lane = first[q]; lane < first[q + 1]; lane++) {
                queue[lane] = q;
                tier[lane] = (lane - first[q]) / perTier[q];
                language[lane] = perTier[q] > 1 ? (lane - first[q]) % perTier[q] : -1;
            }
        }
    }

    /** The lane of a contact of queue {@code q} at escalation tier {@code tier} speaking {@code language}. */
    int of(int q, int tier, int language) {
        return first[q] + tier * perTier[q] + (perTier[q] > 1 ? language : 0);
    }

    int queue(int lane) {
        return queue[lane];
    }

    int tier(int lane) {
        return tier[lane];
    }

    /** Whether queue {@code q} has more than one lane (escalation tiers or languages). */
    boolean several(int q) {
        return first[q + 1] - first[q] > 1;
    }

    /** First lane of queue {@code q}; its lanes are {@code firstOf(q)..firstOf(q + 1) - 1}. */
    int firstOf(int q) {
        return first[q];
    }

    /** Idle rings of the lane: one per skill level when its queue selects agents by skill, else one. */
    int buckets(int lane, RoutingConfig config) {
        AgentSelection selection = config.queues().get(queue[lane]).selection();
        return selection == AgentSelection.LONGEST_IDLE || selection == AgentSelection.ROUND_ROBIN ? 1 : RoutingConfig.MAX_LEVEL;
    }

    /** The idle ring of an agent who serves the lane: its skill's place in the queue's preference (0 first). */
    int bucket(AgentSpec agent, int lane, RoutingConfig config) {
        QueueSpec spec = config.queues().get(queue[lane]);
        if (spec.selection() == AgentSelection.LONGEST_IDLE || spec.selection() == AgentSelection.LEAST_OCCUPIED
                || spec.selection() == AgentSelection.ROUND_ROBIN) {
            return 0; // least occupied: chosen when the agent becomes available; round robin: no rings (Agents)
        }
        int skill = Math.clamp(spec.skillFor(agent, tier[lane], language[lane] < 0 ? -1 : config.languageSkill(language[lane])),
                1, RoutingConfig.MAX_LEVEL);
        return spec.selection() == AgentSelection.MOST_SKILLED ? RoutingConfig.MAX_LEVEL - skill : skill - 1;
    }

    /** Whether the agent serves every contact of the lane. */
    boolean servedBy(AgentSpec agent, int lane, RoutingConfig config) {
        QueueSpec spec = config.queues().get(queue[lane]);
        return spec.servedBy(agent, tier[lane], language[lane] < 0 ? -1 : config.languageSkill(language[lane]));
    }
}
