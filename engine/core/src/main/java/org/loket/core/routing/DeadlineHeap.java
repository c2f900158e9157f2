package org.loket.core.routing;

/**
 * Timers of live contacts (offer timeout, self-service input timeout, wrap-up end) as an indexed
 * binary min-heap over contact slots, ordered by (deadline, contact id). A contact has at most one
 * timer. The order is total and independent of insertion history, so a core restored from a
 * snapshot fires its timers exactly as the original would; that is why this is not a timer wheel,
 * whose firing order within a tick depends on when timers were added.
 * <p>Each heap position keeps its timer's deadline beside its slot: sifting compares deadlines
 * along a path of the heap without visiting the contacts' rows (a cold line each; cancelling an
 * accepted offer or a finished wrap-up was a tenth of the core's time). Only equal deadlines
 * read the contacts' ids.
 */
final class DeadlineHeap {
    private final int[] heap;
    private final long[] key;
    private final int[] position;
    private final Contacts contacts;
    private int size;

    /** The heap reads deadlines (when a timer is scheduled) and ids (on ties) from the contact table. */
    DeadlineHeap(int capacity, Contacts contacts) {
        heap = new int[capacity];
        key = new long[capacity];
        position = new int[capacity];
        java.util.Arrays.fill(position, -1);
        this.contacts = contacts;
    }

    /** Adds or moves the slot's timer to the deadline set with {@link Contacts#setDeadlineNs}. */
    void schedule(int slot) {
        int at = position[slot];
        if (at < 0) {
            at = size++;
            heap[at] = slot;
            key[at] = contacts.deadlineNs(slot);
            up(at);
        } else {
            key[at] = contacts.deadlineNs(slot);
            up(at);
            down(position[slot]);
        }
    }

    /** Whether the slot has a timer. */
    boolean scheduled(int slot) {
        return position[slot] >= 0;
    }

    void cancel(int slot) {
        int at = position[slot];
        if (at < 0) {
            return;
        }
        position[slot] = -1;
        size--;
        if (at != size) {
            int last = heap[size];
            heap[at] = last;
            key[at] = key[size];
            up(at);
            down(position[last]);
        }
    }

    /** @return the slot whose timer is due first, or -1 when none is due at {@code nowNs} */
    int peekDue(long nowNs) {
        return size > 0 && key[0] <= nowNs ? heap[0] : -1;
    }

    /** @return the earliest deadline, or {@link Long#MAX_VALUE} when no timer is set */
    long nextDeadlineNs() {
        return size > 0 ? key[0] : Long.MAX_VALUE;
    }

    int size() {
        return size;
    }

    /** Whether timer (deadline {@code d}, slot {@code slot}) comes before timer ({@code otherD}, {@code other}). */
    private boolean before(long d, int slot, long otherD, int other) {
        return d < otherD || (d == otherD && contacts.id(slot) < contacts.id(other));
    }

    /** Moves the timer at {@code at} towards the root while it comes before its parent. */
    private void up(int at) {
        int slot = heap[at];
        long d = key[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!before(d, slot, key[parent], heap[parent])) {
                break;
            }
            put(at, heap[parent], key[parent]);
            at = parent;
        }
        put(at, slot, d);
    }

    /** Moves the timer at {@code at} towards the leaves while a child comes before it. */
    private void down(int at) {
        int slot = heap[at];
        long d = key[at];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(key[child + 1], heap[child + 1], key[child], heap[child])) {
                child++;
            }
            if (!before(key[child], heap[child], d, slot)) {
                break;
            }
            put(at, heap[child], key[child]);
            at = child;
        }
        put(at, slot, d);
    }

    private void put(int at, int slot, long d) {
        heap[at] = slot;
        key[at] = d;
        position[slot] = at;
    }
}
