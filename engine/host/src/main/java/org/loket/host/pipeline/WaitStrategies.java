package org.loket.host.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import java.util.Locale;

/** Wait strategies by name, for settings and the command line. */
public final class WaitStrategies {
    /** The names {@link #of} accepts. */
    public static final String NAMES = "yielding, sleeping, blocking, busy-spin";

    private WaitStrategies() {
    }

    /**
     * On two vCPUs with three or four pipeline threads, yielding or sleeping waits beat busy
     * spinning (measured: see perf/RESULTS.md); yielding is the default.
     */
    public static WaitStrategy of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "yielding" -> new YieldingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "blocking" -> new BlockingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException("unknown wait strategy '" + name + "'; valid: " + NAMES);
        };
    }
}
