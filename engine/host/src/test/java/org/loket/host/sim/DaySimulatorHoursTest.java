package org.loket.host.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.host.sim.DaySimulatorTest.row;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.LoadedConfig;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.journal.Journal;
import org.loket.host.kpi.Figures;
import org.loket.host.kpi.KpiReport;
import org.loket.host.replay.Pace;
import org.loket.host.replay.Replayer;
import org.loket.host.trace.TraceContact;

/** The simulator issues the business hours' transitions at their simulated instants, as the live engine does. */
class DaySimulatorHoursTest {
    private static final long H = 3_600_000;
    private static final long M = 60_000;
    private static final long S = 1_000;

    /** The hand-worked day of {@link DaySimulatorTest} plus a caller before opening and one after closing. */
    private static List<TraceContact> trace() {
        List<TraceContact> rows = new ArrayList<>(DaySimulatorTest.trace());
        rows.add(row(8 * H + 5 * M, "early", false, -1, 60 * S, 0, null));   // reaches the queue at 08:05:10: closed
        rows.add(row(8 * H + 14 * M, "info", true, -1, 0, 0, null));         // the information leaf works while closed
        rows.add(row(22 * H + 30 * M, "late", false, -1, 60 * S, 0, null));  // after closing
        return rows;
    }

    @Test
    void shouldTurnAwayContactsArrivingWhileTheQueueIsClosedAndCountThemApart(@TempDir Path folder) throws Exception {
        LoadedConfig config = DaySimulatorTest.config("""
                hours: {zone: UTC, weekdays: "08:15-22:00", weekend: closed, closedPrompt: closed}
                """);
        DaySimulator.Settings monday = new DaySimulator.Settings(LocalDate.of(2027, 3, 1), null, 3_000, 5_000);
        DaySimulator.Result result;
        try (Journal journal = Journal.open(folder)) {
            result = new DaySimulator(config, monday).run(trace(), journal, null);
        }
        Figures total = result.kpis().totals();
        assertThat(total.outsideHours()).as("early and late").isEqualTo(2);
        assertThat(result.kpis().queue("q").outsideHours()).as("counted in the queue that turned them away").isEqualTo(2);
        assertThat(total.offered()).as("the hand-worked day's four: turned-away contacts are never offered").isEqualTo(4);
        assertThat(total.serviceLevel()).as("and do not touch the service level").isEqualTo(0.75);
        assertThat(total.selfServed()).as("c1 and info").isEqualTo(2);
        assertThat(total.closed()).as("no emergency closure").isZero();
        assertThat(result.kpis().zone()).as("the configuration's zone").isEqualTo("UTC");
        assertThat(result.hours()).isEqualTo("Monday 2027-03-01 (UTC): helpdesk 08:15-22:00; 2 contacts turned away outside hours");

        List<Command> hours = new ArrayList<>();
        try (Journal journal = Journal.openExisting(folder); Journal.CommandReader commands = journal.commandReader()) {
            for (Command c = new Command(); commands.next(c); c = new Command()) {
                if (c.type == CommandType.QUEUE_HOURS_SET) {
                    hours.add(c);
                }
            }
        }
        int closed = config.routing().prompts().indexOf("closed");
        long midnightMs = LocalDate.of(2027, 3, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        assertThat(hours).extracting(c -> c.timestampNs / 1_000_000 - midnightMs, c -> c.input).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0L, closed),
                org.assertj.core.groups.Tuple.tuple(8 * H + 15 * M, -1),
                org.assertj.core.groups.Tuple.tuple(22 * H, closed));
        assertThat(Replayer.replay(folder, null, null, Pace.MAX, null).identical()).isTrue();
    }

    @Test
    void shouldCloseAllDayOnAHoliday() throws Exception {
        LoadedConfig config = DaySimulatorTest.config("""
                hours:
                  zone: UTC
                  weekdays: "08:15-22:00"
                  weekend: closed
                  closedPrompt: closed
                  holidays: [{date: "2027-03-01", name: Testdag}]
                """);
        DaySimulator.Result result = new DaySimulator(config, new DaySimulator.Settings(LocalDate.of(2027, 3, 1), null, 3_000, 5_000))
                .run(trace(), null, null);
        assertThat(result.kpis().totals().offered()).isZero();
        assertThat(result.kpis().totals().outsideHours()).as("everyone but the two self-served (redials of turned-away calls happen)")
                .isEqualTo(result.arrived() - 2);
        assertThat(result.hours()).startsWith("Monday 2027-03-01 (UTC): a holiday (Testdag), every queue closed; ");
    }

    @Test
    void shouldReadTheTraceOnTheLocalClockOnTheDaySummerTimeStarts() throws Exception {
        // Sunday 28 March 2027 in Amsterdam: 02:00 becomes 03:00. The trace's 08:20 is 08:20 on the clock.
        LoadedConfig config = DaySimulatorTest.config("""
                hours: {weekdays: "08:00-22:00", weekend: "08:00-22:00", closedPrompt: closed}
                """);
        DaySimulator.Result result = new DaySimulator(config, new DaySimulator.Settings(LocalDate.of(2027, 3, 28), null, 3_000, 5_000))
                .run(List.of(row(8 * H + 20 * M, "c", false, -1, 60 * S, 0, null)), null, null);
        KpiReport kpis = result.kpis();
        assertThat(kpis.zone()).isEqualTo("Europe/Amsterdam");
        assertThat(kpis.totals().answered()).as("ann's 08:00-09:00 shift is on the local clock too").isEqualTo(1);
        assertThat(kpis.intervals()).filteredOn(i -> i.figures().offered() > 0).singleElement()
                .satisfies(i -> assertThat(i.start()).isEqualTo("2027-03-28T08:15"));
    }
}
