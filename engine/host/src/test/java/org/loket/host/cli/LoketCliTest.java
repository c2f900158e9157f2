package org.loket.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoketCliTest {
    @TempDir
    Path folder;

    /** What the user's machine caused is an error line with its cause, not a stack trace. */
    @Test
    void shouldSayWhatWentWrongWithAFileWithoutAStackTrace() {
        StringWriter out = new StringWriter();
        CommandLine cli = LoketCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute("trace", "generate", "--scenario", "normal", "--seed", "1", "--scale", "0.01", "--out", folder.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).startsWith("error: ").contains(folder.toString()).doesNotContain("\tat ");
    }

    /** A second engine on a journal in use: one line naming the holder, exit 1, nothing written. */
    @Test
    void shouldRefuseASecondEngineOnAJournalInUseInOneLine() {
        Path journal = folder.resolve("journal");
        try (var writing = org.loket.host.journal.Journal.open(journal)) {
            StringWriter out = new StringWriter();
            CommandLine cli = LoketCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(out, true));
            int exit = cli.execute("run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0");
            assertThat(exit).isEqualTo(1);
            assertThat(out.toString()).contains("error: journal " + journal + " is in use by another Loket").doesNotContain("\tat ");
        }
    }

    /** A bug keeps its stack trace, and still returns its exit code (main exits even with the engine's threads up). */
    @Test
    void shouldPrintABugsStackTraceAndReturnItsExitCode() {
        StringWriter out = new StringWriter();
        CommandLine cli = LoketCli.commandLine();
        cli.setErr(new PrintWriter(out, true));
        assertThat(LoketCli.failure(new NullPointerException("a bug"), cli, null)).isEqualTo(1);
        assertThat(out.toString()).startsWith("error: a bug").contains("java.lang.NullPointerException: a bug").contains("\tat ");
    }

    @Test
    void shouldNameEveryCauseOnce() {
        var cause = new java.nio.file.FileSystemException("/var/lib/loket/journal", null, "Read-only file system");
        var e = new java.io.UncheckedIOException("journal folder /var/lib/loket/journal cannot be created owner-only", cause);
        assertThat(LoketCli.messages(e)).isEqualTo("journal folder /var/lib/loket/journal cannot be created owner-only: "
                + "/var/lib/loket/journal: Read-only file system");
        assertThat(LoketCli.messages(new IllegalStateException("x", new IllegalStateException("x")))).isEqualTo("x");
    }
}
