package org.loket.host.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.host.journal.Journal;
import org.loket.host.kpi.Figures;
import org.loket.host.kpi.KpiReport;
import org.loket.host.sim.DaySimulator;

/**
 * A recorded day turned into a trace: the simulator's journal of a generated day is the recording,
 * so what the extraction must find in it is known, and simulating the extracted trace again on the
 * same configuration must give the same day.
 */
class TraceExtractorTest {
    @TempDir
    Path folder;

    /**
     * The hand-worked day of {@link org.loket.host.sim.DaySimulatorTest} as contact records: each
     * citizen's fate, times and agent, as the journal tells them.
     */
    @Test
    void shouldRecordEachContactOfTheDayAsTheJournalTellsIt(@TempDir Path folder) throws Exception {
        DaySimulator.Settings settings = new DaySimulator.Settings(java.time.LocalDate.of(2027, 3, 1), java.time.ZoneOffset.UTC, 3_000, 5_000);
        try (Journal journal = Journal.open(folder)) {
            new DaySimulator(org.loket.host.sim.DaySimulatorTest.config(), settings)
                    .run(org.loket.host.sim.DaySimulatorTest.trace(), journal, null);
        }
        TraceExtractor.Result day = TraceExtractor.extract(folder, java.time.ZoneOffset.UTC, null);
        assertThat(day.records()).as("every contact that arrived, by arrival").hasSize(6)
                .extracting(ContactRecord::outcome)
                .containsExactly("self_served", "answered", "abandoned", "answered", "answered", "open");
        ContactRecord c2 = day.records().get(1);
        assertThat(c2.arrivedAt()).isEqualTo("2027-03-01T08:20:00.000");
        assertThat(c2.selfServiceMs()).as("two menus of 5 s").isEqualTo(10_000);
        assertThat(c2.queue()).isEqualTo("q");
        assertThat(c2.lastQueue()).isEqualTo("q");
        assertThat(c2.waitMs()).as("3 s of ringing").isEqualTo(3_000);
        assertThat(c2.agent()).isEqualTo("ann");
        assertThat(c2.talkMs()).isEqualTo(60_000);
        assertThat(c2.wrapUpMs()).isEqualTo(10_000);
        assertThat(c2.wrapUpCode()).as("the simulated agents give none").isEmpty();
        assertThat(c2.endedAt()).isEqualTo("2027-03-01T08:21:13.000");
        ContactRecord c3 = day.records().get(2);
        assertThat(c3.waitMs()).as("gave up after 20 s").isEqualTo(20_000);
        assertThat(c3.agent()).isEmpty();
        ContactRecord c4 = day.records().get(3);
        assertThat(c4.citizen()).as("c4 redials c3: the same citizen").isEqualTo(c3.citizen()).hasSize(16);
        ContactRecord c7 = day.records().get(5);
        assertThat(c7.endedAt()).isEmpty();
        assertThat(c7.waitMs()).isEqualTo(-1);

        Path csv = folder.resolve("contacts.csv");
        TraceCsv.writeContacts(day.records(), csv);
        List<String> lines = java.nio.file.Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("contact_id,citizen,channel,entry,language,arrived_at,self_service_ms,queue,last_queue,wait_ms,"
                + "agent,talk_ms,wrap_up_ms,wrap_up_code,transfers,callback,outcome,ended_at");
        assertThat(lines.get(2)).isEqualTo(c2.contactId() + "," + c2.citizen() + ",voice,phone,nl,2027-03-01T08:20:00.000,10000,q,q,3000,"
                + "ann,60000,10000,,0,false,answered,2027-03-01T08:21:13.000");
        assertThat(lines).hasSize(7);
    }

    @Test
    void shouldGiveADayThatSimulatesAgainIntoTheSameFiguresOnTheSameConfiguration() throws Exception {
        LoadedConfig config = ConfigLoader.loadDefault();
        ZoneId zone = config.hours().zone();
        DaySimulator.Settings defaults = DaySimulator.Settings.defaults();
        // No step's callback offer is taken: the extracted rows carry the callbacks citizens asked for.
        DaySimulator.Settings settings = new DaySimulator.Settings(defaults.date(), zone, defaults.ringMs(),
                defaults.shortAbandonMs(), 0.0, 1);
        List<TraceContact> generated = new TraceGenerator(TrafficParams.shipped()).generate("peak", 5, 0.4);
        DaySimulator.Result recorded;
        try (Journal journal = Journal.open(folder)) {
            recorded = new DaySimulator(config, settings).run(generated, journal, null);
        }

        TraceExtractor.Result extracted = TraceExtractor.extract(folder, zone, defaults.date());

        assertThat(extracted.arrived()).isEqualTo(recorded.arrived());
        assertThat(extracted.openAtEnd()).isEqualTo(recorded.kpis().openAtEnd());
        assertThat(extracted.rows()).hasSize((int) (extracted.arrived() - extracted.openAtEnd() - extracted.leftInSelfService()));
        assertThat(extracted.rows()).as("the simulated citizens' redials that happened").anyMatch(r -> r.redialOf() != null);
        assertThat(extracted.rows()).as("abandons keep their patience").anyMatch(TraceContact::abandons);
        TraceCsv.write(extracted.rows(), folder.resolve("day.csv"));
        List<TraceContact> reread = TraceCsv.read(folder.resolve("day.csv"));

        DaySimulator.Result again;
        try (Journal journal = Journal.open(folder.resolve("again"))) {
            again = new DaySimulator(config, settings).run(reread, journal, null);
        }
        // And the re-run, extracted in turn, is the same day again (ids aside).
        List<TraceContact> second = TraceExtractor.extract(folder.resolve("again"), zone, defaults.date()).rows();
        assertThat(second.stream().map(TraceExtractorTest::withoutIds).toList())
                .isEqualTo(reread.stream().map(TraceExtractorTest::withoutIds).toList());

        KpiReport a = recorded.kpis();
        KpiReport b = again.kpis();
        same(a.totals(), b.totals());
        for (Figures queue : a.queues()) {
            same(queue, b.queue(queue.name()));
        }
    }

    @Test
    void shouldGiveTheRecordedStaffingSoADayThatKeptToAnotherRosterComesBack() throws Exception {
        LoadedConfig roster = ConfigLoader.loadDefault();
        // The recorded day: every agent came an hour late and stayed an hour longer (where the day allows).
        List<org.loket.config.AgentPlan> late = roster.plans().stream().map(plan -> plan.shift().equals(org.loket.config.Shift.ALL_DAY) ? plan
                : new org.loket.config.AgentPlan(new org.loket.config.Shift(Math.min(plan.shift().startMinute() + 60, 23 * 60),
                        Math.min(plan.shift().endMinute() + 60, 24 * 60)), List.of(), plan.days())).toList();
        LoadedConfig lived = roster.with(roster.routing(), late);
        ZoneId zone = roster.hours().zone();
        DaySimulator.Settings defaults = DaySimulator.Settings.defaults();
        DaySimulator.Settings settings = new DaySimulator.Settings(defaults.date(), zone, defaults.ringMs(), defaults.shortAbandonMs(), 0.0, 1);
        DaySimulator.Result recorded;
        try (Journal journal = Journal.open(folder)) {
            recorded = new DaySimulator(lived, settings).run(new TraceGenerator(TrafficParams.shipped()).generate("peak", 9, 0.4), journal, null);
        }
        TraceExtractor.Result extracted = TraceExtractor.extract(folder, zone, defaults.date());
        assertThat(extracted.staffing()).as("everyone logged in").filteredOn(e -> e.presence() == StaffingEvent.Presence.LOGIN)
                .hasSize(roster.routing().agents().size());
        TraceCsv.writeStaffing(extracted.staffing(), folder.resolve("staffing.csv"));
        List<StaffingEvent> staffing = TraceCsv.readStaffing(folder.resolve("staffing.csv"));
        assertThat(staffing.stream().map(e -> new StaffingEvent(0, e.atMs(), e.agent(), e.presence(), e.reason())).toList())
                .as("read back as written (lines aside)").isEqualTo(extracted.staffing());

        DaySimulator.Result onTheRoster = new DaySimulator(roster, settings).run(extracted.rows(), null, null);
        DaySimulator.Result asRecorded = new DaySimulator(roster, settings).staffing(staffing).run(extracted.rows(), null, null);

        assertThat(onTheRoster.kpis().totals().answered()).as("the roster's day is another day").isNotEqualTo(recorded.kpis().totals().answered());
        same(recorded.kpis().totals(), asRecorded.kpis().totals());
        for (Figures queue : recorded.kpis().queues()) {
            same(queue, asRecorded.kpis().queue(queue.name()));
        }
        assertThat(asRecorded.kpis().agents()).isEqualTo(recorded.kpis().agents());

        // A recorded pause keeps its reason: a half-hour training at 10:00.
        String agent = staffing.getFirst().agent();
        List<StaffingEvent> withTraining = new java.util.ArrayList<>(staffing);
        withTraining.add(new StaffingEvent(0, 10 * 3_600_000L, agent, StaffingEvent.Presence.PAUSE, "training"));
        withTraining.add(new StaffingEvent(0, 10 * 3_600_000L + 1_800_000L, agent, StaffingEvent.Presence.READY, ""));
        withTraining.sort(java.util.Comparator.comparingLong(StaffingEvent::atMs));
        KpiReport.AgentFigures trained = new DaySimulator(roster, settings).staffing(withTraining).run(extracted.rows(), null, null)
                .kpis().agents().stream().filter(a -> a.name().equals(agent)).findFirst().orElseThrow();
        assertThat(trained.pausedMs().get("training")).as("paused while holding nothing, within the half hour").isPositive()
                .isLessThanOrEqualTo(1_800_000L);
    }

    @Test
    void shouldEstimateAnsweredContactsPatienceFromTheDaysAbandons() throws Exception {
        LoadedConfig config = ConfigLoader.loadDefault();
        ZoneId zone = config.hours().zone();
        DaySimulator.Settings defaults = DaySimulator.Settings.defaults();
        // An outage day: long waits, many abandons to learn from, many answered contacts to draw for.
        List<TraceContact> generated = new TraceGenerator(TrafficParams.shipped()).generate("outage", 11, 1.0);
        try (Journal journal = Journal.open(folder)) {
            new DaySimulator(config, defaults).run(generated, journal, null);
        }
        List<TraceContact> estimated = TraceExtractor.extract(folder, zone, defaults.date(), TraceExtractor.AnsweredPatience.ESTIMATED, 7).rows();
        List<TraceContact> never = TraceExtractor.extract(folder, zone, defaults.date(), TraceExtractor.AnsweredPatience.NEVER, 7).rows();
        assertThat(TraceExtractor.extract(folder, zone, defaults.date(), TraceExtractor.AnsweredPatience.ESTIMATED, 7).rows())
                .as("seeded: the same rows again").isEqualTo(estimated);
        // The simulator numbered the contacts in the trace's order: j<k> is the k-th generated row, whose true
        // patience we know. For the answered calls, the drawn patience must follow the true one: the share
        // that would have given up within a limit agrees within four standard errors (the draws are
        // independent of the truth, so the difference of two shares of n has variance 2p(1-p)/n).
        long[] limitsMs = {60_000, 300_000, 900_000};
        long[] trueWithin = new long[limitsMs.length];
        long[] drawnWithin = new long[limitsMs.length];
        long answered = 0;
        for (int i = 0; i < estimated.size(); i++) {
            TraceContact row = estimated.get(i);
            if (row.handleMs() == 0 || row.callbackAfterMs() >= 0) {
                continue;
            }
            assertThat(never.get(i).patienceMs()).as("NEVER: an answered row never abandons").isEqualTo(-1);
            TraceContact truth = generated.get(Integer.parseInt(row.contactId().substring(1)) - 1);
            answered++;
            for (int k = 0; k < limitsMs.length; k++) {
                trueWithin[k] += truth.abandons() && truth.patienceMs() <= limitsMs[k] ? 1 : 0;
                drawnWithin[k] += row.abandons() && row.patienceMs() <= limitsMs[k] ? 1 : 0;
            }
        }
        assertThat(answered).isGreaterThan(5_000);
        for (int k = 0; k < limitsMs.length; k++) {
            double p = (double) trueWithin[k] / answered;
            double q = (double) drawnWithin[k] / answered;
            double se = Math.sqrt(2 * p * (1 - p) / answered);
            assertThat(q).as("answered contacts whose patience is at most " + limitsMs[k] / 1000 + " s: drawn vs true " + p)
                    .isCloseTo(p, org.assertj.core.data.Offset.offset(4 * se));
        }
        assertThat(drawnWithin[1]).as("some answered contacts would have given up within five minutes").isPositive();
    }

    private static TraceContact withoutIds(TraceContact c) {
        // An answered contact's patience is drawn per contact id: only an abandon's is the recording's own.
        return new TraceContact(0, c.arrivalMs(), "", c.channel(), c.topic(), c.priority(), c.language(), c.selfServiceMs(),
                c.selfServed(), c.handleMs() > 0 ? 0 : c.patienceMs(), c.handleMs(), c.wrapUpMs(), c.redialOf() == null ? null : "", c.callbackAfterMs());
    }

    private static void same(Figures recorded, Figures again) {
        assertThat(again).as(recorded.name()).isNotNull();
        assertThat(List.of(again.offered(), again.answered(), again.answeredWithinThreshold(), again.abandoned(), again.shortAbandoned(),
                again.selfServed(), again.callbacks(), again.closed(), again.outsideHours(), again.deflected()))
                .as(recorded.name() + ": offered, answered, within threshold, abandoned, short, self-served, callbacks, closed, "
                        + "outside hours, deflected")
                .isEqualTo(List.of(recorded.offered(), recorded.answered(), recorded.answeredWithinThreshold(), recorded.abandoned(),
                        recorded.shortAbandoned(), recorded.selfServed(), recorded.callbacks(), recorded.closed(),
                        recorded.outsideHours(), recorded.deflected()));
        assertThat(again.asaMs()).as(recorded.name() + " ASA").isEqualTo(recorded.asaMs());
        assertThat(again.ahtMs()).as(recorded.name() + " AHT").isEqualTo(recorded.ahtMs());
        assertThat(again.repeats()).as(recorded.name() + " repeats").isEqualTo(recorded.repeats());
    }
}
