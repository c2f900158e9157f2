package org.loket.host.hours;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.replay.Pace;
import org.loket.host.replay.Replayer;

/**
 * The live engine with the hours publisher, its clock set to just before the helpdesk opens on a
 * Monday: the current state, then the opening when it falls due, are journaled commands the core
 * acts on, and the journal replays identically.
 */
@Timeout(60)
class HoursPublisherTest {
    private static final LoadedConfig CONFIG = HoursScheduleTest.config("12:00-22:00", "entries: [{name: desk, queue: desk}]\n");
    private static final CommandFiller<Long> ARRIVAL = (command, id) -> {
        command.type = CommandType.CONTACT_ARRIVED;
        command.contactId = id;
        command.entryId = 0;
        command.channel = Channel.VOICE.code();
    };

    @TempDir
    Path folder;

    @Test
    void shouldPublishTheStateNowThenEachTransitionWhenDueThroughTheJournal() throws Exception {
        long opensMs = HoursSchedule.epochMs(LocalDateTime.parse("2027-03-01T08:00"), ZoneId.of("Europe/Amsterdam"));
        int evening = CONFIG.routing().prompts().indexOf("evening");
        int taxClosed = CONFIG.routing().prompts().indexOf("tax-closed");
        long publishedBeforeClose;
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            engine.publishConfig(RoutingConfigCodec.encode(CONFIG.routing()));
            engine.awaitQuiet(10_000);
            // The schedule's clock runs 1.5 s before Monday 08:00 in Amsterdam; the engine stamps real time.
            long offsetNs = opensMs * 1_000_000 - 1_500_000_000L - engine.nowNs();
            try (HoursPublisher hours = new HoursPublisher(engine, () -> engine.nowNs() + offsetNs)) {
                hours.apply(CONFIG);
                assertThat(hours.published()).as("the state of both queues, at once").isEqualTo(2);
                assertThat(hours.nextTransitions().get(0)).isEqualTo(new HoursSchedule.Transition(opensMs, 0, -1));
                engine.tryPublish(ARRIVAL, 1L); // before opening: turned away
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (hours.published() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(hours.published()).as("the opening, when due").isEqualTo(3);
                assertThat(engine.nowNs() + offsetNs).isGreaterThanOrEqualTo(opensMs * 1_000_000);
                engine.tryPublish(ARRIVAL, 2L); // after opening: queued
                engine.awaitQuiet(10_000);
                assertThat(hours.nextTransitions().get(0).promptId()).as("next: the evening closure").isEqualTo(evening);
                publishedBeforeClose = hours.published();
            }
            engine.close();
        }

        List<Command> hoursCommands = new ArrayList<>();
        List<Decision> decisions = new ArrayList<>();
        try (Journal journal = Journal.openExisting(folder);
             Journal.CommandReader commands = journal.commandReader();
             Journal.DecisionReader groups = journal.decisionReader()) {
            for (Command c = new Command(); commands.next(c); c = new Command()) {
                if (c.type == CommandType.QUEUE_HOURS_SET) {
                    hoursCommands.add(c);
                }
            }
            while (groups.next()) {
                for (int i = 0; i < groups.count(); i++) {
                    decisions.add(new Decision().copyFrom(groups.decision(i)));
                }
            }
        }
        assertThat(hoursCommands).hasSize((int) publishedBeforeClose);
        assertThat(hoursCommands).extracting(c -> c.queueId, c -> c.input).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, evening), org.assertj.core.groups.Tuple.tuple(1, taxClosed),
                org.assertj.core.groups.Tuple.tuple(0, -1));
        assertThat(hoursCommands.get(2).timestampNs - hoursCommands.get(0).timestampNs).as("published when due, not before")
                .isGreaterThanOrEqualTo(1_400_000_000L);
        assertThat(decisions).filteredOn(d -> d.type == DecisionType.END_CONTACT).singleElement().satisfies(d -> {
            assertThat(d.contactId).isEqualTo(1);
            assertThat(d.outcome).isEqualTo(Outcome.OUTSIDE_HOURS);
        });
        assertThat(decisions).filteredOn(d -> d.type == DecisionType.PLAY_PROMPT).singleElement().satisfies(d -> {
            assertThat(d.promptId).isEqualTo(evening);
            assertThat(d.queueId).isZero();
            assertThat(d.flags & Decision.FLAG_FINAL).isNotZero();
        });
        assertThat(decisions).filteredOn(d -> d.type == DecisionType.QUEUE_CONTACT).singleElement()
                .satisfies(d -> assertThat(d.contactId).isEqualTo(2));
        assertThat(Replayer.replay(folder, null, null, Pace.MAX, null).identical()).isTrue();
    }

    @Test
    void shouldStartEachLocalDayBeforeTheHoursOfThatInstantAcrossASummerTimeChange() {
        ZoneId amsterdam = ZoneId.of("Europe/Amsterdam");
        long fromMs = LocalDateTime.of(2027, 3, 27, 12, 0).atZone(amsterdam).toInstant().toEpochMilli();
        long midnight28 = LocalDateTime.of(2027, 3, 28, 0, 0).atZone(amsterdam).toInstant().toEpochMilli();
        long midnight29 = LocalDateTime.of(2027, 3, 29, 0, 0).atZone(amsterdam).toInstant().toEpochMilli();
        HoursSchedule.Transition opens = new HoursSchedule.Transition(midnight29, 0, -1);
        List<HoursSchedule.Transition> all = HoursPublisher.withDayStarts(List.of(opens), fromMs, midnight29, amsterdam);
        assertThat(all).containsExactly(new HoursSchedule.Transition(midnight28, HoursPublisher.DAY_START, -1),
                new HoursSchedule.Transition(midnight29, HoursPublisher.DAY_START, -1), opens);
        assertThat(midnight29 - midnight28).as("the day the clocks go forward has 23 hours").isEqualTo(23 * 3_600_000L);
        assertThat(HoursPublisher.withDayStarts(List.of(), midnight28, midnight29 - 1, amsterdam)).as("exclusive start").isEmpty();
    }

    @Test
    void shouldRetryWhenTheRingIsFullAndStopPublishingWhenClosed() {
        List<HoursSchedule.Transition> sent = new ArrayList<>();
        AtomicLong refusals = new AtomicLong(2);
        Command scratch = new Command();
        long mondayNoonNs = HoursSchedule.epochMs(LocalDateTime.parse("2027-03-01T12:00"), ZoneId.of("Europe/Amsterdam")) * 1_000_000;
        HoursPublisher hours = new HoursPublisher(new org.loket.host.gateway.CommandPublisher() {
            @Override
            public <A> boolean tryPublish(CommandFiller<A> filler, A argument) {
                if (refusals.getAndDecrement() > 0) {
                    return false;
                }
                filler.fill(scratch.clear(), argument);
                sent.add(new HoursSchedule.Transition(0, scratch.queueId, scratch.input));
                return true;
            }
        }, () -> mondayNoonNs);
        hours.apply(CONFIG);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (hours.published() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(hours.ringFull()).isEqualTo(2);
        assertThat(sent).extracting(HoursSchedule.Transition::promptId).as("both open at noon").containsExactly(-1, -1);
        hours.openAll();
        assertThat(sent).last().isEqualTo(new HoursSchedule.Transition(0, -1, -1));
        hours.close();
        assertThat(hours.published()).isEqualTo(3);
    }
}
