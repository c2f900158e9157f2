package org.loket.host.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.host.journal.Journal;
import org.loket.host.kpi.Figures;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.KpiReport;
import org.loket.host.replay.Pace;
import org.loket.host.replay.ReplayReport;
import org.loket.host.replay.Replayer;
import org.loket.host.trace.TraceContact;
import org.loket.host.trace.TraceException;

/** One agent, one queue behind a two-level menu, seven citizens whose fate is worked out by hand. */
public class DaySimulatorTest {
    private static final long H = 3_600_000;
    private static final long M = 60_000;
    private static final long S = 1_000;
    private static final DaySimulator.Settings SETTINGS = new DaySimulator.Settings(LocalDate.of(2027, 3, 1), ZoneOffset.UTC, 3_000, 5_000);

    private final LoadedConfig config = config();

    /** One agent, one voice queue behind a language choice and a menu with an information leaf. */
    public static LoadedConfig config() {
        return config("");
    }

    /** {@link #config()} with more sections (a prompt "closed" is there for hours). */
    static LoadedConfig config(String more) {
        try {
            return ConfigLoader.parse(Map.of("routing.yaml", yaml() + more), "test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The YAML of {@link #config()}: one queue q, agent ann, a language menu, a menu, an information leaf. */
    public static String yaml() {
        return """
                    languages: [nl, en]
                    skills: [s]
                    prompts: {welcome: {nl: w, en: w}, menu: {nl: m, en: m}, info: {nl: i, en: i}, hold: {nl: h, en: h}, closed: {nl: c, en: c}}
                    queues: [{name: q, channel: voice, skill: s, wrapUpSeconds: 60, serviceLevelSeconds: 20}]
                    agents: [{name: ann, skills: {s: 5}, shifts: [{start: "08:00", end: "09:00"}]}]
                    flows:
                      - {name: welcome, kind: language, prompt: welcome, fallbackQueue: q, options: {"1": {next: menu, language: nl}, "2": {next: menu, language: en}}}
                      - {name: menu, kind: menu, prompt: menu, fallbackQueue: q, options: {"1": info, "2": to-q}}
                      - {name: info, kind: info, prompt: info}
                      - {name: to-q, kind: queue, prompt: hold, queue: q}
                    entries: [{name: phone, flow: welcome}]
                    """;
    }

    /** Every row spends 10 s in the two menus (5 s per choice), then waits and talks as its columns say. */
    public static List<TraceContact> trace() {
        return List.of(
                row(8 * H + 10 * M, "c1", true, -1, 0, 0, null),           // helped by the information leaf
                row(8 * H + 20 * M, "c2", false, -1, 60 * S, 10 * S, null),  // answered after 3 s of ringing
                row(8 * H + 20 * M + 30 * S, "c3", false, 20 * S, 60 * S, 10 * S, null), // ann is busy: gives up after 20 s
                row(8 * H + 40 * M, "c4", false, -1, 60 * S, 10 * S, "c3"), // redials, answered
                row(8 * H + 45 * M, "c5", false, -1, 60 * S, 10 * S, "c2"), // would redial c2, but c2 was answered
                row(8 * H + 50 * M, "c6", false, -1, 30 * M, 10 * S, null),  // runs past ann's shift: she leaves after it
                row(8 * H + 55 * M, "c8", false, -1, 60 * S, 10 * S, "c5"),  // would redial c5, which never happened
                row(9 * H + 30 * M, "c7", false, -1, 60 * S, 0, null));      // nobody left to answer: open at the end
    }

    static TraceContact row(long arrivalMs, String id, boolean selfServed, long patienceMs, long handleMs, long wrapUpMs,
                                    String redialOf) {
        return new TraceContact(0, arrivalMs, id, Channel.VOICE, "q", -1, "nl", 10 * S, selfServed, patienceMs, handleMs, wrapUpMs,
                redialOf, -1);
    }

    @Test
    void shouldGiveEveryCitizenTheFateWorkedOutByHand() throws Exception {
        DaySimulator.Result result = new DaySimulator(config, SETTINGS).run(trace(), null, null);

        assertThat(result.arrived()).isEqualTo(6);
        assertThat(result.redialsSkipped()).as("c5 and c8").isEqualTo(2);
        KpiReport kpis = result.kpis();
        assertThat(kpis.openAtEnd()).as("c7").isEqualTo(1);
        Figures total = kpis.totals();
        assertThat(total.offered()).as("c2, c3, c4, c6").isEqualTo(4);
        assertThat(total.answered()).isEqualTo(3);
        assertThat(total.abandoned()).isEqualTo(1);
        assertThat(total.shortAbandoned()).isZero();
        assertThat(total.selfServed()).isEqualTo(1);
        assertThat(total.enteredSelfService()).isEqualTo(5);
        assertThat(total.serviceLevel()).as("3 answered within 20 s of 4").isEqualTo(0.75);
        assertThat(total.asaMs()).as("3 s of ringing each").isEqualTo(3_000.0);
        assertThat(total.ahtMs()).as("(70 + 70 + 1810 s) / 3").isEqualTo(650_000.0);
        assertThat(total.longestWaitMs()).as("c3 waited 20 s").isEqualTo(20_000);
        // ann: staffed 08:00-09:00 and then while finishing c6 until 09:20:23; held 70 + 70 + 1810 s.
        assertThat(total.occupancy()).isCloseTo(1950.0 / 4823.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(kpis.queue("q").selfServed()).as("the information leaf sits under q's menu").isEqualTo(1);
        // Every simulated citizen is known (c7 is still open: not counted); c4 is c3 again, after an abandon. Nobody helped came back.
        assertThat(total.repeats()).isEqualTo(new Figures.Repeats(5, 1, 1, 3, 0, 1.0));

        KpiReport.Interval at0815 = kpis.intervals().stream().filter(i -> i.start().equals("2027-03-01T08:15")).findFirst().orElseThrow();
        assertThat(at0815.figures().offered()).as("c2 and c3 joined q in 08:15-08:30").isEqualTo(2);
        assertThat(at0815.maxQueueLength()).isEqualTo(1);
    }

    /**
     * ann's shift plans a 15-minute break from 08:30. Free then, she is away 08:30-08:45; on a call
     * then, she finishes it and takes the whole break after it.
     */
    @Test
    void shouldPauseAgentsForTheirPlannedBreaksAfterTheContactTheyHold() throws Exception {
        LoadedConfig withBreak = withBreak("");
        assertThat(withBreak.plans().get(0).breaks()).hasSize(1);

        // Free at 08:30: c1 joins q at 08:31:10 and is answered when the break ends, 08:45:00 (+3 s ringing).
        List<TraceContact> free = List.of(row(8 * H + 31 * M, "c1", false, -1, 60 * S, 0, null));
        assertThat(new DaySimulator(config, SETTINGS).run(free, null, null).kpis().totals().longestWaitMs())
                .as("without the break").isEqualTo(3_000);
        assertThat(new DaySimulator(withBreak, SETTINGS).run(free, null, null).kpis().totals().longestWaitMs())
                .isEqualTo(13 * M + 50 * S + 3_000);

        // On a call at 08:30: c1 talks 08:25:13-08:35:13 and wraps up until 08:35:23; the break runs
        // to 08:50:23, so c2 (in q from 08:40:10) waits 10 min 13 s plus the ringing.
        List<TraceContact> busy = List.of(
                row(8 * H + 25 * M, "c1", false, -1, 10 * M, 10 * S, null),
                row(8 * H + 40 * M, "c2", false, -1, 60 * S, 0, null));
        assertThat(new DaySimulator(config, SETTINGS).run(busy, null, null).kpis().totals().longestWaitMs())
                .as("without the break").isEqualTo(3_000);
        DaySimulator.Result result = new DaySimulator(withBreak, SETTINGS).run(busy, null, null);
        assertThat(result.kpis().totals().answered()).isEqualTo(2);
        assertThat(result.kpis().totals().longestWaitMs()).isEqualTo(10 * M + 13 * S + 3_000);
    }

    /**
     * With 10 % absence, a tenth of each shift's agents (rounded) never logs in, and the same names in
     * two configurations with the same agents; the rest of the roster works as planned.
     */
    @Test
    void shouldKeepAShareOfEachShiftHomeTheSameAgentsInEveryConfiguration() throws Exception {
        LoadedConfig roster = ConfigLoader.loadDefault();
        Path repo = Path.of(System.getProperty("user.dir")).getParent().getParent();
        LoadedConfig withBreaks = ConfigLoader.load(repo.resolve("config/examples/with-breaks"));
        List<TraceContact> day = new org.loket.host.trace.TraceGenerator(org.loket.host.trace.TrafficParams.shipped())
                .generate("peak", 5, 1.0);
        DaySimulator.Settings d = DaySimulator.Settings.defaults();
        DaySimulator.Settings absent = new DaySimulator.Settings(d.date(), d.zone(), d.ringMs(), d.shortAbandonMs(),
                d.callbackAcceptShare(), 7, 0.1);

        DaySimulator.Result all = new DaySimulator(roster, d).run(day, null, null);
        DaySimulator.Result fewer = new DaySimulator(roster, absent).run(day, null, null);
        DaySimulator.Result fewerWithBreaks = new DaySimulator(withBreaks, absent).run(day, null, null);

        Map<org.loket.config.Shift, Long> perShift = roster.plans().stream().map(org.loket.config.AgentPlan::shift)
                .collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()));
        long expectedAbsent = perShift.values().stream().mapToLong(n -> Math.round(n * 0.1)).sum();
        List<String> home = neverLoggedIn(roster, fewer);
        assertThat(neverLoggedIn(roster, all)).isEmpty();
        assertThat(home).hasSize((int) expectedAbsent);
        assertThat(fewer.staffing()).isEqualTo("254 agents rostered on Monday 2027-03-01, " + expectedAbsent + " absent (10 % of each shift)");
        for (var shift : perShift.entrySet()) {
            long shiftHome = home.stream().filter(name -> roster.plans().get(agentId(roster, name)).shift().equals(shift.getKey())).count();
            assertThat(shiftHome).as("absent of shift %s", shift.getKey()).isEqualTo(Math.round(shift.getValue() * 0.1));
        }
        assertThat(neverLoggedIn(roster, fewerWithBreaks)).as("the same agents in the other configuration").isEqualTo(home);
        assertThat(fewer.kpis().totals().serviceLevel()).isLessThan(all.kpis().totals().serviceLevel());
        assertThat(fewerWithBreaks.kpis().totals().serviceLevel()).isLessThan(fewer.kpis().totals().serviceLevel());
        assertThat(fewerWithBreaks.kpis().agents()).as("breaks are pauses with their reason")
                .anySatisfy(a -> assertThat(a.pausedMs()).containsKey("break"));
    }

    /**
     * ann works weekdays 08:00-09:00, bob weekends at the same hours: on Monday 1 March ann answers,
     * on Saturday 6 March bob, and on a holiday nobody is rostered (the contact waits, open at the end).
     */
    @Test
    void shouldRosterEachShiftOnItsDaysOnly() throws Exception {
        String yaml = yaml().replace("agents: [{name: ann, skills: {s: 5}, shifts: [{start: \"08:00\", end: \"09:00\"}]}]",
                "agents: [{name: ann, skills: {s: 5}, shifts: [{start: \"08:00\", end: \"09:00\", days: weekdays}]},"
                        + " {name: bob, skills: {s: 5}, shifts: [{start: \"08:00\", end: \"09:00\", days: weekend}]}]");
        LoadedConfig weekly = ConfigLoader.parse(Map.of("routing.yaml", yaml + "hours: {weekdays: \"00:00-24:00\", weekend: \"00:00-24:00\","
                + " closedPrompt: closed, holidays: [\"2027-03-02\"]}\n"), "test");
        List<TraceContact> one = List.of(row(8 * H + 10 * M, "c1", false, -1, 60 * S, 0, null));
        for (var day : Map.of(LocalDate.of(2027, 3, 1), "ann", LocalDate.of(2027, 3, 6), "bob").entrySet()) {
            DaySimulator.Settings on = new DaySimulator.Settings(day.getKey(), ZoneOffset.UTC, 3_000, 5_000);
            DaySimulator.Result result = new DaySimulator(weekly, on).run(one, null, null);
            assertThat(result.kpis().totals().answered()).as("on %s", day.getKey()).isEqualTo(1);
            assertThat(result.kpis().agents()).as("on %s", day.getKey()).extracting(KpiReport.AgentFigures::name).containsExactly(day.getValue());
            assertThat(result.staffing()).startsWith("1 agents rostered on " + (day.getValue().equals("ann") ? "Monday" : "Saturday") + " " + day.getKey());
        }
        DaySimulator.Result holiday = new DaySimulator(weekly, new DaySimulator.Settings(LocalDate.of(2027, 3, 2), ZoneOffset.UTC, 3_000, 5_000))
                .run(one, null, null);
        assertThat(holiday.kpis().agents()).isEmpty();
        assertThat(holiday.staffing()).startsWith("0 agents rostered on Tuesday 2027-03-02");
    }

    /** Roster names the day's per-agent report lacks: it lists every agent present at some time. */
    private static List<String> neverLoggedIn(LoadedConfig roster, DaySimulator.Result result) {
        java.util.Set<String> present = new java.util.HashSet<>();
        result.kpis().agents().stream().filter(a -> a.loggedInMs() > 0).forEach(a -> present.add(a.name()));
        return roster.routing().agents().stream().map(a -> a.name()).filter(name -> !present.contains(name)).sorted().toList();
    }

    private static int agentId(LoadedConfig config, String name) {
        for (int a = 0; a < config.routing().agents().size(); a++) {
            if (config.routing().agents().get(a).name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** {@link #config()} with a 15-minute break for ann from 08:30, and {@code more} sections. */
    private static LoadedConfig withBreak(String more) throws Exception {
        String yaml = yaml().replace("end: \"09:00\"}", "end: \"09:00\", breaks: [{minutes: 15, earliest: \"08:30\"}]}");
        return ConfigLoader.parse(Map.of("routing.yaml", yaml + more), "test");
    }

    /** The break is a journaled pause with the configuration's code for its reason, and the day replays. */
    @Test
    void shouldJournalABreakAsAPauseWithItsReasonThatReplays(@TempDir Path folder) throws Exception {
        LoadedConfig withBreak = withBreak("pauseReasons: [lunch, break]\n");
        DaySimulator.Result result;
        try (Journal journal = Journal.open(folder)) {
            result = new DaySimulator(withBreak, SETTINGS).run(List.of(row(8 * H + 31 * M, "c1", false, -1, 60 * S, 0, null)), journal, null);
        }
        assertThat(Replayer.replay(folder, null, null, Pace.parse("max"), null).identical()).isTrue();
        List<String> presence = new ArrayList<>();
        try (Journal journal = Journal.open(folder); var reader = journal.commandReader()) {
            org.loket.core.command.Command c = new org.loket.core.command.Command();
            while (reader.next(c)) {
                if (c.type == org.loket.core.command.CommandType.AGENT_STATE_CHANGED) {
                    presence.add(java.time.Instant.ofEpochSecond(0, c.timestampNs).atZone(ZoneOffset.UTC).toLocalTime() + " "
                            + org.loket.core.AgentState.ofCode(c.agentState) + " " + c.reason);
                }
            }
        }
        assertThat(presence).as("paused with 'break' (code 17: the second reason) at 08:30, ready at 08:45, logged out at 09:00")
                .containsExactly("08:30 PAUSED 17", "08:45 READY " + org.loket.core.command.Command.NONE, "09:00 LOGGED_OUT " + org.loket.core.command.Command.NONE);
        assertThat(result.commands()).isPositive();
    }

    @Test
    void shouldJournalADayThatReplaysIdenticallyAndReportsTheSameKpis(@TempDir Path folder) throws Exception {
        DaySimulator.Result result;
        try (Journal journal = Journal.open(folder)) {
            result = new DaySimulator(config, SETTINGS).run(trace(), journal, null);
        }
        ReplayReport replay = Replayer.replay(folder, null, null, Pace.parse("max"), null);
        assertThat(replay.identical()).isTrue();
        assertThat(replay.commands()).isEqualTo(result.commands());
        assertThat(replay.decisionHash()).isEqualTo(result.decisionHash());

        ObjectMapper json = new ObjectMapper();
        KpiReport fromJournal = JournalKpis.read(folder, ZoneOffset.UTC, 5_000);
        assertThat(json.writeValueAsString(fromJournal)).isEqualTo(json.writeValueAsString(result.kpis()));
    }

    @Test
    void shouldGiveTheSameDecisionsForTheSameTrace() throws Exception {
        String first = new DaySimulator(config, SETTINGS).run(trace(), null, null).decisionHash();
        String second = new DaySimulator(config, SETTINGS).run(trace(), null, null).decisionHash();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void shouldRefuseRowsTheConfigurationCannotFollowNamingTheirLines() {
        List<TraceContact> bad = List.of(
                new TraceContact(2, 0, "x", Channel.VOICE, "nowhere", -1, null, 0, false, -1, 1, 0, null, -1),
                new TraceContact(3, 0, "y", Channel.CHAT, "q", -1, null, 0, false, -1, 1, 0, null, -1),
                new TraceContact(4, 0, "z", Channel.VOICE, "q", -1, "fr", 0, false, -1, 1, 0, "ghost", -1));
        assertThatThrownBy(() -> new DaySimulator(config, SETTINGS).run(bad, null, null)).isInstanceOf(TraceException.class)
                .satisfies(e -> assertThat(((TraceException) e).problems()).containsExactly(
                        "line 2: column topic = 'nowhere': topic 'nowhere' is neither a queue nor an entry of the configuration",
                        "line 3: column topic = 'q': topic 'q' is a voice queue, the row is chat",
                        "line 4: column language = 'fr': valid: [nl, en]",
                        "line 4: column redial_of = 'ghost': no earlier contact has that id"));
    }

    @Test
    void shouldCallBackACitizenWhoAskedInsteadOfLosingThem() throws Exception {
        List<TraceContact> rows = List.of(
                row(8 * H + 20 * M, "busy", false, -1, 60 * S, 10 * S, null),
                // Joins at 08:20:40 while ann talks; asks for a callback at 08:20:50, before patience runs out.
                new TraceContact(0, 8 * H + 20 * M + 30 * S, "cb", Channel.VOICE, "q", -1, "nl", 10 * S, false, 20 * S, 60 * S, 0,
                        null, 10 * S));
        DaySimulator.Result result = new DaySimulator(config, SETTINGS).run(rows, null, null);
        Figures total = result.kpis().totals();
        assertThat(total.callbacks()).isEqualTo(1);
        assertThat(total.abandoned()).as("a callback is not an abandon").isZero();
        assertThat(total.answered()).isEqualTo(2);
        // ann is free at 08:21:23 (60 s talk + 10 s wrap-up after 08:20:13), rings 3 s: 46 s after joining.
        assertThat(total.longestWaitMs()).isEqualTo(46_000);
    }
}
