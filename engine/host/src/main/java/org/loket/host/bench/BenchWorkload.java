package org.loket.host.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.routing.RoutingCore;
import org.loket.host.sim.SimulatedWorld;
import org.loket.host.sim.WorldParams;

/**
 * The synthetic workload of {@code loket bench}: a large helpdesk (by default 10,000 agents, 200
 * queues, 50 skills) and a command stream recorded from a {@link SimulatedWorld} playing against a
 * real core in simulated time. Because the stream was made by the deterministic core, replaying
 * it through the live pipeline produces the same valid traffic: offers that get accepted,
 * conversations that end, wrap-ups, abandons, menus.
 */
public final class BenchWorkload {
    private static final long START_NS = 1_772_438_400_000_000_000L; // 2026-03-02 08:00 UTC
    private static final long TICK_EVERY_NS = 100_000_000L;

    private BenchWorkload() {
    }

    /** A helpdesk of {@code agents} agents, {@code queues} queues over {@code skills} skills, and a voice menu. */
    public static RoutingConfig config(int agents, int queues, int skills, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> skillNames = new ArrayList<>();
        for (int s = 0; s < skills; s++) {
            skillNames.add("skill-" + s);
        }
        List<QueueSpec> queueSpecs = new ArrayList<>();
        Channel[] channels = {Channel.VOICE, Channel.VOICE, Channel.VOICE, Channel.VOICE, Channel.VOICE, Channel.VOICE,
                Channel.VOICE, Channel.CHAT, Channel.EMAIL, Channel.SOCIAL};
        for (int q = 0; q < queues; q++) {
            Channel channel = channels[q % channels.length];
            queueSpecs.add(new QueueSpec("queue-" + q, channel, q % skills, 1 + random.nextInt(3), random.nextInt(3),
                    q % 3 == 0 ? 60_000 : 0, channel == Channel.VOICE ? 15_000 : 60_000, q % 2 == 0 ? 30_000 : 0, 40_000));
        }
        List<AgentSpec> agentSpecs = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            int[] levels = new int[skills];
            int count = 3 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                levels[random.nextInt(skills)] = 1 + random.nextInt(10);
            }
            agentSpecs.add(new AgentSpec("agent-" + a, levels, new int[] {1, 3, 1, 1}));
        }
        List<String> prompts = List.of("menu", "info", "to-agent");
        List<FlowNode> nodes = new ArrayList<>();
        int[] next = new int[FlowNode.INPUTS];
        Arrays.fill(next, -1);
        next[1] = 1;
        next[2] = 2;
        next[3] = 3;
        nodes.add(new FlowNode("menu", FlowNode.Kind.MENU, 0, next, null, -1, -1, 8_000, 2, 0));
        nodes.add(new FlowNode("info", FlowNode.Kind.INFO, 1, null, null, -1, -1, 0, 0, -1));
        nodes.add(new FlowNode("to-queue-0", FlowNode.Kind.QUEUE, 2, null, null, 0, -1, 0, 0, -1));
        nodes.add(new FlowNode("to-queue-1", FlowNode.Kind.QUEUE, 2, null, null, 1, 5, 0, 0, -1));
        List<EntrySpec> entries = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            entries.add(new EntrySpec("entry-" + q, -1, q));
        }
        for (int i = 0; i < queues / 10; i++) {
            entries.add(new EntrySpec("phone-" + i, 0, -1));
        }
        return new RoutingConfig(1, skillNames, List.of("nl", "en"), prompts, queueSpecs, agentSpecs, entries, nodes, 1 << 18);
    }

    /**
     * Records {@code commands} commands: the configuration, logins, then traffic at a load that keeps
     * most agents busy, with a journaled TICK every 100 ms of simulated time.
     */
    public static CommandTape record(RoutingConfig config, int commands, long seed) {
        CommandTape tape = new CommandTape(commands);
        // Arrivals near the roster's capacity: every agent handles one contact at a time for ~5 minutes.
        double arrivalsPerSecond = config.agents().size() / 300.0 * 0.9;
        WorldParams params = new WorldParams(arrivalsPerSecond, 3_000, 300_000, 20_000, 120_000, 2_000, 0.01, 0.01, -1);
        SimulatedWorld world = new SimulatedWorld(config, params, seed, START_NS + 1, Long.MAX_VALUE, 1);
        RoutingCore core = new RoutingCore(world::onDecision);
        Command command = new Command();
        command.type = CommandType.CONFIG_APPLIED;
        command.timestampNs = START_NS;
        command.payload = RoutingConfigCodec.encode(config);
        long sequence = 0;
        long nextTickNs = START_NS + TICK_EVERY_NS;
        while (!tape.full()) {
            command.sequence = ++sequence;
            core.apply(command);
            tape.add(command);
            while (true) {
                long due = world.nextDueNs();
                if (due >= nextTickNs) {
                    command.clear().type = CommandType.TICK;
                    command.timestampNs = nextTickNs;
                    nextTickNs += TICK_EVERY_NS;
                    break;
                }
                if (world.poll(due, command)) {
                    break;
                }
            }
        }
        return tape;
    }
}
