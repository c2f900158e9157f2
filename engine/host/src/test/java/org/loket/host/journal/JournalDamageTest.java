package org.loket.host.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.command.Command;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.replay.Pace;
import org.loket.host.replay.Replayer;
import org.loket.host.snapshot.SnapshotStore;
import org.slf4j.LoggerFactory;

/**
 * A journal of three UTC days (a command per record, a snapshot after each day), damaged by byte
 * edits as a torn write, a bad disk or an operator would: every reader refuses it with the file and
 * the last command read intact, and recovery refuses to start, deleting no snapshot.
 */
class JournalDamageTest {
    private static final LocalDate DAY_1 = LocalDate.of(2026, 3, 2);
    private static final int DAYS = 3;
    private static final int COMMANDS_PER_DAY = 3_000;

    @TempDir
    Path folder;

    private void writeDays() {
        DaysOfTraffic.write(folder, BenchWorkload.config(40, 4, 4, 7), DAY_1, DAYS, COMMANDS_PER_DAY, day -> true);
    }

    private Path dayFile(String queue, int day) {
        return folder.resolve(queue).resolve(DAY_1.plusDays(day - 1).toString().replace("-", "") + "F.cq4");
    }

    /** Where the header of the {@code n}-th record (from 0) of a day file starts. */
    private long headerOf(String queue, int day, int n) {
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.single(folder.resolve(queue).toFile())
                .rollCycle(RollCycles.FAST_DAILY).readOnly(true).build();
             ExcerptTailer tailer = q.createTailer()) {
            int cycle = (int) DAY_1.plusDays(day - 1).toEpochDay();
            assertThat(tailer.moveToCycle(cycle)).isTrue();
            for (int i = 0; ; i++) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    assertThat(dc.isPresent()).isTrue();
                    if (i == n) {
                        return dc.wire().bytes().readPosition() - 4;
                    }
                }
            }
        }
    }

    private static void overwrite(Path file, long at, byte value, int length) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(filled(value, length));
        }
    }

    private static byte[] filled(byte value, int length) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    private List<Path> snapshotFiles() {
        return new SnapshotStore(folder.resolve("snapshots")).files();
    }

    private void assertEveryReaderRefuses(String... messageParts) {
        assertThatThrownBy(() -> Replayer.replay(folder, null, null, Pace.MAX, null))
                .isInstanceOf(JournalDamageException.class).hasMessageContainingAll(messageParts);
        assertThatThrownBy(() -> JournalKpis.read(folder, ZoneId.of("UTC"), 5_000))
                .isInstanceOf(JournalDamageException.class).hasMessageContainingAll(messageParts);
    }

    private void assertRecoveryRefuses(String... messageParts) {
        List<Path> before = snapshotFiles();
        try (Journal journal = Journal.open(folder)) {
            assertThatThrownBy(() -> Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal))
                    .isInstanceOf(JournalDamageException.class)
                    .hasMessageContaining("cannot be recovered")
                    .hasMessageContainingAll(messageParts);
        }
        assertThat(snapshotFiles()).as("no snapshot deleted").isEqualTo(before);
    }

    @Test
    void shouldReadAnIntactJournalToItsEnd() {
        writeDays();
        assertThat(Replayer.replay(folder, null, null, Pace.MAX, null).identical()).isTrue();
        assertThat(JournalKpis.read(folder, ZoneId.of("UTC"), 5_000).totals().answered()).isPositive();
    }

    @Test
    void shouldRefuseAZeroedRecordHeaderInTheMiddleOfADayFile() throws Exception {
        writeDays();
        overwrite(dayFile("commands", 3), headerOf("commands", 3, 1_000), (byte) 0, 4);
        String lastGood = "command " + (2 * COMMANDS_PER_DAY + 1_000);
        assertEveryReaderRefuses(dayFile("commands", 3).getFileName().toString(), lastGood);
        assertRecoveryRefuses(lastGood);
    }

    @Test
    void shouldRefuseGarbageInARecordHeaderOfAnOlderDay() throws Exception {
        writeDays();
        overwrite(dayFile("commands", 2), headerOf("commands", 2, 500), (byte) 0xff, 32);
        assertEveryReaderRefuses("command " + (COMMANDS_PER_DAY + 500));
    }

    @Test
    void shouldRefuseATruncatedDayFile() throws Exception {
        writeDays();
        long at = headerOf("commands", 3, 1_500);
        try (RandomAccessFile raf = new RandomAccessFile(dayFile("commands", 3).toFile(), "rw")) {
            raf.setLength(at);
        }
        String lastGood = "command " + (2 * COMMANDS_PER_DAY + 1_500);
        assertEveryReaderRefuses(lastGood);
        assertRecoveryRefuses(lastGood);
    }

    @Test
    void shouldRefuseAMissingDayBetweenOthers() throws Exception {
        writeDays();
        Files.delete(dayFile("commands", 2));
        assertEveryReaderRefuses("commands " + (COMMANDS_PER_DAY + 1) + "-" + (2 * COMMANDS_PER_DAY) + " are missing");
    }

    @Test
    void shouldRefuseToRecoverWhenTheNewestCommandDayIsMissingButItsDecisionsAreNot() throws Exception {
        writeDays();
        Files.delete(dayFile("commands", 3));
        assertRecoveryRefuses("ends at command " + 2 * COMMANDS_PER_DAY, "decisions of command");
        assertEveryReaderRefuses("ends at command " + 2 * COMMANDS_PER_DAY);
    }

    @Test
    void shouldRefuseADamagedDecisionDayFile() throws Exception {
        writeDays();
        // Day 3 is the one recovery reads: it starts from the snapshot at the end of day 2.
        overwrite(dayFile("decisions", 3), headerOf("decisions", 3, 30), (byte) 0, 4);
        assertEveryReaderRefuses(dayFile("decisions", 3).getFileName().toString());
        assertRecoveryRefuses(dayFile("decisions", 3).getFileName().toString());
    }

    @Test
    void shouldRefuseASecondWriterWhileReadersStillRead() {
        writeDays();
        try (Journal writing = Journal.open(folder)) {
            assertThat(writing.folder()).isEqualTo(folder);
            assertThatThrownBy(() -> Journal.open(folder))
                    .isInstanceOf(JournalInUseException.class)
                    .hasMessageContaining(folder.toString())
                    .hasMessageContaining("in use")
                    .hasMessageContaining(Long.toString(ProcessHandle.current().pid()));
            assertThat(Replayer.replay(folder, null, null, Pace.MAX, null).identical()).isTrue();
            try (Journal reader = Journal.openExisting(folder); Journal.CommandReader commands = reader.commandReader()) {
                assertThat(commands.next(new Command())).isTrue();
            }
        }
        try (Journal again = Journal.open(folder)) {
            assertThat(again.folder()).isEqualTo(folder); // released at close
        }
    }

    @Test
    void shouldSayWhichSnapshotItSkippedAndWhy() throws Exception {
        writeDays();
        Path newest = snapshotFiles().get(0);
        overwrite(newest, Files.size(newest) / 2, (byte) 'B', 8);
        Logger logger = (Logger) LoggerFactory.getLogger(org.loket.host.pipeline.Recovery.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                assertThat(engine.recovery().fromSnapshot()).isEqualTo(2L * COMMANDS_PER_DAY);
            } finally {
                engine.close();
            }
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains(newest.toString()).contains("checksum"));
        assertThat(newest).as("left in place").exists();
    }
}
