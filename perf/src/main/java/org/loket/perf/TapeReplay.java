package org.loket.perf;

import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionSink;
import org.loket.core.decision.DecisionType;
import org.loket.core.routing.RoutingCore;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.bench.CommandTape;

/**
 * The command tape of {@code loket bench} ({@link BenchWorkload}) applied to a fresh core, with a
 * running hash over every decision: the realistic mix of the pipeline benchmark (arrivals, menus,
 * accepts, ends, wrap-ups, ticks, abandons, timers) without the ring, journal or egress.
 * <p>{@link #reset()} builds a fresh core and applies the configuration (command 0);
 * {@link #replay()} applies the rest of the tape, allocation-free apart from what the core itself
 * allocates (its idle rings and contact index grow while a fresh core fills up); {@link #result()}
 * says what came out. Two replays of one tape must give the same result, and so must two cores
 * that claim to decide alike: the hash covers every field of every decision
 * ({@link Decision#hashInto}), the state hash the core's whole state after the last command.
 * <p>{@link #main} prints the result for the default tape, to compare two cores' decisions.
 */
public final class TapeReplay {
    /** The tape of {@code loket bench}'s defaults. */
    public static final int AGENTS = 10_000;
    public static final int QUEUES = 200;
    public static final int SKILLS = 50;
    public static final long SEED = 42;

    public final int commands;
    private final CommandTape tape;
    private final Command command = new Command();
    private final Hashing sink = new Hashing();
    private RoutingCore core;

    public TapeReplay(int agents, int queues, int skills, int commands, long seed) {
        RoutingConfig config = BenchWorkload.config(agents, queues, skills, seed);
        this.tape = BenchWorkload.record(config, commands, seed);
        this.commands = commands;
    }

    /** A fresh core with the tape's configuration installed. */
    public void reset() {
        sink.hash = 0;
        sink.count = 0;
        sink.rejects = 0;
        sink.offers = 0;
        core = new RoutingCore(sink);
        apply(0);
        if (command.type != CommandType.CONFIG_APPLIED || sink.rejects != 0 || core.config() == null) {
            throw new IllegalStateException("the tape's configuration was not installed");
        }
    }

    /** Applies commands 1.. of the tape to the core {@link #reset} built. */
    public void replay() {
        for (int i = 1; i < commands; i++) {
            apply(i);
        }
    }

    private void apply(int i) {
        tape.read(i, command);
        command.sequence = i + 1;
        core.apply(command);
    }

    /** What the last replay decided; allocates (call it outside a measurement). */
    public Result result() {
        return new Result(sink.count, sink.offers, sink.rejects, sink.hash, core.stateHash());
    }

    /**
     * @param decisions every decision of the replay, the configuration's included
     * @param decisionHash {@link Decision#hashInto} over them, in order, from 0
     * @param stateHash {@link RoutingCore#stateHash()} after the last command
     */
    public record Result(long decisions, long offers, long rejects, long decisionHash, long stateHash) {
        @Override
        public String toString() {
            return String.format("decisions %d (offers %d, rejects %d) decision hash %016x state hash %016x",
                    decisions, offers, rejects, decisionHash, stateHash);
        }
    }

    /** Folds every decision into a hash and counts offers and rejections; primitive fields only. */
    private static final class Hashing implements DecisionSink {
        long hash;
        long count;
        long offers;
        long rejects;

        @Override
        public void onDecision(Decision decision) {
            hash = decision.hashInto(hash);
            count++;
            if (decision.type == DecisionType.OFFER_CONTACT) {
                offers++;
            } else if (decision.type == DecisionType.REJECT_COMMAND) {
                rejects++;
            }
        }
    }

    /**
     * Prints the result of replaying the default tape (or {@code args[0]} commands of it) twice (or
     * {@code args[1]} times), with the time, the thread's CPU time (less disturbed by other work on a
     * shared machine) and the bytes allocated per command (rough figures: no JMH, one thread).
     */
    public static void main(String[] args) {
        int commands = args.length > 0 ? Integer.parseInt(args[0]) : TapeBenchmark.COMMANDS;
        TapeReplay replay = new TapeReplay(AGENTS, QUEUES, SKILLS, commands, SEED);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0, rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2; round < rounds; round++) {
            replay.reset();
            long bytes = threads.getCurrentThreadAllocatedBytes();
            long cpu = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            replay.replay();
            long t1 = System.nanoTime();
            cpu = threads.getCurrentThreadCpuTime() - cpu;
            bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
            double n = commands - 1;
            System.out.printf("%s (%.1f ns, %.1f ns of CPU, %.3f bytes allocated per command)%n", replay.result(), (t1 - t0) / n,
                    cpu / n, bytes / n);
        }
    }
}
