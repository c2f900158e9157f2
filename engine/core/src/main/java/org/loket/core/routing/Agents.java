package org.loket.core.routing;

import java.util.List;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.QueueSpec;
import org.loket.core.state.StateReader;
import org.loket.core.state.StateWriter;

/**
 * Agent state as parallel arrays, and the index that makes routing independent of roster size:
 * for every queue, the agents who qualify for it and can take one more contact of its channel
 * now, in the order they became available (head = longest idle).
 * <p>A <em>membership</em> {@code m} is one (agent, queue) pair where the agent qualifies for the
 * queue; an agent's memberships are {@code memberStart[a]..memberStart[a+1]-1}, contiguous, so
 * walking them touches a few cache lines.
 * <p>Each queue's idle order is an array FIFO of (agent, epoch) entries. Becoming available
 * appends at the tail of each queue the agent can now take; whenever any of an agent's memberships
 * stops being idle (the agent took work, paused or logged out), the agent's epoch moves on, which
 * makes all its entries stale at once, and the memberships still available are appended again.
 * Stale entries are dropped when they reach the head and compacted away when a FIFO fills. So every
 * change is O(1) per membership and writes memory sequentially, and checking an entry reads one
 * int of a small per-agent array (40 KB at 10,000 agents, cache-resident). Why not intrusive linked
 * lists (the first design): unlinking touches both neighbours, two cache misses per queue an agent
 * serves; and per-membership generations (the second) cost a miss in a multi-megabyte array for
 * every stale entry. At 10,000 agents both made the core several times slower.
 */
final class Agents {
    final int count;
    final int[] presence;
    final int[] pauseReason;
    final long[] presenceSinceNs;
    final int[] capacity;
    final int[] load;
    final int[] totalLoad;
    final int[] pendingOffers;
    final int[] wrapUps;

    final int[] memberStart;
    final int[] memberQueue;
    final int[] memberAgent;
    final boolean[] memberIdle;
    final long[] memberSinceNs;
    final byte[] memberChannel;
    private final int[] agentEpoch;

    /** Per queue: entries {@code (long) agent << 32 | epoch}, a ring of power-of-two size. */
    private final long[][] fifo;
    private final int[] fifoHead;
    private final int[] fifoTail;
    private final long[] scratch;
    final int[] idleCount;
    private final int[] queueChannel;

    Agents(List<AgentSpec> roster, List<QueueSpec> queues) {
        count = roster.size();
        presence = new int[count];
        pauseReason = new int[count];
        presenceSinceNs = new long[count];
        capacity = new int[count * Channel.COUNT];
        load = new int[count * Channel.COUNT];
        totalLoad = new int[count];
        pendingOffers = new int[count];
        wrapUps = new int[count];
        queueChannel = new int[queues.size()];
        for (int q = 0; q < queues.size(); q++) {
            queueChannel[q] = queues.get(q).channel().code();
        }
        memberStart = new int[count + 1];
        int[] membersPerQueue = new int[queues.size()];
        int members = 0;
        for (int a = 0; a < count; a++) {
            memberStart[a] = members;
            AgentSpec agent = roster.get(a);
            System.arraycopy(agent.capacityPerChannel(), 0, capacity, a * Channel.COUNT, Channel.COUNT);
            for (int q = 0; q < queues.size(); q++) {
                if (qualifies(agent, queues.get(q))) {
                    members++;
                    membersPerQueue[q]++;
                }
            }
        }
        memberStart[count] = members;
        memberQueue = new int[members];
        memberAgent = new int[members];
        memberIdle = new boolean[members];
        memberSinceNs = new long[members];
        memberChannel = new byte[members];
        agentEpoch = new int[count];
        int m = 0;
        for (int a = 0; a < count; a++) {
            for (int q = 0; q < queues.size(); q++) {
                if (qualifies(roster.get(a), queues.get(q))) {
                    memberQueue[m] = q;
                    memberChannel[m] = (byte) queueChannel[q];
                    memberAgent[m] = a;
                    m++;
                }
            }
        }
        fifo = new long[queues.size()][];
        for (int q = 0; q < queues.size(); q++) {
            // At least twice the members: after a compaction the FIFO is at most half full.
            fifo[q] = new long[Integer.highestOneBit(Math.max(8, membersPerQueue[q] * 2) - 1) << 1];
        }
        int longest = 8;
        for (long[] entries : fifo) {
            longest = Math.max(longest, entries.length);
        }
        scratch = new long[longest];
        fifoHead = new int[queues.size()];
        fifoTail = new int[queues.size()];
        idleCount = new int[queues.size()];
    }

    /** An agent qualifies for a queue with the queue's skill at its minimum level and capacity on its channel. */
    static boolean qualifies(AgentSpec agent, QueueSpec queue) {
        return agent.skillLevels()[queue.skillId()] >= Math.max(1, queue.minLevel())
                && agent.capacityPerChannel()[queue.channel().code()] > 0;
    }

    /**
     * Whether the agent can take one more contact of the channel: ready, below capacity, and
     * voice is exclusive (a voice contact takes the whole agent; a voice offer needs a free agent).
     */
    boolean available(int agent, int channel) {
        if (presence[agent] != AgentState.READY.code()) {
            return false;
        }
        int base = agent * Channel.COUNT;
        if (load[base + channel] >= capacity[base + channel]) {
            return false;
        }
        return channel == Channel.VOICE.code() ? totalLoad[agent] == 0 : load[base + Channel.VOICE.code()] == 0;
    }

    /** Bit {@code c} set when the agent can take one more contact of channel {@code c}. */
    int availableChannels(int agent) {
        if (presence[agent] != AgentState.READY.code()) {
            return 0;
        }
        int channels = 0;
        for (int c = 0; c < Channel.COUNT; c++) {
            if (available(agent, c)) {
                channels |= 1 << c;
            }
        }
        return channels;
    }

    /** The state an outsider sees: presence, refined by the contacts the agent holds. */
    AgentState state(int agent) {
        if (presence[agent] == AgentState.LOGGED_OUT.code()) {
            return AgentState.LOGGED_OUT;
        }
        if (pendingOffers[agent] > 0) {
            return AgentState.OFFERED;
        }
        if (totalLoad[agent] > wrapUps[agent]) {
            return AgentState.BUSY;
        }
        if (wrapUps[agent] > 0) {
            return AgentState.WRAP_UP;
        }
        return AgentState.ofCode(presence[agent]);
    }

    void addLoad(int agent, int channel, int delta) {
        load[agent * Channel.COUNT + channel] += delta;
        totalLoad[agent] += delta;
    }

    /**
     * Files each of the agent's memberships where availability says: idle in its queue or not.
     * With {@code moveToBack} an agent that stays available goes to the back (it just took work),
     * so work spreads over agents.
     */
    void refresh(int agent, boolean moveToBack, long nowNs) {
        int availableChannels = availableChannels(agent);
        int start = memberStart[agent];
        int end = memberStart[agent + 1];
        boolean anyLeaves = false;
        for (int m = start; m < end; m++) {
            if (memberIdle[m] && (moveToBack || (availableChannels & (1 << memberChannel[m])) == 0)) {
                anyLeaves = true;
                break;
            }
        }
        if (anyLeaves) {
            // One epoch step makes every entry of this agent stale; idle memberships that stay
            // (only possible without moveToBack) are filed again with their idle-since time.
            agentEpoch[agent]++;
            for (int m = start; m < end; m++) {
                if (memberIdle[m]) {
                    memberIdle[m] = false;
                    idleCount[memberQueue[m]]--;
                    if (!moveToBack && (availableChannels & (1 << memberChannel[m])) != 0) {
                        join(m, memberSinceNs[m]);
                    }
                }
            }
        }
        for (int m = start; m < end; m++) {
            if (!memberIdle[m] && (availableChannels & (1 << memberChannel[m])) != 0) {
                join(m, nowNs);
            }
        }
    }

    /** The agent's membership of the queue; the agent qualifies for it. */
    private int membershipOf(int agent, int queue) {
        for (int m = memberStart[agent], end = memberStart[agent + 1]; m < end; m++) {
            if (memberQueue[m] == queue) {
                return m;
            }
        }
        throw new IllegalStateException("agent " + agent + " does not serve queue " + queue);
    }

    private boolean live(long entry) {
        return agentEpoch[(int) (entry >>> 32)] == (int) entry;
    }

    /** The longest-idle available membership of the queue, or -1; drops stale entries on the way. */
    int longestIdle(int queue) {
        long[] entries = fifo[queue];
        int mask = entries.length - 1;
        while (fifoHead[queue] != fifoTail[queue]) {
            long entry = entries[fifoHead[queue] & mask];
            if (live(entry)) {
                return membershipOf((int) (entry >>> 32), queue);
            }
            fifoHead[queue]++;
        }
        return -1;
    }

    /**
     * Drops the queue's head entry: its agent is about to be offered work and re-filed by
     * {@link #refresh}, which makes the entry stale anyway. After this, {@link #longestIdle} names
     * the runner-up.
     */
    void dropHead(int queue) {
        fifoHead[queue]++;
    }

    private void join(int m, long nowNs) {
        int q = memberQueue[m];
        long[] entries = fifo[q];
        if (fifoTail[q] - fifoHead[q] == entries.length) {
            compact(q);
            entries = fifo[q];
        }
        int agent = memberAgent[m];
        entries[fifoTail[q] & (entries.length - 1)] = ((long) agent << 32) | (agentEpoch[agent] & 0xFFFF_FFFFL);
        fifoTail[q]++;
        memberIdle[m] = true;
        memberSinceNs[m] = nowNs;
        idleCount[q]++;
    }

    /** Removes stale entries, keeping order; the FIFO is then at most half full (see the constructor). */
    private void compact(int q) {
        long[] entries = fifo[q];
        int mask = entries.length - 1;
        int kept = 0;
        for (int i = fifoHead[q]; i != fifoTail[q]; i++) {
            long entry = entries[i & mask];
            if (live(entry)) {
                scratch[kept++] = entry;
            }
        }
        System.arraycopy(scratch, 0, entries, 0, kept);
        fifoHead[q] = 0;
        fifoTail[q] = kept;
    }

    void write(StateWriter out) {
        out.writeInt(count);
        for (int a = 0; a < count; a++) {
            out.writeInt(presence[a]);
            out.writeInt(pauseReason[a]);
            out.writeLong(presenceSinceNs[a]);
            for (int c = 0; c < Channel.COUNT; c++) {
                out.writeInt(load[a * Channel.COUNT + c]);
            }
            out.writeInt(pendingOffers[a]);
            out.writeInt(wrapUps[a]);
        }
        // Only live entries, in order: stale ones are invisible, so the state stays canonical.
        for (int q = 0; q < fifo.length; q++) {
            out.writeInt(idleCount[q]);
            long[] entries = fifo[q];
            int mask = entries.length - 1;
            for (int i = fifoHead[q]; i != fifoTail[q]; i++) {
                long entry = entries[i & mask];
                if (live(entry)) {
                    int m = membershipOf((int) (entry >>> 32), q);
                    out.writeInt(m);
                    out.writeLong(memberSinceNs[m]);
                }
            }
        }
    }

    void read(StateReader in) {
        int agents = in.readInt();
        if (agents != count) {
            throw new IllegalStateException("snapshot has " + agents + " agents, configuration " + count);
        }
        for (int a = 0; a < count; a++) {
            presence[a] = in.readInt();
            pauseReason[a] = in.readInt();
            presenceSinceNs[a] = in.readLong();
            for (int c = 0; c < Channel.COUNT; c++) {
                load[a * Channel.COUNT + c] = in.readInt();
                totalLoad[a] += load[a * Channel.COUNT + c];
            }
            pendingOffers[a] = in.readInt();
            wrapUps[a] = in.readInt();
        }
        for (int q = 0; q < fifo.length; q++) {
            int members = in.readInt();
            for (int i = 0; i < members; i++) {
                int m = in.readInt();
                join(m, in.readLong());
            }
        }
    }
}
