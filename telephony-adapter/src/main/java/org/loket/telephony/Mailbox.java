package org.loket.telephony;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A call's decisions on their way from the egress thread to the call's session. The egress thread
 * adds one command's decisions for the call at once, so the session never sees a {@code QUEUE_CONTACT}
 * without the {@code OFFER_CONTACT} the same command made: it would start hold music, and, if the
 * offer came in the middle of the hold, need a Redirect to ring the agent.
 *
 * @param <T> what is carried (the session's decision with its directory)
 */
final class Mailbox<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<T> items = new ArrayDeque<>();

    /** Adds the items together; a reader sees all of them or none. */
    void addAll(List<T> batch) {
        lock.lock();
        try {
            items.addAll(batch);
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return the oldest item, or null when there is none */
    T poll() {
        lock.lock();
        try {
            return items.poll();
        } finally {
            lock.unlock();
        }
    }

    /** @return the oldest item, waiting up to {@code nanos} for one; null when none came */
    T poll(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (items.isEmpty()) {
                if (left <= 0) {
                    return null;
                }
                left = notEmpty.awaitNanos(left);
            }
            return items.poll();
        } finally {
            lock.unlock();
        }
    }

    boolean isEmpty() {
        lock.lock();
        try {
            return items.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** A copy of what waits, oldest first. */
    List<T> pending() {
        lock.lock();
        try {
            return List.copyOf(items);
        } finally {
            lock.unlock();
        }
    }
}
