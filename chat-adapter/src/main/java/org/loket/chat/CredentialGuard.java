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
 * <p>Across names: {@code addressFailures} wrong secrets or tokens from one address within
 * {@code windowMs}, for any names (of nobody's too, so it tells no names either), lock that
 * address out of every name for {@code windowMs} from the last one: otherwise one address could try
 * {@code failures - 1} secrets on every name of the floor without a lockout (password spraying).
 * The limit is per address, not per name, so it must stay well above what colleagues behind one NAT
 * mistype in a window. A right secret does not clear the address's count (it clears its name's): a
 * sprayer with a secret of its own could otherwise reset it between guesses. {@code onAddressLocked}
 * hears of each such lockout once (the audit). 0 address failures: never locks an address.
 *
 * <p>Bounded: at most {@link #MAX_TRACKED} names-with-addresses (and {@link #MAX_ADDRESSES}
 * addresses) are remembered, the one touched
 * longest ago forgotten first, and a name by its first {@link #MAX_NAME_CHARS} characters (longer
 * names that start alike share their count: stricter, never looser). Thread-safe: one guard
 * serves the hub thread's sign-ins and wall displays' tokens and the event loops' HTTP tokens, so
 * the shared supervisor token's wrong guesses count alike over the WebSocket and HTTP.
 */
final class CredentialGuard {
    /** Names-with-addresses remembered at most (a few MB): guessing many names evicts old entries, it does not fill the heap. */
    static final int MAX_TRACKED = 20_000;

    /** Addresses remembered at most for the limit across names. */
    static final int MAX_ADDRESSES = 20_000;

    /** Characters of a name that count. */
    static final int MAX_NAME_CHARS = 100;

    private final int failures;
    private final int addressFailures;
    private final long windowMs;
    /** Told the address (any thread, under this guard's lock: it must not block) when its failures lock it out. */
    private final java.util.function.Consumer<String> onAddressLocked;
    /** The clock; tests set another. */
    volatile LongSupplier clockMs = System::currentTimeMillis;
    /** In access order, so the eldest is the one touched longest ago. */
    private final Map<Key, Tries> tracked = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Tries> eldest) {
            return size() > MAX_TRACKED;
        }
    };
    /** Recent wrong secrets per address over all names, in access order as {@link #tracked}. */
    private final Map<String, Tries> byAddress = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tries> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    private record Key(String name, String address) {
        static Key of(String name, String address) {
            return new Key(name.length() > MAX_NAME_CHARS ? name.substring(0, MAX_NAME_CHARS) : name, address);
        }
    }

    /**
     * Recent wrong secrets (a ring of the last {@code limit} times) and the end of a lockout. The
     * ring grows as wrong ones come, up to {@code limit}: an address or name that failed once costs a
     * few bytes, whatever the limit, so many of them do not fill the heap.
     */
    private static final class Tries {
        final int limit;
        long[] failedMs;
        int count;
        int next;
        long lockedUntilMs;

        Tries(int limit) {
            this.limit = limit;
            failedMs = new long[Math.min(limit, 4)];
        }

        /**
         * One more wrong one at {@code nowMs}: the last {@code limit} within {@code windowMs} lock
         * until a window from now.
         *
         * @return whether this one locked
         */
        boolean failed(long nowMs, long windowMs) {
            if (count == failedMs.length && count < limit) { // full below the limit: grow, oldest first
                long[] grown = new long[Math.min(limit, 2 * count)];
                for (int i = 0; i < count; i++) {
                    grown[i] = failedMs[(next + i) % count];
                }
                failedMs = grown;
                next = count;
            }
            failedMs[next] = nowMs;
            next = (next + 1) % failedMs.length;
            count = Math.min(failedMs.length, count + 1);
            // At the limit, the ring's oldest of the last `limit` wrong secrets is where the next one goes.
            if (count < limit || failedMs[next] < nowMs - windowMs) {
                return false;
            }
            count = 0;
            lockedUntilMs = nowMs + windowMs;
            return true;
        }
    }

    /** What became of one {@link #attempt}. */
    enum Outcome { ACCEPTED, REFUSED, REFUSED_AND_LOCKED, LOCKED }

    /** A guard of names per address only (no limit across names). */
    CredentialGuard(int failures, long windowMs) {
        this(failures, 0, windowMs, address -> { });
    }

    /**
     * @param failures        wrong secrets for one name from one address that lock it there (0: never)
     * @param addressFailures wrong secrets from one address, for any names, that lock the address (0: never)
     * @param onAddressLocked told the address whose failures just locked it out (once a lockout)
     */
    CredentialGuard(int failures, int addressFailures, long windowMs, java.util.function.Consumer<String> onAddressLocked) {
        this.failures = failures;
        this.addressFailures = addressFailures;
        this.windowMs = windowMs;
        this.onAddressLocked = onAddressLocked;
    }

    /**
     * One attempt at {@code name} from {@code address}: refused without asking {@code matches} while
     * the name or the whole address is locked ({@code authLocked} counted); otherwise a right one
     * clears the name's earlier wrong ones and a wrong one counts for the name and the address (and
     * may lock either: {@code authLockouts}, {@code authAddressLockouts}).
     */
    synchronized Outcome attempt(String name, String address, BooleanSupplier matches, ChatCounters counters) {
        if (locked(name, address) || addressLocked(address)) {
            counters.authLocked.increment();
            return Outcome.LOCKED;
        }
        if (matches.getAsBoolean()) {
            succeeded(name, address);
            return Outcome.ACCEPTED;
        }
        if (addressFailed(address)) {
            counters.authAddressLockouts.increment();
        }
        if (failed(name, address)) {
            counters.authLockouts.increment();
            return Outcome.REFUSED_AND_LOCKED;
        }
        return Outcome.REFUSED;
    }

    /** Whether the address is locked out of every name now. */
    synchronized boolean addressLocked(String address) {
        Tries tries = byAddress.get(address);
        return tries != null && clockMs.getAsLong() < tries.lockedUntilMs;
    }

    /**
     * A wrong secret or token from an address, whatever the name.
     *
     * @return whether this one locked the address (its listener was told)
     */
    synchronized boolean addressFailed(String address) {
        if (addressFailures <= 0) {
            return false;
        }
        if (!byAddress.computeIfAbsent(address, a -> new Tries(addressFailures)).failed(clockMs.getAsLong(), windowMs)) {
            return false;
        }
        onAddressLocked.accept(address);
        return true;
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
        return tracked.computeIfAbsent(Key.of(name, address), k -> new Tries(failures)).failed(clockMs.getAsLong(), windowMs);
    }

    /** The right secret: earlier wrong ones for that name from that address no longer count (the address's own count stays). */
    synchronized void succeeded(String name, String address) {
        tracked.remove(Key.of(name, address));
    }

    /** Minutes of a lockout, for the message. */
    long lockMinutes() {
        return windowMs / 60_000;
    }

    /** Wrong secrets from one address, for any names, that lock it (0: never). */
    int addressFailures() {
        return addressFailures;
    }

    /** Names-with-addresses remembered now (tests). */
    synchronized int tracked() {
        return tracked.size();
    }
}
