package org.loket.host.hours;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.host.hours.HoursSchedule.Transition;

/** Transitions and states of business hours in Europe/Amsterdam, across both summer-time switches and holidays. */
class HoursScheduleTest {
    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

    /** Queue 0 (desk) follows the helpdesk; queue 1 (tax) is open weekdays 09:00-17:00 only. */
    static LoadedConfig config(String weekend, String extraHours) {
        try {
            return ConfigLoader.parse(Map.of("routing.yaml", """
                    skills: [s]
                    prompts: {evening: {nl: e}, holiday: {nl: h}, tax-closed: {nl: t}}
                    queues: [{name: desk, channel: voice, skill: s}, {name: tax, channel: voice, skill: s}]
                    agents: [{name: ann, skills: {s: 5}}]
                    hours:
                      weekdays: "08:00-22:00"
                      weekend: "%s"
                      closedPrompt: evening
                      holidayPrompt: holiday
                      holidays: [{date: "2027-03-29", name: Tweede Paasdag}]
                      queues: {tax: {weekdays: "09:00-17:00", weekend: closed, closedPrompt: tax-closed}}
                    %s""".formatted(weekend, extraHours)), "test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final LoadedConfig CONFIG = config("12:00-22:00", "");
    private static final HoursSchedule SCHEDULE = new HoursSchedule(CONFIG);
    private static final int EVENING = CONFIG.routing().prompts().indexOf("evening");
    private static final int HOLIDAY = CONFIG.routing().prompts().indexOf("holiday");
    private static final int TAX_CLOSED = CONFIG.routing().prompts().indexOf("tax-closed");

    private static long utc(String isoInstant) {
        return Instant.parse(isoInstant).toEpochMilli();
    }

    private static long local(String localDateTime) {
        return HoursSchedule.epochMs(LocalDateTime.parse(localDateTime), AMSTERDAM);
    }

    @Test
    void shouldOpenAndCloseEachQueueByItsOwnHoursOnAWinterWeekday() {
        long mondayMidnight = local("2027-03-01T00:00");
        assertThat(SCHEDULE.stateAt(mondayMidnight)).containsExactly(EVENING, TAX_CLOSED);
        assertThat(SCHEDULE.transitions(mondayMidnight, local("2027-03-02T00:00"))).containsExactly(
                new Transition(utc("2027-03-01T07:00:00Z"), 0, -1),
                new Transition(utc("2027-03-01T08:00:00Z"), 1, -1),
                new Transition(utc("2027-03-01T16:00:00Z"), 1, TAX_CLOSED),
                new Transition(utc("2027-03-01T21:00:00Z"), 0, EVENING));
        assertThat(SCHEDULE.promptAt(0, utc("2027-03-01T06:59:59.999Z"))).isEqualTo(EVENING);
        assertThat(SCHEDULE.promptAt(0, utc("2027-03-01T07:00:00Z"))).as("open from the opening minute").isEqualTo(-1);
        assertThat(SCHEDULE.promptAt(0, utc("2027-03-01T21:00:00Z"))).as("closed from the closing minute").isEqualTo(EVENING);
    }

    @Test
    void shouldFollowSpringForwardOnTheDayItHappens() {
        // Sunday 28 March 2027: clocks go from 02:00 CET to 03:00 CEST; the helpdesk opens 12:00-22:00 local.
        List<Transition> sunday = SCHEDULE.transitions(local("2027-03-28T00:00"), local("2027-03-28T23:59"));
        assertThat(sunday).containsExactly(
                new Transition(utc("2027-03-28T10:00:00Z"), 0, -1),
                new Transition(utc("2027-03-28T20:00:00Z"), 0, EVENING));
        assertThat(local("2027-03-28T12:00") - local("2027-03-28T00:00")).as("eleven hours after midnight, not twelve")
                .isEqualTo(11 * 3_600_000L);
        List<Transition> saturday = SCHEDULE.transitions(local("2027-03-27T00:00"), local("2027-03-27T23:59"));
        assertThat(saturday).extracting(Transition::epochMs).as("the day before is still winter time")
                .containsExactly(utc("2027-03-27T11:00:00Z"), utc("2027-03-27T21:00:00Z"));
    }

    @Test
    void shouldFollowFallBackOnTheDayItHappens() {
        // Sunday 25 October 2026: clocks go from 03:00 CEST back to 02:00 CET.
        assertThat(SCHEDULE.transitions(local("2026-10-25T00:00"), local("2026-10-25T23:59"))).containsExactly(
                new Transition(utc("2026-10-25T11:00:00Z"), 0, -1),
                new Transition(utc("2026-10-25T21:00:00Z"), 0, EVENING));
        assertThat(local("2026-10-25T22:00") - local("2026-10-25T00:00")).isEqualTo(23 * 3_600_000L);
    }

    @Test
    void shouldOpenAtTheJumpWhenTheOpeningTimeIsSkippedAndCloseTheFirstTimeARepeatedTimeComes() {
        HoursSchedule night = new HoursSchedule(config("02:30-24:00", ""));
        // 02:30 does not exist on 28 March 2027: the queue opens when the clock jumps to 03:00 CEST.
        assertThat(night.transitions(local("2027-03-28T00:00"), local("2027-03-28T12:00")))
                .containsExactly(new Transition(utc("2027-03-28T01:00:00Z"), 0, -1));
        HoursSchedule early = new HoursSchedule(config("00:00-02:30", ""));
        // 02:30 comes twice on 25 October 2026: the queue closes the first time and stays closed in the repeated hour.
        List<Transition> fallBack = early.transitions(local("2026-10-25T00:00"), local("2026-10-25T12:00"));
        assertThat(fallBack).containsExactly(new Transition(utc("2026-10-25T00:30:00Z"), 0, EVENING));
        assertThat(early.promptAt(0, utc("2026-10-25T01:15:00Z"))).as("02:15 CET, the second time round").isEqualTo(EVENING);
    }

    @Test
    void shouldCloseEveryQueueAllDayOnAHolidayWithTheHolidayPrompt() {
        // Easter Monday 29 March 2027, the day after the switch to summer time.
        List<Transition> easter = SCHEDULE.transitions(local("2027-03-28T21:00"), local("2027-03-30T12:00"));
        assertThat(easter).containsExactly(
                new Transition(utc("2027-03-28T20:00:00Z"), 0, EVENING),
                new Transition(utc("2027-03-28T22:00:00Z"), 0, HOLIDAY),
                new Transition(utc("2027-03-28T22:00:00Z"), 1, HOLIDAY),
                new Transition(utc("2027-03-29T22:00:00Z"), 0, EVENING),
                new Transition(utc("2027-03-29T22:00:00Z"), 1, TAX_CLOSED),
                new Transition(utc("2027-03-30T06:00:00Z"), 0, -1),
                new Transition(utc("2027-03-30T07:00:00Z"), 1, -1));
        assertThat(SCHEDULE.stateAt(local("2027-03-29T12:00"))).containsExactly(HOLIDAY, HOLIDAY);
    }

    @Test
    void shouldCountTheRangeFromExclusiveToInclusive() {
        long opens = utc("2027-03-01T07:00:00Z");
        assertThat(SCHEDULE.transitions(opens, opens + 60_000)).isEmpty();
        assertThat(SCHEDULE.transitions(opens - 1, opens)).containsExactly(new Transition(opens, 0, -1));
        assertThat(SCHEDULE.transitions(opens, opens)).isEmpty();
    }

    @Test
    void shouldAgreeWithTheStateAtEveryInstantOverTwoMonths() {
        long from = local("2027-03-01T00:00");
        long to = local("2027-05-01T00:00");
        int[] state = SCHEDULE.stateAt(from);
        List<Transition> transitions = SCHEDULE.transitions(from, to);
        SplittableRandom random = new SplittableRandom(6);
        int next = 0;
        for (long t = from; t < to; t += 1 + random.nextLong(3 * 3_600_000L)) {
            while (next < transitions.size() && transitions.get(next).epochMs() <= t) {
                Transition change = transitions.get(next++);
                assertThat(state[change.queueId()]).as("a transition changes something").isNotEqualTo(change.promptId());
                state[change.queueId()] = change.promptId();
            }
            assertThat(SCHEDULE.stateAt(t)).as("at %s", Instant.ofEpochMilli(t)).containsExactly(state);
        }
        assertThat(transitions).hasSizeGreaterThan(200);
    }

    @Test
    void shouldKeepAConfigurationWithoutHoursOpen() throws Exception {
        HoursSchedule always = new HoursSchedule(ConfigLoader.parse(Map.of("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                """), "test"));
        assertThat(always.zone()).isEqualTo(AMSTERDAM);
        assertThat(always.stateAt(local("2027-03-01T03:00"))).containsExactly(-1);
        assertThat(always.transitions(local("2027-03-01T00:00"), local("2027-04-01T00:00"))).isEmpty();
    }
}
