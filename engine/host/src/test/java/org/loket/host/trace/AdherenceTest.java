package org.loket.host.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;

class AdherenceTest {
    private static final long M = 60_000;

    /**
     * ann's shift is 08:00-12:00 with a break 10:00-10:15. She logs in at 08:10, is on a call
     * 09:55-10:05 (paused for her break at 10:00 during it), back at 10:20, out at 11:50: 10 + 5 + 5
     * + 10 minutes not as planned, 210 of 240 as planned.
     */
    @Test
    void shouldCountTheScheduledTimeSpentAsPlannedWithCallsAsWork() throws Exception {
        LoadedConfig plan = ConfigLoader.parse(Map.of("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - {name: ann, skills: {s: 1}, shifts: [{start: "08:00", end: "12:00", breaks: [{minutes: 15, earliest: "10:00"}]}]}
                  - {name: absent, skills: {s: 1}, shifts: [{start: "09:00", end: "10:00", days: weekdays}]}
                  - {name: any-time, skills: {s: 1}}
                """), "test");
        List<StaffingEvent> day = List.of(
                event(8 * 60 + 10, "ann", StaffingEvent.Presence.LOGIN, ""),
                event(10 * 60, "ann", StaffingEvent.Presence.PAUSE, "break"),
                event(10 * 60 + 20, "ann", StaffingEvent.Presence.READY, ""),
                event(11 * 60 + 50, "ann", StaffingEvent.Presence.LOGOUT, ""),
                event(12 * 60 + 30, "ann", StaffingEvent.Presence.LOGIN, ""),
                event(12 * 60 + 45, "ann", StaffingEvent.Presence.LOGOUT, ""),
                event(9 * 60, "any-time", StaffingEvent.Presence.LOGIN, ""),
                event(9 * 60, "stranger", StaffingEvent.Presence.LOGIN, ""));
        Map<String, List<long[]>> busy = Map.of("ann", List.of(new long[] {(9 * 60 + 55) * M, (10 * 60 + 5) * M}));

        Adherence.Result result = Adherence.of(day, busy, plan, MONDAY);
        assertThat(result.unplanned()).as("in the recording, without a shift in the plan").containsExactly("any-time", "stranger");
        assertThat(result.agents()).extracting(Adherence.Agent::agent).containsExactly("absent", "ann");
        Adherence.Agent ann = result.agents().get(1);
        assertThat(ann.scheduledMin()).isEqualTo(240);
        assertThat(ann.adheringMin()).isEqualTo(210);
        assertThat(ann.adherence()).isCloseTo(0.875, within(1e-9));
        assertThat(ann.lateStartMin()).isEqualTo(10);
        assertThat(ann.earlyEndMin()).isEqualTo(10);
        assertThat(ann.offShiftWorkMin()).isEqualTo(15);
        Adherence.Agent absent = result.agents().get(0);
        assertThat(absent.adherence()).as("never came").isZero();
        assertThat(absent.lateStartMin()).isEqualTo(60);
        assertThat(result.adherence()).isCloseTo(210.0 / 300, within(1e-9));

        Adherence.Result withoutTheCall = Adherence.of(day, Map.of(), plan, MONDAY);
        assertThat(withoutTheCall.agents().get(1).adheringMin()).as("paused at 10:00 as planned, no call").isEqualTo(215);

        Adherence.Result saturday = Adherence.of(day, busy, plan, MONDAY.plusDays(5));
        assertThat(saturday.agents()).as("a weekdays shift is not scheduled on a Saturday").extracting(Adherence.Agent::agent)
                .containsExactly("ann");
        assertThat(saturday.adherence()).isCloseTo(0.875, within(1e-9));
    }

    private static final java.time.LocalDate MONDAY = java.time.LocalDate.of(2027, 3, 1);

    private static StaffingEvent event(int minute, String agent, StaffingEvent.Presence presence, String reason) {
        return new StaffingEvent(0, minute * M, agent, presence, reason);
    }
}
