package org.loket.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The performance engineer's commands end to end: trace generate, simulate, report, compare. */
class SimulationCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path folder;
    static Path trace;

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.execute(out, err, args);
        return new Result(exit, out.toString(), err.toString());
    }

    private record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void generate() throws Exception {
        trace = folder.resolve("normal.csv");
        Result r = run("trace", "generate", "--scenario", "normal", "--seed", "42", "--scale", "0.5", "--out", trace.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Path again = folder.resolve("again.csv");
        run("trace", "generate", "--scenario", "normal", "--seed", "42", "--scale", "0.5", "--out", again.toString());
        assertThat(Files.readString(again)).isEqualTo(Files.readString(trace));
        assertThat(Files.readString(trace)).startsWith("arrival_ms,contact_id,channel,topic,");
    }

    @Test
    void simulateShouldPrintTheKpisAsJsonJournalTheDayAndWriteAReport() throws Exception {
        Path journal = folder.resolve("journal");
        Path html = folder.resolve("day.html");
        Result r = run("simulate", "--trace", trace.toString(), "--json", "--journal", journal.toString(), "--report", html.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode day = JSON.readTree(r.out());
        JsonNode totals = day.get("totals");
        for (String field : new String[] {"offered", "answered", "abandoned", "selfServed", "serviceLevel", "asaMs", "ahtMs", "occupancy"}) {
            assertThat(totals.has(field)).as(field).isTrue();
            assertThat(day.get("queues").get(0).has(field)).as("queue " + field).isTrue();
        }
        assertThat(totals.get("offered").asLong()).isGreaterThan(1_000);
        assertThat(totals.get("answered").asLong() + totals.get("abandoned").asLong()).isEqualTo(totals.get("offered").asLong());
        assertThat(totals.get("serviceLevel").asDouble()).isBetween(0.0, 1.0);
        assertThat(totals.get("serviceLevelTarget").asDouble()).as("the default's queues aim at 80 %, e-mail at 95 %").isBetween(0.8, 0.95);
        assertThat(day.get("queues")).filteredOn(q -> q.get("name").asText().equals("digid-email")).singleElement()
                .satisfies(q -> assertThat(q.get("serviceLevelTarget").asDouble()).isEqualTo(0.95));

        Result report = run("report", "--journal", journal.toString(), "--json");
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(JSON.readTree(report.out()).get("totals")).isEqualTo(totals);

        Result replay = run("replay", "--journal", journal.toString(), "--json");
        assertThat(JSON.readTree(replay.out()).get("identical").asBoolean()).isTrue();
        assertThat(JSON.readTree(replay.out()).get("refusedCommands").asLong())
                .isEqualTo(JSON.readTree(replay.out()).get("recordedRefusedCommands").asLong());
        assertThat(run("replay", "--journal", journal.toString()).out()).containsPattern("refused commands +[0-9,]+ \\(recorded [0-9,]+\\)");

        Path recorded = folder.resolve("recorded.csv");
        Path staffing = folder.resolve("staffing.csv");
        Path contacts = folder.resolve("contacts.csv");
        Result extract = run("trace", "extract", "--journal", journal.toString(), "--zone", "Europe/Amsterdam", "--out", recorded.toString(),
                "--staffing-out", staffing.toString(), "--contacts-out", contacts.toString());
        assertThat(extract.exit()).as(extract.err()).isZero();
        // Agents' names and hours, citizens' pseudonyms: their owner's alone, as the daily export's, whatever the umask.
        for (Path personal : List.of(staffing, contacts, html)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(personal)))
                    .as(personal.toString()).isEqualTo("rw-------");
        }
        assertThat(Files.readString(contacts)).startsWith("contact_id,citizen,");
        assertThat(extract.out()).contains("rows of 2027-03-01 (Europe/Amsterdam)", "logins, pauses, readies and logouts");
        assertThat(org.loket.host.trace.TraceCsv.read(recorded)).hasSizeGreaterThan(1_000);
        Result again = run("simulate", "--trace", recorded.toString(), "--staffing", staffing.toString(), "--callback-accept-share", "0", "--json");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(JSON.readTree(again.out()).get("totals").get("offered").asLong()).isEqualTo(totals.get("offered").asLong());
        Path badStaffing = Files.writeString(folder.resolve("bad-staffing.csv"), "at_ms,agent,event,reason\n10,ann,dance,\n");
        Result bad = run("simulate", "--trace", recorded.toString(), "--staffing", badStaffing.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("bad-staffing.csv:2: column event = 'dance': must be login, ready, pause or logout");
        Result empty = run("trace", "extract", "--journal", folder.resolve("no-journal").toString(), "--out", recorded.toString());
        assertThat(empty.exit()).isNotZero();
        // A day the journal does not cover: extract refuses it as report does, and writes no empty trace.
        Path none = folder.resolve("2020-01-01.csv");
        Result otherDay = run("trace", "extract", "--journal", journal.toString(), "--day", "2020-01-01", "--out", none.toString());
        assertThat(otherDay.exit()).isEqualTo(1);
        assertThat(otherDay.err()).contains("holds nothing on 2020-01-01 (Europe/Amsterdam)");
        assertThat(none).doesNotExist();
        assertThat(run("report", "--journal", journal.toString(), "--day", "2020-01-01").exit()).isEqualTo(otherDay.exit());

        String page = Files.readString(html);
        assertThat(page).contains("<canvas id=\"sl\">", "Chart.js v4").doesNotContain("http://", "<script src=");
    }

    /**
     * A trace saved by Excel ("CSV UTF-8": a byte order mark) with a blank line, a row the
     * configuration cannot follow and a redial of that row: the BOM and the blank line are no
     * problem; the errors name the file, and the redial's says what is wrong with the row it redials.
     */
    @Test
    void simulateShouldNameTheTraceFileInEveryProblemOfARowTheConfigurationCannotFollow() throws Exception {
        Path bad = folder.resolve("excel.csv");
        Files.writeString(bad, "\uFEFFarrival_ms,contact_id,channel,topic,self_service_ms,self_served,patience_ms,handle_ms,wrapup_ms,redial_of\n"
                + "1000,a,voice,login-voice,0,false,,1000,0,\n"
                + "\n"
                + "2000,b,voice,no-such-queue,0,false,,1000,0,\n"
                + "3000,c,voice,login-voice,0,false,,1000,0,b\n"
                + "4000,d,voice,login-voice,0,false,,1000,0,zz\n");
        Result r = run("simulate", "--trace", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":4: column topic = 'no-such-queue': ",
                        bad + ":5: column redial_of = 'b': redials the contact of " + bad + ":4, which the configuration cannot follow",
                        bad + ":6: column redial_of = 'zz': no earlier contact has that id")
                .doesNotContain("header", "line 4", "column arrival_ms");
    }

    @Test
    void compareShouldShowTheDifferenceThatMoreEveningAgentsMake() throws Exception {
        Path peak = folder.resolve("peak.csv");
        run("trace", "generate", "--scenario", "peak", "--seed", "1", "--out", peak.toString());
        Path repo = Path.of(System.getProperty("user.dir")).getParent().getParent();
        Result r = run("compare", "--trace", peak.toString(), "--config", repo.resolve("config/default").toString(),
                "--config", repo.resolve("config/examples/evening-plus-15").toString(), "--json",
                "--report", folder.resolve("compare.html").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode both = JSON.readTree(r.out());
        JsonNode a = both.get("a").get("totals");
        JsonNode b = both.get("b").get("totals");
        assertThat(b.get("serviceLevel").asDouble()).isGreaterThan(a.get("serviceLevel").asDouble());
        assertThat(b.get("abandoned").asLong()).isLessThan(a.get("abandoned").asLong());
        assertThat(Files.readString(folder.resolve("compare.html"))).contains("config/examples/evening-plus-15");
    }

    /**
     * The weekly example rosters its weekend shifts on a Saturday only and eight one-off agents on
     * Monday 2027-03-01: a week later its Monday is the default's, its Saturday leaner.
     */
    @Test
    void compareShouldRosterEachConfigurationForTheDaysWeekday() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent().getParent();
        String[] both = {"--config", repo.resolve("config/default").toString(), "--config", repo.resolve("config/examples/weekly-roster").toString()};
        Result monday = run(concat(new String[] {"compare", "--trace", trace.toString(), "--json", "--date", "2027-03-08"}, both));
        assertThat(monday.exit()).as(monday.err()).isZero();
        JsonNode m = JSON.readTree(monday.out());
        assertThat(m.get("b").get("totals")).as("the same weekday shifts").isEqualTo(m.get("a").get("totals"));
        Result taxMonday = run(concat(new String[] {"compare", "--trace", trace.toString(), "--date", "2027-03-01"}, both));
        assertThat(taxMonday.out()).as("the one-off shifts of 2027-03-01")
                .contains("staffing: A 254 agents rostered on Monday 2027-03-01", "B 262 agents rostered on Monday 2027-03-01");

        Result saturday = run(concat(new String[] {"compare", "--trace", trace.toString(), "--date", "2027-03-06"}, both));
        assertThat(saturday.exit()).as(saturday.err()).isZero();
        assertThat(saturday.out()).contains("staffing: A 254 agents rostered on Saturday 2027-03-06", "B 103 agents rostered on Saturday 2027-03-06");
        JsonNode weekly = JSON.readTree(run("erlang", "--trace", trace.toString(), "--date", "2027-03-06", "--json", both[2], both[3]).out());
        JsonNode daily = JSON.readTree(run("erlang", "--trace", trace.toString(), "--date", "2027-03-06", "--json", both[0], both[1]).out());
        assertThat(daily.get("intervals").get(0).get("start").asText()).as("the weekday roster from 08:00").isEqualTo("08:00");
        assertThat(weekly.get("intervals").get(0).get("start").asText()).as("nobody on seat before the weekend opening").isEqualTo("12:00");
        assertThat(weekly.get("voiceAgents").asInt()).isLessThan(daily.get("voiceAgents").asInt());
        Path fullDay = folder.resolve("normal-1.csv"); // its Saturday is short of chat agents at three intervals on this roster
        run("trace", "generate", "--scenario", "normal", "--seed", "1", "--out", fullDay.toString());
        JsonNode staff = JSON.readTree(run("staff", "--trace", fullDay.toString(), "--date", "2027-03-06", "--max-agents", "1", "--json",
                both[2], both[3]).out());
        assertThat(staff.get("added")).hasSize(1);
        assertThat(staff.get("added").get(0).get("shift").asText()).as("a copy of a weekend agent works weekends").endsWith(" weekend");
        // The default roster on that Saturday works its weekday shifts: more than the day needs.
        Result trimmed = run("staff", "--trace", fullDay.toString(), "--date", "2027-03-06", "--trim", "--max-tried", "5");
        assertThat(trimmed.out()).contains("take out 5 agents (5 tried):", "under target after taking out: none");
        assertThat(trimmed.err()).contains("loket staff: took out ");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void erlangShouldSetEachIntervalsNeedAgainstTheRosterWithItsBreaksAndAbsence() throws Exception {
        Path peak = folder.resolve("peak.csv");
        run("trace", "generate", "--scenario", "peak", "--seed", "1", "--out", peak.toString());
        Path repo = Path.of(System.getProperty("user.dir")).getParent().getParent();
        JsonNode plain = erlang(peak, repo.resolve("config/default"), "0");
        JsonNode breaks = erlang(peak, repo.resolve("config/examples/with-breaks"), "0");
        JsonNode absent = erlang(peak, repo.resolve("config/default"), "0.1");
        assertThat(plain.get("voiceAgents").asInt()).isPositive();
        assertThat(plain.get("shortIntervals").asInt()).as("the default's morning run-up, as the simulation shows").isPositive();
        assertThat(onSeat(breaks, "10:30")).isLessThan(onSeat(plain, "10:30"));
        assertThat(onSeat(absent, "10:30")).isLessThan(onSeat(plain, "10:30"));
        assertThat(absent.get("absent").asInt()).isPositive();
        Result text = run("erlang", "--trace", peak.toString());
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("Erlang C, voice", "intervals short");
    }

    @Test
    void reportShouldScoreADaysAdherenceAgainstThePlanItWasRunOn() throws Exception {
        Path peak = folder.resolve("peak.csv");
        run("trace", "generate", "--scenario", "peak", "--seed", "1", "--scale", "0.3", "--out", peak.toString());
        Path repo = Path.of(System.getProperty("user.dir")).getParent().getParent();
        String withBreaks = repo.resolve("config/examples/with-breaks").toString();
        Path journal = folder.resolve("sim-breaks");
        Result sim = run("simulate", "--trace", peak.toString(), "--config", withBreaks, "--journal", journal.toString());
        assertThat(sim.exit()).as(sim.err()).isZero();

        Result own = run("report", "--journal", journal.toString(), "--zone", "Europe/Amsterdam", "--adherence", "--config", withBreaks, "--json");
        assertThat(own.exit()).as(own.err()).isZero();
        double asPlanned = JSON.readTree(own.out()).get("adherence").get("adherence").asDouble();
        assertThat(asPlanned).as("breaks taken late after calls only").isBetween(0.9, 0.9999);
        Result other = run("report", "--journal", journal.toString(), "--adherence", "--json");
        double againstNoBreaks = JSON.readTree(other.out()).get("adherence").get("adherence").asDouble();
        assertThat(againstNoBreaks).as("against a plan without the breaks").isLessThan(asPlanned);
        Result text = run("report", "--journal", journal.toString(), "--adherence", "--config", withBreaks);
        assertThat(text.out()).contains("schedule adherence: ", "254 scheduled agents");

        Result refused = run("report", "--journal", journal.toString(), "--config", withBreaks);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("--config is the plan for --adherence");
    }

    @Test
    void staffShouldListTheAgentsItAddsByGroupAndShift() throws Exception {
        Path peak = folder.resolve("peak.csv");
        run("trace", "generate", "--scenario", "peak", "--seed", "1", "--out", peak.toString());
        Result r = run("staff", "--trace", peak.toString(), "--max-agents", "2", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode staff = JSON.readTree(r.out());
        assertThat(staff.get("underTargetBefore").size()).as("the default roster's morning run-up").isPositive();
        assertThat(staff.get("added").size()).isEqualTo(2);
        assertThat(staff.get("added").get(0).get("name").asText()).contains("-plus-1");
        int byShift = 0;
        for (JsonNode n : staff.get("addedByGroupAndShift")) {
            byShift += n.asInt();
        }
        assertThat(byShift).isEqualTo(2);
        assertThat(r.err()).contains("loket staff: added ");
        Result text = run("staff", "--trace", peak.toString(), "--max-agents", "1");
        assertThat(text.out()).contains("add 1 agent:", "stopped at --max-agents 1");
        Result refused = run("staff", "--trace", peak.toString(), "--staffing", peak.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("Unknown options: '--staffing'");
    }

    private JsonNode erlang(Path trace, Path config, String absence) throws Exception {
        Result r = run("erlang", "--trace", trace.toString(), "--config", config.toString(), "--absence", absence, "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static double onSeat(JsonNode erlang, String start) {
        for (JsonNode interval : erlang.get("intervals")) {
            if (interval.get("start").asText().equals(start)) {
                return interval.get("onSeat").asDouble();
            }
        }
        throw new AssertionError("no interval " + start);
    }

    /** {@code staff} takes the roster's shifts and the queues' own targets: its help offers no option it would refuse. */
    @Test
    void staffShouldOfferNeitherARecordedStaffingNorADrawnTarget() {
        Result staff = run("staff", "--help");
        assertThat(staff.out()).contains("--trace", "--absence", "--ring-seconds").doesNotContain("--staffing", "--sl-target");
        for (String command : new String[] {"simulate", "compare"}) {
            assertThat(run(command, "--help").out()).as(command).contains("--staffing", "--sl-target");
        }
        assertThat(run("report", "--help").out()).contains("--sl-target").doesNotContain("--staffing");
        assertThat(slTargetHelp("report")).as("one option, one text").isEqualTo(slTargetHelp("simulate")).isEqualTo(slTargetHelp("compare"))
                .contains("draw this one service-level target (0..1)");
        Result given = run("staff", "--trace", trace.toString(), "--sl-target", "0.8");
        assertThat(given.exit()).isEqualTo(2);
        assertThat(given.err()).contains("Unknown options: '--sl-target'");
    }

    /** What {@code command --help} says of {@code --sl-target}, up to the next option, in single spaces. */
    private static String slTargetHelp(String command) {
        String help = run(command, "--help").out().replaceAll("\\s+", " ");
        int at = help.lastIndexOf("--sl-target"); // the option's entry, after the synopsis
        int next = help.indexOf(" -", at + 1);
        return help.substring(at, next < 0 ? help.length() : next);
    }

    @Test
    void traceGenerateShouldSayHowFarItScales() {
        Result help = run("trace", "generate", "--help");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--scale", String.format(java.util.Locale.ROOT, "up to %,d contacts a day",
                org.loket.host.trace.TraceGenerator.MAX_CONTACTS));
    }

    @Test
    void shouldRefuseAServiceLevelTargetThatIsNotAShare() {
        Result r = run("report", "--journal", folder.resolve("no-journal").toString(), "--sl-target", "80");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--sl-target", "'80' is not a share from 0 to 1");
        Result absence = run("simulate", "--trace", folder.resolve("no-trace.csv").toString(), "--absence", "10");
        assertThat(absence.exit()).isNotZero();
        assertThat(absence.err()).contains("--absence", "'10' is not a share from 0 to 1");
        Result ring = run("simulate", "--trace", folder.resolve("no-trace.csv").toString(), "--ring-seconds", "-3");
        assertThat(ring.exit()).as("a negative ring time made a negative ASA").isEqualTo(2);
        assertThat(ring.err()).contains("--ring-seconds", "'-3' must be 0 or more");
        Result accepting = run("simulate", "--trace", folder.resolve("no-trace.csv").toString(), "--callback-accept-share", "2");
        assertThat(accepting.exit()).isEqualTo(2);
        assertThat(accepting.err()).contains("--callback-accept-share", "'2' is not a share from 0 to 1");
    }

    @Test
    void simulateShouldRefuseABrokenTraceWithItsLines() throws Exception {
        Path bad = folder.resolve("bad.csv");
        Files.writeString(bad, "arrival_ms,contact_id,channel,topic,self_service_ms,self_served,patience_ms,handle_ms,wrapup_ms\n"
                + "10,a,voice,no-such-queue,0,false,,1000,0\n");
        Result r = run("simulate", "--trace", bad.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains(bad + ":2: column topic = 'no-such-queue'");
    }
}
