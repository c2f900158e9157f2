package org.loket.core.routing;

/**
 * Timers of live contacts (offer timeout, self-service input timeout, wrap-up end) as an indexed
 * binary min-heap over contact slots, ordered by (deadline, contact id). A contact has at most one
 * timer. The order is total and independent of insertion history, so a core restored from a
 * snapshot fires its timers exactly as the original would; that is why this is not a timer wheel,
 * whose firing order within a tick depends on when timers were added.
 */
final class DeadlineHeap {
    private final int[] heap;
    private final int[] position;
    private final Contacts contacts;
    private int size;

    /** The heap reads deadlines and ids from the contact table; it owns neither. */
    DeadlineHeap(int capacity, Contacts contacts) {
        heap = new int[capacity];
        position = new int[capacity];
        java.util.Arrays.fill(position, -1);
        this.contacts = contacts;
    }

    /** Adds or moves the slot's timer; its deadline must already be set ({@link Contacts#setDeadlineNs}). */
    void schedule(int slot) {
        int at = position[slot];
        if (at < 0) {
            at = size++;
            heap[at] = slot;
            position[slot] = at;
            up(at);
        } else {
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
            position[last] = at;
            up(at);
            down(position[last]);
        }
    }

    /** @return the slot whose timer is due first, or -1 when none is due at {@code nowNs} */
    int peekDue(long nowNs) {
        return size > 0 && contacts.deadlineNs(heap[0]) <= nowNs ? heap[0] : -1;
    }

    /** @return the earliest deadline, or {@link Long#MAX_VALUE} when no timer is set */
    long nextDeadlineNs() {
        return size > 0 ? contacts.deadlineNs(heap[0]) : Long.MAX_VALUE;
    }

    int size() {
        return size;
    }

    private boolean before(int a, int b) {
        long da = contacts.deadlineNs(a);
        long db = contacts.deadlineNs(b);
        return da < db || (da == db && contacts.id(a) < contacts.id(b));
    }

    private void up(int at) {
        int slot = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            int parentSlot = heap[parent];
            if (!before(slot, parentSlot)) {
                break;
            }
            heap[at] = parentSlot;
            position[parentSlot] = at;
            at = parent;
        }
        heap[at] = slot;
        position[slot] = at;
    }

    private void down(int at) {
        int slot = heap[at];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], slot)) {
                break;
            }
            heap[at] = heap[child];
            position[heap[at]] = at;
            at = child;
        }
        heap[at] = slot;
        position[slot] = at;
    }
}
