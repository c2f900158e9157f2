package org.loket.host.pipeline;

/**
 * Epoch nanoseconds that never go back within a process: the wall clock read once, advanced by
 * {@link System#nanoTime()}. The host stamps each command once with it; the core never reads a clock.
 */
public final class EpochClock {
    private final long baseEpochNs = System.currentTimeMillis() * 1_000_000L;
    private final long baseNanoTime = System.nanoTime();

    public long nowNs() {
        return baseEpochNs + (System.nanoTime() - baseNanoTime);
    }
}
