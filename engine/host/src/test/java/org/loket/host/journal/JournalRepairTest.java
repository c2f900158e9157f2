package org.loket.host.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.command.Command;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.routing.RoutingCore;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.bench.CommandTape;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.replay.Pace;
import org.loket.host.replay.ReplayReport;
import org.loket.host.replay.Replayer;

/**
 * {@code loket journal repair}'s way back: a journal damaged as a power cut leaves it is cut before
 * the damage and recovers to the state after the last command kept; damage before the end takes a
 * deliberate {@code dropAfterDamage}; a journal in use or intact is left as it is.
 */
@Timeout(120)
class JournalRepairTest {
    private static final RoutingConfig CONFIG = BenchWorkload.config(40, 4, 4, 7);
    private static final LocalDate DAY_1 = LocalDate.of(2026, 3, 2);
    private static final int DAYS = 3;
    private static final int COMMANDS_PER_DAY = 3_000;
    /** 2026-05-04T10:15:30 UTC: names the original's folder aside. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-04T10:15:30Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    private Path folder() {
        return root.resolve("journal");
    }

    private Path aside() {
        return root.resolve("journal.damaged-20260504T101530");
    }

    /** The state of a core that applied the first {@code n} commands of a tape (sequences from 1), as an engine stopped after command n. */
    private static long stateAfter(CommandTape tape, long n) {
        RoutingCore core = new RoutingCore(d -> { });
        Command command = new Command();
        for (int i = 0; i < n; i++) {
            tape.read(i, command);
            command.sequence = i + 1;
            core.apply(command);
        }
        return core.stateHash();
    }

    /** Starts an engine on the journal and closes it: its recovery and state hash. */
    private static Recovered start(Path journalFolder) {
        try (Journal journal = Journal.open(journalFolder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            long hash = engine.core().stateHash();
            engine.close();
            return new Recovered(engine.recovery().nextSequence(), engine.recovery().fromSnapshot(), hash);
        }
    }

    private record Recovered(long nextSequence, long fromSnapshot, long stateHash) {
    }

    /**
     * Every file under a folder with its bytes' hash: "nothing changed" is this map unchanged. Not
     * the lock, nor Chronicle's metadata.cq4t, which every reader's open rewrites (replay too).
     */
    private static Map<String, Integer> contents(Path folder) throws Exception {
        Map<String, Integer> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (!name.equals(JournalLock.FILE) && !name.equals("metadata.cq4t")) {
                    files.put(folder.relativize(file).toString(), java.util.Arrays.hashCode(Files.readAllBytes(file)));
                }
            }
        }
        return files;
    }

    @Test
    void shouldCutAPowerCutsLastRecordsAndRecoverToTheStateAfterTheLastCommandKept() throws Exception {
        CommandTape tape = BenchWorkload.record(CONFIG, 6_000, 7);
        try (Journal journal = Journal.open(folder())) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(2_000), journal);
            Command command = new Command();
            for (int i = 0; i < tape.size(); i++) {
                tape.read(i, command);
                engine.publishRecorded(command, System.nanoTime());
            }
            engine.awaitQuiet(60_000);
            engine.close(); // with a snapshot at command 6000, which the repaired journal no longer reaches
        }
        Files.createDirectories(folder().resolve("exports"));
        Files.writeString(folder().resolve("exports/contacts-2026-05-03.csv"), "an operator's export\n");
        Path audit = Files.createDirectories(JournalFiles.folder(folder())).resolve("audit.csv");
        Files.writeString(audit, "beside the journal\n");
        PowerCut.zeroLastRecord(folder().resolve("commands"));
        PowerCut.zeroLastRecord(folder().resolve("decisions"));
        assertThatThrownBy(() -> start(folder())).isInstanceOf(JournalDamageException.class).hasMessageContaining("fails its checksum");
        Map<String, Integer> damaged = contents(folder());

        JournalRepair.Result result = JournalRepair.repair(folder(), false, CLOCK);

        JournalRepair.Plan plan = result.plan();
        assertThat(plan.commandDamage().atEnd()).isTrue();
        long kept = plan.lastCommandKept();
        assertThat(kept).isBetween(5_000L, 5_999L);
        assertThat(result.aside()).isEqualTo(aside());
        assertThat(contents(aside())).as("the original, aside as it was").isEqualTo(damaged);
        assertThat(folder().resolve("exports/contacts-2026-05-03.csv")).hasContent("an operator's export");
        assertThat(audit).as("the journal's files beside it, where they were").hasContent("beside the journal");
        assertThat(plan.snapshotsDropped()).extracting(p -> p.getFileName().toString()).contains("snapshot-00000000000000006000.bin");
        assertThat(folder().resolve("snapshots/snapshot-00000000000000006000.bin")).doesNotExist();

        Recovered recovered = start(folder());
        assertThat(recovered.nextSequence()).isEqualTo(kept + 1);
        assertThat(recovered.fromSnapshot()).isPositive().isLessThanOrEqualTo(kept);
        assertThat(recovered.stateHash()).isEqualTo(stateAfter(tape, kept));
        ReplayReport replay = Replayer.replay(folder(), null, null, Pace.MAX, null);
        assertThat(replay.commands()).isEqualTo(kept);
        assertThat(replay.identical()).isTrue();
    }

    private DaysOfTraffic writeDays() {
        return DaysOfTraffic.write(folder(), CONFIG, DAY_1, DAYS, COMMANDS_PER_DAY, day -> true);
    }

    /** The first content byte of record {@code n} (from 0) of a day file. */
    private long recordOf(String queue, int day, int n) {
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.single(folder().resolve(queue).toFile())
                .rollCycle(RollCycles.FAST_DAILY).readOnly(true).build();
             ExcerptTailer tailer = q.createTailer()) {
            assertThat(tailer.moveToCycle((int) DAY_1.plusDays(day - 1).toEpochDay())).isTrue();
            for (int i = 0; ; i++) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (i == n) {
                        return dc.wire().bytes().readPosition();
                    }
                }
            }
        }
    }

    private Path dayFile(String queue, int day) {
        return folder().resolve(queue).resolve(DAY_1.plusDays(day - 1).toString().replace("-", "") + "F.cq4");
    }

    @Test
    void shouldRefuseDamageBeforeTheEndUnlessToldToDropWhatFollows() throws Exception {
        writeDays();
        JournalDamageTest.flipBit(dayFile("commands", 2), recordOf("commands", 2, 500) + 2 + 1 + 8); // a command's timestamp
        Map<String, Integer> before = contents(folder());

        assertThatThrownBy(() -> JournalRepair.repair(folder(), false, CLOCK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("not what a power cut leaves", "up to command 3500", "the damaged command record in " + dayFile("commands", 2) + " (command 3501, which cannot be read)",
                        "5499 commands after it (3502-9000)",
                        "--drop-after-damage", "Nothing was changed");
        assertThat(contents(folder())).isEqualTo(before);
        assertThat(aside()).doesNotExist();
        assertThat(root.resolve("journal.repairing")).doesNotExist();

        JournalRepair.Plan plan = JournalRepair.repair(folder(), true, CLOCK).plan();
        assertThat(plan.lastCommandKept()).isEqualTo(3_500);
        assertThat(plan.commandsDropped()).isEqualTo(5_499);
        assertThat(plan.snapshotsKept()).extracting(p -> p.getFileName().toString())
                .containsExactly("snapshot-00000000000000003000.bin");
        assertThat(contents(aside())).isEqualTo(before);
        Recovered recovered = start(folder());
        assertThat(recovered.nextSequence()).isEqualTo(3_501);
        assertThat(recovered.fromSnapshot()).isEqualTo(3_000);
        assertThat(recovered.stateHash()).isEqualTo(stateAfter(BenchWorkload.record(CONFIG, DAYS * COMMANDS_PER_DAY, 7), 3_500));
        assertThat(Replayer.replay(folder(), null, null, Pace.MAX, null).identical()).isTrue();
    }

    /**
     * A decision record damaged before the end, commands intact: every command is kept and the
     * decisions after the damage are derived again at start, from a snapshot before the damage.
     */
    @Test
    void shouldKeepEveryCommandWhenOnlyADecisionRecordIsDamagedAndDeriveItsDecisionsAgain() throws Exception {
        writeDays();
        ReplayReport original = Replayer.replay(folder(), null, null, Pace.MAX, null);
        // The first decision's agent in record 30 of day 2.
        JournalDamageTest.flipBit(dayFile("decisions", 2), recordOf("decisions", 2, 30) + 2 + 8 + 4 + 1 + 8 + 8 + 8);
        assertThatThrownBy(() -> JournalRepair.repair(folder(), false, CLOCK))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("derived again");

        JournalRepair.Plan plan = JournalRepair.repair(folder(), true, CLOCK).plan();
        assertThat(plan.lastCommandKept()).isEqualTo(DAYS * COMMANDS_PER_DAY);
        assertThat(plan.decisionsRederived()).isTrue();
        assertThat(plan.lastDecisionKept()).isBetween(3_001L, 6_000L);
        assertThat(plan.snapshotsKept()).extracting(p -> p.getFileName().toString())
                .containsExactly("snapshot-00000000000000003000.bin");
        assertThat(JournalRepair.untilNextRun(plan)).isEqualTo("loket run --journal " + folder() + " derives the decisions of commands "
                + (plan.lastDecisionKept() + 1) + "-" + DAYS * COMMANDS_PER_DAY + " again when it starts; until then loket replay finds"
                + " them missing (identical false, exit 2): start it once before a replay");
        assertThat(Replayer.replay(folder(), null, null, Pace.MAX, null).identical()).as("before loket run: as the repair says").isFalse();
        Recovered recovered = start(folder());
        assertThat(recovered.nextSequence()).isEqualTo(DAYS * COMMANDS_PER_DAY + 1);
        assertThat(recovered.fromSnapshot()).isEqualTo(3_000);
        ReplayReport repaired = Replayer.replay(folder(), null, null, Pace.MAX, null);
        assertThat(repaired.identical()).as("the decisions derived again are those journaled before").isTrue();
        assertThat(repaired.recordedHash()).isEqualTo(original.recordedHash());
    }

    /**
     * A power cut can also leave decisions whose commands never reached the disk: recovery refuses
     * them (commands lost); the repair drops them, and what remains starts.
     */
    @Test
    void shouldDropDecisionsOfCommandsThePowerCutLost() throws Exception {
        writeDays();
        SetTimeProvider time = new SetTimeProvider();
        time.currentTimeMillis(DAY_1.plusDays(DAYS - 1).atTime(20, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
        try (Journal journal = Journal.open(folder(), time); Journal.DecisionWriter writer = journal.decisionWriter()) {
            Decision rejected = new Decision();
            rejected.type = DecisionType.REJECT_COMMAND;
            rejected.causeSequence = DAYS * COMMANDS_PER_DAY + 1;
            writer.append(rejected.causeSequence, new Decision[] {rejected}, 1);
        }
        assertThatThrownBy(() -> start(folder())).isInstanceOf(JournalDamageException.class).hasMessageContaining("were lost");

        JournalRepair.Plan plan = JournalRepair.repair(folder(), false, CLOCK).plan();
        assertThat(plan.commandDamage()).isNull();
        assertThat(plan.decisionGroupsDropped()).isEqualTo(1);
        assertThat(plan.lastCommandKept()).isEqualTo(DAYS * COMMANDS_PER_DAY);
        assertThat(start(folder()).nextSequence()).isEqualTo(DAYS * COMMANDS_PER_DAY + 1);
    }

    @Test
    void shouldRefuseAJournalInUse() throws Exception {
        writeDays();
        PowerCut.zeroLastRecord(folder().resolve("commands"));
        Map<String, Integer> before = contents(folder());
        try (Journal writing = Journal.open(folder())) {
            assertThat(writing.folder()).isEqualTo(folder());
            assertThatThrownBy(() -> JournalRepair.repair(folder(), true, CLOCK))
                    .isInstanceOf(JournalInUseException.class).hasMessageContaining("in use");
        }
        assertThat(contents(folder())).isEqualTo(before);
        assertThat(aside()).doesNotExist();
    }

    @Test
    void shouldFindNothingToRepairInAnIntactJournal() throws Exception {
        writeDays();
        Map<String, Integer> before = contents(folder());
        assertThatThrownBy(() -> JournalRepair.repair(folder(), true, CLOCK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("nothing to repair", "command " + DAYS * COMMANDS_PER_DAY);
        assertThat(contents(folder())).isEqualTo(before);
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("journal"));
        }
    }
}
