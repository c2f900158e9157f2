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
 * every decision starts cold, and what costs is the number of cache lines a decision touches.
 * Everything about one agent is one row of 64 ints (four 64-byte lines, see {@link #ROW}),
 * its first {@value #INLINE} memberships included, one int each: a decision about a cold agent
 * loads its lines at once, with no load waiting for another. (Separate arrays per field made
 * a decision at 100,000 agents over three times the cost at 100; memberships in an array of their
 * own cost a second round trip to memory, since where they start is only known from the row. With
 * 16 inline, the quarter of a 3-5-skill roster that serves 17-20 lanes paid that trip on every
 * routing of the agent: at 100,000 agents a ready agent's decision cost 10 % more on average.)
 * <p>A <em>membership</em> {@code m} is one (agent, lane) pair where the agent qualifies for the
 * lane. It is immutable (lane, channel, skill ring): whether it idles, since when and in which
 * occupancy ring is the same for all of an agent's memberships of one channel (they join and leave
 * together), so that lives in the agent's row, per channel.
 *
 * <h2>Idle order</h2>
 * Each lane's idle order is an array FIFO of (agent, epoch) entries. Becoming available appends at
 * the tail of each lane the agent can now take; whenever any of an agent's memberships stops being
 * idle (the agent took work, paused or logged out), the agent's epoch moves on, which makes all its
 * entries stale at once, and the memberships still available are appended again. Stale entries
 * are dropped when they reach the head and compacted away when a FIFO fills.
 * Why not intrusive linked lists (the first design): unlinking touches both neighbours, two cache
 * misses per lane an agent serves.
 */
final class Agents {
    private static final int INITIAL_RING = 64;

    /**
     * Ints per agent row: four cache lines, the first read by every decision about the agent
     * (presence, loads, capacities, idle channels, how many memberships), the second by most (idle,
     * busy and presence times), the third and fourth its first {@value #INLINE} memberships. Longs
     * are two ints, high first.
     */
    private static final int ROW = 64;
    /**
     * Ints before the first row: an int array's data starts 16 bytes into the object, and large
     * arrays start on a heap region boundary (G1's humongous objects), so with 48 bytes of padding
     * every row starts on a cache line, spans exactly four and never two pages. Elsewhere (another
     * collector, a small roster) rows are merely unaligned.
     */
    private static final int PAD = 12;
    /** Memberships kept in the row; an agent's further ones are read from {@link #member}. */
    private static final int INLINE = 32;
    private static final int PRESENCE = 0;
    private static final int PAUSE_REASON = 1;
    private static final int LOAD = 2;
    private static final int CAPACITY = LOAD + Channel.COUNT;
    private static final int TOTAL_LOAD = CAPACITY + Channel.COUNT;
    private static final int PENDING_OFFERS = TOTAL_LOAD + 1;
    private static final int WRAP_UPS = PENDING_OFFERS + 1;
    /** Contacts of deferrable queues the agent holds: they do not keep a call away. */
    private static final int DEFERRABLE = WRAP_UPS + 1;
    /**
     * Bits 0-3: channels whose memberships idle now; bits 4-7: channels the agent has memberships of;
     * 8-15: contacts the agent stays with after warm transfers (while any, it is offered nothing new);
     * 16-31: how many memberships.
     */
    private static final int CHANNELS = DEFERRABLE + 1;
    private static final int STAYING_SHIFT = 8;
    private static final int STAYING_MASK = 0xFF << STAYING_SHIFT;
    /** Per channel 4 bits: the ring its memberships of least-occupied lanes idle in (occupancy when they joined). */
    private static final int OCCUPANCY_RINGS = CHANNELS + 1;
    /**
     * Shares the int of {@link #OCCUPANCY_RINGS} (whose bits 0-15 are the rings), bits
     * {@value #OFF_SHIFT}-19: channels the agent takes none of now ({@code AGENT_CHANNEL_SET}). In
     * the first line, which every availability check reads anyway; the row has no int to spare.
     */
    private static final int CHANNELS_OFF = OCCUPANCY_RINGS;
    private static final int OFF_SHIFT = 16;
    private static final int OFF_MASK = 0xF << OFF_SHIFT;
    /** Per channel a long: since when its memberships idle. */
    private static final int IDLE_SINCE = OCCUPANCY_RINGS + 1;
    /** For occupancy: time the agent held contacts since login, and since when it holds some (-1: none). */
    private static final int BUSY_HELD = IDLE_SINCE + 2 * Channel.COUNT;
    private static final int BUSY_SINCE = BUSY_HELD + 2;
    private static final int PRESENCE_SINCE = BUSY_SINCE + 2;
    private static final int LOGIN = PRESENCE_SINCE + 2;
    private static final int MEMBERS = LOGIN + 2;

    /** Membership: lane (bits 0-15), channel (16-19), its skill ring (20-23; 0 unless the lane selects by skill). */
    private static final int CHANNEL_SHIFT = 16;
    private static final int RING_SHIFT = 20;

    final int count;
    private final int[] agent;
    /**
     * Kept apart from the rows: every stale idle entry is checked against its agent's epoch, and
     * 4 bytes per agent stay in cache where 128-byte rows would not (at 100,000 agents, 400 KB
     * against 12.8 MB).
     */
    private final int[] epoch;
    /**
     * Every membership, agent by agent in lane order: membership {@code memberStart[a] + i} is
     * agent {@code a}'s {@code i}-th. The numbering of snapshots and round-robin lanes; routing reads
     * the copies in the rows, and this array only past {@link #INLINE}.
     */
    private final int[] memberStart;
    private final int[] member;
    private final int[] laneChannel;
    /** Lanes whose idle ring is chosen when the agent becomes available (least occupied), not by skill. */
    private final boolean[] byOccupancy;
    /**
     * Round-robin lanes keep no FIFO: their members in roster order ({@code rrMembers}, their agents
     * in {@code rrAgents}, a membership's place there in {@code rrPos}), a bitset of the idle ones,
     * and where the next search starts.
     */
    private final int[][] rrMembers;
    private final int[][] rrAgents;
    private final int[] rrPos;
    private final long[][] rrIdle;
    private final int[] rrNext;
    private int chosenPos = -1;
    /** Written by {@link #touch} so that its loads are not optimised away; never read. */
    @SuppressWarnings("unused")
    private int touched;

    /**
     * Per lane: a ring of power-of-two size. Rings start small and double when a compaction leaves
     * them more than half full, so their size follows the agents actually idle, not the roster.
     * An entry is the agent (high 32 bits) and its epoch when it joined (low 32 bits).
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
        if (lanes.count > 1 << CHANNEL_SHIFT) {
            throw new IllegalArgumentException(lanes.count + " lanes do not fit " + CHANNEL_SHIFT + " bits");
        }
        List<AgentSpec> roster = config.agents();
        count = roster.size();
        agent = new int[PAD + count * ROW];
        epoch = new int[count];
        memberStart = new int[count + 1];
        laneChannel = new int[lanes.count];
        for (int lane = 0; lane < lanes.count; lane++) {
            laneChannel[lane] = config.queues().get(lanes.queue(lane)).channel().code();
        }
        int members = 0;
        for (int a = 0; a < count; a++) {
            AgentSpec spec = roster.get(a);
            int row = row(a);
            System.arraycopy(spec.capacityPerChannel(), 0, agent, row + CAPACITY, Channel.COUNT);
            setLong(row + BUSY_SINCE, -1);
            memberStart[a] = members;
            for (int lane = 0; lane < lanes.count; lane++) {
                if (lanes.servedBy(spec, lane, config)) {
                    members++;
                    agent[row + CHANNELS] |= 1 << (4 + laneChannel[lane]);
                }
            }
        }
        memberStart[count] = members;
        member = new int[members];
        int m = 0;
        for (int a = 0; a < count; a++) {
            for (int lane = 0; lane < lanes.count; lane++) {
                if (lanes.servedBy(roster.get(a), lane, config)) {
                    member[m++] = (lanes.bucket(roster.get(a), lane, config) << RING_SHIFT)
                            | (laneChannel[lane] << CHANNEL_SHIFT) | lane;
                }
            }
            int n = memberStart[a + 1] - memberStart[a];
            agent[row(a) + CHANNELS] |= n << 16;
            System.arraycopy(member, memberStart[a], agent, row(a) + MEMBERS, Math.min(INLINE, n));
        }
        ringBase = new int[lanes.count];
        rings = new int[lanes.count];
        byOccupancy = new boolean[lanes.count];
        rrMembers = new int[lanes.count][];
        rrAgents = new int[lanes.count][];
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
                rrAgents[lane] = new int[rrCount[lane]];
                rrIdle[lane] = new long[(rrCount[lane] + 63) / 64];
                rrCount[lane] = 0;
            }
        }
        for (int a = 0; a < count; a++) {
            for (int mm = memberStart[a]; mm < memberStart[a + 1]; mm++) {
                int lane = memberLane(mm);
                if (rrMembers[lane] != null) {
                    rrPos[mm] = rrCount[lane];
                    rrAgents[lane][rrCount[lane]] = a;
                    rrMembers[lane][rrCount[lane]++] = mm;
                }
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

    private long getLong(int i) {
        return ((long) agent[i] << 32) | (agent[i + 1] & 0xFFFF_FFFFL);
    }

    private void setLong(int i, long value) {
        agent[i] = (int) (value >>> 32);
        agent[i + 1] = (int) value;
    }

    private static int row(int a) {
        return PAD + a * ROW;
    }

    // ---------------------------------------------------------------- per agent

    int presence(int a) {
        return agent[row(a) + PRESENCE];
    }

    void presence(int a, int presence, int pauseReason, long nowNs) {
        int row = row(a);
        if (agent[row + PRESENCE] != presence) {
            setLong(row + PRESENCE_SINCE, nowNs);
            if (agent[row + PRESENCE] == AgentState.LOGGED_OUT.code() || presence == AgentState.LOGGED_OUT.code()) {
                // Occupancy counts the day's logins together: logged in, LOGIN is the instant that
                // many nanoseconds of logged-in time ago; logged out, it holds the day's logged-in time.
                setLong(row + LOGIN, nowNs - getLong(row + LOGIN));
            }
            boolean wasReady = agent[row + PRESENCE] == AgentState.READY.code();
            if (wasReady != (presence == AgentState.READY.code())) {
                addStaffed(a, wasReady ? -1 : 1, channelsOn(a));
            }
        }
        agent[row + PRESENCE] = presence;
        agent[row + PAUSE_REASON] = pauseReason;
    }

    int pauseReason(int a) {
        return agent[row(a) + PAUSE_REASON];
    }

    long presenceSinceNs(int a) {
        return getLong(row(a) + PRESENCE_SINCE);
    }

    int load(int a, int channel) {
        return agent[row(a) + LOAD + channel];
    }

    int capacity(int a, int channel) {
        return agent[row(a) + CAPACITY + channel];
    }

    int totalLoad(int a) {
        return agent[row(a) + TOTAL_LOAD];
    }

    void addLoad(int a, int channel, int delta, boolean deferrable, long nowNs) {
        int row = row(a);
        int before = agent[row + TOTAL_LOAD];
        agent[row + LOAD + channel] += delta;
        agent[row + TOTAL_LOAD] += delta;
        if (before == 0 && delta > 0) {
            setLong(row + BUSY_SINCE, nowNs);
        } else if (before > 0 && agent[row + TOTAL_LOAD] == 0) {
            setLong(row + BUSY_HELD, getLong(row + BUSY_HELD) + nowNs - getLong(row + BUSY_SINCE));
            setLong(row + BUSY_SINCE, -1);
        }
        if (deferrable) {
            agent[row + DEFERRABLE] += delta;
        }
    }

    /**
     * A new day ({@code DAY_STARTED}): every agent's occupancy counts from now (a logged-in agent's
     * time logged in and time holding contacts start again; a contact it holds counts from now).
     */
    void newDay(long nowNs) {
        for (int a = 0; a < count; a++) {
            int row = row(a);
            setLong(row + LOGIN, agent[row + PRESENCE] == AgentState.LOGGED_OUT.code() ? 0 : nowNs);
            setLong(row + BUSY_HELD, 0);
            if (getLong(row + BUSY_SINCE) >= 0) {
                setLong(row + BUSY_SINCE, nowNs);
            }
        }
    }

    /** Occupancy today in tenths (0..9): time holding contacts over time logged in, since the day started. */
    int occupancyTenths(int a, long nowNs) {
        int row = row(a);
        long span = nowNs - getLong(row + LOGIN);
        if (span <= 0) {
            return 0;
        }
        long busySince = getLong(row + BUSY_SINCE);
        long heldNs = getLong(row + BUSY_HELD) + (busySince >= 0 ? nowNs - busySince : 0);
        return (int) Math.min(9, heldNs * 10 / span);
    }

    /** A reload counts the deferrable contacts an agent holds again, one by one. */
    void countDeferrable(int a) {
        agent[row(a) + DEFERRABLE]++;
    }

    int deferrableLoad(int a) {
        return agent[row(a) + DEFERRABLE];
    }

    /** Bit {@code c} set when the agent takes contacts of channel {@code c} ({@code AGENT_CHANNEL_SET}). */
    int channelsOn(int a) {
        return ~agent[row(a) + CHANNELS_OFF] >>> OFF_SHIFT & 0xF;
    }

    /**
     * Switches the agent's channel on or off; a ready agent's capacity there counts for the
     * estimated wait, or no longer. The caller refreshes or routes the agent afterwards.
     *
     * @return whether anything changed
     */
    boolean channelOn(int a, int channel, boolean on) {
        int row = row(a);
        int bit = 1 << (OFF_SHIFT + channel);
        if (((agent[row + CHANNELS_OFF] & bit) == 0) == on) {
            return false;
        }
        agent[row + CHANNELS_OFF] ^= bit;
        if (agent[row + PRESENCE] == AgentState.READY.code()) {
            addStaffed(a, on ? 1 : -1, 1 << channel);
        }
        return true;
    }

    /**
     * Contacts the agent stays with after warm transfers: while any, the agent is not available
     * (its attention is on the hand-over); the caller refreshes or routes the agent afterwards.
     */
    void addStaying(int a, int delta) {
        agent[row(a) + CHANNELS] += delta << STAYING_SHIFT;
    }

    int staying(int a) {
        return (agent[row(a) + CHANNELS] & STAYING_MASK) >>> STAYING_SHIFT;
    }

    void addPendingOffers(int a, int delta) {
        agent[row(a) + PENDING_OFFERS] += delta;
    }

    void addWrapUps(int a, int delta) {
        agent[row(a) + WRAP_UPS] += delta;
    }

    /** How many lanes the agent serves: its memberships are {@code member(a, 0..memberCount(a)-1)}, in lane order. */
    int memberCount(int a) {
        return agent[row(a) + CHANNELS] >>> 16;
    }

    /** The agent's {@code i}-th membership: read its lane and channel with {@link #laneOf} and {@link #channelOf}. */
    int member(int a, int i) {
        return i < INLINE ? agent[row(a) + MEMBERS + i] : member[memberStart[a] + i];
    }

    static int laneOf(int membership) {
        return membership & 0xFFFF;
    }

    static int channelOf(int membership) {
        return (membership >>> CHANNEL_SHIFT) & 0xF;
    }

    /** Whether the agent serves the lane (qualifies by skill and has capacity on its channel). */
    boolean isMember(int a, int lane) {
        return membership(a, lane) >= 0;
    }

    /** The number of the agent's membership of the lane, or -1. */
    private int membership(int a, int lane) {
        for (int i = 0, n = memberCount(a); i < n; i++) {
            if (laneOf(member(a, i)) == lane) {
                return memberStart[a] + i;
            }
        }
        return -1;
    }

    /** The agent a membership belongs to (a binary search: snapshots only). */
    private int agentOf(int m) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) { // the last agent whose memberships start at or before m
            int mid = (lo + hi + 1) >>> 1;
            if (memberStart[mid] <= m) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Whether the agent can take one more contact of the channel: ready, below capacity, and
     * voice is exclusive (a voice contact takes the whole agent; a voice offer needs an agent free of
     * all but deferrable work, which the call interrupts).
     */
    boolean available(int a, int channel) {
        return availableAt(row(a), channel);
    }

    private boolean availableAt(int row, int channel) {
        if (agent[row + PRESENCE] != AgentState.READY.code() || agent[row + LOAD + channel] >= agent[row + CAPACITY + channel]
                || (agent[row + CHANNELS] & STAYING_MASK) != 0 || (agent[row + CHANNELS_OFF] & (1 << (OFF_SHIFT + channel))) != 0) {
            return false;
        }
        return channel == Channel.VOICE.code() ? agent[row + TOTAL_LOAD] == agent[row + DEFERRABLE]
                : agent[row + LOAD + Channel.VOICE.code()] == 0;
    }

    /** Bit {@code c} set when the agent can take one more contact of channel {@code c}. */
    int availableChannels(int a) {
        int row = row(a);
        if (agent[row + PRESENCE] != AgentState.READY.code() || (agent[row + CHANNELS] & STAYING_MASK) != 0) {
            return 0;
        }
        int channels = 0;
        for (int c = 0; c < Channel.COUNT; c++) {
            if (availableAt(row, c)) {
                channels |= 1 << c;
            }
        }
        return channels;
    }

    /** The state an outsider sees: presence, refined by the contacts the agent holds. */
    AgentState state(int a) {
        int row = row(a);
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

    /** Adds (or takes away) the agent's capacity to the {@link #staffed} figure of its lanes of {@code channels}. */
    private void addStaffed(int a, int sign, int channels) {
        int row = row(a);
        for (int i = 0, n = memberCount(a); i < n; i++) {
            int membership = member(a, i);
            if ((channels & (1 << channelOf(membership))) != 0) {
                staffed[laneOf(membership)] += sign * agent[row + CAPACITY + channelOf(membership)];
            }
        }
    }

    /** Copies an agent's presence and the contacts it holds from another index (a reload keeps them). */
    void copyFrom(int a, Agents old, int oldAgent) {
        int row = row(a);
        int oldRow = row(oldAgent);
        agent[row + PRESENCE] = old.agent[oldRow + PRESENCE];
        agent[row + PAUSE_REASON] = old.agent[oldRow + PAUSE_REASON];
        setLong(row + PRESENCE_SINCE, old.getLong(oldRow + PRESENCE_SINCE));
        for (int c = 0; c < Channel.COUNT; c++) {
            agent[row + LOAD + c] = old.agent[oldRow + LOAD + c];
        }
        agent[row + TOTAL_LOAD] = old.agent[oldRow + TOTAL_LOAD];
        agent[row + PENDING_OFFERS] = old.agent[oldRow + PENDING_OFFERS];
        agent[row + WRAP_UPS] = old.agent[oldRow + WRAP_UPS];
        agent[row + DEFERRABLE] = 0; // counted again from the contacts held, by the new queues' flags
        agent[row + CHANNELS] = (agent[row + CHANNELS] & ~STAYING_MASK) | (old.agent[oldRow + CHANNELS] & STAYING_MASK);
        setLong(row + LOGIN, old.getLong(oldRow + LOGIN));
        setLong(row + BUSY_HELD, old.getLong(oldRow + BUSY_HELD));
        setLong(row + BUSY_SINCE, old.getLong(oldRow + BUSY_SINCE));
        agent[row + CHANNELS_OFF] = (agent[row + CHANNELS_OFF] & ~OFF_MASK) | (old.agent[oldRow + CHANNELS_OFF] & OFF_MASK);
        if (agent[row + PRESENCE] == AgentState.READY.code()) {
            addStaffed(a, 1, channelsOn(a));
        }
    }

    /** When the agent became idle: the earliest idle-since of its idle memberships, or -1 when it is idle in none. */
    long idleSinceNs(int a) {
        int row = row(a);
        int idle = agent[row + CHANNELS] & 0xF;
        long since = -1;
        for (int c = 0; c < Channel.COUNT; c++) {
            if ((idle & (1 << c)) != 0 && (since < 0 || getLong(row + IDLE_SINCE + 2 * c) < since)) {
                since = getLong(row + IDLE_SINCE + 2 * c);
            }
        }
        return since;
    }

    /**
     * Loads the agent's row lines at once, for an agent about to be offered work: the decision
     * reads them all, and at large rosters each is a miss; asked one after the other they would
     * be several trips to memory instead of one.
     */
    void touch(int a) {
        int row = row(a);
        touched = agent[row] + agent[row + IDLE_SINCE] + agent[row + MEMBERS] + agent[row + MEMBERS + 16];
    }

    /** Since when the agent idles in the lane (meaningful while it does). */
    long idleSinceNs(int a, int lane) {
        return getLong(row(a) + IDLE_SINCE + 2 * laneChannel[lane]);
    }

    /** Files every membership of an agent that is not idle yet where it can take work, idle since {@code sinceNs}. */
    void fileAvailable(int a, long sinceNs, long nowNs) {
        int row = row(a);
        int channels = agent[row + CHANNELS];
        joinChannels(a, row, availableChannels(a) & (channels >>> 4) & ~channels & 0xF, sinceNs, nowNs);
    }

    // ---------------------------------------------------------------- per membership

    private int memberLane(int m) {
        return laneOf(member[m]);
    }

    private int memberChannel(int m) {
        return channelOf(member[m]);
    }

    // ---------------------------------------------------------------- idle order

    /**
     * Files each of the agent's memberships where availability says: idle in its lane or not.
     * With {@code moveToBack} an agent that stays available goes to the back (it just took work),
     * so work spreads over agents.
     */
    void refresh(int a, boolean moveToBack, long nowNs) {
        int row = row(a);
        int channels = agent[row + CHANNELS];
        int idle = channels & 0xF;
        int available = availableChannels(a) & (channels >>> 4);
        int leaving = moveToBack ? idle : idle & ~available;
        if (leaving != 0) {
            // One epoch step makes every entry of this agent stale; idle memberships that stay
            // (only possible without moveToBack) are filed again with their idle-since time.
            epoch[a]++;
            int stay = moveToBack ? 0 : idle & available;
            for (int i = 0, n = memberCount(a); i < n; i++) {
                int membership = member(a, i);
                int channel = channelOf(membership);
                if ((idle & (1 << channel)) != 0) {
                    int lane = laneOf(membership);
                    idleCount[lane]--;
                    if (rrMembers[lane] != null) {
                        int pos = rrPos[memberStart[a] + i];
                        rrIdle[lane][pos >>> 6] &= ~(1L << pos);
                    }
                    if ((stay & (1 << channel)) != 0) {
                        enter(a, i, lane, ringOf(membership, row, lane));
                    }
                }
            }
            idle = stay;
            agent[row + CHANNELS] = (channels & ~0xF) | idle;
        }
        joinChannels(a, row, available & ~idle, nowNs, nowNs);
    }

    /** Files the agent's memberships of {@code joining} channels (not idle yet) as idle since {@code sinceNs}. */
    private void joinChannels(int a, int row, int joining, long sinceNs, long nowNs) {
        if (joining == 0) {
            return;
        }
        int occupancy = -1;
        for (int c = 0; c < Channel.COUNT; c++) {
            if ((joining & (1 << c)) != 0) {
                setLong(row + IDLE_SINCE + 2 * c, sinceNs);
            }
        }
        for (int i = 0, n = memberCount(a); i < n; i++) {
            int membership = member(a, i);
            int channel = channelOf(membership);
            if ((joining & (1 << channel)) != 0) {
                int lane = laneOf(membership);
                if (byOccupancy[lane]) {
                    // A least-occupied lane's ring is the agent's occupancy when it becomes available.
                    if (occupancy < 0) {
                        occupancy = occupancyTenths(a, nowNs);
                    }
                    agent[row + OCCUPANCY_RINGS] = (agent[row + OCCUPANCY_RINGS] & ~(0xF << (4 * channel))) | (occupancy << (4 * channel));
                }
                enter(a, i, lane, ringOf(membership, row, lane));
            }
        }
        agent[row + CHANNELS] |= joining;
    }

    /** The ring of its lane a membership idles in: by occupancy, or its skill's (0 for longest idle). */
    private int ringOf(int membership, int row, int lane) {
        return byOccupancy[lane] ? (agent[row + OCCUPANCY_RINGS] >>> (4 * channelOf(membership))) & 0xF : membership >>> RING_SHIFT;
    }

    private boolean live(long entry) {
        return epoch[(int) (entry >>> 32)] == (int) entry;
    }

    /**
     * The available agent of the lane its agent selection puts first (longest idle within its
     * ring), or -1; drops stale entries on the way.
     */
    int longestIdle(int lane) {
        if (rrMembers[lane] != null) {
            chosenPos = nextIdle(lane);
            return chosenPos < 0 ? -1 : rrAgents[lane][chosenPos];
        }
        for (int r = ringBase[lane], end = r + rings[lane]; r < end; r++) {
            long entry = liveHead(r);
            if (entry >= 0) {
                chosenRing = r;
                return (int) (entry >>> 32);
            }
        }
        return -1;
    }

    /** The agent {@link #longestIdle} would name, or -1, without choosing it. */
    int longestIdleAgent(int lane) {
        if (rrMembers[lane] != null) {
            int pos = nextIdle(lane);
            return pos < 0 ? -1 : rrAgents[lane][pos];
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

    /**
     * Counts the agent's {@code i}-th membership idle in its lane, at the tail of the given ring
     * (round robin: its bit). Its number ({@code memberStart}, a line of its own) is read only for
     * round robin.
     */
    private void enter(int a, int i, int lane, int ring) {
        idleCount[lane]++;
        if (rrMembers[lane] != null) {
            int pos = rrPos[memberStart[a] + i];
            rrIdle[lane][pos >>> 6] |= 1L << pos;
            return;
        }
        int q = ringBase[lane] + ring;
        long[] entries = fifo[q];
        if (fifoTail[q] - fifoHead[q] == entries.length) {
            compact(q);
            entries = fifo[q];
        }
        entries[fifoTail[q] & (entries.length - 1)] = ((long) a << 32) | (epoch[a] & 0xFFFF_FFFFL);
        fifoTail[q]++;
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
            int row = row(a);
            out.writeInt(agent[row + PRESENCE]);
            out.writeInt(agent[row + PAUSE_REASON]);
            out.writeLong(getLong(row + PRESENCE_SINCE));
            for (int c = 0; c < Channel.COUNT; c++) {
                out.writeInt(agent[row + LOAD + c]);
            }
            out.writeInt(agent[row + PENDING_OFFERS]);
            out.writeInt(agent[row + WRAP_UPS]);
            out.writeInt(agent[row + DEFERRABLE]);
            out.writeInt(staying(a));
            out.writeLong(getLong(row + LOGIN));
            out.writeLong(getLong(row + BUSY_HELD));
            out.writeLong(getLong(row + BUSY_SINCE));
        }
        // Only live entries, in order: stale ones are invisible, so the state stays canonical.
        for (int lane = 0; lane < idleCount.length; lane++) {
            out.writeInt(idleCount[lane]);
            if (rrMembers[lane] != null) {
                for (int pos = 0; pos < rrMembers[lane].length; pos++) {
                    if ((rrIdle[lane][pos >>> 6] & (1L << pos)) != 0) {
                        out.writeInt(rrMembers[lane][pos]);
                        out.writeLong(idleSinceNs(rrAgents[lane][pos], lane));
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
                        int a = (int) (entry >>> 32);
                        out.writeInt(membership(a, lane));
                        out.writeLong(idleSinceNs(a, lane));
                        out.writeInt(q - ringBase[lane]);
                    }
                }
            }
        }
    }

    /** The channels each agent switched off; written apart from {@link #write}, at the end of the core's state (format 15 on). */
    void writeChannelsOff(StateWriter out) {
        for (int a = 0; a < count; a++) {
            out.writeInt(agent[row(a) + CHANNELS_OFF] >>> OFF_SHIFT);
        }
    }

    /** Reads {@link #writeChannelsOff} after {@link #read} (whose idle lines hold no membership of a channel switched off). */
    void readChannelsOff(StateReader in) {
        for (int a = 0; a < count; a++) {
            int off = in.readInt() & 0xF;
            for (int c = 0; c < Channel.COUNT; c++) {
                if ((off & (1 << c)) != 0) {
                    channelOn(a, c, false);
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
            int row = row(a);
            agent[row + PRESENCE] = in.readInt();
            agent[row + PAUSE_REASON] = in.readInt();
            long presenceSinceNs = in.readLong();
            setLong(row + PRESENCE_SINCE, presenceSinceNs);
            for (int c = 0; c < Channel.COUNT; c++) {
                agent[row + LOAD + c] = in.readInt();
                agent[row + TOTAL_LOAD] += agent[row + LOAD + c];
            }
            agent[row + PENDING_OFFERS] = in.readInt();
            agent[row + WRAP_UPS] = in.readInt();
            agent[row + DEFERRABLE] = format >= 6 ? in.readInt() : 0; // no deferrable queues before format 6
            if (format >= 13) {
                addStaying(a, in.readInt()); // no warm transfers before format 13
            }
            boolean loggedOut = agent[row + PRESENCE] == AgentState.LOGGED_OUT.code();
            if (format >= 7) {
                long login = in.readLong();
                // Before format 11 a logged-out agent's LOGIN was its last login; now the day's logged-in time.
                setLong(row + LOGIN, format < 11 && loggedOut ? 0 : login);
                setLong(row + BUSY_HELD, in.readLong());
                setLong(row + BUSY_SINCE, in.readLong());
            } else {
                setLong(row + LOGIN, loggedOut ? 0 : presenceSinceNs);
                setLong(row + BUSY_SINCE, agent[row + TOTAL_LOAD] > 0 ? presenceSinceNs : -1);
            }
            if (agent[row + PRESENCE] == AgentState.READY.code()) {
                addStaffed(a, 1, channelsOn(a));
            }
        }
        for (int lane = 0; lane < idleCount.length; lane++) {
            int members = in.readInt();
            for (int i = 0; i < members; i++) {
                int m = in.readInt();
                long sinceNs = in.readLong();
                int a = agentOf(m);
                int row = row(a);
                int channel = memberChannel(m);
                if (format >= 7) {
                    int bucket = in.readInt();
                    if (byOccupancy[lane]) {
                        agent[row + OCCUPANCY_RINGS] = (agent[row + OCCUPANCY_RINGS] & ~(0xF << (4 * channel))) | (bucket << (4 * channel));
                    }
                }
                // An agent's memberships of one channel idle together, since one time.
                agent[row + CHANNELS] |= 1 << channel;
                setLong(row + IDLE_SINCE + 2 * channel, sinceNs);
                enter(a, m - memberStart[a], lane, ringOf(member[m], row, lane));
            }
            if (rrMembers[lane] != null && format >= 8) {
                rrNext[lane] = in.readInt();
            }
        }
    }
}
