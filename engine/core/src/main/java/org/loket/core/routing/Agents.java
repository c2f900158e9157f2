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
 * for every queue, an intrusive list of the agents who qualify for it and can take one more contact
 * of its channel now, in the order they became available (head = longest idle).
 * <p>A <em>membership</em> {@code m} is one (agent, queue) pair where the agent qualifies for the
 * queue; an agent's memberships are {@code memberStart[a]..memberStart[a+1]-1}. An agent changes
 * lists only through {@link #refresh}, at a cost of the number of queues it serves, not the number
 * of agents.
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
    final int[] memberNext;
    final int[] memberPrev;
    final boolean[] memberIdle;
    final long[] memberSinceNs;

    final int[] idleHead;
    final int[] idleTail;
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
        int members = 0;
        for (int a = 0; a < count; a++) {
            memberStart[a] = members;
            AgentSpec agent = roster.get(a);
            System.arraycopy(agent.capacityPerChannel(), 0, capacity, a * Channel.COUNT, Channel.COUNT);
            for (QueueSpec queue : queues) {
                if (qualifies(agent, queue)) {
                    members++;
                }
            }
        }
        memberStart[count] = members;
        memberQueue = new int[members];
        memberAgent = new int[members];
        memberNext = new int[members];
        memberPrev = new int[members];
        memberIdle = new boolean[members];
        memberSinceNs = new long[members];
        int m = 0;
        for (int a = 0; a < count; a++) {
            for (int q = 0; q < queues.size(); q++) {
                if (qualifies(roster.get(a), queues.get(q))) {
                    memberQueue[m] = q;
                    memberAgent[m] = a;
                    m++;
                }
            }
        }
        idleHead = new int[queues.size()];
        idleTail = new int[queues.size()];
        idleCount = new int[queues.size()];
        java.util.Arrays.fill(idleHead, -1);
        java.util.Arrays.fill(idleTail, -1);
        java.util.Arrays.fill(memberNext, -1);
        java.util.Arrays.fill(memberPrev, -1);
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
     * Puts each of the agent's memberships where availability says: in its queue's idle list or out
     * of it. With {@code moveToBack} an agent that stays available goes to the back (it just took
     * work), so work spreads over agents.
     */
    void refresh(int agent, boolean moveToBack, long nowNs) {
        for (int m = memberStart[agent], end = memberStart[agent + 1]; m < end; m++) {
            boolean available = available(agent, queueChannel[memberQueue[m]]);
            if (memberIdle[m] && (!available || moveToBack)) {
                unlink(m);
            }
            if (available && !memberIdle[m]) {
                append(m, nowNs);
            }
        }
    }

    /** The longest-idle available membership of the queue, or -1. */
    int longestIdle(int queue) {
        return idleHead[queue];
    }

    private void append(int m, long nowNs) {
        int q = memberQueue[m];
        int tail = idleTail[q];
        memberPrev[m] = tail;
        memberNext[m] = -1;
        if (tail < 0) {
            idleHead[q] = m;
        } else {
            memberNext[tail] = m;
        }
        idleTail[q] = m;
        memberIdle[m] = true;
        memberSinceNs[m] = nowNs;
        idleCount[q]++;
    }

    private void unlink(int m) {
        int q = memberQueue[m];
        int prev = memberPrev[m];
        int next = memberNext[m];
        if (prev < 0) {
            idleHead[q] = next;
        } else {
            memberNext[prev] = next;
        }
        if (next < 0) {
            idleTail[q] = prev;
        } else {
            memberPrev[next] = prev;
        }
        memberPrev[m] = -1;
        memberNext[m] = -1;
        memberIdle[m] = false;
        idleCount[q]--;
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
        for (int q = 0; q < idleHead.length; q++) {
            out.writeInt(idleCount[q]);
            for (int m = idleHead[q]; m >= 0; m = memberNext[m]) {
                out.writeInt(m);
                out.writeLong(memberSinceNs[m]);
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
        for (int q = 0; q < idleHead.length; q++) {
            int members = in.readInt();
            for (int i = 0; i < members; i++) {
                int m = in.readInt();
                append(m, in.readLong());
            }
        }
    }
}
