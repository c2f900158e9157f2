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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.nio.file.attribute.FileTime;
import java.time.ZoneOffset;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.command.Command;
import org.loket.core.testkit.Commands;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.KpiReport;
import org.loket.host.kpi.TodayKpis;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.pipeline.Recovery;
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

    /** How many records a day file holds. */
    private int recordsOf(String queue, int day) {
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.single(folder.resolve(queue).toFile())
                .rollCycle(RollCycles.FAST_DAILY).readOnly(true).build();
             ExcerptTailer tailer = q.createTailer()) {
            int cycle = (int) DAY_1.plusDays(day - 1).toEpochDay();
            assertThat(tailer.moveToCycle(cycle)).isTrue();
            int n = 0;
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent() || q.rollCycle().toCycle(dc.index()) != cycle) {
                        return n;
                    }
                    n++;
                }
            }
        }
    }

    /** Flips the lowest bit of one byte: the smallest change a bad disk makes. */
    static void flipBit(Path file, long at) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int value = raf.read();
            raf.seek(at);
            raf.write(value ^ 1);
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

    /*
     * Byte offsets inside a record, after Chronicle's 4-byte header: format and kind (2 bytes), then a
     * command's type (1), sequence (8) and timestamp (8), or a decision group's command (8) and count
     * (4), then a decision's type (1), command (8), timestamp (8), contact (8) and agent (4).
     */
    private static final int COMMAND_TIMESTAMP = 4 + 2 + 1 + 8;
    private static final int FIRST_DECISION_AGENT = 4 + 2 + 8 + 4 + 1 + 8 + 8 + 8;

    @Test
    void shouldRefuseAChangedByteInsideARecordInTheMiddleOfADayFile() throws Exception {
        writeDays();
        // One nanosecond later: a command that reads well and routes the same, but is not what was journaled.
        flipBit(dayFile("commands", 3), headerOf("commands", 3, 1_000) + COMMAND_TIMESTAMP);
        String lastGood = "command " + (2 * COMMANDS_PER_DAY + 1_000);
        assertEveryReaderRefuses(dayFile("commands", 3).getFileName().toString(), "record 1000 ", "fails its checksum", lastGood);
        assertRecoveryRefuses("fails its checksum", lastGood);
    }

    @Test
    void shouldRefuseAChangedByteInTheVeryLastRecord() throws Exception {
        writeDays();
        int last = recordsOf("commands", 3) - 1;
        assertThat(last).isEqualTo(COMMANDS_PER_DAY - 1);
        flipBit(dayFile("commands", 3), headerOf("commands", 3, last) + COMMAND_TIMESTAMP);
        String lastGood = "command " + (DAYS * COMMANDS_PER_DAY - 1);
        assertEveryReaderRefuses(dayFile("commands", 3).getFileName().toString(), "fails its checksum", lastGood);
        assertRecoveryRefuses("fails its checksum", lastGood);
    }

    @Test
    void shouldRefuseAChangedByteInADecisionRecordAndInTheLastOne() throws Exception {
        writeDays();
        String file = dayFile("decisions", 3).getFileName().toString();
        flipBit(dayFile("decisions", 3), headerOf("decisions", 3, 30) + FIRST_DECISION_AGENT);
        assertEveryReaderRefuses(file, "record 30 ", "fails its checksum");
        assertRecoveryRefuses(file, "fails its checksum");
        flipBit(dayFile("decisions", 3), headerOf("decisions", 3, 30) + FIRST_DECISION_AGENT); // repaired
        assertThat(Replayer.replay(folder, null, null, Pace.MAX, null).identical()).isTrue();
        int last = recordsOf("decisions", 3) - 1;
        flipBit(dayFile("decisions", 3), headerOf("decisions", 3, last) + FIRST_DECISION_AGENT);
        assertEveryReaderRefuses(file, "record " + last + " ", "fails its checksum");
        assertRecoveryRefuses(file, "fails its checksum");
    }

    /** Where a record's format byte is: the first after Chronicle's 4-byte header. */
    private static final int FORMAT_BYTE = 4;

    /**
     * A record's format byte changed to any other value (format 1, which has no checksum; a later
     * format; one no Loket writes) is damage with its place, not a record of another format: its
     * checksum holds once the byte reads 2 again.
     */
    @Test
    void shouldRefuseARecordWhoseFormatByteChangedWithItsPlace() throws Exception {
        writeDays();
        long at = headerOf("commands", 3, 1_000) + FORMAT_BYTE;
        String lastGood = "command " + (2 * COMMANDS_PER_DAY + 1_000);
        for (int value : new int[] {0, 1, 3, 7, 0x7f, 0x80, 0xff}) {
            overwrite(dayFile("commands", 3), at, (byte) value, 1);
            assertEveryReaderRefuses(dayFile("commands", 3).getFileName().toString(), "record 1000 ", "bytes ",
                    "its format byte changed", lastGood);
            overwrite(dayFile("commands", 3), at, (byte) JournalCodec.FORMAT_MAJOR, 1);
        }
        overwrite(dayFile("commands", 3), at, (byte) 5, 1);
        assertRecoveryRefuses("record 1000 ", "its format byte changed", lastGood);
        JournalRepair.Plan plan = JournalRepair.plan(folder);
        assertThat(plan.commandDamage()).as("the repair finds it as damage").isNotNull();
        assertThat(plan.lastCommandKept()).isEqualTo(2L * COMMANDS_PER_DAY + 1_000);
    }

    /** The journal's first record read as format 1 would be read unchecked, and wrongly: it is damage too. */
    @Test
    void shouldRefuseTheFirstRecordOfAJournalWhoseFormatByteChangedToOne() throws Exception {
        writeDays();
        overwrite(dayFile("commands", 1), headerOf("commands", 1, 0) + FORMAT_BYTE, (byte) JournalCodec.FORMAT_WITHOUT_CHECKSUM, 1);
        assertEveryReaderRefuses(dayFile("commands", 1).getFileName().toString(), "record 0 ",
                "is of format 1 where its checksum says format 2", "no command");
    }

    /**
     * A power cut's damaged last record whose format byte changed is cut off by the repair like one
     * that fails its checksum.
     */
    @Test
    void shouldRepairAChangedFormatByteInTheLastRecord() throws Exception {
        writeDays();
        int last = recordsOf("commands", 3) - 1;
        overwrite(dayFile("commands", 3), headerOf("commands", 3, last) + FORMAT_BYTE, (byte) 9, 1);
        assertEveryReaderRefuses("its format byte changed", "command " + (DAYS * COMMANDS_PER_DAY - 1));
        JournalRepair.Result repaired = JournalRepair.repair(folder, false,
                java.time.Clock.fixed(java.time.Instant.parse("2026-05-04T10:15:30Z"), ZoneOffset.UTC));
        assertThat(repaired.plan().lastCommandKept()).isEqualTo(DAYS * COMMANDS_PER_DAY - 1L);
        assertThat(Replayer.replay(folder, null, null, Pace.MAX, null).identical()).isTrue();
    }

    /**
     * A day's first record is read unchecked by no one: the readers refuse it with its place, and
     * the journal's retention, which takes where a day ends from the next day's first command, does
     * not take a changed sequence there for the truth (it would delete a day no snapshot covers).
     */
    @Test
    void shouldRefuseADamagedFirstRecordOfADayAndKeepTheDayBeforeIt() throws Exception {
        DaysOfTraffic.write(folder, BenchWorkload.config(40, 4, 4, 7), DAY_1, DAYS, COMMANDS_PER_DAY, day -> false);
        // The only snapshot ends inside day 1, after command 2,744 but before its last (3,000).
        new SnapshotStore(folder.resolve("snapshots")).write(2_800, new byte[] {1, 2, 3});
        // Day 2's first command, 3,001 (0xbb9), would read as 2,745 (0xab9): its sequence's second byte.
        flipBit(dayFile("commands", 2), headerOf("commands", 2, 0) + COMMAND_TIMESTAMP - 8 + 1);
        String lastGood = "command " + COMMANDS_PER_DAY;
        assertEveryReaderRefuses(dayFile("commands", 2).getFileName().toString(), "record 0 ", "fails its checksum", lastGood);
        try (Journal journal = Journal.openExisting(folder)) {
            Journal.DayFile day2 = journal.commandDays().get(1);
            assertThat(day2.firstSequence()).isEqualTo(-1);
            assertThat(day2.damage()).contains("record 0 of ", day2.file().toString(), "fails its checksum");
            JournalRetention.Result result = JournalRetention.apply(journal, 1, DAY_1.plusDays(30));
            assertThat(result.commandDaysDeleted()).as("day 1 ends at command 3000, after the snapshot").isEmpty();
            assertThat(result.heldBack()).contains(DAY_1.toString(), "damaged", day2.file().toString());
        }
        assertThat(dayFile("commands", 1)).exists();
    }

    /**
     * A crash while a record is written leaves it as Chronicle began it, not marked complete: the
     * journal ends before it, as the engine had not yet let anything of it out. The files are copied
     * while the writer is inside the record, which is what a kill -9 leaves on disk.
     */
    @Test
    void shouldTakeATornLastRecordForTheEndAndRecoverBeforeIt(@TempDir Path crashed) throws Exception {
        // No snapshot after the last day, so recovery reads that day up to the torn record.
        DaysOfTraffic.write(folder, BenchWorkload.config(40, 4, 4, 7), DAY_1, DAYS, COMMANDS_PER_DAY, day -> day < DAYS);
        SetTimeProvider time = new SetTimeProvider();
        time.currentTimeMillis(DAY_1.plusDays(DAYS - 1).atTime(20, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
        try (Journal journal = Journal.open(folder, time); Journal.CommandWriter writer = journal.commandWriter()) {
            writer.begin();
            for (int i = 1; i <= 3; i++) {
                Command tick = Commands.tick(DAY_1.plusDays(DAYS - 1).atTime(20, 0).toInstant(ZoneOffset.UTC).toEpochMilli() + i);
                tick.sequence = DAYS * COMMANDS_PER_DAY + i;
                writer.add(tick);
            }
            copy(folder, crashed);
            writer.end();
        }
        assertThat(commandsIn(folder)).as("the record, once ended").isEqualTo(DAYS * COMMANDS_PER_DAY + 3);
        assertThat(commandsIn(crashed)).as("the torn record is the end").isEqualTo(DAYS * COMMANDS_PER_DAY);
        var replay = Replayer.replay(crashed, null, null, Pace.MAX, null);
        assertThat(replay.identical()).isTrue();
        assertThat(replay.commands()).isEqualTo((long) DAYS * COMMANDS_PER_DAY);
        assertThat(JournalKpis.read(crashed, ZoneId.of("UTC"), 5_000).totals().answered()).isPositive();
        Recovery.Result recovered = recover(crashed, new ArrayList<>());
        assertThat(recovered.fromSnapshot()).isEqualTo(2L * COMMANDS_PER_DAY);
        assertThat(recovered.commandsReplayed()).isEqualTo(COMMANDS_PER_DAY);
        assertThat(recovered.nextSequence()).isEqualTo(DAYS * COMMANDS_PER_DAY + 1L);
    }

    private static long commandsIn(Path journalFolder) {
        try (Journal journal = Journal.openExisting(journalFolder); Journal.CommandReader reader = journal.commandReader()) {
            Command command = new Command();
            while (reader.next(command)) {
                // counted by the reader
            }
            return reader.lastSequence();
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
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
        List<String> logged = new ArrayList<>();
        assertThat(recover(folder, logged).fromSnapshot()).isEqualTo(2L * COMMANDS_PER_DAY);
        assertThat(logged).anySatisfy(line -> assertThat(line).contains(newest.toString()).contains("checksum"));
        assertThat(newest).as("left in place").exists();
    }

    /** Starts an engine on a journal folder and closes it: how it recovered, with what recovery logged into {@code logged}. */
    private static Recovery.Result recover(Path journalFolder, List<String> logged) {
        return logging(Recovery.class, logged, () -> {
            try (Journal journal = Journal.open(journalFolder)) {
                Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
                engine.close();
                return engine.recovery();
            }
        });
    }

    /** What {@code action} returns, with what it logged through {@code source}'s logger into {@code logged}. */
    private static <T> T logging(Class<?> source, List<String> logged, Supplier<T> action) {
        Logger logger = (Logger) LoggerFactory.getLogger(source);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            return action.get();
        } finally {
            logger.detachAppender(log);
            log.list.forEach(event -> logged.add(event.getFormattedMessage()));
        }
    }

    /** Dates the snapshots (n * 3000, after day n) as written at 20:00 of their day, as {@code report --day} looks for them. */
    private void writtenAtTheEndOfTheirDays() throws Exception {
        for (Path snapshot : snapshotFiles()) {
            long day = SnapshotStore.sequenceOf(snapshot) / COMMANDS_PER_DAY - 1;
            Files.setLastModifiedTime(snapshot, FileTime.from(DAY_1.plusDays(day).atTime(20, 0).toInstant(ZoneOffset.UTC)));
        }
    }

    /**
     * A reader of a journal whose oldest day the retention deleted starts at the snapshot after it;
     * when that snapshot is unusable, it says so once, with the file and why, and starts at the next.
     */
    @Test
    void shouldSayOnceWhichSnapshotAReaderOfATrimmedJournalSkipped() throws Exception {
        writeDays();
        try (Journal journal = Journal.open(folder)) {
            assertThat(JournalRetention.apply(journal, 1, DAY_1.plusDays(DAYS - 1)).commandDaysDeleted()).containsExactly(DAY_1);
        }
        Path origin = snapshotFiles().getLast();
        assertThat(SnapshotStore.sequenceOf(origin)).isEqualTo(COMMANDS_PER_DAY);
        overwrite(origin, Files.size(origin) / 2, (byte) 'B', 8);
        List<String> said = new ArrayList<>();
        var replay = logging(SnapshotStore.class, said, () -> Replayer.replay(folder, null, null, Pace.MAX, null));
        assertThat(replay.identical()).isTrue();
        assertThat(replay.commands()).as("from the next snapshot, 6000, on").isEqualTo(COMMANDS_PER_DAY);
        logging(SnapshotStore.class, said, () -> JournalKpis.read(folder, ZoneId.of("UTC"), 5_000));
        assertThat(said).as("said once").singleElement().satisfies(line -> assertThat(line)
                .contains(origin.toString(), "checksum mismatch", "left in place", "a newer one is used"));
        assertThat(origin).as("left in place").exists();
    }

    /**
     * A report of one day starts at the newest snapshot written before the day; an unusable one is
     * said once, with the file and why, and the report reads from an older one: the same figures.
     */
    @Test
    void shouldSayOnceWhichSnapshotAReportOfADaySkippedAndGiveTheSameFigures() throws Exception {
        writeDays();
        writtenAtTheEndOfTheirDays();
        LocalDate day3 = DAY_1.plusDays(2);
        KpiReport intact = TodayKpis.ofDay(folder, ZoneOffset.UTC, 5_000, day3);
        Path beforeDay3 = snapshotFiles().get(1);
        assertThat(SnapshotStore.sequenceOf(beforeDay3)).isEqualTo(2L * COMMANDS_PER_DAY);
        flipBit(beforeDay3, 8 + 6); // the header's sequence: 6000 becomes 6256
        writtenAtTheEndOfTheirDays();
        List<String> said = new ArrayList<>();
        KpiReport skipped = logging(SnapshotStore.class, said, () -> TodayKpis.ofDay(folder, ZoneOffset.UTC, 5_000, day3));
        logging(SnapshotStore.class, said, () -> TodayKpis.ofDay(folder, ZoneOffset.UTC, 5_000, day3));
        assertThat(skipped).isEqualTo(intact);
        assertThat(said).as("said once").singleElement().satisfies(line -> assertThat(line)
                .contains(beforeDay3.toString(), "header corrupt", "an older one, or the journal's start, is used"));
    }

    /**
     * A changed bit in the sequence a snapshot's header names (outside its state's CRC) would have
     * recovery apply the journal's last 256 commands a second time on top of it: it is skipped.
     */
    @Test
    void shouldSkipASnapshotWhoseHeaderNamesAnotherCommand() throws Exception {
        writeDays();
        Path newest = snapshotFiles().get(0);
        assertThat(newest.getFileName().toString()).contains(Long.toString(DAYS * COMMANDS_PER_DAY));
        flipBit(newest, 8 + 6); // the sequence's second-lowest byte (big-endian): 9000 becomes 8744
        List<String> logged = new ArrayList<>();
        Recovery.Result recovered = recover(folder, logged);
        assertThat(recovered.fromSnapshot()).isEqualTo(2L * COMMANDS_PER_DAY);
        assertThat(recovered.nextSequence()).isEqualTo(DAYS * COMMANDS_PER_DAY + 1L);
        assertThat(logged).anySatisfy(line -> assertThat(line).contains(newest.toString()).contains("header corrupt"));
        assertThat(newest).as("left in place").exists();
    }
}
