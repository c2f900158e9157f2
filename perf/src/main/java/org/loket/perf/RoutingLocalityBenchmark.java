package org.loket.perf;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostic, not a headline figure: the same cycles as {@link RoutingDecisionBenchmark} on a roster
 * of {@code agents}, but routing only ever reaches {@code activeAgents} of them (the others are
 * paused). The code path and the number of steps per command are the same for every
 * {@code activeAgents}; only the amount of agent data the run touches changes. If the cost follows
 * {@code activeAgents} and not {@code agents}, growth with roster size is memory locality, not an
 * algorithm that looks at the whole roster.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class RoutingLocalityBenchmark {

    @State(Scope.Thread)
    public static class ContactSide extends CycleState<ContactDrivenCycle> {
        @Param({"100000"})
        public int agents;
        @Param({"100", "1000", "10000", "100000"})
        public int activeAgents;


        @Setup(Level.Trial)
        public void setUp() {
            cycle = new ContactDrivenCycle(agents, RoutingDecisionBenchmark.SEED, activeAgents);
            System.out.println(cycle.description);
        }
    }

    @State(Scope.Thread)
    public static class AgentSide extends CycleState<AgentDrivenCycle> {
        @Param({"100000"})
        public int agents;
        @Param({"100", "1000", "10000", "100000"})
        public int activeAgents;


        @Setup(Level.Trial)
        public void setUp() {
            cycle = new AgentDrivenCycle(agents, RoutingDecisionBenchmark.SEED, activeAgents);
            System.out.println(cycle.description);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ContactDrivenCycle.COMMANDS_PER_CYCLE)
    public void contactArrives(ContactSide state) {
        state.cycle.cycle();
    }

    @Benchmark
    @OperationsPerInvocation(AgentDrivenCycle.COMMANDS_PER_CYCLE)
    public void agentBecomesReady(AgentSide state) {
        state.cycle.cycle();
    }
}
