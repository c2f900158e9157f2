package org.loket.host.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Wait strategies by name, for settings and the command line. */
public final class WaitStrategies {
    /** The names {@link #of} accepts. */
    public static final String NAMES = "yielding, sleeping, phased, blocking, busy-spin";

    private WaitStrategies() {
    }

    /**
     * On two vCPUs with three or four pipeline threads, yielding or sleeping waits beat busy
     * spinning (measured: see perf/RESULTS.md); yielding is the default. {@code phased} spins for
     * 2 µs, yields until 20 µs, then blocks on a lock: busy traffic keeps it spinning, a quiet
     * engine (a phone site between calls) costs next to nothing, and the first command after a
     * pause pays one wake-up.
     */
    public static WaitStrategy of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "yielding" -> new YieldingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "phased" -> PhasedBackoffWaitStrategy.withLock(2, 20, TimeUnit.MICROSECONDS);
            case "blocking" -> new BlockingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException("unknown wait strategy '" + name + "'; valid: " + NAMES);
        };
    }
}
