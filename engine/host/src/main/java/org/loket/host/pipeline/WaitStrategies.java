package org.loket.host.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Wait strategies by name, for settings and the command line: each name is a Disruptor strategy
 * (the benchmark's raw pipeline) and the engine core thread's own loop with the same figures
 * ({@link CoreIdle}; the core thread runs a loop of its own so that a publisher can find it parked
 * and stand in for it, see {@code Engine.CoreLoop}).
 *
 * <p>On two vCPUs with three or four pipeline threads, yielding or sleeping waits beat busy
 * spinning (measured: see perf/RESULTS.md); yielding is the benchmark's default. {@code phased}
 * spins for 2 µs, yields until 20 µs, then blocks: busy traffic keeps it spinning, a quiet engine
 * (a phone site between calls) costs next to nothing, and the first command after a pause pays one
 * wake-up.
 */
public enum WaitStrategies {
    YIELDING(YieldingWaitStrategy::new, new CoreIdle(1_000, CoreIdle.FOREVER, false)),
    SLEEPING(SleepingWaitStrategy::new, new CoreIdle(1_000, 10_000, false)),
    PHASED(() -> PhasedBackoffWaitStrategy.withLock(2, 20, TimeUnit.MICROSECONDS), new CoreIdle(2_000, 20_000, true)),
    BLOCKING(BlockingWaitStrategy::new, new CoreIdle(0, 0, true)),
    BUSY_SPIN(BusySpinWaitStrategy::new, new CoreIdle(CoreIdle.FOREVER, CoreIdle.FOREVER, false));

    /** The names {@link #of} accepts (a constant for the command line's help; a test keeps it equal to the values). */
    public static final String NAMES = "yielding, sleeping, phased, blocking, busy-spin";

    private final Supplier<WaitStrategy> disruptor;
    private final CoreIdle coreIdle;

    WaitStrategies(Supplier<WaitStrategy> disruptor, CoreIdle coreIdle) {
        this.disruptor = disruptor;
        this.coreIdle = coreIdle;
    }

    /** The Disruptor's strategy of that name (a new instance). */
    public static WaitStrategy of(String name) {
        return named(name).disruptor.get();
    }

    /** How the engine's core thread waits under that name. */
    static CoreIdle coreIdle(String name) {
        return named(name).coreIdle;
    }

    private static WaitStrategies named(String name) {
        for (WaitStrategies w : values()) {
            if (w.settingName().equals(name.toLowerCase(Locale.ROOT))) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown wait strategy '" + name + "'; valid: " + NAMES);
    }

    /** As settings spell it: {@code busy-spin}. */
    String settingName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
