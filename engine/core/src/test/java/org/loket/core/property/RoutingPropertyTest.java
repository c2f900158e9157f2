package org.loket.core.property;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.ReleaseReason;
import org.loket.core.routing.RoutingCore;
import org.loket.core.state.ByteArrayState;
import org.loket.core.testkit.RandomTraffic;

/**
 * Seeded simulation: {@link RandomTraffic} on a {@link org.loket.core.testkit.RandomConfig random
 * small configuration}, with the core's promises checked after every command by
 * {@link InvariantChecker}. At four random points the core's state makes a round trip through
 * {@code writeState}/{@code readState}: hash and bytes must match, and the restored core must then
 * decide exactly like the original for {@value #SHADOW_COMMANDS} commands.
 * <p>A failure names its seed; {@code -Dloket.seed=N} runs that seed alone.
 */
class RoutingPropertyTest {
    static final int SEEDS = Integer.getInteger("loket.seeds", 30);
    static final int COMMANDS = 3_000;
    /** Commands a restored core runs next to the original after a round trip through its state. */
    static final int SHADOW_COMMANDS = 300;

    static LongStream seeds() {
        Long only = Long.getLong("loket.seed");
        return only != null ? LongStream.of(only) : LongStream.rangeClosed(1, SEEDS);
    }

    /** Escalation steps acted, per action code, over all seeds: each kind must have been exercised. */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, Integer> ESCALATIONS = new java.util.concurrent.ConcurrentHashMap<>();
    /** Deflections acted, per action code, and estimated waits announced, over all seeds. */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, Integer> DEFLECTIONS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger KNOWN_WAITS = new java.util.concurrent.atomic.AtomicInteger();
    /** Warm transfers' first agents released, per reason, over all seeds. */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, Integer> RELEASES = new java.util.concurrent.ConcurrentHashMap<>();

    @org.junit.jupiter.api.AfterAll
    static void everyKindOfEscalationStepActed() {
        if (System.getProperty("loket.seed") == null) {
            for (org.loket.core.config.EscalationStep.Action action : org.loket.core.config.EscalationStep.Action.values()) {
                assertThat(ESCALATIONS.getOrDefault(action.code(), 0)).as("escalations by %s over all seeds", action).isPositive();
                if (action != org.loket.core.config.EscalationStep.Action.WIDEN) {
                    assertThat(DEFLECTIONS.getOrDefault(action.code(), 0)).as("deflections by %s over all seeds", action).isPositive();
                }
            }
            assertThat(KNOWN_WAITS.get()).as("contacts queued with a known estimated wait").isPositive();
            for (int reason : new int[] {ReleaseReason.ACCEPTED, ReleaseReason.CONTACT_ENDED, ReleaseReason.LEFT}) {
                assertThat(RELEASES.getOrDefault(reason, 0)).as("warm transfers released for %s over all seeds", ReleaseReason.name(reason))
                        .isPositive();
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldKeepEveryPromiseUnderRandomTraffic(long seed) {
        RandomTraffic traffic = RandomTraffic.forSeed(seed);
        List<Decision> decisions = new ArrayList<>();
        RoutingCore core = new RoutingCore(d -> {
            decisions.add(new Decision().copyFrom(d));
            traffic.onDecision(d);
        });
        InvariantChecker checker = new InvariantChecker(seed, traffic.config());
        SplittableRandom rnd = new SplittableRandom(seed * 7_919);
        TreeSet<Integer> roundTrips = new TreeSet<>();
        while (roundTrips.size() < 4) {
            roundTrips.add(100 + rnd.nextInt(COMMANDS - 100));
        }
        List<Decision> shadowDecisions = new ArrayList<>();
        RoutingCore shadow = null;
        int shadowUntil = -1;
        int rejects = 0;
        int offers = 0;
        for (int i = 1; i <= COMMANDS; i++) {
            Command command = traffic.next();
            decisions.clear();
            core.apply(command);
            checker.check(core, command, decisions, traffic.expectation());
            // The generator's model must stay exact, or its commands stop being realistic.
            assertThat(traffic.liveContacts()).as("seed %d, command #%d: live contacts in the traffic's model", seed, i)
                    .isEqualTo(core.liveContacts());
            rejects += count(decisions, DecisionType.REJECT_COMMAND);
            offers += count(decisions, DecisionType.OFFER_CONTACT);
            for (Decision d : decisions) {
                if (d.type == DecisionType.ESCALATE) {
                    ESCALATIONS.merge(d.reason, 1, Integer::sum);
                } else if (d.type == DecisionType.DEFLECT) {
                    DEFLECTIONS.merge(d.reason, 1, Integer::sum);
                } else if (d.type == DecisionType.QUEUE_CONTACT && d.score > 0) {
                    KNOWN_WAITS.incrementAndGet();
                } else if (d.type == DecisionType.TRANSFER_RELEASED) {
                    RELEASES.merge(d.reason, 1, Integer::sum);
                }
            }
            if (shadow != null) {
                shadowDecisions.clear();
                shadow.apply(command);
                assertThat(shadowDecisions).as("seed %d, command #%d: a restored core decided differently from the original", seed, i)
                        .map(Decision::toString).containsExactlyElementsOf(decisions.stream().map(Decision::toString).toList());
                if (i % 25 == 0 || i >= shadowUntil) {
                    assertThat(shadow.stateHash()).as("seed %d, command #%d: restored core's state hash", seed, i)
                            .isEqualTo(core.stateHash());
                }
                if (i >= shadowUntil) {
                    shadow = null;
                }
            }
            if (roundTrips.contains(i)) {
                shadow = roundTrip(seed, i, core, shadowDecisions::add);
                shadowUntil = i + SHADOW_COMMANDS;
            }
        }
        checker.finish(core);
        // The traffic must have exercised the core, or the checks above prove little.
        assertThat(offers).as("seed %d: offers", seed).isGreaterThan(COMMANDS / 20);
        assertThat(rejects).as("seed %d: rejected commands", seed).isGreaterThan(COMMANDS / 50);
        assertThat(checker.orderComparisons()).as("seed %d: queue order comparisons", seed).isPositive();
    }

    /** Writes the core's state, reads it into a new core, and checks that both hash and bytes match. */
    static RoutingCore roundTrip(long seed, int index, RoutingCore core, java.util.function.Consumer<Decision> sink) {
        ByteArrayState written = new ByteArrayState();
        core.writeState(written);
        byte[] bytes = written.toByteArray();
        ByteArrayState reading = new ByteArrayState(bytes);
        RoutingCore restored = RoutingCore.readState(reading, d -> sink.accept(new Decision().copyFrom(d)));
        assertThat(reading.hasRemaining()).as("seed %d, command #%d: state left unread", seed, index).isFalse();
        assertThat(restored.stateHash()).as("seed %d, command #%d: state hash after a round trip", seed, index)
                .isEqualTo(core.stateHash());
        ByteArrayState rewritten = new ByteArrayState();
        restored.writeState(rewritten);
        assertThat(rewritten.toByteArray()).as("seed %d, command #%d: state bytes after a round trip", seed, index).isEqualTo(bytes);
        return restored;
    }

    private static int count(List<Decision> decisions, DecisionType type) {
        int n = 0;
        for (Decision d : decisions) {
            if (d.type == type) {
                n++;
            }
        }
        return n;
    }
}
