package org.loket.chat;

/**
 * A token bucket: up to {@code burst} at once, refilled at {@code perSecond}. One thread's: a
 * connection's frames on its event loop, the chat starts on the hub thread.
 */
final class TokenBucket {
    private double tokens;
    private long refilledNs;

    /** Full at first. */
    TokenBucket(double burst) {
        this.tokens = burst;
        this.refilledNs = System.nanoTime();
    }

    /** Takes one token; {@code false} when the rate is exceeded. */
    boolean take(double perSecond, double burst) {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledNs) * perSecond / 1e9);
        refilledNs = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
