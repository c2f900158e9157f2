package org.loket.host.config;

/**
 * Turns a burst of file events into one action: due once no event came for {@code quietNs}, or
 * {@code maxDelayNs} after the first event of the burst when events never stop (a tool writing into
 * the folder all the time). Time is passed in, so tests need no clock. Not thread-safe: one thread.
 */
final class Debounce {
    /** {@link #remainingNs} when nothing is pending. */
    static final long IDLE = Long.MAX_VALUE;

    private final long quietNs;
    private final long maxDelayNs;
    private boolean pending;
    private long firstNs;
    private long lastNs;

    Debounce(long quietNs, long maxDelayNs) {
        if (quietNs <= 0 || maxDelayNs < quietNs) {
            throw new IllegalArgumentException("quiet " + quietNs + " ns must be positive and at most the maximum delay " + maxDelayNs + " ns");
        }
        this.quietNs = quietNs;
        this.maxDelayNs = maxDelayNs;
    }

    /** An event at {@code nowNs} ({@link System#nanoTime} or any monotonic clock). */
    void event(long nowNs) {
        if (!pending) {
            pending = true;
            firstNs = nowNs;
        }
        lastNs = nowNs;
    }

    /** Nanoseconds until the action is due: 0 when due now, {@link #IDLE} when no event is pending. */
    long remainingNs(long nowNs) {
        if (!pending) {
            return IDLE;
        }
        long due = Math.min(lastNs + quietNs, firstNs + maxDelayNs);
        return Math.max(0, due - nowNs);
    }

    /** Whether the action is due at {@code nowNs}; if so the burst is over and the next event starts a new one. */
    boolean takeDue(long nowNs) {
        if (pending && remainingNs(nowNs) == 0) {
            pending = false;
            return true;
        }
        return false;
    }
}
