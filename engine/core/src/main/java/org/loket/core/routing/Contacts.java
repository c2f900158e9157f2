package org.loket.core.routing;

import org.loket.core.ContactState;
import org.loket.core.config.RoutingConfig;
import org.loket.core.state.StateReader;
import org.loket.core.state.StateWriter;

/**
 * Live contacts over a fixed pool of slots, an id index, and the waiting lists: per routing lane
 * ({@link Lanes}) and priority level, an intrusive FIFO ordered by the time the contact joined the
 * queue.
 * <p>Why per priority level: with aging, a contact's rank in its queue is
 * {@code enqueuedNs - priority * agingStepNs}, which does not change while it waits. Within one
 * level that rank follows join order, so each level is a plain FIFO and a queue's best contact is
 * the best of at most {@code MAX_PRIORITY + 1} heads.
 *
 * <h2>Layout</h2>
 * A contact is one row of {@value #ROW} ints (two 64-byte lines, longs as two ints, high first):
 * the first line holds what queue order, routing and timers read (state, agent, queue, lane,
 * priority, list links, id, deadline, join time, rank), the second what is set on arrival and
 * read now and then. A slot is reused long after its last contact was touched, so a command
 * about a contact starts cold: with a field per array, arriving wrote about twenty lines and each
 * later command read five to ten; now two. The same padding as {@code Agents} puts rows on line
 * boundaries when the array is humongous in G1 (large pools); elsewhere they are merely unaligned.
 */
final class Contacts {
    static final int LEVELS = RoutingConfig.MAX_PRIORITY + 1;
    /** "Never ages": a step longer than any wait, so priority alone orders (then join time). */
    static final long NO_AGING_STEP_NS = 1_000_000_000_000_000L;

    private static final int ROW = 32;
    /** Ints before the first row: 16 bytes of array header and 48 of padding make a line. */
    private static final int PAD = 12;
    private static final int STATE = 0;
    private static final int AGENT = 1;
    private static final int QUEUE = 2;
    /** The routing lane of a waiting or offered contact (its queue, escalation tier and language). */
    private static final int LANE = 3;
    private static final int PRIORITY = 4;
    /** Links of the lane's (or the reserved) list; -1 at either end. */
    private static final int NEXT = 5;
    private static final int PREV = 6;
    /**
     * The agent a waiting contact is reserved for (it waits for that agent alone, off its lane's
     * list, in that agent's reserved list), or -1.
     */
    private static final int RESERVED_FOR = 7;
    private static final int ID = 8;
    private static final int DEADLINE = 10;
    private static final int ENQUEUED = 12;
    private static final int RANK = 14;
    private static final int CHANNEL = 16;
    /** Widening steps passed in the current queue. */
    private static final int TIER = 17;
    /** Escalation steps of the current queue applied so far: the next one is {@code steps[step]}. */
    private static final int STEP = 18;
    private static final int LANGUAGE = 19;
    private static final int NODE = 20;
    private static final int RETRIES = 21;
    private static final int FLAGS = 22;
    /** The agent the contact prefers (from its arrival), or -1. */
    private static final int PREFERRED = 23;
    private static final int ARRIVED = 24;
    /** When the contact entered its current queue: escalation steps count from here. */
    private static final int QUEUE_ENTERED = 26;
    /** When an agent accepted it (-1 before): handling time for the queue's estimated wait. */
    private static final int CONNECTED = 28;
    /**
     * The agent who transferred the contact warmly and stays with it (holding its place in that
     * agent's capacity) until another agent accepts it, it ends, or the agent leaves it; -1 otherwise.
     */
    private static final int HOLDER = 30;
    /**
     * While {@link #HOLDER} is set, the queue the contact was in before that warm transfer: an
     * introduction its next agent leaves gives it back to its introducer there. -1 otherwise.
     */
    private static final int HOLDER_QUEUE = 31;

    final int capacity;
    private final int[] row;
    /** Per agent, the first contact reserved for it (-1: none); the list runs through next/prev. */
    private final int[] reservedHead;
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
        row = new int[PAD + capacity * ROW];
        for (int slot = 0; slot < capacity; slot++) {
            setPreferred(slot, -1);
            setHolder(slot, -1);
            setHolderQueue(slot, -1);
            setReservedFor(slot, -1);
            setNext(slot, -1);
            setPrev(slot, -1);
        }
        reservedHead = new int[config.agents().size()];
        java.util.Arrays.fill(reservedHead, -1);
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

    // ---------------------------------------------------------------- fields of a slot
    private static int at(int slot) {
        return PAD + slot * ROW;
    }

    private long getLong(int i) {
        return ((long) row[i] << 32) | (row[i + 1] & 0xFFFF_FFFFL);
    }

    private void setLong(int i, long value) {
        row[i] = (int) (value >>> 32);
        row[i + 1] = (int) value;
    }

    long id(int slot) {
        return getLong(at(slot) + ID);
    }

    void setId(int slot, long value) {
        setLong(at(slot) + ID, value);
    }

    int state(int slot) {
        return row[at(slot) + STATE];
    }

    void setState(int slot, int value) {
        row[at(slot) + STATE] = value;
    }

    int channel(int slot) {
        return row[at(slot) + CHANNEL];
    }

    void setChannel(int slot, int value) {
        row[at(slot) + CHANNEL] = value;
    }

    int queue(int slot) {
        return row[at(slot) + QUEUE];
    }

    void setQueue(int slot, int value) {
        row[at(slot) + QUEUE] = value;
    }

    int lane(int slot) {
        return row[at(slot) + LANE];
    }

    void setLane(int slot, int value) {
        row[at(slot) + LANE] = value;
    }

    int tier(int slot) {
        return row[at(slot) + TIER];
    }

    void setTier(int slot, int value) {
        row[at(slot) + TIER] = value;
    }

    int step(int slot) {
        return row[at(slot) + STEP];
    }

    void setStep(int slot, int value) {
        row[at(slot) + STEP] = value;
    }

    int priority(int slot) {
        return row[at(slot) + PRIORITY];
    }

    void setPriority(int slot, int value) {
        row[at(slot) + PRIORITY] = value;
    }

    int language(int slot) {
        return row[at(slot) + LANGUAGE];
    }

    void setLanguage(int slot, int value) {
        row[at(slot) + LANGUAGE] = value;
    }

    int agent(int slot) {
        return row[at(slot) + AGENT];
    }

    void setAgent(int slot, int value) {
        row[at(slot) + AGENT] = value;
    }

    int node(int slot) {
        return row[at(slot) + NODE];
    }

    void setNode(int slot, int value) {
        row[at(slot) + NODE] = value;
    }

    int retries(int slot) {
        return row[at(slot) + RETRIES];
    }

    void setRetries(int slot, int value) {
        row[at(slot) + RETRIES] = value;
    }

    int flags(int slot) {
        return row[at(slot) + FLAGS];
    }

    void setFlags(int slot, int value) {
        row[at(slot) + FLAGS] = value;
    }

    int preferred(int slot) {
        return row[at(slot) + PREFERRED];
    }

    void setPreferred(int slot, int value) {
        row[at(slot) + PREFERRED] = value;
    }

    int holder(int slot) {
        return row[at(slot) + HOLDER];
    }

    void setHolder(int slot, int value) {
        row[at(slot) + HOLDER] = value;
    }

    int holderQueue(int slot) {
        return row[at(slot) + HOLDER_QUEUE];
    }

    void setHolderQueue(int slot, int value) {
        row[at(slot) + HOLDER_QUEUE] = value;
    }

    int reservedFor(int slot) {
        return row[at(slot) + RESERVED_FOR];
    }

    private void setReservedFor(int slot, int value) {
        row[at(slot) + RESERVED_FOR] = value;
    }

    long arrivedNs(int slot) {
        return getLong(at(slot) + ARRIVED);
    }

    void setArrivedNs(int slot, long value) {
        setLong(at(slot) + ARRIVED, value);
    }

    long enqueuedNs(int slot) {
        return getLong(at(slot) + ENQUEUED);
    }

    void setEnqueuedNs(int slot, long value) {
        setLong(at(slot) + ENQUEUED, value);
    }

    long queueEnteredNs(int slot) {
        return getLong(at(slot) + QUEUE_ENTERED);
    }

    void setQueueEnteredNs(int slot, long value) {
        setLong(at(slot) + QUEUE_ENTERED, value);
    }

    long connectedNs(int slot) {
        return getLong(at(slot) + CONNECTED);
    }

    void setConnectedNs(int slot, long value) {
        setLong(at(slot) + CONNECTED, value);
    }

    long deadlineNs(int slot) {
        return getLong(at(slot) + DEADLINE);
    }

    void setDeadlineNs(int slot, long value) {
        setLong(at(slot) + DEADLINE, value);
    }

    private long rankNs(int slot) {
        return getLong(at(slot) + RANK);
    }

    private void setRankNs(int slot, long value) {
        setLong(at(slot) + RANK, value);
    }

    private int next(int slot) {
        return row[at(slot) + NEXT];
    }

    private void setNext(int slot, int value) {
        row[at(slot) + NEXT] = value;
    }

    private int prev(int slot) {
        return row[at(slot) + PREV];
    }

    private void setPrev(int slot, int value) {
        row[at(slot) + PREV] = value;
    }

    // ---------------------------------------------------------------- pool, index and lists

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
        setId(slot, contactId);
        setArrivedNs(slot, nowNs);
        setEnqueuedNs(slot, nowNs);
        setDeadlineNs(slot, -1);
        setAgent(slot, -1);
        setQueue(slot, -1);
        setLane(slot, -1);
        setTier(slot, 0);
        setStep(slot, 0);
        setQueueEnteredNs(slot, nowNs);
        setConnectedNs(slot, -1);
        setPreferred(slot, -1);
        setReservedFor(slot, -1);
        setHolder(slot, -1);
        setHolderQueue(slot, -1);
        setNode(slot, -1);
        setRetries(slot, 0);
        setFlags(slot, 0);
        setNext(slot, -1);
        setPrev(slot, -1);
        return slot;
    }

    void free(int slot) {
        index.remove(id(slot));
        setState(slot, ContactState.NONE.code());
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
        int bucket = lane(slot) * LEVELS + priority(slot);
        setRankNs(slot, enqueuedNs(slot) - priority(slot) * agingStepNs[queue(slot)]);
        int after = tail[bucket];
        while (after >= 0 && joinsBefore(slot, after)) {
            after = prev(after);
        }
        linkAfter(slot, bucket, after);
        waiting[lane(slot)]++;
        queueWaiting[queue(slot)]++;
    }

    /**
     * Puts a contact back at its place by join time: after an unanswered offer it is usually the
     * oldest, so the walk from the head is short.
     */
    void insertInPlace(int slot) {
        int bucket = lane(slot) * LEVELS + priority(slot);
        setRankNs(slot, enqueuedNs(slot) - priority(slot) * agingStepNs[queue(slot)]);
        int after = -1;
        for (int s = head[bucket]; s >= 0 && !joinsBefore(slot, s); s = next(s)) {
            after = s;
        }
        linkAfter(slot, bucket, after);
        waiting[lane(slot)]++;
        queueWaiting[queue(slot)]++;
    }

    private boolean joinsBefore(int a, int b) {
        return enqueuedNs(a) < enqueuedNs(b) || (enqueuedNs(a) == enqueuedNs(b) && id(a) < id(b));
    }

    private void linkAfter(int slot, int bucket, int after) {
        int following = after < 0 ? head[bucket] : next(after);
        setPrev(slot, after);
        setNext(slot, following);
        if (after < 0) {
            head[bucket] = slot;
            levelsWaiting[bucket / LEVELS] |= 1 << (bucket % LEVELS);
        } else {
            setNext(after, slot);
        }
        if (following < 0) {
            tail[bucket] = slot;
        } else {
            setPrev(following, slot);
        }
    }

    /** The contact waits for {@code agent} alone: on that agent's reserved list, counted in its queue. */
    void reserve(int slot, int agent) {
        setReservedFor(slot, agent);
        setRankNs(slot, enqueuedNs(slot) - priority(slot) * agingStepNs[queue(slot)]); // for its position
        setPrev(slot, -1);
        setNext(slot, reservedHead[agent]);
        if (reservedHead[agent] >= 0) {
            setPrev(reservedHead[agent], slot);
        }
        reservedHead[agent] = slot;
        queueWaiting[queue(slot)]++;
    }

    /** The first contact reserved for the agent (any order; callers pick by join time), or -1. */
    int firstReserved(int agent) {
        return reservedHead[agent];
    }

    /** The next contact on the same reserved list, or -1. */
    int nextReserved(int slot) {
        return next(slot);
    }

    /** Takes a waiting contact off its lane's list, or off its agent's reserved list. */
    void unlink(int slot) {
        if (reservedFor(slot) >= 0) {
            int p = prev(slot);
            int n = next(slot);
            if (p < 0) {
                reservedHead[reservedFor(slot)] = n;
            } else {
                setNext(p, n);
            }
            if (n >= 0) {
                setPrev(n, p);
            }
            setPrev(slot, -1);
            setNext(slot, -1);
            setReservedFor(slot, -1);
            queueWaiting[queue(slot)]--;
            return;
        }
        int bucket = lane(slot) * LEVELS + priority(slot);
        int p = prev(slot);
        int n = next(slot);
        if (p < 0) {
            head[bucket] = n;
            if (n < 0) {
                levelsWaiting[bucket / LEVELS] &= ~(1 << (bucket % LEVELS));
            }
        } else {
            setNext(p, n);
        }
        if (n < 0) {
            tail[bucket] = p;
        } else {
            setPrev(n, p);
        }
        setPrev(slot, -1);
        setNext(slot, -1);
        waiting[lane(slot)]--;
        queueWaiting[queue(slot)]--;
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
        return rankNs(a) < rankNs(b) || (rankNs(a) == rankNs(b) && joinsBefore(a, b));
    }

    /**
     * Priority aged to {@code nowNs}, in thousandths of a level: how queues compete for an agent
     * who serves several of them.
     */
    long effectivePriorityMilli(int slot, long nowNs) {
        long step = agingStepNs[queue(slot)];
        long waitedNs = Math.max(0, nowNs - enqueuedNs(slot));
        long aged = step == NO_AGING_STEP_NS ? 0 : waitedNs / (step / 1000);
        return priority(slot) * 1000L + aged;
    }

    /** Position (1 = next) of a waiting contact among those of its queue (all its lanes); linear, for queries. */
    int position(int slot) {
        int q = queue(slot);
        int position = 1;
        for (int bucket = lanes.firstOf(q) * LEVELS, end = lanes.firstOf(q + 1) * LEVELS; bucket < end; bucket++) {
            for (int s = head[bucket]; s >= 0; s = next(s)) {
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
            out.writeInt(state(s));
            if (state(s) == ContactState.NONE.code()) {
                continue;
            }
            out.writeLong(id(s));
            out.writeInt(channel(s));
            out.writeInt(queue(s));
            out.writeInt(lane(s));
            out.writeInt(tier(s));
            out.writeInt(step(s));
            out.writeLong(queueEnteredNs(s));
            out.writeLong(connectedNs(s));
            out.writeInt(preferred(s));
            out.writeInt(reservedFor(s));
            out.writeInt(holder(s));
            out.writeInt(holderQueue(s));
            out.writeInt(priority(s));
            out.writeInt(language(s));
            out.writeInt(agent(s));
            out.writeInt(node(s));
            out.writeInt(retries(s));
            out.writeInt(flags(s));
            out.writeLong(arrivedNs(s));
            out.writeLong(enqueuedNs(s));
            out.writeLong(deadlineNs(s));
        }
        for (int b = 0; b < head.length; b++) {
            for (int s = head[b]; s >= 0; s = next(s)) {
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
            setState(s, in.readInt());
            if (state(s) == ContactState.NONE.code()) {
                continue;
            }
            setId(s, in.readLong());
            setChannel(s, in.readInt());
            setQueue(s, in.readInt());
            if (format >= 4) {
                setLane(s, in.readInt());
                setTier(s, in.readInt());
                setStep(s, in.readInt());
                setQueueEnteredNs(s, in.readLong());
                setConnectedNs(s, format >= 5 ? in.readLong() : -1);
                setPreferred(s, format >= 9 ? in.readInt() : -1);
                setReservedFor(s, format >= 9 ? in.readInt() : -1);
                setHolder(s, format >= 13 ? in.readInt() : -1);
                // Before 14 an introduction stayed where it was transferred to: one under way keeps that rule.
                setHolderQueue(s, format >= 14 ? in.readInt() : holder(s) < 0 ? -1 : queue(s));
            } else { // before escalation, a queue was its only lane
                setLane(s, queue(s) < 0 ? -1 : lanes.of(queue(s), 0, 0));
                setQueueEnteredNs(s, -1); // set from the join time below
                setConnectedNs(s, -1);
                setHolder(s, -1);
                setHolderQueue(s, -1);
            }
            setPriority(s, in.readInt());
            setLanguage(s, in.readInt());
            setAgent(s, in.readInt());
            setNode(s, in.readInt());
            setRetries(s, in.readInt());
            setFlags(s, in.readInt());
            setArrivedNs(s, in.readLong());
            setEnqueuedNs(s, in.readLong());
            if (queueEnteredNs(s) < 0) {
                setQueueEnteredNs(s, enqueuedNs(s));
            }
            setDeadlineNs(s, in.readLong());
            index.put(id(s), s);
        }
        for (int b = 0; b < head.length; b++) {
            for (int s = in.readInt(); s >= 0; s = in.readInt()) {
                append(s);
            }
        }
        for (int s = 0; s < highWater; s++) {
            if (state(s) != ContactState.NONE.code() && reservedFor(s) >= 0) {
                int agent = reservedFor(s);
                reserve(s, agent); // reserved lists are unordered: callers pick by join time
            }
        }
    }

    int highWater() {
        return highWater;
    }
}
