package org.loket.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.host.journal.PowerCut;
import org.loket.host.replay.Pace;
import org.loket.host.replay.Replayer;

/** The morning after a power cut, on the command line: the error names the repair, the repair gets {@code loket run} going. */
@Timeout(60)
class JournalCommandTest {
    @TempDir
    Path folder;

    private int run(StringWriter out, Path journal) {
        return Cli.execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "1",
                "--status-seconds", "0", "--synthetic-rate", "200");
    }

    @Test
    void shouldNameTheRepairInTheErrorAndStartAgainAfterIt() throws Exception {
        Path journal = folder.resolve("journal");
        StringWriter first = new StringWriter();
        assertThat(run(first, journal)).as(first.toString()).isZero();
        PowerCut.zeroLastRecord(journal.resolve("commands"));

        StringWriter refused = new StringWriter();
        assertThat(run(refused, journal)).isEqualTo(1);
        Matcher hint = Pattern.compile("fails its checksum.*: run `loket journal repair --journal " + Pattern.quote(journal.toString())
                + "` to keep the journal up to command (\\d+) \\(the original is kept aside\\)\\n").matcher(refused.toString());
        assertThat(hint.find()).as(refused.toString()).isTrue();
        assertThat(refused.toString()).as("one way back, not a fresh journal first").contains("refuse it too: run `loket journal repair")
                .doesNotContain("start with another --journal folder");
        String kept = hint.group(1);
        StringWriter replay = new StringWriter();
        assertThat(Cli.execute(replay, "replay", "--journal", journal.toString())).isEqualTo(1);
        assertThat(replay.toString()).contains("to keep the journal up to command " + kept + " (the original is kept aside)");

        StringWriter repair = new StringWriter();
        assertThat(Cli.execute(repair, "journal", "repair", "--journal", journal.toString())).as(repair.toString()).isZero();
        assertThat(repair.toString())
                .contains("repaired " + journal + ": ")
                .contains("kept: commands up to " + kept + ", ")
                .contains("dropped: the damaged command record in " + journal.resolve("commands"))
                .contains("the original is kept as " + journal + ".damaged-")
                .as("one of a kind in the singular, and no range of one").doesNotContainPattern("\\b1 (commands|decision groups|snapshots)\\b")
                .doesNotContainPattern("commands (\\d+)-\\1\\b");
        try (Stream<Path> beside = Files.list(folder)) {
            assertThat(beside.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith("journal.damaged-"));
        }
        assertThat(Replayer.replay(journal, null, null, Pace.MAX, null).commands()).isEqualTo(Long.parseLong(kept));

        StringWriter again = new StringWriter();
        assertThat(run(again, journal)).as(again.toString()).isZero();
        StringWriter nothing = new StringWriter();
        assertThat(Cli.execute(nothing, "journal", "repair", "--journal", journal.toString())).isEqualTo(1);
        assertThat(nothing.toString()).startsWith("error: nothing to repair: " + journal);
    }

    @Test
    void shouldRefuseAJournalInUseInOneLine() throws Exception {
        Path journal = folder.resolve("journal");
        try (var writing = org.loket.host.journal.Journal.open(journal)) {
            StringWriter out = new StringWriter();
            assertThat(Cli.execute(out, "journal", "repair", "--journal", journal.toString())).isEqualTo(1);
            assertThat(out.toString()).startsWith("error: journal " + journal + " is in use by another Loket")
                    .contains("): a repair works on a journal no engine writes: stop that one first, then run the repair again."
                            + " Nothing was changed").as("no advice for a run").doesNotContain("--journal folder").doesNotContain("\tat ");
        }
    }
}
