package org.loket.core.routing;

import org.loket.core.ContactState;
import org.loket.core.config.RoutingConfig;
import org.loket.core.state.StateReader;
import org.loket.core.state.StateWriter;

/**
 * Live contacts as parallel arrays over a fixed pool of slots, an id index, and the waiting lists:
 * per routing lane ({@link Lanes}) and priority level, an intrusive FIFO ordered by the time the
 * contact joined the queue.
 * <p>Why per priority level: with aging, a contact's rank in its queue is
 * {@code enqueuedNs - priority * agingStepNs}, which does not change while it waits. Within one
 * level that rank follows join order, so each level is a plain FIFO and a queue's best contact is
 * the best of at most {@code MAX_PRIORITY + 1} heads.
 */
final class Contacts {
    static final int LEVELS = RoutingConfig.MAX_PRIORITY + 1;
    /** "Never ages": a step longer than any wait, so priority alone orders (then join time). */
    static final long NO_AGING_STEP_NS = 1_000_000_000_000_000L;

    final int capacity;
    final long[] id;
    final int[] state;
    final int[] channel;
    final int[] queue;
    /** The routing lane of a waiting or offered contact (its queue, escalation tier and language). */
    final int[] lane;
    /** Widening steps passed in the current queue. */
    final int[] tier;
    /** Escalation steps of the current queue applied so far: the next one is {@code steps[step]}. */
    final int[] step;
    final int[] priority;
    final int[] language;
    final int[] agent;
    final int[] node;
    final int[] retries;
    final int[] flags;
    final long[] arrivedNs;
    final long[] enqueuedNs;
    /** When the contact entered its current queue: escalation steps count from here. */
    final long[] queueEnteredNs;
    /** When an agent accepted it (-1 before): handling time for the queue's estimated wait. */
    final long[] connectedNs;
    /** The agent the contact prefers (from its arrival), or -1. */
    final int[] preferred;
    /**
     * The agent a waiting contact is reserved for (it waits for that agent alone, off its lane's
     * list, in that agent's reserved list), or -1.
     */
    final int[] reservedFor;
    /** Per agent, the first contact reserved for it (-1: none); the list runs through next/prev. */
    private final int[] reservedHead;
    final long[] rankNs;
    final long[] deadlineNs;
    private final int[] next;
    private final int[] prev;

    private final int[] freeSlots;
    private int freeTop;
    private int highWater;
    private final LongIntHashMap index;

    private final int[] head;
    private final int[] tail;
    /** Per queue, bit {@code level} set when that priority level has waiting contacts. */
    private final int[] levelsWaiting;
    /** Waiting contacts per lane. */
    final int[] waiting;
    /** Waiting contacts per queue (over its lanes). */
    final int[] queueWaiting;
    private final long[] agingStepNs;
    private final Lanes lanes;

    Contacts(int capacity, RoutingConfig config, Lanes lanes) {
        this.lanes = lanes;
        this.capacity = capacity;
        id = new long[capacity];
        state = new int[capacity];
        channel = new int[capacity];
        queue = new int[capacity];
        lane = new int[capacity];
        tier = new int[capacity];
        step = new int[capacity];
        queueEnteredNs = new long[capacity];
        connectedNs = new long[capacity];
        preferred = new int[capacity];
        java.util.Arrays.fill(preferred, -1);
        reservedFor = new int[capacity];
        java.util.Arrays.fill(reservedFor, -1);
        reservedHead = new int[config.agents().size()];
        java.util.Arrays.fill(reservedHead, -1);
        priority = new int[capacity];
        language = new int[capacity];
        agent = new int[capacity];
        node = new int[capacity];
        retries = new int[capacity];
        flags = new int[capacity];
        arrivedNs = new long[capacity];
        enqueuedNs = new long[capacity];
        rankNs = new long[capacity];
        deadlineNs = new long[capacity];
        next = new int[capacity];
        prev = new int[capacity];
        java.util.Arrays.fill(next, -1);
        java.util.Arrays.fill(prev, -1);
        freeSlots = new int[capacity];
        // Slot 0 is handed out first: the free stack holds capacity-1..0.
        for (int i = 0; i < capacity; i++) {
            freeSlots[i] = capacity - 1 - i;
        }
        freeTop = capacity;
        index = new LongIntHashMap();
        int queues = config.queues().size();
        head = new int[lanes.count * LEVELS];
        tail = new int[lanes.count * LEVELS];
        java.util.Arrays.fill(head, -1);
        java.util.Arrays.fill(tail, -1);
        levelsWaiting = new int[lanes.count];
        waiting = new int[lanes.count];
        queueWaiting = new int[queues];
        agingStepNs = new long[queues];
        for (int q = 0; q < queues; q++) {
            long agingMs = config.queues().get(q).priorityAgingMs();
            agingStepNs[q] = agingMs == 0 ? NO_AGING_STEP_NS : agingMs * 1_000_000L;
        }
    }

    /** @return the slot of a live contact, or -1 */
    int slotOf(long contactId) {
        return contactId < 0 ? -1 : index.get(contactId);
    }

    boolean full() {
        return freeTop == 0;
    }

    int live() {
        return index.size();
    }

    /** Takes a free slot for a new contact; the caller checked {@link #full()}. */
    int allocate(long contactId, long nowNs) {
        int slot = freeSlots[--freeTop];
        if (slot >= highWater) {
            highWater = slot + 1;
        }
        index.put(contactId, slot);
        id[slot] = contactId;
        arrivedNs[slot] = nowNs;
        enqueuedNs[slot] = nowNs;
        deadlineNs[slot] = -1;
        agent[slot] = -1;
        queue[slot] = -1;
        lane[slot] = -1;
        tier[slot] = 0;
        step[slot] = 0;
        queueEnteredNs[slot] = nowNs;
        connectedNs[slot] = -1;
        preferred[slot] = -1;
        reservedFor[slot] = -1;
        node[slot] = -1;
        retries[slot] = 0;
        flags[slot] = 0;
        next[slot] = -1;
        prev[slot] = -1;
        return slot;
    }

    void free(int slot) {
        index.remove(id[slot]);
        state[slot] = ContactState.NONE.code();
        freeSlots[freeTop++] = slot;
    }

    long agingStepNs(int q) {
        return agingStepNs[q];
    }

    /**
     * Appends a contact that joins the queue now (it has the latest join time of its level); only
     * contacts that joined at the same time and have a higher id stay behind it.
     */
    void append(int slot) {
        int bucket = lane[slot] * LEVELS + priority[slot];
        rankNs[slot] = enqueuedNs[slot] - priority[slot] * agingStepNs[queue[slot]];
        int after = tail[bucket];
        while (after >= 0 && joinsBefore(slot, after)) {
            after = prev[after];
        }
        linkAfter(slot, bucket, after);
        waiting[lane[slot]]++;
        queueWaiting[queue[slot]]++;
    }

    /**
     * Puts a contact back at its place by join time: after an unanswered offer it is usually the
     * oldest, so the walk from the head is short.
     */
    void insertInPlace(int slot) {
        int bucket = lane[slot] * LEVELS + priority[slot];
        rankNs[slot] = enqueuedNs[slot] - priority[slot] * agingStepNs[queue[slot]];
        int after = -1;
        for (int s = head[bucket]; s >= 0 && !joinsBefore(slot, s); s = next[s]) {
            after = s;
        }
        linkAfter(slot, bucket, after);
        waiting[lane[slot]]++;
        queueWaiting[queue[slot]]++;
    }

    private boolean joinsBefore(int a, int b) {
        return enqueuedNs[a] < enqueuedNs[b] || (enqueuedNs[a] == enqueuedNs[b] && id[a] < id[b]);
    }

    private void linkAfter(int slot, int bucket, int after) {
        int following = after < 0 ? head[bucket] : next[after];
        prev[slot] = after;
        next[slot] = following;
        if (after < 0) {
            head[bucket] = slot;
            levelsWaiting[bucket / LEVELS] |= 1 << (bucket % LEVELS);
        } else {
            next[after] = slot;
        }
        if (following < 0) {
            tail[bucket] = slot;
        } else {
            prev[following] = slot;
        }
    }

    /** The contact waits for {@code agent} alone: on that agent's reserved list, counted in its queue. */
    void reserve(int slot, int agent) {
        reservedFor[slot] = agent;
        rankNs[slot] = enqueuedNs[slot] - priority[slot] * agingStepNs[queue[slot]]; // for its position
        prev[slot] = -1;
        next[slot] = reservedHead[agent];
        if (reservedHead[agent] >= 0) {
            prev[reservedHead[agent]] = slot;
        }
        reservedHead[agent] = slot;
        queueWaiting[queue[slot]]++;
    }

    /** The first contact reserved for the agent (any order; callers pick by join time), or -1. */
    int firstReserved(int agent) {
        return reservedHead[agent];
    }

    /** The next contact on the same reserved list, or -1. */
    int nextReserved(int slot) {
        return next[slot];
    }

    /** Takes a waiting contact off its lane's list, or off its agent's reserved list. */
    void unlink(int slot) {
        if (reservedFor[slot] >= 0) {
            int p = prev[slot];
            int n = next[slot];
            if (p < 0) {
                reservedHead[reservedFor[slot]] = n;
            } else {
                next[p] = n;
            }
            if (n >= 0) {
                prev[n] = p;
            }
            prev[slot] = -1;
            next[slot] = -1;
            reservedFor[slot] = -1;
            queueWaiting[queue[slot]]--;
            return;
        }
        int bucket = lane[slot] * LEVELS + priority[slot];
        int p = prev[slot];
        int n = next[slot];
        if (p < 0) {
            head[bucket] = n;
            if (n < 0) {
                levelsWaiting[bucket / LEVELS] &= ~(1 << (bucket % LEVELS));
            }
        } else {
            next[p] = n;
        }
        if (n < 0) {
            tail[bucket] = p;
        } else {
            prev[n] = p;
        }
        prev[slot] = -1;
        next[slot] = -1;
        waiting[lane[slot]]--;
        queueWaiting[queue[slot]]--;
    }

    /** The lane's first contact: lowest rank, then earlier join, then lower id; -1 when empty. */
    int best(int lane) {
        int best = -1;
        for (int levels = levelsWaiting[lane]; levels != 0; levels &= levels - 1) {
            int s = head[lane * LEVELS + Integer.numberOfTrailingZeros(levels)];
            if (best < 0 || ranksBefore(s, best)) {
                best = s;
            }
        }
        return best;
    }

    /** The queue order of the class javadoc of {@code RoutingCore}: rank, then join time, then contact id. */
    boolean ranksBefore(int a, int b) {
        return rankNs[a] < rankNs[b] || (rankNs[a] == rankNs[b] && joinsBefore(a, b));
    }

    /**
     * Priority aged to {@code nowNs}, in thousandths of a level: how queues compete for an agent
     * who serves several of them.
     */
    long effectivePriorityMilli(int slot, long nowNs) {
        long step = agingStepNs[queue[slot]];
        long waitedNs = Math.max(0, nowNs - enqueuedNs[slot]);
        long aged = step == NO_AGING_STEP_NS ? 0 : waitedNs / (step / 1000);
        return priority[slot] * 1000L + aged;
    }

    /** Position (1 = next) of a waiting contact among those of its queue (all its lanes); linear, for queries. */
    int position(int slot) {
        int q = queue[slot];
        int position = 1;
        for (int bucket = lanes.firstOf(q) * LEVELS, end = lanes.firstOf(q + 1) * LEVELS; bucket < end; bucket++) {
            for (int s = head[bucket]; s >= 0; s = next[s]) {
                if (s != slot && ranksBefore(s, slot)) {
                    position++;
                }
            }
        }
        return position;
    }

    void write(StateWriter out) {
        out.writeInt(capacity);
        out.writeInt(highWater);
        out.writeInt(freeTop);
        for (int i = 0; i < freeTop; i++) {
            out.writeInt(freeSlots[i]);
        }
        for (int s = 0; s < highWater; s++) {
            out.writeInt(state[s]);
            if (state[s] == ContactState.NONE.code()) {
                continue;
            }
            out.writeLong(id[s]);
            out.writeInt(channel[s]);
            out.writeInt(queue[s]);
            out.writeInt(lane[s]);
            out.writeInt(tier[s]);
            out.writeInt(step[s]);
            out.writeLong(queueEnteredNs[s]);
            out.writeLong(connectedNs[s]);
            out.writeInt(preferred[s]);
            out.writeInt(reservedFor[s]);
            out.writeInt(priority[s]);
            out.writeInt(language[s]);
            out.writeInt(agent[s]);
            out.writeInt(node[s]);
            out.writeInt(retries[s]);
            out.writeInt(flags[s]);
            out.writeLong(arrivedNs[s]);
            out.writeLong(enqueuedNs[s]);
            out.writeLong(deadlineNs[s]);
        }
        for (int b = 0; b < head.length; b++) {
            for (int s = head[b]; s >= 0; s = next[s]) {
                out.writeInt(s);
            }
            out.writeInt(-1);
        }
    }

    /** @param format the core's state format ({@code RoutingCore.STATE_FORMAT_VERSION} or older) */
    void read(StateReader in, int format) {
        int snapshotCapacity = in.readInt();
        if (snapshotCapacity != capacity) {
            throw new IllegalStateException("snapshot holds " + snapshotCapacity + " contact slots, configuration " + capacity);
        }
        highWater = in.readInt();
        freeTop = in.readInt();
        for (int i = 0; i < freeTop; i++) {
            freeSlots[i] = in.readInt();
        }
        for (int s = 0; s < highWater; s++) {
            state[s] = in.readInt();
            if (state[s] == ContactState.NONE.code()) {
                continue;
            }
            id[s] = in.readLong();
            channel[s] = in.readInt();
            queue[s] = in.readInt();
            if (format >= 4) {
                lane[s] = in.readInt();
                tier[s] = in.readInt();
                step[s] = in.readInt();
                queueEnteredNs[s] = in.readLong();
                connectedNs[s] = format >= 5 ? in.readLong() : -1;
                preferred[s] = format >= 9 ? in.readInt() : -1;
                reservedFor[s] = format >= 9 ? in.readInt() : -1;
            } else { // before escalation, a queue was its only lane
                lane[s] = queue[s] < 0 ? -1 : lanes.of(queue[s], 0, 0);
                queueEnteredNs[s] = -1; // set from the join time below
                connectedNs[s] = -1;
            }
            priority[s] = in.readInt();
            language[s] = in.readInt();
            agent[s] = in.readInt();
            node[s] = in.readInt();
            retries[s] = in.readInt();
            flags[s] = in.readInt();
            arrivedNs[s] = in.readLong();
            enqueuedNs[s] = in.readLong();
            if (queueEnteredNs[s] < 0) {
                queueEnteredNs[s] = enqueuedNs[s];
            }
            deadlineNs[s] = in.readLong();
            index.put(id[s], s);
        }
        for (int b = 0; b < head.length; b++) {
            for (int s = in.readInt(); s >= 0; s = in.readInt()) {
                append(s);
            }
        }
        for (int s = 0; s < highWater; s++) {
            if (state[s] != ContactState.NONE.code() && reservedFor[s] >= 0) {
                int agent = reservedFor[s];
                reserve(s, agent); // reserved lists are unordered: callers pick by join time
            }
        }
    }

    int highWater() {
        return highWater;
    }
}
