package org.loket.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.host.cli.Cli.execute;

import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.decision.DecisionType;
import org.loket.host.gateway.RecordingGatewayProvider;
import org.loket.host.replay.Pace;
import org.loket.host.replay.Replayer;

@Timeout(60)
class RunCommandTest {
    @TempDir
    Path folder;

    /**
     * The start line's admin address is one a browser or curl takes: an IPv6 literal in brackets,
     * and an address bound to every interface (admin.bind=0.0.0.0, which the JDK's server reports
     * as ::) as localhost, which reaches it from this machine, saying that every other address does too.
     */
    @Test
    void shouldWriteTheAdminAddressAsAUrlThatWorks() throws Exception {
        java.net.InetAddress v6Any = java.net.InetAddress.getByName("::");
        java.net.InetAddress v4Any = java.net.InetAddress.getByName("0.0.0.0");
        assertThat(RunCommand.adminAddress("http", new java.net.InetSocketAddress(v6Any, 8181)))
                .isEqualTo("http://localhost:8181/api/v1/ and every other address of this machine");
        assertThat(RunCommand.adminAddress("http", new java.net.InetSocketAddress(v4Any, 8181)))
                .isEqualTo("http://localhost:8181/api/v1/ and every other address of this machine");
        assertThat(RunCommand.adminAddress("https", new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 8443)))
                .isEqualTo("https://[0:0:0:0:0:0:0:1]:8443/api/v1/");
        assertThat(RunCommand.adminAddress("http", new java.net.InetSocketAddress(java.net.InetAddress.getByName("fe80::1%1"), 8181)))
                .as("a zone id's % escaped, as RFC 6874 asks").isEqualTo("http://[fe80:0:0:0:0:0:0:1%251]:8181/api/v1/");
        assertThat(RunCommand.adminAddress("http", new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 8181)))
                .isEqualTo("http://127.0.0.1:8181/api/v1/");
        assertThat(RunCommand.adminAddress("http", java.net.InetSocketAddress.createUnresolved("admin.example", 8181)))
                .isEqualTo("http://admin.example:8181/api/v1/");
    }

    @Test
    void shouldStartTheGatewaysOnTheClassPathAndDeliverTheirDecisions() {
        Path journal = folder.resolve("journal");
        StringWriter out = new StringWriter();
        int exit = execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "2", "--status-seconds", "0",
                "--ignore-hours", "--set", "recording-gateway=on"); // the test's chat contact must find its queue open at any hour
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("gateway recording started").contains("applying configuration embedded default");
        assertThat(RecordingGatewayProvider.RECEIVED).as("decisions delivered to the gateway")
                .anySatisfy(d -> {
                    assertThat(d.type).isEqualTo(DecisionType.OFFER_CONTACT);
                    assertThat(d.contactId).isEqualTo(42);
                });
        assertThat(RecordingGatewayProvider.started).as("closed at shutdown").isFalse();
        assertThat(Replayer.replay(journal, null, null, Pace.MAX, null).identical()).isTrue();
    }

    /**
     * The synthetic demo started again on its journal logs in only the agents the core has logged
     * out: the first run's logins recovered, none refused (it used to send all 254 again, each a
     * counted refusal).
     */
    @Test
    void shouldNotLogInAgainTheAgentsASyntheticRunLeftLoggedIn() throws Exception {
        Path journal = folder.resolve("journal-synthetic");
        for (int run = 0; run < 2; run++) {
            StringWriter out = new StringWriter();
            int exit = execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "2", "--status-seconds", "0",
                    "--synthetic-rate", "20");
            assertThat(exit).as(out.toString()).isZero();
        }
        var replay = Replayer.replay(journal, null, null, Pace.MAX, null);
        assertThat(replay.identical()).isTrue();
        assertThat(replay.refusedCommands()).as("refused commands (the logins were)").isZero();
    }

    @Test
    void shouldTakeSettingsFromAnOwnerOnlyFileWithTheCommandLineOnTopAndWarnOfSecretsOnTheCommandLine() throws Exception {
        Path settings = folder.resolve("loket.settings");
        java.nio.file.Files.writeString(settings, "# the recording gateway's switch and a secret\nrecording-gateway=off\nchat.webhook-token=hook-secret\n");
        java.nio.file.Files.setPosixFilePermissions(settings, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        StringWriter out = new StringWriter();
        int exit = execute(out, "run", "--journal", folder.resolve("j-settings").toString(), "--duration-seconds", "1",
                "--status-seconds", "0", "--settings", settings.toString());
        assertThat(exit).as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("--settings " + settings + " holds secrets (chat.webhook-token) and others may read it: chmod 600");

        java.nio.file.Files.setPosixFilePermissions(settings, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        out = new StringWriter();
        exit = execute(out, "run", "--journal", folder.resolve("j-settings").toString(), "--duration-seconds", "2",
                "--status-seconds", "0", "--ignore-hours", "--settings", settings.toString(), "--set", "recording-gateway=on",
                "--set", "chat.supervisor-token=on-the-command-line");
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).as("--set wins over the file").contains("gateway recording started")
                .contains("warning: --set chat.supervisor-token shows its secret to every user of this machine (ps)")
                .doesNotContain("on-the-command-line").doesNotContain("hook-secret").doesNotContain("webhook-token shows");
    }

    /** Numbers out of range, an unknown wait strategy, a switch that is neither true nor false: refused before the journal opens. */
    @Test
    void shouldRefuseOptionsOutOfRangeBeforeAnythingStarts() {
        String[][] cases = {
                {"--audit-retention-days", "-1", "--audit-retention-days -1: give 0 or more (0 keeps everything)"},
                {"--export-retention-days", "-1", "--export-retention-days -1: give 0 or more (0 keeps everything)"},
                {"--duration-seconds", "-5", "--duration-seconds -5: give 0 or more (0 runs until stopped)"},
                {"--tick-ms", "0", "--tick-ms 0: give 1 or more"},
                {"--snapshot-every", "-1", "--snapshot-every -1: give 0 or more"},
                {"--synthetic-rate", "-1", "--synthetic-rate -1.0: contacts per second, 0 or more"},
                {"--wait-strategy", "fast", "--wait-strategy: unknown wait strategy 'fast'"},
                {"--set", "config.watch=yes", "config.watch='yes': true or false"},
                {"--snapshot-every", "0", "--snapshot-every 0 takes no snapshots, but the journal's retention (--journal-retention-days 400)"},
        };
        for (String[] c : cases) {
            StringWriter out = new StringWriter();
            int exit = execute(out, "run", "--journal", folder.resolve("j-range").toString(),
                    "--status-seconds", "0", c[0], c[1]);
            assertThat(exit).as(out.toString()).isEqualTo(2);
            assertThat(out.toString()).contains(c[2]);
            assertThat(folder.resolve("j-range")).as("nothing started for " + c[0] + " " + c[1]).doesNotExist();
        }
    }

    /** A bad gateway or admin setting stops the start before a configuration is journaled (it would be in force at the next start). */
    @Test
    void shouldRefuseBadSettingsBeforeTheConfigurationIsJournaled() {
        StringWriter out = new StringWriter();
        int exit = execute(out, "run", "--journal", folder.resolve("j-bad").toString(), "--duration-seconds", "1",
                "--status-seconds", "0", "--set", "recording-gateway=explode");
        assertThat(exit).as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("gateway settings: recording-gateway='explode'").doesNotContain("applying configuration");
        assertThat(folder.resolve("j-bad")).doesNotExist();
        out = new StringWriter();
        exit = execute(out, "run", "--journal", folder.resolve("j-bad").toString(), "--duration-seconds", "1",
                "--status-seconds", "0", "--set", "admin.bind=127.0.0.1:99999");
        assertThat(exit).as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("admin API: admin.bind must be host:port with a port of 0-65535, not '127.0.0.1:99999'");
        assertThat(folder.resolve("j-bad")).doesNotExist();
    }

    /**
     * An admin address in use refuses the start before the configuration and the hours are journaled:
     * the journal stays as it was, so the next start is not held to a configuration this one never ran.
     */
    @Test
    void shouldRefuseABusyAdminPortWithNothingJournaled() throws Exception {
        Path token = folder.resolve("admin-token");
        java.nio.file.Files.writeString(token, "an-admin-token-for-tests\n");
        java.nio.file.Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path journal = folder.resolve("j-busy");
        try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            StringWriter out = new StringWriter();
            int exit = execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0",
                    "--set", "admin.bind=127.0.0.1:" + busy.getLocalPort(), "--set", "admin.tokenFile=" + token);
            assertThat(exit).as(out.toString()).isEqualTo(2);
            assertThat(out.toString()).contains("admin API: admin.bind 127.0.0.1:" + busy.getLocalPort() + ": ")
                    .contains("(another Loket, or another program, listens there). Nothing was journaled")
                    .doesNotContain("applying configuration");
        }
        assertThat(commandsIn(journal)).as("commands journaled by the refused start").isZero();
        StringWriter again = new StringWriter();
        assertThat(execute(again, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0",
                "--set", "admin.bind=127.0.0.1:0", "--set", "admin.tokenFile=" + token)).as(again.toString()).isZero();
        assertThat(again.toString()).contains("applying configuration embedded default").contains("loket: admin API on http://127.0.0.1:");
    }

    /**
     * A simulated day's journal (dated 2099) is far ahead of the host's clock: a start on it is refused,
     * journaling nothing; with --allow-journal-ahead the run goes on from the journal's time, so its
     * commands follow the day's, and the day still reads whole in a report (its day file and the stop's
     * snapshot go by the engine's clock, not the host's).
     */
    @Test
    void shouldRefuseAJournalFarAheadOfTheClockAndGoOnFromItsTimeWhenAllowed() throws Exception {
        Path trace = folder.resolve("trace.csv");
        Path journal = folder.resolve("j-ahead");
        StringWriter out = new StringWriter();
        assertThat(execute(out, "trace", "generate", "--scenario", "normal", "--seed", "1", "--scale", "0.02", "--out", trace.toString()))
                .as(out.toString()).isZero();
        assertThat(execute(out, "simulate", "--trace", trace.toString(), "--journal", journal.toString(), "--date", "2099-03-02",
                "--no-progress")).as(out.toString()).isZero();
        long simulated = commandsIn(journal);
        int contacts = contactsOn(journal, "2099-03-02");
        assertThat(contacts).isPositive();

        out = new StringWriter();
        assertThat(execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0"))
                .as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("journal " + journal + " ends at 2099-03-0").contains(" after this host's clock (")
                .contains("start with --allow-journal-ahead").doesNotContain("applying configuration");
        assertThat(commandsIn(journal)).as("the refused start journaled nothing").isEqualTo(simulated);

        out = new StringWriter();
        assertThat(execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0",
                "--ignore-hours", "--allow-journal-ahead")).as(out.toString()).isZero();
        assertThat(out.toString()).contains("loket: warning: this host's clock is ").contains(" behind the journal's last command (2099-03-0");
        long previous = Long.MIN_VALUE;
        long count = 0;
        try (var reader = org.loket.host.journal.Journal.openExisting(journal); var commands = reader.commandReader()) {
            for (var c = new org.loket.core.command.Command(); commands.next(c); count++) {
                assertThat(c.timestampNs).as("command %d stamped before the one before it", c.sequence).isGreaterThanOrEqualTo(previous);
                previous = c.timestampNs;
            }
        }
        assertThat(count).as("the run's own commands (its hours)").isGreaterThan(simulated);
        assertThat(contactsOn(journal, "2099-03-02")).as("the simulated day reads whole after the run").isEqualTo(contacts);
    }

    /** The contacts {@code loket report --day} finds on a day. */
    private static int contactsOn(Path journal, String day) throws Exception {
        StringWriter report = new StringWriter();
        assertThat(execute(report, "report", "--journal", journal.toString(), "--day", day, "--json")).as(report.toString()).isZero();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toString()).path("contacts").asInt();
    }

    /**
     * The first start after the upgrade moves what an older Loket kept in the journal's parent (shared by
     * every journal there) into the journal's own folder of files; beside another journal it cannot tell
     * whose they are and refuses, journaling nothing.
     */
    @Test
    void shouldMoveTheFilesAnOlderLoketKeptBesideTheJournalIntoItsOwnFolder() throws Exception {
        Path journal = folder.resolve("journal");
        java.nio.file.Files.writeString(folder.resolve("audit.csv"), "time,via,actor,action,target,detail\nan earlier line\n");
        StringWriter out = new StringWriter();
        assertThat(execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0"))
                .as(out.toString()).isZero();
        assertThat(out.toString()).contains("loket: moved " + folder.resolve("audit.csv") + " to " + folder.resolve("journal.files/audit.csv")
                + " (files are kept per journal now)");
        assertThat(folder.resolve("journal.files/audit.csv")).content().contains("an earlier line");
        assertThat(folder.resolve("audit.csv")).doesNotExist();

        java.nio.file.Files.writeString(folder.resolve("audit.csv"), "written by an older Loket on another journal\n");
        Path second = folder.resolve("second");
        out = new StringWriter();
        assertThat(execute(out, "run", "--journal", second.toString(), "--duration-seconds", "1", "--status-seconds", "0"))
                .as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("holds files an older Loket kept there for every journal in it (audit.csv), and other journals"
                + " than " + second + " (" + journal + "): whose they are cannot be told");
        assertThat(commandsIn(second)).isZero();
        assertThat(folder.resolve("audit.csv")).exists();
    }

    static long commandsIn(Path journal) {
        long count = 0;
        try (var reader = org.loket.host.journal.Journal.openExisting(journal); var commands = reader.commandReader()) {
            for (var c = new org.loket.core.command.Command(); commands.next(c); ) {
                count++;
            }
        }
        return count;
    }

    @Test
    void shouldRefuseASettingNobodyReadsNamingTheNearestOne() {
        StringWriter out = new StringWriter();
        int exit = execute(out, "run", "--journal", folder.resolve("j-typo").toString(), "--duration-seconds", "1",
                "--status-seconds", "0", "--set", "admin.tokenfile=/etc/loket/admin-token");
        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).contains("error: unknown setting 'admin.tokenfile' (did you mean admin.tokenFile?); the admin.* settings are"
                + " admin.bind, admin.configRoot, admin.monitoringTokenFile, admin.operatorsFile, admin.tls.keystore, admin.tls.keystore-password, admin.tokenFile")
                .contains("loket run --help lists the options")
                .as("the message, not the whole usage").doesNotContain("--synthetic-rate");
        assertThat(folder.resolve("j-typo")).as("nothing started").doesNotExist();
        out = new StringWriter();
        execute(out, "run", "--journal", folder.resolve("j-typo").toString(), "--duration-seconds", "1", "--set", "chatport=8080");
        assertThat(out.toString()).contains("unknown setting 'chatport'; the settings start with [admin., chat., config., loket., recording-gateway]");
    }

    @Test
    void shouldNotStartAGatewayThatDeclines() {
        StringWriter out = new StringWriter();
        int exit = execute(out, "run", "--journal", folder.resolve("j2").toString(), "--duration-seconds", "1",
                "--status-seconds", "0");
        assertThat(exit).isZero();
        assertThat(out.toString()).doesNotContain("gateway recording started");
    }

    @Test
    void shouldExportYesterdayAtStartWhenAskedTo() throws Exception {
        StringWriter out = new StringWriter();
        Path export = folder.resolve("export");
        int exit = execute(out, "run", "--journal", folder.resolve("j-export").toString(), "--duration-seconds", "2",
                "--status-seconds", "0", "--export-folder", export.toString());
        assertThat(exit).as(out.toString()).isZero();
        // Yesterday in the configuration's zone, as the export's clock sees it now (01:00 or later) or the day before.
        java.time.LocalDateTime now = java.time.LocalDateTime.now(java.time.ZoneId.of("Europe/Amsterdam"));
        java.time.LocalDate due = now.toLocalDate().minusDays(now.getHour() >= 1 ? 1 : 2);
        assertThat(out.toString()).contains("exported contacts-" + due + ".csv, kpis-" + due + ".json");
        assertThat(export.resolve("contacts-" + due + ".csv")).exists();
        assertThat(export.resolve("kpis-" + due + ".json")).exists();
    }

    @Test
    void shouldRefuseAnInvalidConfigurationNamingFileLineAndField() throws Exception {
        Path config = java.nio.file.Files.createDirectories(folder.resolve("config"));
        java.nio.file.Files.writeString(config.resolve("routing.yaml"), "skills: [a]\nqueues:\n  - {name: q, channel: fax, skill: a}\n");
        StringWriter out = new StringWriter();
        int exit = execute(out, "config", "check", config.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("routing.yaml:3").contains("queues[0].channel").contains("'fax'");
        StringWriter runOut = new StringWriter();
        assertThat(execute(runOut, "run", "--config", config.toString(), "--journal", folder.resolve("j3").toString(),
                "--duration-seconds", "1")).isNotZero();
        assertThat(runOut.toString()).contains("routing.yaml:3");
    }

    @Test
    void shouldJournalTheHoursStateOfEveryQueueAtStart() {
        Path journal = folder.resolve("j4");
        StringWriter out = new StringWriter();
        assertThat(execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0"))
                .as(out.toString()).isZero();
        assertThat(out.toString()).containsPattern("business hours \\(Europe/Amsterdam\\): \\d+ of 12 queues open now");
        java.util.List<org.loket.core.command.Command> hours = new java.util.ArrayList<>();
        try (var reader = org.loket.host.journal.Journal.openExisting(journal); var commands = reader.commandReader()) {
            for (var c = new org.loket.core.command.Command(); commands.next(c); c = new org.loket.core.command.Command()) {
                if (c.type == org.loket.core.command.CommandType.QUEUE_HOURS_SET) {
                    hours.add(c);
                }
            }
        }
        assertThat(hours).extracting(c -> c.queueId).as("one per queue, in order").startsWith(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

        StringWriter ignoring = new StringWriter();
        assertThat(execute(ignoring, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0",
                "--ignore-hours")).isZero();
        assertThat(ignoring.toString()).contains("business hours ignored (--ignore-hours): every queue open");
    }

    @Test
    void shouldApplyAChangedConfigurationFolderWhenWatchingIt() throws Exception {
        Path config = java.nio.file.Files.createDirectories(folder.resolve("watched"));
        String yaml = """
                version: %d
                skills: [s]
                queues: [{name: q, channel: voice, skill: s, priority: %d}]
                agents: [{name: ann, skills: {s: 3}}]
                entries: [{name: phone, queue: q}]
                """;
        java.nio.file.Files.writeString(config.resolve("routing.yaml"), yaml.formatted(1, 0));
        Path journal = folder.resolve("j5");
        StringWriter out = new StringWriter();
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> execute(out, "run", "--config", config.toString(),
                "--journal", journal.toString(), "--duration-seconds", "6", "--status-seconds", "0", "--set", "config.watch=true"));
        awaitOutput(out, "loket: watching " + config);
        java.nio.file.Files.writeString(config.resolve("routing.yaml"), yaml.formatted(2, 5));
        awaitOutput(out, "loket: config watch: applied configuration " + config + " (version 2), was version 1");
        assertThat(run.get(30, java.util.concurrent.TimeUnit.SECONDS)).as(out.toString()).isZero();

        java.util.List<Long> versions = new java.util.ArrayList<>();
        try (var reader = org.loket.host.journal.Journal.openExisting(journal); var decisions = reader.decisionReader()) {
            while (decisions.next()) {
                for (int i = 0; i < decisions.count(); i++) {
                    if (decisions.decision(i).type == DecisionType.CONFIGURATION_APPLIED) {
                        versions.add(decisions.decision(i).score);
                    }
                }
            }
        }
        assertThat(versions).as("journaled: the version at start, then the watched change").containsExactly(1L, 2L);

        // A restart with the folder as it was before the change would undo it: refused, as a live reload would be.
        Path old = java.nio.file.Files.createDirectories(folder.resolve("old"));
        java.nio.file.Files.writeString(old.resolve("routing.yaml"), yaml.formatted(1, 0));
        StringWriter restart = new StringWriter();
        assertThat(execute(restart, "run", "--config", old.toString(), "--journal", journal.toString(), "--duration-seconds", "1",
                "--status-seconds", "0")).isEqualTo(2);
        assertThat(restart.toString()).contains("configuration " + old + " has version 1, but the journal has version 2 in force")
                .contains("raise its 'version:' above 2").doesNotContain("applying configuration");
        restart = new StringWriter();
        assertThat(execute(restart, "run", "--config", config.toString(), "--journal", journal.toString(), "--duration-seconds", "1",
                "--status-seconds", "0")).as(restart.toString()).isZero();
        assertThat(restart.toString()).as("version 2 is in force already").doesNotContain("applying configuration");
    }

    @Test
    void shouldRefuseToWatchTheEmbeddedDefault() {
        StringWriter out = new StringWriter();
        assertThat(execute(out, "run", "--journal", folder.resolve("j6").toString(), "--watch-config")).isNotZero();
        assertThat(out.toString()).contains("--watch-config (config.watch) needs --config DIR");
    }

    private static void awaitOutput(StringWriter out, String part) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!out.toString().contains(part) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(out.toString()).contains(part);
    }
}
