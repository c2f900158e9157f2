package org.loket.host.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.host.audit.OperatorAudit;

/** The files Loket keeps for a journal are its own, in the folder named after it, and an older Loket's shared ones move in once. */
class JournalFilesTest {
    private static final List<String> KEPT = List.of("audit.csv", "audit-*.csv", "transcripts", "webhook-outbox.jsonl");

    @TempDir
    Path parent;

    @Test
    void shouldKeepEachJournalsFilesInAFolderNamedAfterIt() {
        assertThat(JournalFiles.folder(Path.of("/srv/var/live"))).isEqualTo(Path.of("/srv/var/live.files"));
        assertThat(JournalFiles.folder(Path.of("/srv/var/live/"))).isEqualTo(Path.of("/srv/var/live.files"));
        assertThat(JournalFiles.folder(Path.of("/srv/var/./chatj"))).isEqualTo(Path.of("/srv/var/chatj.files"));
        assertThat(OperatorAudit.besideJournal(Path.of("/srv/var/live"), 0).file())
                .isNotEqualTo(OperatorAudit.besideJournal(Path.of("/srv/var/chatj"), 0).file())
                .isEqualTo(Path.of("/srv/var/live.files/audit.csv"));
    }

    @Test
    void shouldMoveWhatAnOlderLoketKeptInTheParentIntoTheJournalsFolderOnce() throws Exception {
        Path journal = parent.resolve("journal");
        Files.writeString(parent.resolve("audit.csv"), "time,via\nan old line\n");
        Files.writeString(parent.resolve("audit-2026-10.csv"), "october\n");
        Files.createDirectories(parent.resolve("transcripts")).resolve("20261124F.cq4").toFile().createNewFile();
        Files.writeString(parent.resolve("notes.txt"), "the operator's\n");
        Files.createDirectories(parent.resolve("journal.damaged-20261125T101010").resolve("commands")); // its repair's: not another journal

        List<String> moved = JournalFiles.adoptShared(journal, KEPT);

        Path files = parent.resolve("journal.files");
        assertThat(moved).containsExactly("moved " + parent.resolve("audit-2026-10.csv") + " to " + files.resolve("audit-2026-10.csv"),
                "moved " + parent.resolve("audit.csv") + " to " + files.resolve("audit.csv"),
                "moved " + parent.resolve("transcripts") + " to " + files.resolve("transcripts"));
        assertThat(files.resolve("audit.csv")).hasContent("time,via\nan old line");
        assertThat(files.resolve("transcripts/20261124F.cq4")).exists();
        assertThat(parent.resolve("notes.txt")).as("not one of Loket's").exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files))).isEqualTo("rwx------");
        assertThat(JournalFiles.adoptShared(journal, KEPT)).as("the second start").isEmpty();
    }

    @Test
    void shouldLeaveWhatTheJournalsFolderHoldsAlready() throws Exception {
        Path journal = parent.resolve("journal");
        Files.writeString(Files.createDirectories(JournalFiles.folder(journal)).resolve("audit.csv"), "this journal's\n");
        Files.writeString(parent.resolve("audit.csv"), "left by an older Loket after the upgrade\n");
        assertThat(JournalFiles.adoptShared(journal, KEPT)).isEmpty();
        assertThat(JournalFiles.of(journal, "audit.csv")).hasContent("this journal's");
        assertThat(parent.resolve("audit.csv")).exists();
    }

    @Test
    void shouldRefuseToGuessWhoseTheSharedFilesAreBesideOtherJournals() throws Exception {
        Path journal = parent.resolve("chatj");
        Files.createDirectories(parent.resolve("live").resolve("commands"));
        Files.writeString(parent.resolve("webhook-outbox.jsonl"), "a message waiting\n");
        assertThatThrownBy(() -> JournalFiles.adoptShared(journal, KEPT)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(parent + " holds files an older Loket kept there for every journal in it (webhook-outbox.jsonl),"
                        + " and other journals than " + journal + " (" + parent.resolve("live") + "): whose they are cannot be told")
                .hasMessageContaining("mv " + parent.resolve("webhook-outbox.jsonl") + " JOURNAL.files/")
                .hasMessageEndingWith("Nothing was started");
        assertThat(parent.resolve("webhook-outbox.jsonl")).as("left where it was").hasContent("a message waiting");
    }
}
