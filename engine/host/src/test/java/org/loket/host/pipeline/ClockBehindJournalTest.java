package org.loket.host.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.journal.Journal;

/**
 * A host clock behind the journal's last command (an NTP step back, a restored VM, a journal from
 * elsewhere) does not stamp new commands before old ones: the engine's clock starts from the
 * journal's time, and files them in that day's file. Beyond the settings' limit the start is refused.
 */
@Timeout(60)
class ClockBehindJournalTest {
    private static final EngineSettings RUN = EngineSettings.defaults().withPretouch(false).withSnapshotEvery(0)
            .withMaxJournalAheadMs(EngineSettings.JOURNAL_AHEAD_LIMIT_MS);

    @TempDir
    Path folder;

    @Test
    void shouldStampNewCommandsFromTheJournalsEndWhenTheHostsClockIsBehindIt() throws Exception {
        long aheadNs = TimeUnit.MINUTES.toNanos(10);
        long lastNs = journalEndingAhead(aheadNs);
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(RUN, journal);
            try {
                assertThat(engine.clockBehindJournalNs()).isBetween(aheadNs - TimeUnit.MINUTES.toNanos(1), aheadNs);
                assertThat(engine.clockWarning()).startsWith("this host's clock is 9 min").contains("behind the journal's last command ("
                        + Instant.ofEpochSecond(0, lastNs).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
                assertThat(engine.nowNs()).isGreaterThanOrEqualTo(lastNs);
                assertThat(engine.publishTick()).isTrue();
                engine.awaitQuiet(5_000);
            } finally {
                engine.close();
            }
        }
        List<Command> commands = commands();
        assertThat(commands).hasSize(2);
        assertThat(commands.get(1).timestampNs).as("the new command, stamped at or after the journal's last").isGreaterThanOrEqualTo(lastNs);
    }

    @Test
    void shouldFileANewCommandInTheDayOfItsStampWhileAheadOfTheHostsClock() throws Exception {
        long lastNs = journalEndingAhead(TimeUnit.DAYS.toNanos(3));
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withPretouch(false).withSnapshotEvery(0), journal); // no limit
            try {
                assertThat(engine.publishTick()).isTrue();
                engine.awaitQuiet(5_000);
            } finally {
                engine.close();
            }
        }
        LocalDate stampDay = LocalDate.ofInstant(Instant.ofEpochSecond(0, commands().get(1).timestampNs), ZoneOffset.UTC);
        assertThat(stampDay).isAfterOrEqualTo(LocalDate.ofInstant(Instant.ofEpochSecond(0, lastNs), ZoneOffset.UTC));
        assertThat(folder.resolve("commands").resolve(stampDay.format(DateTimeFormatter.BASIC_ISO_DATE) + "F.cq4"))
                .as("the day file of the new command's stamp, not of the host's clock").exists();
    }

    @Test
    void shouldRefuseAJournalFurtherAheadThanTheLimitBeforeJournalingAnything() throws Exception {
        journalEndingAhead(TimeUnit.HOURS.toNanos(2));
        try (Journal journal = Journal.open(folder)) {
            assertThatThrownBy(() -> Engine.start(RUN, journal)).isInstanceOf(JournalAheadException.class)
                    .hasMessageContaining("journal " + folder + " ends at ").hasMessageContaining("(its last command), 1 h 59 min after this"
                            + " host's clock (").hasMessageEndingWith("Nothing was started");
        }
        assertThat(commands()).as("nothing journaled").hasSize(1);
        try (var files = Files.list(folder.resolve("commands"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".cq4")).count()).as("no day file added").isEqualTo(1);
        }
    }

    /** A journal of one command stamped {@code aheadNs} after now (as a previous process whose clock was ahead left it). */
    private long journalEndingAhead(long aheadNs) throws Exception {
        long stampNs = System.currentTimeMillis() * 1_000_000L + aheadNs;
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withPretouch(false).withSnapshotEvery(0), journal);
            try {
                Command tick = new Command();
                tick.type = CommandType.TICK;
                tick.timestampNs = stampNs;
                engine.publishRecorded(tick, System.nanoTime());
                engine.awaitQuiet(5_000);
            } finally {
                engine.close();
            }
        }
        return stampNs;
    }

    private List<Command> commands() {
        List<Command> all = new ArrayList<>();
        try (Journal journal = Journal.openExisting(folder); Journal.CommandReader reader = journal.commandReader()) {
            for (Command c = new Command(); reader.next(c); c = new Command()) {
                all.add(c);
            }
        }
        return all;
    }
}
