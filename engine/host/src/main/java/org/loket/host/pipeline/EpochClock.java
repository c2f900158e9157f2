package org.loket.host.pipeline;

/**
 * Epoch nanoseconds that never go back within a process, nor below a floor: the wall clock read
 * once (or the floor, when the wall clock is behind it), advanced by {@link System#nanoTime()}.
 * The host stamps each command once with it; the core never reads a clock. The engine's floor is
 * the recovered journal's last command: a host clock set back (an NTP step, a restored VM) would
 * otherwise stamp new commands before old ones, and file them in earlier day files than the
 * journal's end, where readers of a day do not look.
 */
public final class EpochClock {
    private final long baseEpochNs;
    private final long baseNanoTime = System.nanoTime();

    /** From the wall clock. */
    public EpochClock() {
        this(Long.MIN_VALUE);
    }

    /** @param floorNs the earliest time it reads, epoch ns: it runs on from there while the wall clock is behind it */
    public EpochClock(long floorNs) {
        this.baseEpochNs = Math.max(System.currentTimeMillis() * 1_000_000L, floorNs);
    }

    public long nowNs() {
        return baseEpochNs + (System.nanoTime() - baseNanoTime);
    }
}
