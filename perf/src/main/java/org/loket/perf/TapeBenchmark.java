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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's cost per command on the command tape of {@code loket bench} (10,000 agents, 200
 * queues, 50 skills, 4,000,000 commands; see {@link TapeReplay}): the realistic mix, where
 * {@link RoutingDecisionBenchmark} measures two narrow cycles. One invocation replays the whole
 * tape on a fresh core (single shot); {@link OperationsPerInvocation} divides by its commands.
 * <p>Excluded: recording the tape (trial setup), building the core and installing the
 * configuration (command 0; iteration setup), the ring, journal and egress (the sink only hashes).
 * Included: everything a fresh core does on the tape, timers firing and its idle rings and contact
 * index growing while it fills up (the only allocation in the measured part: about 1 byte per
 * command, {@link TapeReplay#main}). JMH's {@code gc.alloc.rate.norm} shows about 12 B/op because
 * it counts the iteration's setup too: a fresh core preallocates its contact slots (~40 MB).
 * <p>Checked after every iteration: the decisions' hash and count and the final state hash equal
 * the first iteration's, and nothing was rejected, so a broken core cannot pass silently. The
 * result is printed once per fork ({@code tape result: ...}); {@code perf/jmh-compare.sh} checks
 * that the baseline's and the new core's agree.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class TapeBenchmark {
    public static final int COMMANDS = 4_000_000;

    @State(Scope.Benchmark)
    public static class Tape {
        TapeReplay replay;
        TapeReplay.Result expected;

        @Setup(Level.Trial)
        public void record() {
            replay = new TapeReplay(TapeReplay.AGENTS, TapeReplay.QUEUES, TapeReplay.SKILLS, COMMANDS, TapeReplay.SEED);
        }

        @Setup(Level.Iteration)
        public void freshCore() {
            replay.reset();
        }

        @TearDown(Level.Iteration)
        public void check() {
            TapeReplay.Result result = replay.result();
            if (expected == null) {
                expected = result;
                System.out.println("tape result: " + result);
            }
            if (!result.equals(expected) || result.rejects() != 0 || result.offers() == 0) {
                throw new IllegalStateException("the core decided differently: " + result + ", first iteration " + expected);
            }
        }
    }

    /** Per command: one command of the tape applied to the core. */
    @Benchmark
    @OperationsPerInvocation(COMMANDS - 1)
    public void replayTape(Tape tape) {
        tape.replay.replay();
    }
}
