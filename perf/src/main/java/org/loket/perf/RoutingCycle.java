package org.loket.perf;

import java.util.Random;
import org.loket.core.command.Command;
import org.loket.core.routing.RoutingCore;
import org.loket.core.testkit.Commands;

/**
 * What the benchmark cycles share: a core with a counting sink, commands applied with rising
 * sequence and time, and the check that every cycle since {@link #mark} made exactly one offer of
 * the kind the cycle exists to measure, refused nothing, and left the live contacts as they were.
 */
abstract class RoutingCycle {
    /** Core time between two commands. */
    static final long STEP_NS = 100_000;

    public final CountingSink sink = new CountingSink();
    public final RoutingCore core = new RoutingCore(sink);
    public final int agents;
    protected long cycles;
    private long sequence;
    private long nowNs = Commands.T0_NS;
    private long[] commandNs;
    private int commandIndex;

    private long cyclesAtMark;
    private long offersAtMark;
    private long expectedOffersAtMark;
    private long rejectsAtMark;

    RoutingCycle(int agents) {
        this.agents = agents;
    }

    /** The cycle's name and the kind of offer it must make, for failure messages. */
    abstract String name();

    abstract String offerKind();

    /** Offers of {@link #offerKind} so far, as the sink counted them. */
    abstract long expectedOffers();

    /** Live contacts between cycles. */
    abstract int expectedLive();

    protected final void apply(Command command) {
        command.sequence = ++sequence;
        nowNs += STEP_NS;
        command.timestampNs = nowNs;
        if (commandNs == null) {
            core.apply(command);
            return;
        }
        long startNs = System.nanoTime();
        core.apply(command);
        commandNs[commandIndex] += System.nanoTime() - startNs;
        commandIndex = commandIndex + 1 == commandNs.length ? 0 : commandIndex + 1;
    }

    /** The cycle's commands in order, for {@link CycleBreakdown}. */
    abstract String[] commandNames();

    /**
     * Diagnostics ({@link CycleBreakdown}): from the next cycle on, adds the time each command of a
     * cycle takes in the core to {@code commandNs[i]}, {@code i} its place in the cycle; {@code null}
     * stops. The JMH benchmarks never call this.
     */
    final void timeCommands(long[] commandNs) {
        this.commandNs = commandNs;
        commandIndex = 0;
    }

    /** Starts a new window for {@link #check}. */
    public final void mark() {
        cyclesAtMark = cycles;
        offersAtMark = sink.offers();
        expectedOffersAtMark = expectedOffers();
        rejectsAtMark = sink.rejects();
    }

    /**
     * Since the last {@link #mark}: every cycle made exactly one offer of {@link #offerKind},
     * nothing was rejected, and the live contacts are {@link #expectedLive}.
     *
     * @throws IllegalStateException otherwise, with the counts
     */
    public final void check(String when) {
        long n = cycles - cyclesAtMark;
        long offers = sink.offers() - offersAtMark;
        long expected = expectedOffers() - expectedOffersAtMark;
        long rejects = sink.rejects() - rejectsAtMark;
        if (n == 0 || offers != n || expected != n || rejects != 0 || core.liveContacts() != expectedLive()) {
            throw new IllegalStateException(name() + " cycle broken (" + when + ", agents=" + agents + "): cycles=" + n
                    + " offers=" + offers + " " + offerKind() + "=" + expected + " rejects=" + rejects + " live="
                    + core.liveContacts() + " expected live=" + expectedLive() + "; totals: " + sink.summary());
        }
    }

    public final long cycles() {
        return cycles;
    }

    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
