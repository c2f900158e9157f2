package org.loket.host.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.DecisionType;
import org.loket.core.testkit.Commands;
import org.loket.core.testkit.ConfigBuilder;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.TestGateways;
import org.loket.host.journal.Journal;

/** Deadline-driven ticks: a timer fires on time although the heartbeat is a minute away. */
@Timeout(60)
class TickerTest {
    private static final long OFFER_TIMEOUT_MS = 1_000;
    private static final long HEARTBEAT_MS = 60_000;
    /** Copies a prepared command; the engine stamps sequence and time after the filler. */
    private static final CommandFiller<Command> COPY = (command, source) -> command.copyFrom(source);

    @TempDir
    Path folder;

    /** A decision as the gateway saw it: type and the engine-clock time of its command. */
    private record Seen(DecisionType type, long timestampNs) {
    }

    @Test
    void shouldFireAnOfferTimeoutAtItsDeadlineWithoutWaitingForTheHeartbeat() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            engine.addGateway(TestGateways.watching(d -> seen.add(new Seen(d.type, d.timestampNs))));
            Ticker ticker = Ticker.start(engine, HEARTBEAT_MS);
            offerToTheOnlyAgent(engine);
            Seen offer = await(seen, DecisionType.OFFER_CONTACT, 5_000);
            Seen retraction = await(seen, DecisionType.RETRACT_OFFER, 5_000);

            // Decision times are their commands' stamps: the offer's arrival, the retraction's TICK.
            long lateMs = TimeUnit.NANOSECONDS.toMillis(retraction.timestampNs - offer.timestampNs) - OFFER_TIMEOUT_MS;
            assertThat(lateMs).as("the TICK that retracted the offer, ms after its time-out").isBetween(0L, 1_000L);
            assertThat(ticker.timerTicks()).isGreaterThanOrEqualTo(1);
            assertThat(ticker.heartbeatTicks()).isZero();

            // A read of the core's state is answered at once, not at the next heartbeat.
            long askedNs = System.nanoTime();
            assertThat(engine.query(core -> core.agentCount()).get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - askedNs)).isLessThan(2_000);
            engine.close();
        }
    }

    @Test
    void shouldFireATimerTheJournalLeftSetAfterARestartWithoutTraffic() throws Exception {
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            offerToTheOnlyAgent(engine);
            engine.awaitQuiet(5_000);
            engine.close(); // the offer is open: its time-out is a timer in the recovered state
        }
        List<Seen> seen = new CopyOnWriteArrayList<>();
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            engine.addGateway(TestGateways.watching(d -> seen.add(new Seen(d.type, d.timestampNs))));
            Ticker ticker = Ticker.start(engine, HEARTBEAT_MS);
            await(seen, DecisionType.RETRACT_OFFER, 5_000);
            assertThat(ticker.timerTicks()).isGreaterThanOrEqualTo(1);
            engine.close();
        }
    }

    /** One agent, ready; one call that is offered to them (offer time-out {@link #OFFER_TIMEOUT_MS}). */
    private static void offerToTheOnlyAgent(Engine engine) {
        ConfigBuilder b = new ConfigBuilder();
        int skill = b.skill("phone");
        int queue = b.queue("voice", Channel.VOICE, skill);
        b.queueOptions(queue, 1, 0, 0, OFFER_TIMEOUT_MS, 0);
        int agent = b.agent("agent-1", skill, 1);
        int entry = b.entryToQueue("line", queue);
        RoutingConfig config = b.build();
        assertThat(engine.publishConfig(RoutingConfigCodec.encode(config))).isTrue();
        for (Command c : List.of(Commands.login(0, agent), Commands.ready(0, agent), Commands.arrive(0, 7, Channel.VOICE, entry))) {
            assertThat(engine.tryPublish(COPY, c)).isTrue();
        }
    }

    private static Seen await(List<Seen> seen, DecisionType type, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            for (Seen s : seen) {
                if (s.type == type) {
                    return s;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no " + type + " within " + timeoutMs + " ms; seen " + seen);
    }
}
