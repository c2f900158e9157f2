package org.loket.host.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.core.command.Command;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.bench.CommandTape;
import org.loket.host.journal.Journal;

/**
 * The hand-overs between a publisher, the core thread and the IO thread: a command's decisions are
 * handed out while the core and IO threads spin, yield, are about to park or are parked. Their
 * safety park is a minute here, so a lost wake-up shows as a stalled command instead of a delay.
 */
@Timeout(120)
class IoWakeUpTest {
    /** Longer than any test: only the core's wake-up (or its standing in) can move egress on. */
    private static final long SAFETY_PARK_MS = 60_000;
    /** A command not handed out within this is a lost wake-up (it takes microseconds otherwise). */
    private static final long STALL_MS = 2_000;
    private static final int COMMANDS = 100_000;
    /** Commands in a burst: more than the core stands in for, so the IO thread is woken and goes back to park. */
    private static final int BURST = 2_000;

    @TempDir
    Path folder;

    @Test
    void shouldHandOutEveryCommandAtOnceWhateverTheIoThreadIsDoing() throws Exception {
        CommandTape tape = BenchWorkload.record(ConfigLoader.loadDefault().routing(), COMMANDS, 7);
        SplittableRandom random = new SplittableRandom(42);
        Command command = new Command();
        long worstNs = 0;
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withWaitStrategy("phased").withSnapshotEvery(0)
                    .withSafetyParkMs(SAFETY_PARK_MS), journal);
            long base = engine.egressedSequence();
            int i = 0;
            while (i < tape.size()) {
                // Mostly single commands spaced so that the IO thread is caught in every phase of its
                // back-off (spinning, yielding, about to park, parked), now and then a burst.
                int count = random.nextInt(20) == 0 ? Math.min(BURST, tape.size() - i) : 1;
                for (int k = 0; k < count; k++, i++) {
                    tape.read(i, command);
                    engine.publishRecorded(command, System.nanoTime());
                }
                long startNs = System.nanoTime();
                long target = base + i;
                while (engine.egressedSequence() < target) {
                    long waitedNs = System.nanoTime() - startNs;
                    assertThat(TimeUnit.NANOSECONDS.toMillis(waitedNs))
                            .as("ms command %d of %d has waited to be handed out (egressed %d)", i, tape.size(),
                                    engine.egressedSequence())
                            .isLessThan(STALL_MS);
                    Thread.onSpinWait();
                }
                worstNs = Math.max(worstNs, System.nanoTime() - startNs);
                long pauseNs = System.nanoTime() + random.nextLong(60_000);
                while (System.nanoTime() < pauseNs) {
                    Thread.onSpinWait();
                }
            }
            assertThat(engine.failure()).isNotDone();
            engine.close();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(worstNs)).as("worst hand-out, ms").isLessThan(STALL_MS);
    }
}
