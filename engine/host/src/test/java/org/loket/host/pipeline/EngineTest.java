package org.loket.host.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.core.command.Command;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.routing.RoutingCore;
import org.loket.core.testkit.RecordingSink;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.bench.CommandTape;
import org.loket.host.gateway.TestGateways;
import org.loket.host.replay.Pace;
import org.loket.host.replay.ReplayReport;
import org.loket.host.replay.Replayer;
import org.loket.host.snapshot.SnapshotStore;

@Timeout(120)
class EngineTest {
    static RoutingConfig config;
    static CommandTape tape;

    @TempDir
    Path folder;

    @BeforeAll
    static void recordTraffic() throws Exception {
        config = ConfigLoader.loadDefault().routing();
        tape = BenchWorkload.record(config, 30_000, 11);
    }

    /** The same commands straight into a core: what the pipeline must reproduce. */
    private static RecordingSink direct() {
        RecordingSink sink = new RecordingSink();
        RoutingCore core = new RoutingCore(sink);
        Command command = new Command();
        for (int i = 0; i < tape.size(); i++) {
            tape.read(i, command);
            command.sequence = i + 1;
            core.apply(command);
        }
        return sink;
    }

    private static Engine runThrough(Engine engine) throws InterruptedException {
        Command command = new Command();
        for (int i = 0; i < tape.size(); i++) {
            tape.read(i, command);
            engine.publishRecorded(command, System.nanoTime());
        }
        engine.awaitQuiet(60_000);
        return engine;
    }

    @Test
    void shouldDecideThroughThePipelineExactlyAsTheCoreAloneAndReplayIdentically() throws Exception {
        RecordingSink expected = direct();
        assertThat(expected.of(org.loket.core.decision.DecisionType.OFFER_CONTACT)).hasSizeGreaterThan(1_000);
        long engineStateHash;
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine engine = runThrough(Engine.start(EngineSettings.defaults().withSnapshotEvery(0).withDecisionHash(true), journal));
            assertThat(engine.failure()).isNotDone();
            assertThat(engine.decisions()).isEqualTo(expected.all().size());
            assertThat(engine.decisionHash()).isEqualTo(expected.hash());
            engineStateHash = engine.core().stateHash();
            engine.close();
        }
        ReplayReport report = Replayer.replay(folder, null, null, Pace.MAX, null);
        assertThat(report.commands()).isEqualTo(tape.size());
        assertThat(report.identical()).isTrue();
        assertThat(report.refusedCommands()).isEqualTo(report.recordedRefusedCommands())
                .isEqualTo(expected.of(org.loket.core.decision.DecisionType.REJECT_COMMAND).stream().map(d -> d.causeSequence).distinct().count());
        assertThat(report.decisionHash()).isEqualTo(String.format("%016x", expected.hash()));
        assertThat(report.stateHash()).isEqualTo(String.format("%016x", engineStateHash));
    }

    @Test
    void shouldReplayAgainstAnotherConfigurationAsAWhatIf() throws Exception {
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            runThrough(Engine.start(EngineSettings.defaults().withSnapshotEvery(0).withDecisionHash(true), journal)).close();
        }
        // Half the roster: the same traffic must now be decided differently.
        RoutingConfig smaller = new RoutingConfig(2, config.skills(), config.languages(), config.prompts(), config.queues(),
                config.agents().subList(0, config.agents().size() / 2), config.entries(), config.flowNodes(),
                config.maxLiveContacts());
        ReplayReport whatIf = Replayer.replay(folder, RoutingConfigCodec.encode(smaller), "smaller", Pace.MAX, null);
        assertThat(whatIf.identical()).isNull();
        assertThat(whatIf.commands()).isEqualTo(tape.size());
        assertThat(whatIf.decisionHash()).isNotEqualTo(whatIf.recordedHash());
        // The recorded inputs of the agents the smaller roster lacks are refused, and counted (README: "refused ..., counted").
        assertThat(whatIf.refusedCommands()).isGreaterThan(whatIf.recordedRefusedCommands() + 100);
    }

    @Test
    void shouldRecoverFromSnapshotPlusTailToTheStateOfAFullReplay() throws Exception {
        long liveHash;
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine engine = runThrough(Engine.start(EngineSettings.defaults().withSnapshotEvery(7_000), journal));
            liveHash = engine.core().stateHash();
            engine.close();
        }
        SnapshotStore snapshots = new SnapshotStore(folder.resolve("snapshots"));
        assertThat(snapshots.files()).isNotEmpty();
        // Drop the final snapshot written at close, so recovery must replay a tail on top of an older one;
        // and leave what a kill during its write leaves: part of its temporary file, which recovery ignores.
        Path last = snapshots.files().get(0);
        Path torn = last.resolveSibling(last.getFileName() + ".tmp");
        java.nio.file.Files.write(torn, java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(last), 100));
        java.nio.file.Files.delete(last);

        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine restarted = Engine.start(EngineSettings.defaults().withSnapshotEvery(0).withDecisionHash(true), journal);
            Recovery.Result recovery = restarted.recovery();
            assertThat(recovery.fromSnapshot()).isPositive();
            assertThat(recovery.commandsReplayed()).isPositive().isLessThan(tape.size());
            assertThat(recovery.nextSequence()).isEqualTo(tape.size() + 1);
            assertThat(restarted.core().stateHash()).isEqualTo(liveHash);
            assertThat(torn).as("the restarted engine deleted the torn snapshot before writing its own").doesNotExist();
            restarted.close();
        }
        ReplayReport full = Replayer.replay(folder, null, null, Pace.MAX, null);
        assertThat(full.stateHash()).isEqualTo(String.format("%016x", liveHash));
        assertThat(full.identical()).isTrue();
    }

    /**
     * A snapshot waits until the decisions of the commands it covers are journaled: recovery starts
     * after it, so a decision journaled later would be lost for good if the process died in between.
     * Egress is held in a gateway (on the IO thread) while the core runs past the snapshot's command.
     */
    @Test
    void shouldWriteASnapshotOnlyOnceTheDecisionsItCoversAreJournaled() throws Exception {
        var held = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(20_000), journal);
            engine.addGateway(TestGateways.watching(decision -> {
                // Only on the IO thread (a publisher or the core standing in for it must not be the one held),
                // and before the snapshot's command (early in the burst, the IO thread is awake).
                if (Thread.currentThread().getName().equals("loket-io") && decision.causeSequence < 20_000 && held.getCount() > 0) {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
            Thread publisher = Thread.ofPlatform().start(() -> {
                Command command = new Command();
                for (int i = 0; i < tape.size(); i++) {
                    tape.read(i, command);
                    engine.publishRecorded(command, System.nanoTime());
                }
            });
            assertThat(held.await(30, TimeUnit.SECONDS)).as("the IO thread handed out a decision").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.query(core -> core.lastSequence()).get(5, TimeUnit.SECONDS) < 25_000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(engine.query(core -> core.lastSequence()).get(5, TimeUnit.SECONDS)).as("the core ran ahead").isGreaterThanOrEqualTo(25_000);
            Thread.sleep(300);
            SnapshotStore snapshots = new SnapshotStore(folder.resolve("snapshots"));
            assertThat(snapshots.files()).as("egress is held before command 20,000: no snapshot yet").isEmpty();

            release.countDown();
            publisher.join(30_000);
            engine.awaitQuiet(30_000);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (snapshots.files().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(snapshots.files()).as("written once the decisions were journaled").isNotEmpty();
            engine.close();
        }
    }

    @Test
    void shouldCountAFailingGatewayAndKeepRouting() throws Exception {
        RecordingSink expected = direct();
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0).withDecisionHash(true), journal);
            java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
            engine.addGateway(TestGateways.watching(decision -> {
                if (delivered.incrementAndGet() % 1000 == 0) {
                    throw new IllegalStateException("adapter bug");
                }
            }));
            runThrough(engine);
            assertThat(engine.failure()).isNotDone();
            assertThat(engine.gatewayFailures()).isEqualTo(expected.all().size() / 1000);
            assertThat(engine.decisionHash()).isEqualTo(expected.hash());
            engine.close();
        }
    }

    @Test
    void shouldStampTimeAndSequenceOnPublishedCommands() throws Exception {
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0).withDecisionHash(true), journal);
            long before = System.currentTimeMillis() * 1_000_000L;
            assertThat(engine.publishConfig(RoutingConfigCodec.encode(config))).isTrue();
            assertThat(engine.publishTick()).isTrue();
            engine.awaitQuiet(10_000);
            assertThat(engine.core().config()).isEqualTo(config);
            assertThat(engine.core().lastSequence()).isEqualTo(2);
            assertThat(engine.core().nowNs()).isGreaterThanOrEqualTo(before - 5_000_000_000L);
            engine.close();
        }
    }

    private static void awaitIoParked(Engine engine) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!engine.ioThreadParked() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(engine.ioThreadParked()).as("the IO thread parks on a quiet engine").isTrue();
    }

    /**
     * A quiet engine (a command now and then, as a phone line brings them) does not wake its IO
     * thread: the core thread journals the command and hands out its decisions itself. Both journals
     * still hold everything, in order, and a restart recovers it.
     */
    @Test
    void shouldLetTheCoreThreadJournalAndHandOutWhenTheIoThreadIsParked() throws Exception {
        List<String> handedOutOn = Collections.synchronizedList(new ArrayList<>());
        long hash;
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0).withDecisionHash(true), journal);
            engine.addGateway(TestGateways.watching(d -> handedOutOn.add(Thread.currentThread().getName())));
            awaitIoParked(engine);
            assertThat(engine.publishConfig(RoutingConfigCodec.encode(config))).isTrue();
            for (int i = 0; i < 20; i++) {
                awaitIoParked(engine);
                assertThat(engine.publishTick()).isTrue();
                assertThat(engine.publishConfig(RoutingConfigCodec.encode(config))).isTrue(); // one decision each
            }
            engine.awaitQuiet(10_000);
            hash = engine.decisionHash();
            engine.close();
        }
        assertThat(handedOutOn).hasSize(21);
        // A parked IO thread may still wake now and then (a spurious wake, or the flag set just before
        // it found work): nearly all, not all, are the core thread's.
        assertThat(handedOutOn.stream().filter("loket-core"::equals).count()).as("handed out on the core thread")
                .isGreaterThanOrEqualTo(18);
        ReplayReport replay = Replayer.replay(folder, null, null, Pace.MAX, null);
        assertThat(replay.commands()).isEqualTo(41);
        assertThat(replay.recordedDecisions()).as("every decision journaled").isEqualTo(21);
        assertThat(replay.identical()).isTrue();
        assertThat(replay.recordedHash()).isEqualTo(String.format("%016x", hash));
    }

    /**
     * A quiet engine whose core thread parks ({@code phased}) does not wake it: the thread that
     * publishes applies its command, journals it and hands its decisions out before
     * {@code tryPublish} returns. Both journals still hold everything and replay identically.
     */
    @Test
    void shouldLetThePublishingThreadRunItsCommandWhenTheEngineIsQuiet() throws Exception {
        List<String> handedOutOn = Collections.synchronizedList(new ArrayList<>());
        long hash;
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withWaitStrategy("phased").withSnapshotEvery(0).withDecisionHash(true), journal);
            engine.addGateway(TestGateways.watching(d -> handedOutOn.add(Thread.currentThread().getName())));
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    try {
                        Thread.sleep(20); // the core thread parks after 20 µs of nothing
                    } catch (InterruptedException e) {
                        return;
                    }
                    engine.publishConfig(RoutingConfigCodec.encode(config)); // one decision each
                }
            }, "test-publisher");
            publisher.start();
            publisher.join();
            engine.awaitQuiet(10_000);
            hash = engine.decisionHash();
            engine.close();
        }
        assertThat(handedOutOn).hasSize(20);
        assertThat(handedOutOn.stream().filter("test-publisher"::equals).count()).as("handed out on the publishing thread")
                .isGreaterThan(10);
        ReplayReport replay = Replayer.replay(folder, null, null, Pace.MAX, null);
        assertThat(replay.commands()).isEqualTo(20);
        assertThat(replay.identical()).isTrue();
        assertThat(replay.recordedHash()).isEqualTo(String.format("%016x", hash));
    }

    /**
     * Three producers with pauses of every length, so that each command finds the core thread
     * spinning, yielding, parking or parked, and the core's turn taken or free: every command is
     * applied once, in ring order, whoever applies it (the journal replays identically).
     */
    @Test
    void shouldApplyEveryCommandOnceWhetherTheCoreThreadOrAPublisherRunsIt() throws Exception {
        int producers = 3;
        int perProducer = 3_000;
        long hash;
        try (var journal = org.loket.host.journal.Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withWaitStrategy("phased").withSnapshotEvery(0).withDecisionHash(true), journal);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int first = p * perProducer;
                threads.add(new Thread(() -> {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(first);
                    Command command = new Command();
                    for (int i = first; i < first + perProducer; i++) {
                        tape.read(i, command);
                        engine.publishRecorded(command, System.nanoTime());
                        long pauseNs = System.nanoTime() + (random.nextInt(4) == 0 ? random.nextLong(200_000) : 0);
                        while (System.nanoTime() < pauseNs) {
                            Thread.onSpinWait();
                        }
                    }
                }, "producer-" + p));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            engine.awaitQuiet(30_000);
            assertThat(engine.failure()).isNotDone();
            assertThat(engine.processed()).isEqualTo((long) producers * perProducer);
            assertThat(engine.core().lastSequence()).isEqualTo((long) producers * perProducer);
            hash = engine.decisionHash();
            engine.close();
        }
        ReplayReport replay = Replayer.replay(folder, null, null, Pace.MAX, null);
        assertThat(replay.commands()).isEqualTo(producers * perProducer);
        assertThat(replay.identical()).isTrue();
        assertThat(replay.recordedHash()).isEqualTo(String.format("%016x", hash));
    }
}
