package org.loket.host.sim;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.loket.core.Channel;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;

/**
 * Finds how a simulated citizen gets from an entry to what a trace row says: the entry to arrive at
 * and the menu inputs that lead to the row's queue, or to an information leaf when self-service
 * answered the question. Shortest paths, inputs tried in order 0-9, '*', '#', so plans are
 * deterministic.
 */
final class FlowPlanner {
    /**
     * @param entryId     where the contact arrives
     * @param inputs      menu inputs, in order
     * @param reachesInfo whether the inputs end at an information leaf (self-served)
     */
    record Plan(int entryId, int[] inputs, boolean reachesInfo) {
    }

    private final RoutingConfig config;
    private final Map<String, Integer> queues = new HashMap<>();
    private final Map<String, Integer> entries = new HashMap<>();
    private final Map<String, Plan> cache = new HashMap<>();

    FlowPlanner(RoutingConfig config) {
        this.config = config;
        for (int q = 0; q < config.queues().size(); q++) {
            queues.put(config.queues().get(q).name(), q);
        }
        for (int e = 0; e < config.entries().size(); e++) {
            entries.put(config.entries().get(e).name(), e);
        }
    }

    /**
     * @param topic a queue or an entry name
     * @throws IllegalArgumentException when no entry leads to the topic for that channel
     */
    Plan plan(Channel channel, String topic, int languageId, boolean selfServed) {
        String key = channel + "|" + topic + "|" + languageId + "|" + selfServed;
        Plan plan = cache.get(key);
        if (plan == null) {
            plan = compute(channel, topic, languageId, selfServed);
            cache.put(key, plan);
        }
        return plan;
    }

    private Plan compute(Channel channel, String topic, int language, boolean selfServed) {
        Integer entry = entries.get(topic);
        if (entry != null) {
            EntrySpec spec = config.entries().get(entry);
            if (spec.flowNodeId() < 0) {
                return new Plan(entry, new int[0], false);
            }
            Search search = new Search(spec.flowNodeId(), language, channel);
            int target = selfServed ? search.nearest(FlowNode.Kind.INFO, -1, false) : -1;
            if (target < 0) {
                target = search.nearest(FlowNode.Kind.QUEUE, -1, true);
            }
            if (target < 0) {
                throw new IllegalArgumentException("entry '" + topic + "' leads to no " + name(channel) + " queue");
            }
            return new Plan(entry, search.inputsTo(target), config.flowNodes().get(target).kind() == FlowNode.Kind.INFO);
        }
        Integer queue = queues.get(topic);
        if (queue == null) {
            throw new IllegalArgumentException("topic '" + topic + "' is neither a queue nor an entry of the configuration");
        }
        QueueSpec spec = config.queues().get(queue);
        if (spec.channel() != channel) {
            throw new IllegalArgumentException("topic '" + topic + "' is a " + name(spec.channel()) + " queue, the row is "
                    + name(channel));
        }
        Plan best = null;
        for (int e = 0; e < config.entries().size(); e++) {
            EntrySpec candidate = config.entries().get(e);
            if (candidate.queueId() == queue) {
                return new Plan(e, new int[0], false); // straight in: no self-service to plan
            }
            if (candidate.flowNodeId() < 0) {
                continue;
            }
            Search search = new Search(candidate.flowNodeId(), language, channel);
            int target = search.nearest(FlowNode.Kind.QUEUE, queue, false);
            if (target < 0) {
                continue;
            }
            int[] path = search.pathTo(target);
            Plan plan = new Plan(e, search.inputsTo(target), false);
            if (selfServed) {
                // The information leaf closest to where the citizen was heading.
                for (int depth = path.length - 2; depth >= 0; depth--) {
                    Search below = new Search(path[depth], language, channel);
                    int info = below.nearest(FlowNode.Kind.INFO, -1, false);
                    if (info >= 0) {
                        int[] head = Arrays.copyOf(search.inputsTo(path[depth]), depth);
                        int[] tail = below.inputsTo(info);
                        int[] inputs = Arrays.copyOf(head, head.length + tail.length);
                        System.arraycopy(tail, 0, inputs, head.length, tail.length);
                        plan = new Plan(e, inputs, true);
                        break;
                    }
                }
            }
            if (best == null || plan.inputs().length < best.inputs().length) {
                best = plan;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no entry leads to queue '" + topic + "'");
        }
        return best;
    }

    private static String name(Channel channel) {
        return channel.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Breadth-first search of one flow from a start node, choosing the citizen's language; a queue
     * leaf leads to the queue it names for the citizen's channel ({@link FlowNode#queueFor}).
     */
    private final class Search {
        private final int channel;
        private final int[] parent;
        private final int[] viaInput;
        private final int[] order;
        private int visited;

        Search(int start, int language, Channel channel) {
            this.channel = channel.code();
            int n = config.flowNodes().size();
            parent = new int[n];
            viaInput = new int[n];
            order = new int[n];
            Arrays.fill(parent, -2);
            parent[start] = -1;
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            queue.add(start);
            while (!queue.isEmpty()) {
                int node = queue.poll();
                order[visited++] = node;
                FlowNode f = config.flowNodes().get(node);
                if (f.nextByInput() == null) {
                    continue;
                }
                boolean languageOffered = false;
                if (f.kind() == FlowNode.Kind.LANGUAGE) {
                    for (int i = 0; i < FlowNode.INPUTS; i++) {
                        languageOffered |= f.nextByInput()[i] >= 0 && f.languageByInput()[i] == language;
                    }
                }
                for (int i = 0; i < FlowNode.INPUTS; i++) {
                    int next = f.nextByInput()[i];
                    if (next < 0 || parent[next] != -2) {
                        continue;
                    }
                    if (languageOffered && f.languageByInput()[i] != language) {
                        continue;
                    }
                    parent[next] = node;
                    viaInput[next] = i;
                    queue.add(next);
                }
            }
        }

        /**
         * The first node in breadth-first order of {@code kind} (leading to {@code queueId} when it is
         * not -1, to a queue of the citizen's channel when asked), or -1.
         */
        int nearest(FlowNode.Kind kind, int queueId, boolean ofChannel) {
            for (int i = 0; i < visited; i++) {
                FlowNode f = config.flowNodes().get(order[i]);
                if (f.kind() != kind || (queueId >= 0 && f.queueFor(channel) != queueId)
                        || (ofChannel && config.queues().get(f.queueFor(channel)).channel().code() != channel)) {
                    continue;
                }
                return order[i];
            }
            return -1;
        }

        /** Nodes from the start to {@code target}, both included. */
        int[] pathTo(int target) {
            int length = 0;
            for (int n = target; n != -1; n = parent[n]) {
                length++;
            }
            int[] path = new int[length];
            for (int n = target, i = length - 1; n != -1; n = parent[n], i--) {
                path[i] = n;
            }
            return path;
        }

        int[] inputsTo(int target) {
            int[] path = pathTo(target);
            int[] inputs = new int[path.length - 1];
            for (int i = 1; i < path.length; i++) {
                inputs[i - 1] = viaInput[path[i]];
            }
            return inputs;
        }
    }
}
