package org.loket.core.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.loket.core.Channel;
import org.loket.core.config.AgentSelection;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.Deflection;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.Requirement;
import org.loket.core.config.RoutingConfig;

/**
 * Small random routing configurations for seeded simulation: a few skills, queues on all four
 * channels (some with aging, some with wrap-up, all with short offer timeouts), a roster with varied
 * skills, levels and capacities, direct entries per queue and a self-service flow (language menu,
 * main menu, sub-menu, information leaves and queue leaves with priorities). The same seed always
 * gives the same configuration.
 * <p>Times are short and coarse (multiples of 500 ms) so that timers fire often and equal ranks,
 * equal join times and equal deadlines occur: the ties are where ordering rules are tested.
 */
public final class RandomConfig {
    private static final long[] AGING_MS = {500, 1_000, 2_000, 5_000};
    private static final long[] OFFER_TIMEOUT_MS = {1_000, 2_000, 3_000, 5_000};
    private static final long[] WRAP_UP_MS = {1_000, 2_500, 6_000};
    private static final long[] INPUT_TIMEOUT_MS = {1_000, 2_000, 4_000};

    private RandomConfig() {
    }

    /** The configuration for a seed. */
    public static RoutingConfig create(long seed) {
        return create(new SplittableRandom(seed ^ 0x5DEE_CE66_DL));
    }

    public static RoutingConfig create(SplittableRandom rnd) {
        int skillCount = 3 + rnd.nextInt(3);
        List<String> languages = rnd.nextBoolean() ? List.of("nl", "en") : List.of("nl", "en", "de");
        // The first skills are named like the languages, so requirements may ask for the contact's language.
        List<String> skills = new ArrayList<>(languages);
        skillCount += languages.size();
        for (int s = languages.size(); s < skillCount; s++) {
            skills.add("skill-" + s);
        }

        int queueCount = 4 + rnd.nextInt(4);
        List<QueueSpec> queues = new ArrayList<>();
        for (int q = 0; q < queueCount; q++) {
            Channel channel = q < Channel.COUNT ? Channel.ofCode(q) : Channel.ofCode(rnd.nextInt(Channel.COUNT));
            long aging = rnd.nextInt(2) == 0 ? 0 : AGING_MS[rnd.nextInt(AGING_MS.length)];
            long wrapUp = rnd.nextInt(2) == 0 ? 0 : WRAP_UP_MS[rnd.nextInt(WRAP_UP_MS.length)];
            queues.add(new QueueSpec("queue-" + q + "-" + channel.name().toLowerCase(), channel,
                    requirement(rnd, skillCount), rnd.nextInt(4), aging,
                    OFFER_TIMEOUT_MS[rnd.nextInt(OFFER_TIMEOUT_MS.length)], wrapUp, 20_000, List.of()));
        }
        for (int q = 0; q < queueCount; q++) {
            queues.set(q, queues.get(q).withSteps(steps(rnd, q, queues, skillCount)));
        }
        for (int q = 0; q < queueCount; q++) {
            queues.set(q, policies(rnd, q, queues));
        }

        int agentCount = 5 + rnd.nextInt(7);
        int[][] levels = new int[agentCount][skillCount];
        int[][] capacity = new int[agentCount][];
        for (int a = 0; a < agentCount; a++) {
            for (int s = 0; s < skillCount; s++) {
                levels[a][s] = rnd.nextInt(2) == 0 ? 0 : 1 + rnd.nextInt(10);
            }
            capacity[a] = new int[] {rnd.nextInt(5) == 0 ? 0 : 1, rnd.nextInt(4), rnd.nextInt(3), rnd.nextInt(3)};
        }
        // Most queues get at least one agent who meets a clause; some stay unserved and only fill up.
        for (QueueSpec queue : queues) {
            if (rnd.nextInt(8) != 0) {
                int a = rnd.nextInt(agentCount);
                int[][] clauses = queue.requirement().clauses();
                int[] clause = clauses[rnd.nextInt(clauses.length)];
                for (int t = 0; t < clause.length; t += 2) {
                    int skill = clause[t] == Requirement.CONTACT_LANGUAGE ? rnd.nextInt(languages.size()) : clause[t];
                    levels[a][skill] = Math.max(levels[a][skill], Math.max(1, clause[t + 1]) + rnd.nextInt(3));
                }
                capacity[a][queue.channel().code()] = Math.max(1, capacity[a][queue.channel().code()]);
            }
        }
        List<AgentSpec> agents = new ArrayList<>();
        for (int a = 0; a < agentCount; a++) {
            agents.add(new AgentSpec("agent-" + a, levels[a], capacity[a]));
        }

        List<String> prompts = new ArrayList<>();
        List<FlowNode> nodes = new ArrayList<>();
        // Node 0: language menu, node 1: main menu, node 2: sub-menu; then leaves.
        int language = 0;
        int main = 1;
        int sub = 2;
        int[] languageNext = filled(-1);
        int[] languageChoice = filled(-1);
        for (int l = 0; l < languages.size(); l++) {
            languageNext[1 + l] = main;
            languageChoice[1 + l] = l;
        }
        languageNext[0] = main; // "0": continue in the current language
        nodes.add(menuNode("welcome", FlowNode.Kind.LANGUAGE, prompts, languageNext, languageChoice, rnd, queueCount));
        nodes.add(null);
        nodes.add(null);
        int[] mainNext = filled(-1);
        int[] subNext = filled(-1);
        int leaves = 3 + rnd.nextInt(4);
        for (int i = 0; i < leaves; i++) {
            int leaf = nodes.size();
            if (rnd.nextInt(3) == 0) {
                nodes.add(new FlowNode("info-" + i, FlowNode.Kind.INFO, prompt(prompts, "info-" + i), null, null, -1, -1, 0, 0, -1));
            } else {
                int priority = rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(RoutingConfig.MAX_PRIORITY + 1);
                nodes.add(new FlowNode("to-queue-" + i, FlowNode.Kind.QUEUE, prompt(prompts, "to-queue-" + i), null, null,
                        rnd.nextInt(queueCount), priority, 0, 0, -1));
            }
            int[] menu = rnd.nextBoolean() ? mainNext : subNext;
            menu[1 + rnd.nextInt(9)] = leaf;
        }
        mainNext[9] = sub;
        subNext[0] = main;
        subNext[11] = sub; // '#': hear the sub-menu again
        nodes.set(main, menuNode("main-menu", FlowNode.Kind.MENU, prompts, mainNext, null, rnd, queueCount));
        nodes.set(sub, menuNode("sub-menu", FlowNode.Kind.MENU, prompts, subNext, null, rnd, queueCount));

        List<EntrySpec> entries = new ArrayList<>();
        for (int q = 0; q < queueCount; q++) {
            entries.add(new EntrySpec("direct-" + q, -1, q));
        }
        entries.add(new EntrySpec("phone", language, -1));
        entries.add(new EntrySpec("chatbot", main, -1));
        entries.add(new EntrySpec("straight-to-leaf", 3 + rnd.nextInt(leaves), -1));

        return new RoutingConfig(1, skills, languages, prompts, queues, agents, entries, nodes, 15 + rnd.nextInt(36));
    }

    /**
     * The configuration with other requirements, escalation steps, priorities, timeouts and agent
     * skills, and capacities no lower, under the same names in the same order: a live reload that
     * everything live fits into.
     */
    public static RoutingConfig mutate(RoutingConfig config, SplittableRandom rnd) {
        int skillCount = config.skills().size();
        List<QueueSpec> queues = new ArrayList<>(config.queues());
        for (int q = 0; q < queues.size(); q++) {
            QueueSpec old = queues.get(q);
            queues.set(q, new QueueSpec(old.name(), old.channel(), rnd.nextInt(3) == 0 ? requirement(rnd, skillCount) : old.requirement(),
                    rnd.nextInt(4), rnd.nextBoolean() ? old.priorityAgingMs() : AGING_MS[rnd.nextInt(AGING_MS.length)],
                    OFFER_TIMEOUT_MS[rnd.nextInt(OFFER_TIMEOUT_MS.length)], old.maxWrapUpMs(), old.serviceLevelMs(), List.of()));
        }
        for (int q = 0; q < queues.size(); q++) {
            queues.set(q, queues.get(q).withSteps(rnd.nextBoolean() ? config.queues().get(q).steps() : steps(rnd, q, queues, skillCount)));
        }
        for (int q = 0; q < queues.size(); q++) {
            // Deferrable stays: an agent on a call may hold interrupted work the reload must keep deferrable.
            queues.set(q, (rnd.nextBoolean() ? queues.get(q).withPolicies(config.queues().get(q).deflection(),
                    config.queues().get(q).selection(), config.queues().get(q).weightPercent()) : policies(rnd, q, queues))
                    .withDeferrable(config.queues().get(q).deferrable()));
        }
        List<AgentSpec> agents = new ArrayList<>();
        for (AgentSpec a : config.agents()) {
            int[] levels = a.skillLevels().clone();
            int[] capacity = a.capacityPerChannel().clone();
            if (rnd.nextInt(3) == 0) {
                levels[rnd.nextInt(levels.length)] = rnd.nextInt(2) == 0 ? 0 : 1 + rnd.nextInt(10);
                capacity[rnd.nextInt(capacity.length)] += rnd.nextInt(2);
            }
            agents.add(new AgentSpec(a.name(), levels, capacity));
        }
        return new RoutingConfig(config.version() + 1, config.skills(), config.languages(), config.prompts(), queues, agents,
                config.entries(), config.flowNodes(), config.maxLiveContacts());
    }

    /** One skill (most queues), or an AND/OR of skills, sometimes with the contact's language. */
    private static Requirement requirement(SplittableRandom rnd, int skillCount) {
        int clauses = rnd.nextInt(3) == 0 ? 2 : 1;
        int[][] terms = new int[clauses][];
        for (int c = 0; c < clauses; c++) {
            int size = rnd.nextInt(3) == 0 ? 2 : 1;
            terms[c] = new int[size * 2];
            for (int t = 0; t < size; t++) {
                terms[c][2 * t] = rnd.nextInt(6) == 0 ? Requirement.CONTACT_LANGUAGE : rnd.nextInt(skillCount);
                terms[c][2 * t + 1] = rnd.nextInt(5);
            }
        }
        return new Requirement(terms);
    }

    /** Agent selection, weight, and for about a third of the queues a deflection when full or slow. */
    private static QueueSpec policies(SplittableRandom rnd, int q, List<QueueSpec> queues) {
        AgentSelection selection = AgentSelection.values()[rnd.nextInt(AgentSelection.values().length)];
        int weight = new int[] {100, 100, 50, 200, 300}[rnd.nextInt(5)];
        Deflection deflection = Deflection.NONE;
        if (rnd.nextInt(3) == 0) {
            int maxWaiting = rnd.nextBoolean() ? 1 + rnd.nextInt(5) : 0;
            long maxEwtMs = maxWaiting == 0 || rnd.nextBoolean() ? 5_000 + rnd.nextInt(60_000) : 0;
            int target = rnd.nextInt(queues.size());
            int kind = rnd.nextInt(3);
            if (kind == 0 && target != q && queues.get(target).channel() == queues.get(q).channel()) {
                deflection = new Deflection(maxWaiting, maxEwtMs, EscalationStep.Action.OVERFLOW, target, -1);
            } else if (kind == 1) {
                deflection = new Deflection(maxWaiting, maxEwtMs, EscalationStep.Action.OFFER_CALLBACK, -1, -1);
            } else {
                deflection = new Deflection(maxWaiting, maxEwtMs, EscalationStep.Action.CLOSE, -1, 0);
            }
        }
        // Blending: e-mail and social work is often deferrable, so a call may interrupt it.
        boolean deferrable = queues.get(q).channel().code() >= 2 && rnd.nextBoolean();
        long preferredAgentMs = rnd.nextInt(3) == 0 ? 2_000 + rnd.nextInt(30_000) : 0;
        return queues.get(q).withPolicies(deflection, selection, weight).withDeferrable(deferrable)
                .withPreferredAgentMs(preferredAgentMs);
    }

    /** Escalation for about half the queues: a few steps, seconds apart, of every kind. */
    private static List<EscalationStep> steps(SplittableRandom rnd, int q, List<QueueSpec> queues, int skillCount) {
        List<EscalationStep> steps = new ArrayList<>();
        if (rnd.nextBoolean()) {
            return steps;
        }
        long afterMs = 0;
        for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
            afterMs += 2_000 + rnd.nextInt(20_000);
            int kind = rnd.nextInt(10);
            if (kind < 5) {
                steps.add(EscalationStep.widen(afterMs, requirement(rnd, skillCount)));
            } else if (kind < 7) {
                int target = rnd.nextInt(queues.size());
                if (target != q && queues.get(target).channel() == queues.get(q).channel()) {
                    steps.add(EscalationStep.overflow(afterMs, target));
                }
            } else if (kind < 9) {
                steps.add(EscalationStep.offerCallback(afterMs));
            } else {
                steps.add(EscalationStep.close(afterMs, 0));
            }
        }
        return steps;
    }

    private static FlowNode menuNode(String name, FlowNode.Kind kind, List<String> prompts, int[] next, int[] language,
                                     SplittableRandom rnd, int queueCount) {
        // The input timeout applies to every channel, to voice only (the YAML default) or to a random set.
        int r = rnd.nextInt(3);
        int timeoutChannels = r == 0 ? FlowNode.EVERY_CHANNEL : r == 1 ? FlowNode.VOICE_ONLY : rnd.nextInt(FlowNode.EVERY_CHANNEL + 1);
        return new FlowNode(name, kind, prompt(prompts, name), next, language, -1, -1,
                INPUT_TIMEOUT_MS[rnd.nextInt(INPUT_TIMEOUT_MS.length)], rnd.nextInt(3), rnd.nextInt(queueCount))
                .withInputTimeoutChannels(timeoutChannels);
    }

    private static int prompt(List<String> prompts, String key) {
        prompts.add(key);
        return prompts.size() - 1;
    }

    private static int[] filled(int value) {
        int[] a = new int[FlowNode.INPUTS];
        Arrays.fill(a, value);
        return a;
    }
}
