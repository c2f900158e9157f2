package org.loket.host.pipeline;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * How the core thread waits for the next command, by the names of {@link WaitStrategies} (the raw
 * pipeline of the benchmark uses the Disruptor's strategies of those names; the engine's core
 * thread runs a loop of its own so that a publisher can find it parked and stand in for it, see
 * {@code Engine.CoreLoop}). The figures follow the Disruptor's strategies.
 *
 * @param spinNs  spin this long after the last command
 * @param yieldNs then yield until this long after it
 * @param parks   then park until a publisher wakes the thread (true), or sleep 100 ns at a time,
 *                unflagged (false: {@code sleeping}); with both times at {@code Long.MAX_VALUE}
 *                the later phases never come
 */
record CoreIdle(long spinNs, long yieldNs, boolean parks) {
    private static final long FOREVER = Long.MAX_VALUE;

    static CoreIdle of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "yielding" -> new CoreIdle(1_000, FOREVER, false);
            case "sleeping" -> new CoreIdle(1_000, 10_000, false);
            case "phased" -> new CoreIdle(2_000, 20_000, true);
            case "blocking" -> new CoreIdle(0, 0, true);
            case "busy-spin" -> new CoreIdle(FOREVER, FOREVER, false);
            default -> throw new IllegalArgumentException("unknown wait strategy '" + name + "'; valid: " + WaitStrategies.NAMES);
        };
    }

    /**
     * One step of waiting, {@code idleNs} after the last command.
     *
     * @return true when the thread should park now (the caller flags it and parks)
     */
    boolean step(long idleNs) {
        if (idleNs < spinNs) {
            Thread.onSpinWait();
        } else if (idleNs < yieldNs) {
            Thread.yield();
        } else if (parks) {
            return true;
        } else {
            LockSupport.parkNanos(100);
        }
        return false;
    }
}
