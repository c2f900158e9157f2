package org.loket.telephony;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.loket.config.LoadedConfig;
import org.loket.config.Supervisor;
import org.loket.core.Channel;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;

/**
 * The configuration's names and the engine's dense ids, both ways, for what the phone channel
 * needs: entries and their numbers, languages, prompts, queues, and the agents who take calls
 * (voice capacity above zero; their PJSIP endpoint is named after them). Immutable: one per
 * configuration; a reload brings a new one ({@link TelephonyGateway#onConfigApplied}).
 */
public final class Directory {
    private final RoutingConfig routing;
    private final Map<String, Integer> entryIds = new HashMap<>();
    private final Map<String, Integer> agentIds = new HashMap<>();
    private final Map<String, String> entryByNumber;
    private final Map<String, Supervisor> supervisors = new HashMap<>();
    /** Call-taking agents by the number a supervisor's phone dials ({@link LoadedConfig#agentNumbers}). */
    private final Map<Integer, String> agentsByNumber = new HashMap<>();

    public Directory(LoadedConfig loaded) {
        this.routing = loaded.routing();
        this.entryByNumber = loaded.entryByNumber();
        for (int e = 0; e < routing.entries().size(); e++) {
            entryIds.put(routing.entries().get(e).name(), e);
        }
        loaded.supervisors().forEach(s -> supervisors.put(s.name(), s));
        loaded.agentNumbers().forEach((agent, number) -> agentsByNumber.put(number, agent));
        List<AgentSpec> agents = routing.agents();
        for (int a = 0; a < agents.size(); a++) {
            if (takesCalls(agents.get(a))) {
                agentIds.put(agents.get(a).name(), a);
            }
        }
    }

    /** The configuration's pause reasons; a phone pauses with the first nine ({@code *561}..{@code *569}). */
    List<String> pauseReasons() {
        return routing.pauseReasons();
    }

    List<String> wrapUpCodes() {
        return routing.wrapUpCodes();
    }

    /** Whether the agent may hold a voice contact, so has a phone endpoint. */
    public static boolean takesCalls(AgentSpec agent) {
        return agent.capacityPerChannel()[Channel.VOICE.code()] > 0;
    }

    /** @return the entry id for an entry name or a dialled number, or -1 */
    int entry(String nameOrNumber) {
        if (nameOrNumber == null) {
            return -1;
        }
        Integer id = entryIds.get(nameOrNumber);
        if (id == null && entryByNumber.containsKey(nameOrNumber)) {
            id = entryIds.get(entryByNumber.get(nameOrNumber));
        }
        return id == null ? -1 : id;
    }

    /** @return the agent id of a call-taking agent's endpoint name, or -1 */
    int agent(String endpoint) {
        Integer id = agentIds.get(endpoint);
        return id == null ? -1 : id;
    }

    /** @return the supervisor whose phone endpoint this is, or null */
    Supervisor supervisor(String endpoint) {
        return supervisors.get(endpoint);
    }

    /**
     * The call-taking agent a supervisor names with digits: its number in the configuration
     * ({@link LoadedConfig#agentNumbers}: the group's extension onwards, or the roster place).
     *
     * @return the agent's name, or null when the digits name no call-taking agent
     */
    String agentNumbered(String digits) {
        if (digits == null || !digits.matches("[1-9][0-9]{0,5}")) {
            return null;
        }
        String agent = agentsByNumber.get(Integer.parseInt(digits));
        return agent != null && agentIds.containsKey(agent) ? agent : null;
    }

    /** The number a supervisor dials for a call-taking agent, or null (no such agent, or no phone). */
    Integer numberOf(String agent) {
        for (Map.Entry<Integer, String> e : agentsByNumber.entrySet()) {
            if (e.getValue().equals(agent)) {
                return agentIds.containsKey(agent) ? e.getKey() : null;
            }
        }
        return null;
    }

    String agentName(int agentId) {
        return routing.agents().get(agentId).name();
    }

    String language(int languageId) {
        List<String> languages = routing.languages();
        return languageId >= 0 && languageId < languages.size() ? languages.get(languageId) : languages.get(0);
    }

    String prompt(int promptId) {
        return routing.prompts().get(promptId);
    }

    QueueSpec queue(int queueId) {
        return routing.queues().get(queueId);
    }

    long inputTimeoutMs(int nodeId) {
        return routing.flowNodes().get(nodeId).inputTimeoutMs();
    }

    long version() {
        return routing.version();
    }

    /** For each queue id of this directory, the id of the queue with the same name in {@code next}, or -1. */
    int[] queuesIn(Directory next) {
        java.util.Map<String, Integer> ids = new HashMap<>();
        for (int q = 0; q < next.routing.queues().size(); q++) {
            ids.put(next.routing.queues().get(q).name(), q);
        }
        int[] to = new int[routing.queues().size()];
        for (int q = 0; q < to.length; q++) {
            to[q] = ids.getOrDefault(routing.queues().get(q).name(), -1);
        }
        return to;
    }
}
