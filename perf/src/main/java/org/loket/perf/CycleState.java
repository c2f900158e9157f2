package org.loket.perf;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A JMH state holding one routing cycle, with the per-iteration bookkeeping every benchmark shares:
 * mark the counters before an iteration, check the core did what the cycle expects after it.
 * Subclasses build the cycle in a trial-level setup.
 */
public abstract class CycleState<C extends RoutingCycle> {
    C cycle;

    @Setup(Level.Iteration)
    public void mark() {
        cycle.mark();
    }

    @TearDown(Level.Iteration)
    public void check() {
        cycle.check("iteration");
    }
}
