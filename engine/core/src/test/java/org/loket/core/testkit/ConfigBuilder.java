package org.loket.core.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loket.core.Channel;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.Requirement;
import org.loket.core.config.RoutingConfig;

/**
 * Builds {@link RoutingConfig}s for tests and benchmarks by name. Ids are assigned in the order
 * things are added, so a test can say {@code queue("digid")} and know it is queue 0.
 */
public final class ConfigBuilder {
    private final List<String> skills = new ArrayList<>();
    private final List<String> languages = new ArrayList<>(List.of("nl", "en"));
    private final List<String> prompts = new ArrayList<>();
    private final List<QueueSpec> queues = new ArrayList<>();
    private final List<int[]> agentSkills = new ArrayList<>();
    private final List<String> agentNames = new ArrayList<>();
    private final List<int[]> agentCapacity = new ArrayList<>();
    private final List<EntrySpec> entries = new ArrayList<>();
    private final List<FlowNode> nodes = new ArrayList<>();
    private int maxLiveContacts = 4096;
    private long version = 1;

    public int skill(String name) {
        skills.add(name);
        return skills.size() - 1;
    }

    public int prompt(String key) {
        int existing = prompts.indexOf(key);
        if (existing >= 0) {
            return existing;
        }
        prompts.add(key);
        return prompts.size() - 1;
    }

    /** A queue with defaults: offer timeout 15 s, no wrap-up, no aging, SL 40 s. */
    public int queue(String name, Channel channel, int skillId) {
        return queue(new QueueSpec(name, channel, skillId, 1, 0, 0, 15_000, 0, 40_000));
    }

    public int queue(QueueSpec spec) {
        queues.add(spec);
        return queues.size() - 1;
    }

    /** Replaces queue {@code id} with a modified copy. */
    public ConfigBuilder queueOptions(int id, int minLevel, int defaultPriority, long agingMs, long offerTimeoutMs, long wrapUpMs) {
        QueueSpec q = queues.get(id);
        queues.set(id, new QueueSpec(q.name(), q.channel(), Requirement.skill(q.requirement().clauses()[0][0], minLevel),
                defaultPriority, agingMs, offerTimeoutMs, wrapUpMs, q.serviceLevelMs(), q.steps(), q.deflection(), q.selection(),
                q.weightPercent(), q.deferrable(), q.preferredAgentMs(), q.serviceLevelTargetPercent(), q.serviceLevelOnWorkingDays()));
        return this;
    }

    /** Replaces queue {@code id}'s requirement. */
    public ConfigBuilder requires(int id, Requirement requirement) {
        queues.set(id, queues.get(id).withRequirement(requirement));
        return this;
    }

    /** Replaces queue {@code id}'s deflection, agent selection and weight. */
    public ConfigBuilder policies(int id, org.loket.core.config.Deflection deflection, org.loket.core.config.AgentSelection selection,
                                  int weightPercent) {
        queues.set(id, queues.get(id).withPolicies(deflection, selection, weightPercent));
        return this;
    }

    /** Contacts of queue {@code id} that name a preferred agent wait for it alone this long. */
    public ConfigBuilder preferredAgentMs(int id, long ms) {
        queues.set(id, queues.get(id).withPreferredAgentMs(ms));
        return this;
    }

    /** Makes queue {@code id}'s contacts deferrable (a call may interrupt them) or not. */
    public ConfigBuilder deferrable(int id, boolean deferrable) {
        queues.set(id, queues.get(id).withDeferrable(deferrable));
        return this;
    }

    /** Replaces queue {@code id}'s escalation steps. */
    public ConfigBuilder steps(int id, EscalationStep... steps) {
        queues.set(id, queues.get(id).withSteps(List.of(steps)));
        return this;
    }

    /** An agent with capacity voice 1, chat 3, email 1, social 1 and the given skill levels (pairs of skill id, level). */
    public int agent(String name, int... skillLevelPairs) {
        return agentWithCapacity(name, new int[] {1, 3, 1, 1}, skillLevelPairs);
    }

    public int agentWithCapacity(String name, int[] capacityPerChannel, int... skillLevelPairs) {
        int[] levels = new int[skillLevelPairs.length];
        System.arraycopy(skillLevelPairs, 0, levels, 0, levels.length);
        agentNames.add(name);
        agentSkills.add(levels);
        agentCapacity.add(capacityPerChannel.clone());
        return agentNames.size() - 1;
    }

    public int entryToQueue(String name, int queueId) {
        entries.add(new EntrySpec(name, -1, queueId));
        return entries.size() - 1;
    }

    public int entryToFlow(String name, int nodeId) {
        entries.add(new EntrySpec(name, nodeId, -1));
        return entries.size() - 1;
    }

    /** A menu node; options are pairs of (input, next node id), filled in later with {@link #option}. */
    public int menu(String name, int fallbackQueueId) {
        nodes.add(new FlowNode(name, FlowNode.Kind.MENU, prompt(name), filled(-1), null, -1, -1, 8_000, 2, fallbackQueueId));
        return nodes.size() - 1;
    }

    public int languageMenu(String name, int fallbackQueueId) {
        nodes.add(new FlowNode(name, FlowNode.Kind.LANGUAGE, prompt(name), filled(-1), filled(-1), -1, -1, 8_000, 2,
                fallbackQueueId));
        return nodes.size() - 1;
    }

    public int info(String name) {
        nodes.add(new FlowNode(name, FlowNode.Kind.INFO, prompt(name), null, null, -1, -1, 0, 0, -1));
        return nodes.size() - 1;
    }

    public int toQueue(String name, int queueId, int priority) {
        nodes.add(new FlowNode(name, FlowNode.Kind.QUEUE, prompt(name), null, null, queueId, priority, 0, 0, -1));
        return nodes.size() - 1;
    }

    /** Input {@code input} on node {@code nodeId} leads to {@code nextId} (and picks {@code language} on a language menu). */
    public ConfigBuilder option(int nodeId, int input, int nextId, int language) {
        FlowNode n = nodes.get(nodeId);
        int[] next = n.nextByInput().clone();
        next[input] = nextId;
        int[] lang = n.languageByInput() == null ? null : n.languageByInput().clone();
        if (lang != null) {
            lang[input] = language;
        }
        nodes.set(nodeId, new FlowNode(n.name(), n.kind(), n.promptId(), next, lang, n.queueId(), n.priority(),
                n.inputTimeoutMs(), n.maxRetries(), n.fallbackQueueId(), n.queueByChannel(), n.inputTimeoutChannels()));
        return this;
    }

    /** Contacts of {@code channel} reaching node {@code nodeId} go to {@code queueId} instead (see {@link FlowNode#queueFor}). */
    public ConfigBuilder queueForChannel(int nodeId, org.loket.core.Channel channel, int queueId) {
        FlowNode n = nodes.get(nodeId);
        int[] byChannel = n.queueByChannel() == null ? new int[] {-1, -1, -1, -1} : n.queueByChannel().clone();
        byChannel[channel.code()] = queueId;
        nodes.set(nodeId, new FlowNode(n.name(), n.kind(), n.promptId(), n.nextByInput(), n.languageByInput(), n.queueId(),
                n.priority(), n.inputTimeoutMs(), n.maxRetries(), n.fallbackQueueId(), byChannel, n.inputTimeoutChannels()));
        return this;
    }

    /** Node {@code nodeId}'s input timeout applies to {@code channels} only (see {@link FlowNode#inputTimeoutChannels}). */
    public ConfigBuilder inputTimeoutChannels(int nodeId, org.loket.core.Channel... channels) {
        int mask = 0;
        for (org.loket.core.Channel channel : channels) {
            mask |= 1 << channel.code();
        }
        nodes.set(nodeId, nodes.get(nodeId).withInputTimeoutChannels(mask));
        return this;
    }

    public ConfigBuilder option(int nodeId, int input, int nextId) {
        return option(nodeId, input, nextId, -1);
    }

    public ConfigBuilder maxLiveContacts(int max) {
        maxLiveContacts = max;
        return this;
    }

    public ConfigBuilder version(long v) {
        version = v;
        return this;
    }

    public RoutingConfig build() {
        List<AgentSpec> agents = new ArrayList<>();
        for (int a = 0; a < agentNames.size(); a++) {
            int[] levels = new int[skills.size()];
            int[] pairs = agentSkills.get(a);
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                levels[pairs[i]] = pairs[i + 1];
            }
            agents.add(new AgentSpec(agentNames.get(a), levels, agentCapacity.get(a)));
        }
        return new RoutingConfig(version, skills, languages, prompts, queues, agents, entries, nodes, maxLiveContacts);
    }

    private static int[] filled(int value) {
        int[] a = new int[FlowNode.INPUTS];
        Arrays.fill(a, value);
        return a;
    }
}
