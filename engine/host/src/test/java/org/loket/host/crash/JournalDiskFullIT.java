package org.loket.host.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.bench.CommandTape;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.replay.Pace;
import org.loket.host.replay.ReplayReport;
import org.loket.host.replay.Replayer;

/**
 * A journal's disk runs full, as an operator meets it: a real {@code loket run} in a child JVM under
 * a file-size limit ({@code ulimit -f}; no root needed), on a journal of yesterday's traffic, at the
 * moment it starts today's day file (Chronicle makes it 64 MiB long at once, so at midnight a
 * nearly full disk fails first). Chronicle's extension of the file fails with "File too large" (the
 * JVM ignores SIGXFSZ), the engine halts, and the operator must see: the process ends, non-zero,
 * with one line naming the journal folder and the reason, and no stack trace; a replay meanwhile
 * says what is wrong instead of hanging; the next start without the limit recovers every command
 * journaled before, and every contact.
 */
@Timeout(120)
class JournalDiskFullIT {
    private static final Pattern RECOVERED = Pattern.compile("recovered (\\d+) commands \\(snapshot (\\w+)\\), next sequence (\\d+)");
    private static final Pattern STOPPED = Pattern.compile("live contacts (\\d+), state hash ([0-9a-f]{16})");
    /** 8 MiB: room for the queues' metadata and a snapshot, not for a day file (64 MiB and more). */
    private static final List<String> FILE_SIZE_LIMIT = List.of("bash", "-c", "ulimit -f 8192 && exec \"$@\"", "bash");

    @TempDir
    Path folder;

    @Test
    void shouldHaltWithTheJournalFolderAndRecoverEveryContactWhenTheDiskIsFull() throws Exception {
        Path journal = folder.resolve("journal");
        CommandTape yesterday = journalYesterday(journal);
        Set<Long> arrivedYesterday = arrivals(yesterday);
        assertThat(arrivedYesterday).hasSizeGreaterThan(20);

        EngineProcess full = EngineProcess.start(FILE_SIZE_LIMIT, "run", journal, "--duration-seconds", "60", "--status-seconds", "0",
                "--ignore-hours");
        int exit = full.awaitExit(30);
        String said = full.output();
        assertThat(exit).as(said).isEqualTo(70);
        assertThat(said).contains("engine halted: the journal could not be written to " + journal + " (")
                .contains("disk full? read-only?").contains("File too large").contains("make room and restart")
                .contains("loket: halted after a failure");
        String last = said.substring(said.lastIndexOf('\n') + 1);
        assertThat(last).as("the last line repeats the reason, for who reads only the log's tail")
                .startsWith("loket: halted after a failure: the journal could not be written to " + journal + " (")
                .contains("File too large").endsWith("; restart to recover from the journal");
        assertThat(said).as("the message is the explanation, not a stack trace").doesNotContain("\tat ");

        EngineProcess replay = EngineProcess.start(List.of(), "replay", journal);
        int replayExit = replay.awaitExit(30);
        assertThat(replayExit).as(replay.output()).isEqualTo(1);
        assertThat(replay.output()).contains("holds no record and has no header").contains("the next loket run on this journal removes it");

        EngineProcess restart = EngineProcess.start(journal, "--duration-seconds", "2", "--status-seconds", "0", "--ignore-hours");
        assertThat(restart.awaitExit(60)).as(restart.output()).isZero();
        String restarted = restart.output();
        assertThat(restarted).contains("removed the journal day file");
        Matcher recovered = RECOVERED.matcher(restarted);
        assertThat(recovered.find()).as(restarted).isTrue();
        assertThat(Long.parseLong(recovered.group(3))).as("every command journaled yesterday recovered, no sequence reused")
                .isEqualTo(yesterday.size() + 1L);
        Matcher stopped = STOPPED.matcher(restarted);
        assertThat(stopped.find()).as(restarted).isTrue();

        Accounting accounting = new Accounting();
        ReplayReport report = Replayer.replay(journal, null, null, Pace.MAX, accounting);
        assertThat(report.identical()).as("the decision journal covers every command").isTrue();
        assertThat(report.stateHash()).as("restarted engine = full replay").isEqualTo(stopped.group(2));
        assertThat(accounting.arrived).as("every contact journaled before the disk ran full").containsAll(arrivedYesterday);
        assertThat(accounting.endedTwice).isEmpty();
        assertThat(accounting.endedWithoutArrival).isEmpty();
        assertThat(accounting.live()).as("contacts neither ended nor refused are live in the restarted engine")
                .isEqualTo(Integer.parseInt(stopped.group(1)));
    }

    /** A journal of benchmark traffic on the embedded default configuration, filed in yesterday's day files. */
    private static CommandTape journalYesterday(Path journal) throws Exception {
        CommandTape tape = BenchWorkload.record(ConfigLoader.loadDefault().routing(), 20_000, 7);
        long noon = LocalDate.now(ZoneOffset.UTC).minusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        try (Journal open = Journal.open(journal, new SetTimeProvider(noon))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), open);
            Command command = new Command();
            for (int i = 0; i < tape.size(); i++) {
                tape.read(i, command);
                engine.publishRecorded(command, System.nanoTime());
            }
            engine.awaitQuiet(60_000);
            engine.close();
        }
        try (Stream<Path> days = Files.list(journal.resolve("commands"))) {
            assertThat(days.filter(f -> f.toString().endsWith(".cq4"))).as("yesterday's day file only").hasSize(1);
        }
        return tape;
    }

    private static Set<Long> arrivals(CommandTape tape) {
        Set<Long> arrived = new HashSet<>();
        Command command = new Command();
        for (int i = 0; i < tape.size(); i++) {
            tape.read(i, command);
            if (command.type == CommandType.CONTACT_ARRIVED) {
                arrived.add(command.contactId);
            }
        }
        return arrived;
    }
}
