package org.loket.host.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * How the engine's core thread waits for the next command; one per name of {@link WaitStrategies},
 * whose figures follow the Disruptor's strategies of those names.
 *
 * @param spinNs  spin this long after the last command
 * @param yieldNs then yield until this long after it
 * @param parks   then park until a publisher wakes the thread (true), or sleep 100 ns at a time,
 *                unflagged (false: {@code sleeping}); with both times at {@link #FOREVER}
 *                the later phases never come
 */
record CoreIdle(long spinNs, long yieldNs, boolean parks) {
    static final long FOREVER = Long.MAX_VALUE;

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
