package org.loket.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Locks a name out of signing in from one address after too many wrong secrets from there: a
 * connection closes after three wrong guesses, but a script simply reconnects. {@code failures}
 * wrong secrets for a name from an address within {@code windowMs} lock that name for that
 * address for {@code windowMs} from the last one; attempts while locked are refused without a
 * check and do not count. Other addresses are not locked, so a guesser cannot keep the floor out
 * by failing on purpose. Every name is tracked alike, names of nobody too, so the answers never
 * tell which names exist. 0 failures: never locks.
 *
 * <p>Bounded: at most {@link #MAX_TRACKED} names-with-addresses are remembered, the one touched
 * longest ago forgotten first, and a name by its first {@link #MAX_NAME_CHARS} characters (longer
 * names that start alike share their count: stricter, never looser). Thread-safe: one guard
 * serves the hub thread's sign-ins and wall displays' tokens and the event loops' HTTP tokens, so
 * the shared supervisor token's wrong guesses count alike over the WebSocket and HTTP.
 */
final class CredentialGuard {
    /** Names-with-addresses remembered at most (a few MB): guessing many names evicts old entries, it does not fill the heap. */
    static final int MAX_TRACKED = 20_000;

    /** Characters of a name that count. */
    static final int MAX_NAME_CHARS = 100;

    private final int failures;
    private final long windowMs;
    /** The clock; tests set another. */
    volatile LongSupplier clockMs = System::currentTimeMillis;
    /** In access order, so the eldest is the one touched longest ago. */
    private final Map<Key, Tries> tracked = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Tries> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    private record Key(String name, String address) {
        static Key of(String name, String address) {
            return new Key(name.length() > MAX_NAME_CHARS ? name.substring(0, MAX_NAME_CHARS) : name, address);
        }
    }

    /** Recent wrong secrets (a ring of the last {@code failures} times) and the end of a lockout. */
    private static final class Tries {
        final long[] failedMs;
        int count;
        int next;
        long lockedUntilMs;

        Tries(int failures) {
            failedMs = new long[failures];
        }
    }

    /** What became of one {@link #attempt}. */
    enum Outcome { ACCEPTED, REFUSED, REFUSED_AND_LOCKED, LOCKED }

    CredentialGuard(int failures, long windowMs) {
        this.failures = failures;
        this.windowMs = windowMs;
    }

    /**
     * One attempt at {@code name} from {@code address}: refused without asking {@code matches} while
     * locked ({@code authLocked} counted); otherwise a right one clears the earlier wrong ones and a
     * wrong one counts (and may lock: {@code authLockouts}).
     */
    synchronized Outcome attempt(String name, String address, BooleanSupplier matches, ChatCounters counters) {
        if (locked(name, address)) {
            counters.authLocked.increment();
            return Outcome.LOCKED;
        }
        if (matches.getAsBoolean()) {
            succeeded(name, address);
            return Outcome.ACCEPTED;
        }
        if (failed(name, address)) {
            counters.authLockouts.increment();
            return Outcome.REFUSED_AND_LOCKED;
        }
        return Outcome.REFUSED;
    }

    /** Whether the name is locked out for that address now. */
    synchronized boolean locked(String name, String address) {
        Tries tries = tracked.get(Key.of(name, address));
        return tries != null && clockMs.getAsLong() < tries.lockedUntilMs;
    }

    /**
     * A wrong secret for a name (of the configuration or not) from an address.
     *
     * @return whether this one locked the name for that address
     */
    synchronized boolean failed(String name, String address) {
        if (failures <= 0) {
            return false;
        }
        long now = clockMs.getAsLong();
        Tries tries = tracked.computeIfAbsent(Key.of(name, address), k -> new Tries(failures));
        tries.failedMs[tries.next] = now;
        tries.next = (tries.next + 1) % failures;
        tries.count = Math.min(failures, tries.count + 1);
        // The ring's oldest of the last `failures` wrong secrets is where the next one goes.
        if (tries.count < failures || tries.failedMs[tries.next] < now - windowMs) {
            return false;
        }
        tries.count = 0;
        tries.lockedUntilMs = now + windowMs;
        return true;
    }

    /** The right secret: earlier wrong ones from that address no longer count. */
    synchronized void succeeded(String name, String address) {
        tracked.remove(Key.of(name, address));
    }

    /** Minutes of a lockout, for the message. */
    long lockMinutes() {
        return windowMs / 60_000;
    }

    /** Names-with-addresses remembered now (tests). */
    synchronized int tracked() {
        return tracked.size();
    }
}
