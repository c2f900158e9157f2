package org.loket.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.FlowNode;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.host.kpi.JournalKpis;

/**
 * The self-service path of other gateways' contacts (calls) read back from the journal after a
 * restart: the hub keeps a call's path in memory only (its transcript store holds this gateway's
 * own conversations), so a call an agent still holds would come back without it. Flow nodes are
 * named by the configuration in force when each prompt played. One reader thread.
 */
final class CallPaths implements JournalKpis.Visitor {
    /** A contact's path (flow node names, in order) and topic (its last queue or information node), or null. */
    record Path(List<String> nodes, String topic) {
    }

    private final Set<Long> contacts;
    private final Map<Long, List<String>> nodes = new HashMap<>();
    private final Map<Long, String> topics = new HashMap<>();
    /** Per contact, the menu it is in and the key it pressed there last (-1 none yet). */
    private final Map<Long, int[]> menuAndInput = new HashMap<>();
    private RoutingConfig config;

    /** @param contacts the contacts whose path is wanted */
    CallPaths(Set<Long> contacts) {
        this.contacts = Set.copyOf(contacts);
    }

    @Override
    public void accept(Command command, Decision[] decisions, int count) {
        boolean rejected = Decision.refused(decisions, count);
        if (command.type == CommandType.CONFIG_APPLIED && !rejected && command.payload != null) {
            config = RoutingConfigCodec.decode(command.payload);
        }
        if (config == null || contacts.isEmpty()) {
            return;
        }
        if (command.type == CommandType.SELF_SERVICE_INPUT && !rejected && menuAndInput.containsKey(command.contactId)) {
            menuAndInput.get(command.contactId)[1] = command.input;
        }
        for (int i = 0; i < count; i++) {
            Decision d = decisions[i];
            if (!contacts.contains(d.contactId)) {
                continue;
            }
            if (d.type == DecisionType.PLAY_PROMPT && d.nodeId >= 0 && d.nodeId < config.flowNodes().size()) {
                passed(d.contactId, d.nodeId);
                menuAndInput.put(d.contactId, new int[] {d.nodeId, -1});
            } else if (d.type == DecisionType.QUEUE_CONTACT && menuAndInput.containsKey(d.contactId)) {
                // The core queues from a QUEUE leaf without a prompt: the leaf the key led to, as the hub names it live.
                int[] at = menuAndInput.remove(d.contactId);
                int[] next = config.flowNodes().get(at[0]).nextByInput();
                int leaf = next != null && at[1] >= 0 && at[1] < next.length ? next[at[1]] : -1;
                if (leaf >= 0 && config.flowNodes().get(leaf).kind() == FlowNode.Kind.QUEUE) {
                    passed(d.contactId, leaf);
                }
            }
        }
    }

    private void passed(long contact, int nodeId) {
        FlowNode node = config.flowNodes().get(nodeId);
        nodes.computeIfAbsent(contact, k -> new ArrayList<>()).add(node.name());
        if (node.kind() == FlowNode.Kind.QUEUE || node.kind() == FlowNode.Kind.INFO) {
            topics.put(contact, node.name());
        }
    }

    /** What was found, by contact. */
    Map<Long, Path> paths() {
        Map<Long, Path> paths = new HashMap<>();
        nodes.forEach((contact, names) -> paths.put(contact, new Path(List.copyOf(names), topics.get(contact))));
        return paths;
    }
}
