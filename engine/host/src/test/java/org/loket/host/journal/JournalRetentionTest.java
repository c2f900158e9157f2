package org.loket.host.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.command.Command;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.routing.RoutingCore;
import org.loket.core.state.ByteArrayState;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.bench.CommandTape;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.KpiReport;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.replay.Pace;
import org.loket.host.replay.ReplayReport;
import org.loket.host.replay.Replayer;
import org.loket.host.snapshot.SnapshotStore;

/**
 * The journal's retention on a journal of five days (Chronicle day files written through a set
 * clock), a snapshot at the end of each of the first days: what goes, what stays, and that recovery,
 * replay and the KPI reader still work from the journal's new start.
 */
class JournalRetentionTest {
    private static final LocalDate DAY_1 = LocalDate.of(2026, 3, 2);
    private static final int DAYS = 5;
    private static final int COMMANDS_PER_DAY = 4_000;

    @TempDir
    Path folder;

    private final RoutingConfig config = BenchWorkload.config(40, 4, 4, 7);
    /** The core that applied the whole journal, for comparison. */
    private RoutingCore fullCore;
    /** Per day, the sequence of its last command. */
    private final List<Long> lastOfDay = new ArrayList<>();

    /** Writes five days of traffic; a snapshot after each day in {@code snapshotAfterDays} (1-based). */
    private void writeDays(int... snapshotAfterDays) {
        DaysOfTraffic written = DaysOfTraffic.write(folder, config, DAY_1, DAYS, COMMANDS_PER_DAY, day -> contains(snapshotAfterDays, day));
        fullCore = written.core();
        lastOfDay.addAll(written.lastOfDay());
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    private static LocalDate day(int n) {
        return DAY_1.plusDays(n - 1);
    }

    @Test
    void shouldDeleteTheDaysPastTheRetentionAndStartReadersAtTheSnapshotAfterThem() throws Exception {
        writeDays(1, 2, 3, 4);
        JournalRetention.Result result;
        try (Journal journal = Journal.open(folder)) {
            assertThat(journal.commandDays()).extracting(Journal.DayFile::day).containsExactly(day(1), day(2), day(3), day(4), day(5));
            // Today is day 5 and days are kept 2 days after they ended: days 1 and 2 are due.
            result = JournalRetention.apply(journal, 2, day(5));
            assertThat(journal.commandDays()).extracting(Journal.DayFile::day).containsExactly(day(3), day(4), day(5));
            assertThat(journal.commandDays().get(0).firstSequence()).isEqualTo(lastOfDay.get(1) + 1);
            assertThat(journal.decisionDays()).extracting(Journal.DayFile::day).containsExactly(day(3), day(4), day(5));
        }
        assertThat(result.commandDaysDeleted()).containsExactly(day(1), day(2));
        assertThat(result.decisionDaysDeleted()).isEqualTo(2);
        assertThat(result.heldBack()).isNull();
        // The snapshot after day 1 describes a deleted day; the one after day 2 is the journal's origin.
        assertThat(result.snapshotsDeleted()).isEqualTo(1);
        assertThat(new SnapshotStore(folder.resolve("snapshots")).files()).hasSize(3);

        // Replay starts at the origin, makes the recorded decisions of the days kept and ends in the same state.
        ReplayReport replay = Replayer.replay(folder, null, null, Pace.MAX, null);
        assertThat(replay.identical()).isTrue();
        assertThat(replay.commands()).isEqualTo(3L * COMMANDS_PER_DAY);
        assertThat(replay.decisions()).isPositive();
        assertThat(replay.stateHash()).isEqualTo(String.format("%016x", fullCore.stateHash()));

        // A what-if starts at the origin with its configuration as a reload, or says why it cannot.
        ReplayReport whatIf = Replayer.replay(folder, RoutingConfigCodec.encode(config), "same", Pace.MAX, null);
        assertThat(whatIf.identical()).isNull();
        assertThat(whatIf.commands()).isEqualTo(3L * COMMANDS_PER_DAY);
        byte[] fewerAgents = RoutingConfigCodec.encode(BenchWorkload.config(10, 4, 4, 7));
        assertThatThrownBy(() -> Replayer.replay(folder, fewerAgents, "fewer agents", Pace.MAX, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fewer agents cannot take over what is in flight");

        // Recovery of an engine from the trimmed journal rebuilds the same state.
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                assertThat(engine.query(RoutingCore::stateHash).get()).isEqualTo(fullCore.stateHash());
            } finally {
                engine.close();
            }
        }

        // The KPI reader learns the configuration in force from the origin and counts the days kept.
        KpiReport kpis = JournalKpis.read(folder, ZoneId.of("UTC"), 5_000);
        assertThat(kpis.queues()).hasSize(4);
        assertThat(kpis.totals().answered()).isPositive();
    }

    @Test
    void shouldLetAnEngineWithARetentionDeleteTheDaysPastItAndRecoverTheSameState() throws Exception {
        writeDays(1, 2, 3, 4);
        // The journal's days are in March 2026; today is later: every day but the newest is past 2 days.
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withJournalRetentionDays(2), journal);
            try {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (journal.commandDays().size() > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(journal.commandDays()).extracting(Journal.DayFile::day).containsExactly(day(5));
                assertThat(engine.query(RoutingCore::stateHash).get()).isEqualTo(fullCore.stateHash());
            } finally {
                engine.close();
            }
        }
        // The query journaled a tick of today: replay and a restart both include it.
        ReplayReport replay = Replayer.replay(folder, null, null, Pace.MAX, null);
        assertThat(replay.identical()).isTrue();
        try (Journal journal = Journal.open(folder)) {
            Engine restarted = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                assertThat(String.format("%016x", restarted.query(RoutingCore::stateHash).get())).isEqualTo(replay.stateHash());
            } finally {
                restarted.close();
            }
        }
    }

    @Test
    void shouldTakeASnapshotOfTheStateAtTheEndOfEachDay() throws Exception {
        RoutingConfig config = BenchWorkload.config(40, 4, 4, 7);
        CommandTape tape = BenchWorkload.record(config, 3_000, 7);
        Command command = new Command();
        long midnightNs = day(2).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() * 1_000_000L;
        tape.read(tape.size() / 2, command);
        long shiftNs = midnightNs - command.timestampNs; // the tape's middle command falls at midnight
        int beforeMidnight = 0;
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults(), journal); // a snapshot every 1,000,000 commands
            for (int i = 0; i < tape.size(); i++) {
                tape.read(i, command);
                command.timestampNs += shiftNs;
                beforeMidnight += command.timestampNs < midnightNs ? 1 : 0;
                engine.publishRecorded(command, System.nanoTime());
            }
            engine.awaitQuiet(30_000);
            engine.close();
        }
        List<Path> snapshots = new SnapshotStore(folder.resolve("snapshots")).files();
        assertThat(beforeMidnight).isBetween(1, tape.size() - 1);
        // The day's snapshot (the last command before midnight) and the one written at close.
        assertThat(snapshots).extracting(p -> p.getFileName().toString())
                .containsExactly(String.format("snapshot-%020d.bin", tape.size()), String.format("snapshot-%020d.bin", beforeMidnight));
    }

    @Test
    void shouldRecoverFromTheNewestSnapshotReadingOnlyTheDaysFromIt() throws Exception {
        // A day before the journal's days holds a record this Loket cannot read: a reader that starts
        // at the journal's start fails on it; recovery from the snapshot after day 4 never reads it.
        SetTimeProvider time = new SetTimeProvider();
        time.currentTimeMillis(DAY_1.minusDays(1).atTime(8, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
        UnreadableRecords.append(folder.resolve("commands"), time);
        writeDays(4);
        assertThatThrownBy(() -> Replayer.replay(folder, null, null, Pace.MAX, null)).isInstanceOf(JournalCodec.FormatException.class);
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                assertThat(engine.recovery().fromSnapshot()).isEqualTo(lastOfDay.get(3));
                assertThat(engine.recovery().commandsReplayed()).isEqualTo(COMMANDS_PER_DAY);
                assertThat(engine.query(RoutingCore::stateHash).get()).isEqualTo(fullCore.stateHash());
            } finally {
                engine.close();
            }
        }
    }

    @Test
    void shouldDeleteASnapshotAheadOfTheJournalAndRecoverFromAnOlderOne() throws Exception {
        writeDays(4);
        // A crash after the core ran past the journal writer: a snapshot of commands the journal never got.
        long ahead = lastOfDay.get(DAYS - 1) + 10;
        ByteArrayState state = new ByteArrayState();
        fullCore.writeState(state);
        SnapshotStore snapshots = new SnapshotStore(folder.resolve("snapshots"));
        snapshots.write(ahead, state.toByteArray());
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                assertThat(engine.recovery().fromSnapshot()).isEqualTo(lastOfDay.get(3));
                assertThat(engine.query(RoutingCore::stateHash).get()).isEqualTo(fullCore.stateHash());
            } finally {
                engine.close();
            }
        }
        assertThat(snapshots.files()).extracting(p -> p.getFileName().toString())
                .as("the next commands reuse its sequences: it must not look usable later")
                .doesNotContain(String.format("snapshot-%020d.bin", ahead));
    }

    @Test
    void shouldKeepADayPastItsTimeWhileNoSnapshotFollowsIt() {
        writeDays(1);
        try (Journal journal = Journal.open(folder)) {
            JournalRetention.Result result = JournalRetention.apply(journal, 1, day(5));
            assertThat(result.commandDaysDeleted()).containsExactly(day(1));
            assertThat(result.heldBack()).contains(day(2).toString()).contains("no snapshot");
            assertThat(journal.commandDays()).extracting(Journal.DayFile::day).containsExactly(day(2), day(3), day(4), day(5));
        }
        assertThat(Replayer.replay(folder, null, null, Pace.MAX, null).identical()).isTrue();
    }

    @Test
    void shouldKeepEveryDayWithinTheRetention() {
        writeDays(1, 2, 3, 4);
        try (Journal journal = Journal.open(folder)) {
            JournalRetention.Result result = JournalRetention.apply(journal, 4, day(5));
            assertThat(result.commandDaysDeleted()).isEmpty();
            assertThat(journal.commandDays()).hasSize(DAYS);
        }
        assertThat(new SnapshotStore(folder.resolve("snapshots")).files()).hasSize(4);
    }

    @Test
    void shouldRefuseToRecoverATrimmedJournalWhoseSnapshotsAreGone() throws Exception {
        writeDays(1, 2, 3, 4);
        try (Journal journal = Journal.open(folder)) {
            JournalRetention.apply(journal, 2, day(5));
        }
        for (Path snapshot : new SnapshotStore(folder.resolve("snapshots")).files()) {
            Files.delete(snapshot);
        }
        try (Journal journal = Journal.open(folder)) {
            assertThatThrownBy(() -> Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal))
                    .isInstanceOf(JournalDamageException.class)
                    .hasMessageContaining("starts at command " + (lastOfDay.get(1) + 1))
                    .hasMessageContaining("cannot be rebuilt");
        }
        assertThatThrownBy(() -> Replayer.replay(folder, null, null, Pace.MAX, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no intact snapshot");
    }
}
