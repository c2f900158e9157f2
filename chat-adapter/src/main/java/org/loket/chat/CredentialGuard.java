package org.loket.chat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Locks a name out of signing in after too many wrong secrets, whatever the connection: a
 * connection closes after three wrong guesses, but a script simply reconnects. {@code failures}
 * wrong secrets within {@code windowMs} lock the name for {@code windowMs} from the last one;
 * attempts while locked are refused without a check and do not count. Only names of the
 * configuration (agents, supervisors) are tracked, so guessing names fills nothing. 0 failures:
 * never locks. Hub thread only.
 */
final class CredentialGuard {
    private final int failures;
    private final long windowMs;
    /** The clock; tests set another. */
    LongSupplier clockMs = System::currentTimeMillis;
    private final Map<String, Deque<Long>> recentFailures = new HashMap<>();
    private final Map<String, Long> lockedUntilMs = new HashMap<>();

    CredentialGuard(int failures, long windowMs) {
        this.failures = failures;
        this.windowMs = windowMs;
    }

    /** Whether the name is locked out now. */
    boolean locked(String name) {
        Long until = lockedUntilMs.get(name);
        if (until == null) {
            return false;
        }
        if (clockMs.getAsLong() < until) {
            return true;
        }
        lockedUntilMs.remove(name);
        return false;
    }

    /**
     * A wrong secret for a name of the configuration.
     *
     * @return whether this one locked the name
     */
    boolean failed(String name) {
        if (failures <= 0) {
            return false;
        }
        long now = clockMs.getAsLong();
        Deque<Long> recent = recentFailures.computeIfAbsent(name, n -> new ArrayDeque<>());
        recent.addLast(now);
        while (recent.peekFirst() < now - windowMs) {
            recent.removeFirst();
        }
        if (recent.size() < failures) {
            return false;
        }
        recentFailures.remove(name);
        lockedUntilMs.put(name, now + windowMs);
        return true;
    }

    /** The right secret: earlier wrong ones no longer count. */
    void succeeded(String name) {
        recentFailures.remove(name);
    }

    /** Minutes of a lockout, for the message. */
    long lockMinutes() {
        return windowMs / 60_000;
    }
}
