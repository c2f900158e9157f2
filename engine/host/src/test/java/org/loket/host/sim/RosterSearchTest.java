package org.loket.host.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.host.trace.TraceContact;

class RosterSearchTest {
    private static final long M = 60_000;
    private static final DaySimulator.Settings SETTINGS = new DaySimulator.Settings(LocalDate.of(2027, 3, 1), ZoneOffset.UTC, 3_000, 5_000);

    /** One agent works 08:00-09:00 and ten 09:00-10:00. */
    private static LoadedConfig earlyAndLate() throws Exception {
        return ConfigLoader.parse(Map.of("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s, serviceLevelSeconds: 20, serviceLevelPercent: 80}]
                agents:
                  - {name: early, skills: {s: 5}, shifts: [{start: "08:00", end: "09:00", count: 1}]}
                  - {name: late, skills: {s: 5}, shifts: [{start: "09:00", end: "10:00", count: 10}]}
                entries: [{name: phone, queue: q}]
                """), "test");
    }

    /** A call of three minutes every minute from 08:00 to 10:00 (3 Erlang). */
    private static List<TraceContact> threeErlang() {
        List<TraceContact> day = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            day.add(DaySimulatorTest.row(8 * 60 * M + i * 60_000L, "c" + i, false, -1, 170_000, 10_000, null));
        }
        return day;
    }

    /**
     * {@link #earlyAndLate} on {@link #threeErlang} (evenly: three agents answer every call at once).
     * The early hour falls short; copies of the early agent fix it, the late shift needs none.
     */
    @Test
    void shouldAddAgentsLikeThoseWorkingWhenTheDayFallsShortUntilEveryIntervalMeetsItsTarget() throws Exception {
        LoadedConfig roster = earlyAndLate();
        List<TraceContact> day = threeErlang();

        List<String> progress = new ArrayList<>();
        RosterSearch.Result result = RosterSearch.search(roster, day, SETTINGS, 10, progress::add);
        assertThat(result.before()).as("the early hour with one agent, and its backlog at nine")
                .anyMatch(line -> line.startsWith("08:")).allMatch(line -> line.startsWith("08:") || line.startsWith("09:00 "));
        assertThat(result.after()).as("every interval meets its target").isEmpty();
        assertThat(result.added()).hasSize(2).allSatisfy(a -> {
            assertThat(a.likeAgent()).isEqualTo("early");
            assertThat(a.shift()).isEqualTo("08:00-09:00");
            assertThat(a.neededAt()).startsWith("08:").endsWith(" voice");
        });
        assertThat(progress).hasSize(result.added().size());
        assertThat(RosterSearch.byGroupAndShift(result.added())).containsExactly(Map.entry("early 08:00-09:00", result.added().size()));

        // The roster with the copies, simulated on its own, meets every target: the search's last run is that.
        LoadedConfig bigger = roster;
        for (RosterSearch.Added a : result.added()) {
            bigger = RosterSearch.withCopy(bigger, 0, a.name());
        }
        DaySimulator.Result again = new DaySimulator(bigger, SETTINGS).run(day, null, null);
        assertThat(again.decisionHash()).isEqualTo(result.result().decisionHash());
        assertThat(again.kpis().intervals()).noneMatch(i -> i.figures().offered() >= RosterSearch.MIN_OFFERED && i.figures().underTarget());

        RosterSearch.Result capped = RosterSearch.search(roster, day, SETTINGS, 1, line -> { });
        assertThat(capped.added()).hasSize(1);
        assertThat(capped.after()).as("one agent more is not enough").isNotEmpty();
    }

    /**
     * The same day: ten agents from nine are more than three Erlang need. Trimming takes late agents
     * out, never the early one (its hour is short already), and leaves no interval worse.
     */
    @Test
    void shouldTakeOutAgentsTheDayDoesNotNeedWithoutAnyIntervalFallingFurtherUnderItsTarget() throws Exception {
        LoadedConfig roster = earlyAndLate();
        List<TraceContact> day = threeErlang();
        List<String> before = new DaySimulator(roster, SETTINGS).run(day, null, null).kpis().intervals().stream()
                .filter(i -> i.figures().offered() >= RosterSearch.MIN_OFFERED && i.figures().underTarget())
                .map(i -> i.start().substring(11)).toList();
        assertThat(before).as("the early hour falls short as given").isNotEmpty();

        List<String> progress = new ArrayList<>();
        RosterSearch.Trimmed trimmed = RosterSearch.trim(roster, day, SETTINGS, java.util.Set.of(), 0, 40, 60, progress::add);
        assertThat(trimmed.removed()).isNotEmpty().hasSizeLessThan(10).allSatisfy(r -> {
            assertThat(r.name()).startsWith("late-");
            assertThat(r.shift()).isEqualTo("09:00-10:00");
        });
        assertThat(trimmed.tried()).as("every rostered agent tried once").isEqualTo(11);
        assertThat(progress).hasSize(trimmed.removed().size());
        assertThat(trimmed.after()).allSatisfy(line -> assertThat(before).contains(line.substring(0, 5)));
        assertThat(RosterSearch.removedByGroupAndShift(trimmed.removed()))
                .containsExactly(Map.entry("late 09:00-10:00", trimmed.removed().size()));

        // The roster without them, simulated on its own, is the trim's last run.
        LoadedConfig smaller = roster;
        for (RosterSearch.Removed r : trimmed.removed()) {
            smaller = RosterSearch.without(smaller, r.name());
        }
        assertThat(smaller.routing().agents()).hasSize(11 - trimmed.removed().size());
        assertThat(new DaySimulator(smaller, SETTINGS).run(day, null, null).decisionHash()).isEqualTo(trimmed.result().decisionHash());
        // One fewer late agent than the trim kept: some interval is worse (the trim stopped where it had to).
        LoadedConfig tooFew = RosterSearch.without(smaller, smaller.routing().agents().getLast().name());
        var levels = new DaySimulator(tooFew, SETTINGS).run(day, null, null).kpis();
        assertThat(levels.intervals()).as("one more out breaks a target").anyMatch(i -> i.figures().offered() >= RosterSearch.MIN_OFFERED
                && i.figures().underTarget() && !before.contains(i.start().substring(11)));

        assertThat(RosterSearch.trim(roster, day, SETTINGS, java.util.Set.of(), 0, 40, 1, line -> { }).tried()).isEqualTo(1);
    }

    /**
     * A small queue (misuse, say) served by two agents of its own: its dozen calls hardly move the
     * voice channel's intervals, so only the queue's own day keeps the trim from taking its last agent.
     */
    @Test
    void shouldKeepTheAgentsOfASmallQueueThatWouldOtherwiseGoUnanswered() throws Exception {
        LoadedConfig roster = deskAndSmallQueue();
        List<TraceContact> day = new ArrayList<>(threeErlang());
        for (int i = 5; i < 120; i += 10) { // a misuse call every ten minutes; gives up after a minute unanswered
            day.add(new TraceContact(0, 8 * 60 * M + i * 60_000L, "m" + i, org.loket.core.Channel.VOICE, "m", -1, "nl", 10_000,
                    false, 60_000, 120_000, 10_000, null, -1));
        }
        RosterSearch.Trimmed trimmed = RosterSearch.trim(roster, day, SETTINGS, java.util.Set.of(), 0, 40, 60, line -> { });
        assertThat(trimmed.removed()).extracting(RosterSearch.Removed::name).as("desks the day does not need, and one of two sec")
                .contains("sec-002", "desk-008").doesNotContain("sec-001");
        assertThat(trimmed.result().kpis().queue("m").serviceLevel()).isGreaterThanOrEqualTo(0.8);
    }

    /**
     * A queue the day's trace never reaches (misuse, fraud): the simulation sees no reason to keep its
     * agents, so only the floor of agents on seat per queue does; it keeps as many as it names, where
     * the roster had them, and says who and why.
     */
    @Test
    void shouldKeepTheCoverOfAQueueTheTraceNeverReaches() throws Exception {
        LoadedConfig roster = deskAndSmallQueue();
        List<TraceContact> day = threeErlang();
        java.util.function.IntFunction<RosterSearch.Trimmed> trim = floor -> {
            try {
                return RosterSearch.trim(roster, day, SETTINGS, java.util.Set.of(), floor, 40, 60, line -> { });
            } catch (org.loket.host.trace.TraceException e) {
                throw new AssertionError(e);
            }
        };
        assertThat(trim.apply(0).removed()).extracting(RosterSearch.Removed::name).as("no floor: nothing keeps them")
                .contains("sec-001", "sec-002");
        RosterSearch.Trimmed one = trim.apply(1);
        assertThat(one.removed()).extracting(RosterSearch.Removed::name).contains("sec-002").doesNotContain("sec-001");
        assertThat(one.keptForCover()).containsExactly(new RosterSearch.Kept("sec-001", "m at 08:00"));
        RosterSearch.Trimmed two = trim.apply(2);
        assertThat(two.removed()).extracting(RosterSearch.Removed::name).doesNotContain("sec-001", "sec-002");
        assertThat(two.keptForCover()).extracting(RosterSearch.Kept::name).contains("sec-001", "sec-002");
    }

    /** Eight desks for queue q and two agents of a small queue m of their own (misuse, say), 08:00-10:00. */
    private static LoadedConfig deskAndSmallQueue() throws Exception {
        return ConfigLoader.parse(Map.of("r.yaml", """
                skills: [s, m]
                queues:
                  - {name: q, channel: voice, skill: s, serviceLevelSeconds: 20, serviceLevelPercent: 80}
                  - {name: m, channel: voice, skill: m, serviceLevelSeconds: 20, serviceLevelPercent: 80}
                agents:
                  - {name: desk, skills: {s: 5}, shifts: [{start: "08:00", end: "10:00", count: 8}]}
                  - {name: sec, skills: {m: 5}, shifts: [{start: "08:00", end: "10:00", count: 2}]}
                entries: [{name: phone, queue: q}, {name: misuse, queue: m}]
                """), "test");
    }
}
