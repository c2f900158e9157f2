package org.loket.core.property;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.decision.RejectReason;
import org.loket.core.routing.RoutingCore;
import org.loket.core.testkit.RandomTraffic;

/**
 * The fast core against {@link NaiveRouter}: the same commands go to both, and after every command
 * their decisions (every field, including the offer explanations) and their answers to the public
 * queries must be identical. The traffic reacts to the core's decisions. Twice per run the core is
 * replaced by a copy restored from its own state, so a snapshot that forgets something diverges too.
 * <p>A failure names its seed and the first differing decision; {@code -Dloket.seed=N} runs that
 * seed alone.
 */
class DifferentialRoutingTest {
    static final int SEEDS = Integer.getInteger("loket.seeds", 40);
    static final int COMMANDS = 3_000;

    static LongStream seeds() {
        Long only = Long.getLong("loket.seed");
        return only != null ? LongStream.of(only) : LongStream.rangeClosed(1_001, 1_000 + SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldDecideExactlyAsTheNaiveRouter(long seed) {
        RandomTraffic traffic = RandomTraffic.forSeed(seed);
        List<Decision> fast = new ArrayList<>();
        List<Decision> naive = new ArrayList<>();
        RoutingCore core = new RoutingCore(d -> {
            fast.add(new Decision().copyFrom(d));
            traffic.onDecision(d);
        });
        NaiveRouter reference = new NaiveRouter(naive::add);
        SplittableRandom rnd = new SplittableRandom(seed * 104_729);
        TreeSet<Integer> restarts = new TreeSet<>();
        while (restarts.size() < 2) {
            restarts.add(200 + rnd.nextInt(COMMANDS - 200));
        }
        List<Command> history = new ArrayList<>();
        for (int i = 1; i <= COMMANDS; i++) {
            Command command = traffic.next();
            history.add(new Command().copyFrom(command));
            fast.clear();
            naive.clear();
            core.apply(command);
            reference.apply(new Command().copyFrom(command));
            compareDecisions(seed, i, history, fast, naive);
            compareQueries(seed, i, command, core, reference);
            if (restarts.contains(i)) {
                core = RoutingPropertyTest.roundTrip(seed, i, core, d -> {
                    fast.add(d);
                    traffic.onDecision(d);
                });
            }
        }
    }

    private static void compareDecisions(long seed, int index, List<Command> history, List<Decision> fast, List<Decision> naive) {
        int n = Math.max(fast.size(), naive.size());
        for (int k = 0; k < n; k++) {
            if (k >= fast.size() || k >= naive.size() || !sameFields(fast.get(k), naive.get(k))) {
                String f = k < fast.size() ? fast.get(k).toString() : "(nothing)";
                String r = k < naive.size() ? naive.get(k).toString() : "(nothing)";
                StringBuilder s = new StringBuilder();
                s.append("seed ").append(seed).append(", command #").append(index).append(", decision ").append(k)
                        .append(": core and naive router disagree\n  core:  ").append(f).append("\n  naive: ").append(r)
                        .append("\n  command: ").append(history.get(history.size() - 1)).append("\n  core decided:");
                fast.forEach(d -> s.append("\n    ").append(d));
                s.append("\n  naive decided:");
                naive.forEach(d -> s.append("\n    ").append(d));
                s.append("\n  previous commands:");
                history.subList(Math.max(0, history.size() - 12), history.size() - 1).forEach(c -> s.append("\n    ").append(c));
                throw new AssertionError(s.toString());
            }
        }
    }

    /** Every field of the decision, explanation included. */
    private static boolean sameFields(Decision a, Decision b) {
        return a.type == b.type && a.causeSequence == b.causeSequence && a.timestampNs == b.timestampNs
                && a.contactId == b.contactId && a.agentId == b.agentId && a.queueId == b.queueId && a.promptId == b.promptId
                && a.nodeId == b.nodeId && a.languageId == b.languageId && a.priority == b.priority && a.outcome == b.outcome
                && a.reason == b.reason && a.agentState == b.agentState && a.commandType == b.commandType
                && a.candidates == b.candidates && a.flags == b.flags && a.score == b.score && a.runnerUp == b.runnerUp;
    }

    /** Every public query the core answers must give the naive router's answer. */
    private static void compareQueries(long seed, int index, Command command, RoutingCore core, NaiveRouter naive) {
        Mismatch m = new Mismatch(seed, index, command);
        m.same(core.nowNs(), naive.nowNs(), "clock");
        m.same(core.commandsApplied(), naive.commandsApplied(), "commands applied");
        m.same(core.decisionsIssued(), naive.decisionsIssued(), "decisions issued");
        for (int r = 1; r < RejectReason.COUNT; r++) {
            m.same(core.rejected(r), naive.rejected(r), "rejected %s", RejectReason.name(r));
        }
        for (int o = 1; o < 5; o++) {
            m.same(core.ended(o), naive.ended(o), "ended with outcome %d", o);
        }
        if (core.config() == null) {
            return;
        }
        m.same(core.liveContacts(), naive.liveContacts(), "live contacts");
        m.same(core.announcementPrompt(), naive.announcementPrompt(), "service announcement");
        m.same(core.agentCount(), naive.agentCount(), "agents");
        for (int a = 0; a < core.agentCount(); a++) {
            m.same(core.agentState(a), naive.agentState(a), "state of agent %d", a);
            m.same(core.agentPauseReason(a), naive.agentPauseReason(a), "pause reason of agent %d", a);
            for (Channel channel : Channel.values()) {
                m.same(core.agentLoad(a, channel), naive.agentLoad(a, channel), "agent %d load %s", a, channel);
                m.same(core.agentAvailable(a, channel), naive.agentAvailable(a, channel), "agent %d available %s", a, channel);
            }
        }
        for (int q = 0; q < core.queues().size(); q++) {
            List<Long> order = naive.waitingOrder(q);
            m.same(core.waitingCount(q), order.size(), "waiting in queue %d", q);
            for (int i = 0; i < order.size(); i++) {
                m.same(core.positionInQueue(order.get(i)), naive.positionInQueue(order.get(i)), "position of contact %d in queue %d",
                        order.get(i), q);
            }
        }
        for (long id : naive.liveContactIds()) {
            m.same(core.contactState(id), naive.contactState(id), "state of contact %d", id);
            m.same(core.contactQueue(id), naive.contactQueue(id), "queue of contact %d", id);
            m.same(core.contactAgent(id), naive.contactAgent(id), "agent of contact %d", id);
        }
    }

    /** Compares answers; the message (seed, command, what) is only built for a difference. */
    private record Mismatch(long seed, int index, Command command) {
        void same(Object core, Object naive, String what, Object... args) {
            if (!core.equals(naive)) {
                throw new AssertionError("seed " + seed + ", command #" + index + " (" + command + "): "
                        + String.format(what, args) + ": core says " + core + ", naive router says " + naive);
            }
        }
    }
}
