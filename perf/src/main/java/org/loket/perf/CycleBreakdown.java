package org.loket.perf;

import java.util.Locale;

/**
 * Diagnostic, outside JMH: where a benchmark cycle's time goes, command by command, by roster size.
 * For each side ({@link ContactDrivenCycle}, {@link AgentDrivenCycle}) and roster size it runs
 * {@value #CYCLES} cycles to warm up, then as many timed with {@link System#nanoTime()} around each
 * {@code RoutingCore.apply}, and prints the mean per command of the cycle. The timer adds some
 * 20-40 ns to every figure alike; read the differences between sizes (a command whose cost grows
 * with the roster is the one that meets cold agent data), not the absolute figures, which are
 * JMH's.
 * <p>Run: {@code PERF_MAIN=org.loket.perf.CycleBreakdown perf/jmh.sh [agents...]} (default 100 100000).
 */
public final class CycleBreakdown {
    static final int CYCLES = 1_000_000;

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {100, 100_000} : new int[args.length];
        for (int i = 0; i < args.length; i++) {
            sizes[i] = Integer.parseInt(args[i]);
        }
        for (int agents : sizes) {
            print(new ContactDrivenCycle(agents, RoutingDecisionBenchmark.SEED), ContactDrivenCycle.COMMANDS_PER_CYCLE);
        }
        for (int agents : sizes) {
            AgentDrivenCycle cycle = new AgentDrivenCycle(agents, RoutingDecisionBenchmark.SEED);
            print(cycle, AgentDrivenCycle.COMMANDS_PER_CYCLE);
        }
    }

    private static void print(RoutingCycle cycle, int commandsPerCycle) {
        Runnable one = cycle instanceof ContactDrivenCycle c ? c::cycle : ((AgentDrivenCycle) cycle)::cycle;
        for (int i = 0; i < CYCLES; i++) {
            one.run();
        }
        long[] commandNs = new long[commandsPerCycle];
        cycle.mark();
        cycle.timeCommands(commandNs);
        for (int i = 0; i < CYCLES; i++) {
            one.run();
        }
        cycle.timeCommands(null);
        cycle.check("breakdown");
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-14s agents=%-7d", cycle.name(), cycle.agents));
        String[] names = cycle.commandNames();
        long total = 0;
        for (int i = 0; i < commandsPerCycle; i++) {
            line.append(String.format(Locale.ROOT, " %s=%.1f", names[i], commandNs[i] / (double) CYCLES));
            total += commandNs[i];
        }
        line.append(String.format(Locale.ROOT, "  mean=%.1f ns per command", total / (double) CYCLES / commandsPerCycle));
        System.out.println(line);
    }
}
