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
        int exit = Cli.execute(out, "trace", "generate", "--scenario", "normal", "--seed", "1", "--scale", "0.01", "--out", folder.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).startsWith("error: ").contains(folder.toString()).doesNotContain("\tat ");
    }

    /** A second engine on a journal in use: one line naming the holder, exit 1, nothing written. */
    @Test
    void shouldRefuseASecondEngineOnAJournalInUseInOneLine() {
        Path journal = folder.resolve("journal");
        try (var writing = org.loket.host.journal.Journal.open(journal)) {
            StringWriter out = new StringWriter();
            int exit = Cli.execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0");
            assertThat(exit).isEqualTo(1);
            assertThat(out.toString()).contains("error: journal " + journal + " is in use by another Loket")
                    .contains("Stop that one first to start this one on it; a second Loket beside it (a demo, a test) needs a --journal"
                            + " folder of its own and ports of its own (Loket keeps the audit, sessions, transcripts and outbox per"
                            + " journal, as " + journal.toAbsolutePath() + ".files for this one)").doesNotContain("\tat ");
        }
    }

    /**
     * Every command whose help lists {@code -V, --version} prints what {@code loket --version} does,
     * nested ones ({@code journal repair}) too, and exits 0.
     */
    @Test
    void shouldPrintTheVersionFromEveryCommandThatListsTheOption() {
        String version = Cli.output("--version");
        assertThat(version).startsWith("Loket ").endsWith(System.lineSeparator());
        assertThat(Cli.output("run", "--version")).isEqualTo(version);
        assertThat(Cli.output("journal", "repair", "-V")).isEqualTo(version);
        java.util.List<java.util.List<String>> listing = new java.util.ArrayList<>();
        commandsListingVersion(LoketCli.commandLine(), java.util.List.of(), listing);
        assertThat(listing).as("run, bench, config check, ...").hasSizeGreaterThan(10);
        for (java.util.List<String> command : listing) {
            java.util.List<String> args = new java.util.ArrayList<>(command);
            args.add("--version");
            StringWriter out = new StringWriter();
            assertThat(Cli.execute(out, args.toArray(String[]::new))).as(String.join(" ", args)).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).isEqualTo(version);
        }
    }

    private static void commandsListingVersion(CommandLine command, java.util.List<String> path, java.util.List<java.util.List<String>> found) {
        for (var sub : command.getSubcommands().entrySet()) {
            java.util.List<String> subPath = new java.util.ArrayList<>(path);
            subPath.add(sub.getKey());
            if (sub.getValue().getCommandSpec().findOption("--version") != null) {
                found.add(subPath);
            }
            commandsListingVersion(sub.getValue(), subPath, found);
        }
    }

    /**
     * {@code run} and {@code bench} show every default they set in their help, as picocli renders
     * {@code ${DEFAULT-VALUE}} (each in its command's style, "default: 5" or "default 5"): the
     * value itself, in the option's entry.
     */
    @Test
    void shouldShowTheDefaultsOfRunAndBenchInTheirHelp() {
        for (String command : java.util.List.of("run", "bench")) {
            CommandLine.Model.CommandSpec spec = LoketCli.commandLine().getSubcommands().get(command).getCommandSpec();
            String help = Cli.output(command, "--help").replaceAll("\\s+", " ");
            java.util.TreeSet<Integer> entries = new java.util.TreeSet<>();
            for (CommandLine.Model.OptionSpec option : spec.options()) {
                entries.add(help.lastIndexOf(entry(option))); // after the synopsis
            }
            for (CommandLine.Model.OptionSpec option : spec.options()) {
                if (option.defaultValue() == null || option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                int at = help.lastIndexOf(entry(option));
                Integer next = entries.higher(at);
                assertThat(help.substring(at, next == null ? help.length() : next)).as(command + " " + option.longestName())
                        .containsPattern("default:? " + java.util.regex.Pattern.quote(option.defaultValue()));
            }
        }
    }

    /** How an option's entry in the help starts: {@code --seed=<seed>}, {@code --[no-]pretouch}, {@code --json}. */
    private static String entry(CommandLine.Model.OptionSpec option) {
        String name = option.longestName();
        return option.negatable() ? "--[no-]" + name.substring(2) : option.arity().max() > 0 ? name + "=" : name;
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

    /** Dates and zones are refused in plain words, not with Java's class and exception names. */
    @Test
    void shouldRefuseADateOrZoneSayingWhatIsExpected() {
        String journal = folder.resolve("no-journal").toString();
        assertThat(Cli.output("report", "--journal", journal, "--day", "2027-13-01")).startsWith(
                "error: Invalid value for option '--day': '2027-13-01' is not a date: expected YYYY-MM-DD, e.g. 2027-03-01");
        assertThat(Cli.output("simulate", "--trace", "t.csv", "--date", "1-3-2027")).contains("'1-3-2027' is not a date: expected YYYY-MM-DD");
        assertThat(Cli.output("trace", "extract", "--journal", journal, "--out", "x.csv", "--zone", "Europe/Amsterdm")).startsWith(
                "error: Invalid value for option '--zone': 'Europe/Amsterdm' is not a time zone: expected a region id such as "
                        + "Europe/Amsterdam, Europe/Brussels or UTC");
        assertThat(Cli.output("erlang", "--trace", "t.csv", "--date", "2027-02-30") + Cli.output("simulate", "--trace", "t.csv", "--zone", "CEST+1"))
                .doesNotContain("java.", "Exception");
    }

    @Test
    void shouldNameTheCommandWhoseHelpListsTheOptionsWithOneSpaceBetweenWords() {
        assertThat(Cli.output("--no-such-option")).contains("\n(loket --help lists the options)");
        assertThat(Cli.output("config", "check", "--no-such-option")).contains("\n(loket config check --help lists the options)");
    }

    @Test
    void shouldCountAGeneratedTracesChannelsInWords() {
        assertThat(Cli.output("trace", "generate", "--scenario", "normal", "--seed", "1", "--scale", "0.01", "--out",
                folder.resolve("t.csv").toString())).containsPattern("; by channel: voice [0-9,.]+, chat [0-9,.]+, email [0-9,.]+")
                .doesNotContain("{");
    }
}
