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

    /**
     * One agent works 08:00-09:00 and ten 09:00-10:00; a call of three minutes arrives every minute
     * from 08:00 to 10:00 (3 Erlang, evenly: three agents answer every call at once). The early hour
     * falls short; copies of the early agent fix it, the late shift needs none.
     */
    @Test
    void shouldAddAgentsLikeThoseWorkingWhenTheDayFallsShortUntilEveryIntervalMeetsItsTarget() throws Exception {
        LoadedConfig roster = ConfigLoader.parse(Map.of("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s, serviceLevelSeconds: 20, serviceLevelPercent: 80}]
                agents:
                  - {name: early, skills: {s: 5}, shifts: [{start: "08:00", end: "09:00", count: 1}]}
                  - {name: late, skills: {s: 5}, shifts: [{start: "09:00", end: "10:00", count: 10}]}
                entries: [{name: phone, queue: q}]
                """), "test");
        List<TraceContact> day = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            day.add(DaySimulatorTest.row(8 * 60 * M + i * 60_000L, "c" + i, false, -1, 170_000, 10_000, null));
        }

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
}
