package org.loket.host.sim;

import java.time.LocalDate;
import java.util.Set;
import org.loket.config.LoadedConfig;
import org.loket.config.Shift;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;

/**
 * Per queue and minute of a planned day, the agents on seat who qualify for the queue itself (its own
 * requirement, no escalation step): what {@link RosterSearch#trim} keeps at a floor, so a queue a
 * trace hardly reaches (misuse, fraud) still has someone at every minute the roster covered it.
 */
final class QueueCoverage {
    private static final int MINUTES = 24 * 60;

    private final LoadedConfig roster;
    /** [queue][minute]: agents on seat now, and the least the trim may leave. */
    private final int[][] onSeat;
    private final int[][] floor;
    /** [agent][minute]: on shift and not on a planned break, as planned. */
    private final boolean[][] seated;

    /**
     * @param absent      agents of the roster who stay home that day (not counted)
     * @param minPerQueue the floor: this many agents per queue and minute, or as many as the roster has if fewer
     */
    QueueCoverage(LoadedConfig roster, LocalDate date, Set<Integer> absent, int minPerQueue) {
        this.roster = roster;
        int queues = roster.routing().queues().size();
        onSeat = new int[queues][MINUTES];
        floor = new int[queues][MINUTES];
        seated = new boolean[roster.routing().agents().size()][];
        for (int a = 0; a < seated.length; a++) {
            seated[a] = new boolean[MINUTES];
            for (int m = 0; m < MINUTES; m++) {
                seated[a][m] = Roster.onSeatMinutes(roster, a, date, m, m + 1) > 0;
            }
        }
        for (int a = 0; a < roster.routing().agents().size(); a++) {
            if (!absent.contains(a)) {
                add(a, 1);
            }
        }
        for (int q = 0; q < queues; q++) {
            for (int m = 0; m < MINUTES; m++) {
                floor[q][m] = Math.min(minPerQueue, onSeat[q][m]);
            }
        }
    }

    /**
     * Why the agent may not go: the first queue and minute its absence would leave under the floor
     * ({@code "misuse-voice at 19:00"}), or null when it may.
     */
    String shortfallWithout(int agent) {
        RoutingConfig routing = roster.routing();
        AgentSpec spec = routing.agents().get(agent);
        for (int q = 0; q < routing.queues().size(); q++) {
            if (!qualifies(routing.queues().get(q), spec)) {
                continue;
            }
            for (int m = 0; m < MINUTES; m++) {
                if (seated[agent][m] && onSeat[q][m] - 1 < floor[q][m]) {
                    return routing.queues().get(q).name() + " at " + Shift.clock(m);
                }
            }
        }
        return null;
    }

    /** The agent is taken out of the roster. */
    void remove(int agent) {
        add(agent, -1);
    }

    private void add(int agent, int delta) {
        RoutingConfig routing = roster.routing();
        AgentSpec spec = routing.agents().get(agent);
        for (int q = 0; q < routing.queues().size(); q++) {
            if (qualifies(routing.queues().get(q), spec)) {
                for (int m = 0; m < MINUTES; m++) {
                    if (seated[agent][m]) {
                        onSeat[q][m] += delta;
                    }
                }
            }
        }
    }

    private static boolean qualifies(QueueSpec queue, AgentSpec agent) {
        return queue.servedBy(agent, 0, -1);
    }
}
