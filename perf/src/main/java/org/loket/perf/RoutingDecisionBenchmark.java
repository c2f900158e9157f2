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
 * The cost of one routing command in the core, in steady state, by roster size. One operation is
 * one command applied to {@link org.loket.core.routing.RoutingCore#apply}; each invocation applies a
 * fixed cycle of preallocated commands (see {@link ContactDrivenCycle} and {@link AgentDrivenCycle})
 * and {@link OperationsPerInvocation} divides by its length.
 * <p>Excluded: the ring, the journal, decision egress (the sink only counts), configuration install
 * and every other setup command. After each iteration the cycle's counts are checked: a cycle
 * that did not offer, a rejected command or a changed number of live contacts fails the run.
 * <p>Run with {@code perf/jmh.sh} (add {@code -prof gc} for {@code gc.alloc.rate.norm}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class RoutingDecisionBenchmark {
    static final long SEED = 20260302L;

    /** Contacts arrive, are offered to the longest-idle agent, accepted and ended. */
    @State(Scope.Thread)
    public static class ContactSide extends CycleState<ContactDrivenCycle> {
        @Param({"100", "1000", "10000", "100000"})
        public int agents;

        @Setup(Level.Trial)
        public void setUp() {
            cycle = new ContactDrivenCycle(agents, SEED);
            System.out.println(cycle.description);
        }
    }

    /** Contacts wait; an agent becomes ready and is offered the best waiting contact. */
    @State(Scope.Thread)
    public static class AgentSide extends CycleState<AgentDrivenCycle> {
        @Param({"100", "1000", "10000", "100000"})
        public int agents;

        @Setup(Level.Trial)
        public void setUp() {
            cycle = new AgentDrivenCycle(agents, SEED);
            System.out.println(cycle.description);
        }
    }

    /** Per command: arrive (offer to longest idle), accept, end (agent available again, routed). */
    @Benchmark
    @OperationsPerInvocation(ContactDrivenCycle.COMMANDS_PER_CYCLE)
    public void contactArrives(ContactSide state) {
        state.cycle.cycle();
    }

    /** Per command: arrive (waits), ready (offer of best waiting contact), accept, pause, end. */
    @Benchmark
    @OperationsPerInvocation(AgentDrivenCycle.COMMANDS_PER_CYCLE)
    public void agentBecomesReady(AgentSide state) {
        state.cycle.cycle();
    }
}
