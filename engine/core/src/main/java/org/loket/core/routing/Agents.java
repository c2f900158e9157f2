package org.loket.core.routing;

import java.util.List;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.state.StateReader;
import org.loket.core.state.StateWriter;

/**
 * Agent state, and the index that makes routing independent of roster size: for every routing
 * lane ({@link Lanes}: a queue, or one escalation tier and language of it), the agents who qualify
 * for it and can take one more contact of its channel now, in the order they became available
 * (head = longest idle).
 *
 * <h2>Layout</h2>
 * The longest-idle agent is by definition the one touched least recently, so at large rosters
 * every decision starts cold. Everything about one agent is therefore one row of 16 ints (one
 * 64-byte line), and everything about one membership is one row of two longs, an agent's rows
 * side by side: a cold agent costs a miss or two, not one per field. (Separate arrays per field
 * made a decision at 100,000 agents over three times the cost at 100.)
 * <p>A <em>membership</em> {@code m} is one (agent, lane) pair where the agent qualifies for the
 * lane; an agent's memberships are {@code memberStart(a)..memberEnd(a)-1}.
 *
 * <h2>Idle order</h2>
 * Each lane's idle order is an array FIFO of (agent, membership offset, epoch) entries. Becoming
 * available appends at the tail of each lane the agent can now take; whenever any of an agent's
 * memberships stops being idle (the agent took work, paused or logged out), the agent's epoch moves
 * on, which makes all its entries stale at once, and the memberships still available are appended
 * again. Stale entries are dropped when they reach the head and compacted away when a FIFO fills.
 * Why not intrusive linked lists (the first design): unlinking touches both neighbours, two cache
 * misses per lane an agent serves.
 */
final class Agents {
    /** An entry: agent (32 bits), the membership's offset within the agent's block (12 bits), epoch (20 bits). */
    private static final int OFFSET_BITS = 12;
    private static final int EPOCH_BITS = 20;
    private static final int EPOCH_MASK = (1 << EPOCH_BITS) - 1;
    private static final int INITIAL_RING = 64;

    private static final int ROW = 16;
    private static final int PRESENCE = 0;
    private static final int PAUSE_REASON = 1;
    private static final int LOAD = 2;
    private static final int CAPACITY = LOAD + Channel.COUNT;
    private static final int TOTAL_LOAD = CAPACITY + Channel.COUNT;
    private static final int PENDING_OFFERS = TOTAL_LOAD + 1;
    private static final int WRAP_UPS = PENDING_OFFERS + 1;
    private static final int MEMBER_START = WRAP_UPS + 1;
    private static final int MEMBER_END = MEMBER_START + 1;
    /** Contacts of deferrable queues the agent holds: they do not keep a call away. */
    private static final int DEFERRABLE = MEMBER_END + 1;

    /** Membership row, first long: lane (bits 0-15), channel (16-23), idle (24), agent (32-63). */
    private static final long IDLE_BIT = 1L << 24;
    /** Membership row, first long: the ring of its lane it idles in (bits 25-28), by the lane's agent selection. */
    private static final int BUCKET_SHIFT = 25;

    final int count;
    private final int[] agent;
    /**
     * Kept apart from the rows: every stale idle entry is checked against its agent's epoch, and
     * 4 bytes per agent stay in cache where 64-byte rows would not (at 100,000 agents, 400 KB
     * against 6.4 MB).
     */
    private final int[] epoch;
    private final long[] presenceSinceNs;
    /** For occupancy: when the agent logged in, time it held contacts since, and since when it holds some (-1: none). */
    private final long[] loginNs;
    /** Per agent two longs side by side (one cache line for both): time held, and held since (-1: none). */
    private final long[] busy;
    /** Lanes whose idle ring is chosen when the agent becomes available (least occupied), not by skill. */
    private final boolean[] byOccupancy;
    /**
     * Round-robin lanes keep no FIFO: their members in roster order ({@code rrMembers}, a membership's
     * place there in {@code rrPos}), a bitset of the idle ones, and where the next search starts.
     */
    private final int[][] rrMembers;
    private final int[] rrPos;
    private final long[][] rrIdle;
    private final int[] rrNext;
    private int chosenPos = -1;
    private final long[] member;

    /**
     * Per lane: a ring of power-of-two size. Rings start small and double when a compaction leaves
     * them more than half full, so their size follows the agents actually idle, not the roster.
     * An epoch compares in {@link #EPOCH_BITS} bits: an entry that stale would have been compacted
     * away long before, since each step of an agent's epoch appends to every lane it serves.
     */
    private final long[][] fifo;
    private final int[] fifoHead;
    private final int[] fifoTail;
    /**
     * Per lane, its first ring and how many it has: one (longest idle) or one per skill level (an
     * agent selection by skill idles each agent in the ring of its skill, the ring the strategy
     * prefers first). Rings are indexed {@code ringBase[lane] + bucket}.
     */
    private final int[] ringBase;
    private final int[] rings;
    /** The ring {@link #longestIdle} took its answer from, for {@link #dropHead}. */
    private int chosenRing = -1;
    /** Per lane, the capacity on its channel of the ready agents who serve it: for the estimated wait. */
    final int[] staffed;
    private long[] scratch;
    final int[] idleCount;

    Agents(RoutingConfig config, Lanes lanes) {
        if (lanes.count > 1 << OFFSET_BITS) {
            throw new IllegalArgumentException(lanes.count + " lanes do not fit " + OFFSET_BITS + " bits");
        }
        List<AgentSpec> roster = config.agents();
        count = roster.size();
        agent = new int[count * ROW];
        epoch = new int[count];
        presenceSinceNs = new long[count];
        loginNs = new long[count];
        busy = new long[2 * count];
        for (int a = 0; a < count; a++) {
            busy[2 * a + 1] = -1;
        }
        int members = 0;
        for (int a = 0; a < count; a++) {
            AgentSpec spec = roster.get(a);
            System.arraycopy(spec.capacityPerChannel(), 0, agent, a * ROW + CAPACITY, Channel.COUNT);
            agent[a * ROW + MEMBER_START] = members;
            for (int lane = 0; lane < lanes.count; lane++) {
                if (lanes.servedBy(spec, lane, config)) {
                    members++;
                }
            }
            agent[a * ROW + MEMBER_END] = members;
        }
        member = new long[members * 2];
        int m = 0;
        for (int a = 0; a < count; a++) {
            for (int lane = 0; lane < lanes.count; lane++) {
                if (lanes.servedBy(roster.get(a), lane, config)) {
                    int channel = config.queues().get(lanes.queue(lane)).channel().code();
                    member[2 * m] = ((long) a << 32) | ((long) lanes.bucket(roster.get(a), lane, config) << BUCKET_SHIFT)
                            | ((long) channel << 16) | lane;
                    m++;
                }
            }
        }
        ringBase = new int[lanes.count];
        rings = new int[lanes.count];
        byOccupancy = new boolean[lanes.count];
        rrMembers = new int[lanes.count][];
        rrIdle = new long[lanes.count][];
        rrNext = new int[lanes.count];
        rrPos = new int[members];
        java.util.Arrays.fill(rrPos, -1);
        int[] rrCount = new int[lanes.count];
        for (int lane = 0; lane < lanes.count; lane++) {
            org.loket.core.config.AgentSelection selection = config.queues().get(lanes.queue(lane)).selection();
            byOccupancy[lane] = selection == org.loket.core.config.AgentSelection.LEAST_OCCUPIED;
            if (selection == org.loket.core.config.AgentSelection.ROUND_ROBIN) {
                rrMembers[lane] = new int[0];
            }
        }
        for (int mm = 0; mm < members; mm++) { // memberships are numbered agent by agent: roster order
            int lane = memberLane(mm);
            if (rrMembers[lane] != null) {
                rrCount[lane]++;
            }
        }
        for (int lane = 0; lane < lanes.count; lane++) {
            if (rrMembers[lane] != null) {
                rrMembers[lane] = new int[rrCount[lane]];
                rrIdle[lane] = new long[(rrCount[lane] + 63) / 64];
                rrCount[lane] = 0;
            }
        }
        for (int mm = 0; mm < members; mm++) {
            int lane = memberLane(mm);
            if (rrMembers[lane] != null) {
                rrPos[mm] = rrCount[lane];
                rrMembers[lane][rrCount[lane]++] = mm;
            }
        }
        int ringCount = 0;
        for (int lane = 0; lane < lanes.count; lane++) {
            ringBase[lane] = ringCount;
            rings[lane] = lanes.buckets(lane, config);
            ringCount += rings[lane];
        }
        fifo = new long[ringCount][];
        for (int r = 0; r < ringCount; r++) {
            fifo[r] = new long[INITIAL_RING];
        }
        scratch = new long[INITIAL_RING];
        fifoHead = new int[ringCount];
        fifoTail = new int[ringCount];
        idleCount = new int[lanes.count];
        staffed = new int[lanes.count];
    }

    // ---------------------------------------------------------------- per agent

    int presence(int a) {
        return agent[a * ROW + PRESENCE];
    }

    void presence(int a, int presence, int pauseReason, long nowNs) {
        if (agent[a * ROW + PRESENCE] != presence) {
            presenceSinceNs[a] = nowNs;
            if (agent[a * ROW + PRESENCE] == AgentState.LOGGED_OUT.code()) {
                loginNs[a] = nowNs; // occupancy counts from the login: a shift
                busy[2 * a] = 0;
            }
            boolean wasReady = agent[a * ROW + PRESENCE] == AgentState.READY.code();
            if (wasReady != (presence == AgentState.READY.code())) {
                addStaffed(a, wasReady ? -1 : 1);
            }
        }
        agent[a * ROW + PRESENCE] = presence;
        agent[a * ROW + PAUSE_REASON] = pauseReason;
    }

    int pauseReason(int a) {
        return agent[a * ROW + PAUSE_REASON];
    }

    int load(int a, int channel) {
        return agent[a * ROW + LOAD + channel];
    }

    int capacity(int a, int channel) {
        return agent[a * ROW + CAPACITY + channel];
    }

    int totalLoad(int a) {
        return agent[a * ROW + TOTAL_LOAD];
    }

    void addLoad(int a, int channel, int delta, boolean deferrable, long nowNs) {
        int before = agent[a * ROW + TOTAL_LOAD];
        agent[a * ROW + LOAD + channel] += delta;
        agent[a * ROW + TOTAL_LOAD] += delta;
        if (before == 0 && delta > 0) {
            busy[2 * a + 1] = nowNs;
        } else if (before > 0 && agent[a * ROW + TOTAL_LOAD] == 0) {
            busy[2 * a] += nowNs - busy[2 * a + 1];
            busy[2 * a + 1] = -1;
        }
        if (deferrable) {
            agent[a * ROW + DEFERRABLE] += delta;
        }
    }

    /** Occupancy since login in tenths (0..9): time holding contacts over time logged in. */
    int occupancyTenths(int a, long nowNs) {
        long span = nowNs - loginNs[a];
        if (span <= 0) {
            return 0;
        }
        long heldNs = busy[2 * a] + (busy[2 * a + 1] >= 0 ? nowNs - busy[2 * a + 1] : 0);
        return (int) Math.min(9, heldNs * 10 / span);
    }

    /** A reload counts the deferrable contacts an agent holds again, one by one. */
    void countDeferrable(int a) {
        agent[a * ROW + DEFERRABLE]++;
    }

    int deferrableLoad(int a) {
        return agent[a * ROW + DEFERRABLE];
    }

    void addPendingOffers(int a, int delta) {
        agent[a * ROW + PENDING_OFFERS] += delta;
    }

    void addWrapUps(int a, int delta) {
        agent[a * ROW + WRAP_UPS] += delta;
    }

    int memberStart(int a) {
        return agent[a * ROW + MEMBER_START];
    }

    int memberEnd(int a) {
        return agent[a * ROW + MEMBER_END];
    }

    /** Whether the agent serves the lane (qualifies by skill and has capacity on its channel). */
    boolean isMember(int a, int lane) {
        for (int m = memberStart(a), end = memberEnd(a); m < end; m++) {
            if (memberLane(m) == lane) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the agent can take one more contact of the channel: ready, below capacity, and
     * voice is exclusive (a voice contact takes the whole agent; a voice offer needs an agent free of
     * all but deferrable work, which the call interrupts).
     */
    boolean available(int a, int channel) {
        int row = a * ROW;
        if (agent[row + PRESENCE] != AgentState.READY.code() || agent[row + LOAD + channel] >= agent[row + CAPACITY + channel]) {
            return false;
        }
        return channel == Channel.VOICE.code() ? agent[row + TOTAL_LOAD] == agent[row + DEFERRABLE]
                : agent[row + LOAD + Channel.VOICE.code()] == 0;
    }

    /** Bit {@code c} set when the agent can take one more contact of channel {@code c}. */
    int availableChannels(int a) {
        if (agent[a * ROW + PRESENCE] != AgentState.READY.code()) {
            return 0;
        }
        int channels = 0;
        for (int c = 0; c < Channel.COUNT; c++) {
            if (available(a, c)) {
                channels |= 1 << c;
            }
        }
        return channels;
    }

    /** The state an outsider sees: presence, refined by the contacts the agent holds. */
    AgentState state(int a) {
        int row = a * ROW;
        if (agent[row + PRESENCE] == AgentState.LOGGED_OUT.code()) {
            return AgentState.LOGGED_OUT;
        }
        if (agent[row + PENDING_OFFERS] > 0) {
            return AgentState.OFFERED;
        }
        if (agent[row + TOTAL_LOAD] > agent[row + WRAP_UPS]) {
            return AgentState.BUSY;
        }
        if (agent[row + WRAP_UPS] > 0) {
            return AgentState.WRAP_UP;
        }
        return AgentState.ofCode(agent[row + PRESENCE]);
    }

    private void addStaffed(int a, int sign) {
        for (int m = memberStart(a), end = memberEnd(a); m < end; m++) {
            staffed[memberLane(m)] += sign * capacity(a, memberChannel(m));
        }
    }

    /** Copies an agent's presence and the contacts it holds from another index (a reload keeps them). */
    void copyFrom(int a, Agents old, int oldAgent) {
        int row = a * ROW;
        int oldRow = oldAgent * ROW;
        agent[row + PRESENCE] = old.agent[oldRow + PRESENCE];
        agent[row + PAUSE_REASON] = old.agent[oldRow + PAUSE_REASON];
        presenceSinceNs[a] = old.presenceSinceNs[oldAgent];
        for (int c = 0; c < Channel.COUNT; c++) {
            agent[row + LOAD + c] = old.agent[oldRow + LOAD + c];
        }
        agent[row + TOTAL_LOAD] = old.agent[oldRow + TOTAL_LOAD];
        agent[row + PENDING_OFFERS] = old.agent[oldRow + PENDING_OFFERS];
        agent[row + WRAP_UPS] = old.agent[oldRow + WRAP_UPS];
        agent[row + DEFERRABLE] = 0; // counted again from the contacts held, by the new queues' flags
        loginNs[a] = old.loginNs[oldAgent];
        busy[2 * a] = old.busy[2 * oldAgent];
        busy[2 * a + 1] = old.busy[2 * oldAgent + 1];
        if (agent[row + PRESENCE] == AgentState.READY.code()) {
            addStaffed(a, 1);
        }
    }

    /** When the agent became idle: the earliest idle-since of its idle memberships, or -1 when it is idle in none. */
    long idleSinceNs(int a) {
        long since = -1;
        for (int m = memberStart(a), end = memberEnd(a); m < end; m++) {
            if (memberIdle(m) && (since < 0 || memberSinceNs(m) < since)) {
                since = memberSinceNs(m);
            }
        }
        return since;
    }

    /** Files every membership of an agent that is not idle yet where it can take work, idle since {@code sinceNs}. */
    void fileAvailable(int a, long sinceNs, long nowNs) {
        int availableChannels = availableChannels(a);
        for (int m = memberStart(a), end = memberEnd(a); m < end; m++) {
            if (!memberIdle(m) && (availableChannels & (1 << memberChannel(m))) != 0) {
                placeByOccupancy(m, a, nowNs);
                join(m, sinceNs);
            }
        }
    }

    // ---------------------------------------------------------------- per membership

    int memberLane(int m) {
        return (int) (member[2 * m] & 0xFFFF);
    }

    int memberChannel(int m) {
        return (int) ((member[2 * m] >>> 16) & 0xFF);
    }

    long memberSinceNs(int m) {
        return member[2 * m + 1];
    }

    private boolean memberIdle(int m) {
        return (member[2 * m] & IDLE_BIT) != 0;
    }

    // ---------------------------------------------------------------- idle order

    /**
     * Files each of the agent's memberships where availability says: idle in its lane or not.
     * With {@code moveToBack} an agent that stays available goes to the back (it just took work),
     * so work spreads over agents.
     */
    void refresh(int a, boolean moveToBack, long nowNs) {
        int availableChannels = availableChannels(a);
        int start = memberStart(a);
        int end = memberEnd(a);
        boolean anyLeaves = false;
        for (int m = start; m < end; m++) {
            if (memberIdle(m) && (moveToBack || (availableChannels & (1 << memberChannel(m))) == 0)) {
                anyLeaves = true;
                break;
            }
        }
        if (anyLeaves) {
            // One epoch step makes every entry of this agent stale; idle memberships that stay
            // (only possible without moveToBack) are filed again with their idle-since time.
            epoch[a]++;
            for (int m = start; m < end; m++) {
                if (memberIdle(m)) {
                    member[2 * m] &= ~IDLE_BIT;
                    idleCount[memberLane(m)]--;
                    if (rrPos[m] >= 0) {
                        rrIdle[memberLane(m)][rrPos[m] >>> 6] &= ~(1L << rrPos[m]);
                    }
                    if (!moveToBack && (availableChannels & (1 << memberChannel(m))) != 0) {
                        join(m, memberSinceNs(m));
                    }
                }
            }
        }
        for (int m = start; m < end; m++) {
            if (!memberIdle(m) && (availableChannels & (1 << memberChannel(m))) != 0) {
                placeByOccupancy(m, a, nowNs);
                join(m, nowNs);
            }
        }
    }

    /** For a least-occupied lane, the membership's ring is the agent's occupancy when it becomes available. */
    private void placeByOccupancy(int m, int a, long nowNs) {
        if (byOccupancy[memberLane(m)]) {
            setBucket(m, occupancyTenths(a, nowNs));
        }
    }

    private void setBucket(int m, int bucket) {
        member[2 * m] = (member[2 * m] & ~(0xFL << BUCKET_SHIFT)) | ((long) bucket << BUCKET_SHIFT);
    }

    private boolean live(long entry) {
        return (epoch[(int) (entry >>> 32)] & EPOCH_MASK) == ((int) entry & EPOCH_MASK);
    }

    private int membershipOf(long entry) {
        return memberStart((int) (entry >>> 32)) + (((int) entry >>> EPOCH_BITS) & ((1 << OFFSET_BITS) - 1));
    }

    /**
     * The available membership of the lane its agent selection puts first (longest idle within its
     * ring), or -1; drops stale entries on the way.
     */
    int longestIdle(int lane) {
        if (rrMembers[lane] != null) {
            chosenPos = nextIdle(lane);
            return chosenPos < 0 ? -1 : rrMembers[lane][chosenPos];
        }
        for (int r = ringBase[lane], end = r + rings[lane]; r < end; r++) {
            long entry = liveHead(r);
            if (entry >= 0) {
                chosenRing = r;
                return membershipOf(entry);
            }
        }
        return -1;
    }

    /**
     * The agent {@link #longestIdle} would name, or -1, without touching the agent's memberships:
     * a near copy of it on purpose, since reading the runner-up's rows would cost cache misses on
     * every offer at large rosters.
     */
    int longestIdleAgent(int lane) {
        if (rrMembers[lane] != null) {
            int pos = nextIdle(lane);
            return pos < 0 ? -1 : memberAgent(rrMembers[lane][pos]);
        }
        for (int r = ringBase[lane], end = r + rings[lane]; r < end; r++) {
            long entry = liveHead(r);
            if (entry >= 0) {
                return (int) (entry >>> 32);
            }
        }
        return -1;
    }

    private long liveHead(int ring) {
        long[] entries = fifo[ring];
        int mask = entries.length - 1;
        while (fifoHead[ring] != fifoTail[ring]) {
            long entry = entries[fifoHead[ring] & mask];
            if (live(entry)) {
                return entry;
            }
            fifoHead[ring]++;
        }
        return -1;
    }

    /** The agent a membership belongs to. */
    int memberAgent(int m) {
        return (int) (member[2 * m] >>> 32);
    }

    /**
     * Drops the lane's head entry: its agent is about to be offered work and re-filed by
     * {@link #refresh}, which makes the entry stale anyway. After this, {@link #longestIdle} names
     * the runner-up.
     */
    void dropHead(int lane) {
        if (rrMembers[lane] != null) {
            // The chosen agent is re-filed by refresh; the next search starts after it.
            rrIdle[lane][chosenPos >>> 6] &= ~(1L << chosenPos);
            rrNext[lane] = chosenPos + 1 == rrMembers[lane].length ? 0 : chosenPos + 1;
            return;
        }
        fifoHead[chosenRing]++;
    }

    /** The first idle position at or after the lane's pointer, wrapping around; -1 when none is idle. */
    private int nextIdle(int lane) {
        long[] bits = rrIdle[lane];
        int n = rrMembers[lane].length;
        if (n == 0) {
            return -1;
        }
        int start = rrNext[lane];
        int word = start >>> 6;
        long w = bits[word] & (-1L << start);
        for (int i = 0; i <= bits.length; i++) {
            if (w != 0) {
                return word * 64 + Long.numberOfTrailingZeros(w);
            }
            word = word + 1 == bits.length ? 0 : word + 1;
            w = bits[word];
        }
        return -1;
    }

    private void join(int m, long nowNs) {
        int lane = memberLane(m);
        if (rrPos[m] >= 0) {
            rrIdle[lane][rrPos[m] >>> 6] |= 1L << rrPos[m];
            member[2 * m] |= IDLE_BIT;
            member[2 * m + 1] = nowNs;
            idleCount[lane]++;
            return;
        }
        int q = ringBase[lane] + (int) ((member[2 * m] >>> BUCKET_SHIFT) & 0xF);
        long[] entries = fifo[q];
        if (fifoTail[q] - fifoHead[q] == entries.length) {
            compact(q);
            entries = fifo[q];
        }
        int a = memberAgent(m);
        entries[fifoTail[q] & (entries.length - 1)] = ((long) a << 32)
                | ((long) (m - memberStart(a)) << EPOCH_BITS) | (epoch[a] & EPOCH_MASK);
        fifoTail[q]++;
        member[2 * m] |= IDLE_BIT;
        member[2 * m + 1] = nowNs;
        idleCount[lane]++;
    }

    /** Removes stale entries, keeping order, and doubles the ring if it would stay more than half full. */
    private void compact(int q) {
        long[] entries = fifo[q];
        if (scratch.length < entries.length) {
            scratch = new long[entries.length];
        }
        int mask = entries.length - 1;
        int kept = 0;
        for (int i = fifoHead[q]; i != fifoTail[q]; i++) {
            long entry = entries[i & mask];
            if (live(entry)) {
                scratch[kept++] = entry;
            }
        }
        if (kept * 2 > entries.length) {
            entries = new long[entries.length * 2];
            fifo[q] = entries;
        }
        System.arraycopy(scratch, 0, entries, 0, kept);
        fifoHead[q] = 0;
        fifoTail[q] = kept;
    }

    // ---------------------------------------------------------------- state

    void write(StateWriter out) {
        out.writeInt(count);
        for (int a = 0; a < count; a++) {
            int row = a * ROW;
            out.writeInt(agent[row + PRESENCE]);
            out.writeInt(agent[row + PAUSE_REASON]);
            out.writeLong(presenceSinceNs[a]);
            for (int c = 0; c < Channel.COUNT; c++) {
                out.writeInt(agent[row + LOAD + c]);
            }
            out.writeInt(agent[row + PENDING_OFFERS]);
            out.writeInt(agent[row + WRAP_UPS]);
            out.writeInt(agent[row + DEFERRABLE]);
            out.writeLong(loginNs[a]);
            out.writeLong(busy[2 * a]);
            out.writeLong(busy[2 * a + 1]);
        }
        // Only live entries, in order: stale ones are invisible, so the state stays canonical.
        for (int lane = 0; lane < idleCount.length; lane++) {
            out.writeInt(idleCount[lane]);
            if (rrMembers[lane] != null) {
                for (int pos = 0; pos < rrMembers[lane].length; pos++) {
                    if ((rrIdle[lane][pos >>> 6] & (1L << pos)) != 0) {
                        int m = rrMembers[lane][pos];
                        out.writeInt(m);
                        out.writeLong(memberSinceNs(m));
                        out.writeInt(0);
                    }
                }
                out.writeInt(rrNext[lane]);
                continue;
            }
            for (int q = ringBase[lane], end = q + rings[lane]; q < end; q++) {
                long[] entries = fifo[q];
                int mask = entries.length - 1;
                for (int i = fifoHead[q]; i != fifoTail[q]; i++) {
                    long entry = entries[i & mask];
                    if (live(entry)) {
                        int m = membershipOf(entry);
                        out.writeInt(m);
                        out.writeLong(memberSinceNs(m));
                        out.writeInt(q - ringBase[lane]);
                    }
                }
            }
        }
    }

    /** @param format the core's state format */
    void read(StateReader in, int format) {
        int agents = in.readInt();
        if (agents != count) {
            throw new IllegalStateException("snapshot has " + agents + " agents, configuration " + count);
        }
        for (int a = 0; a < count; a++) {
            int row = a * ROW;
            agent[row + PRESENCE] = in.readInt();
            agent[row + PAUSE_REASON] = in.readInt();
            presenceSinceNs[a] = in.readLong();
            for (int c = 0; c < Channel.COUNT; c++) {
                agent[row + LOAD + c] = in.readInt();
                agent[row + TOTAL_LOAD] += agent[row + LOAD + c];
            }
            agent[row + PENDING_OFFERS] = in.readInt();
            agent[row + WRAP_UPS] = in.readInt();
            agent[row + DEFERRABLE] = format >= 6 ? in.readInt() : 0; // no deferrable queues before format 6
            if (format >= 7) {
                loginNs[a] = in.readLong();
                busy[2 * a] = in.readLong();
                busy[2 * a + 1] = in.readLong();
            } else {
                loginNs[a] = presenceSinceNs[a];
                busy[2 * a + 1] = agent[row + TOTAL_LOAD] > 0 ? presenceSinceNs[a] : -1;
            }
            if (agent[row + PRESENCE] == AgentState.READY.code()) {
                addStaffed(a, 1);
            }
        }
        for (int q = 0; q < idleCount.length; q++) {
            int members = in.readInt();
            for (int i = 0; i < members; i++) {
                int m = in.readInt();
                long sinceNs = in.readLong();
                if (format >= 7) {
                    int bucket = in.readInt();
                    if (rrPos[m] < 0) {
                        setBucket(m, bucket);
                    }
                }
                join(m, sinceNs);
            }
            if (rrMembers[q] != null && format >= 8) {
                rrNext[q] = in.readInt();
            }
        }
    }
}
