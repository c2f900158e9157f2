package org.loket.host.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.host.trace.TraceContact;

class ErlangStaffingTest {
    private static final long M = 60_000;

    /** The textbook case: 10 Erlang (e.g. 200 calls an hour of 180 s), service level at 20 s. */
    @Test
    void shouldGiveTheTextbookErlangCFigures() {
        assertThat(ErlangStaffing.probabilityOfWaiting(11, 10)).isCloseTo(0.6821, within(5e-5));
        assertThat(ErlangStaffing.probabilityOfWaiting(12, 10)).isCloseTo(0.4494, within(5e-5));
        assertThat(ErlangStaffing.probabilityOfWaiting(13, 10)).isCloseTo(0.2853, within(5e-5));
        assertThat(ErlangStaffing.probabilityOfWaiting(14, 10)).isCloseTo(0.1741, within(5e-5));
        assertThat(ErlangStaffing.serviceLevel(13, 10, 180, 20)).isCloseTo(0.7956, within(5e-5));
        assertThat(ErlangStaffing.serviceLevel(14, 10, 180, 20)).isCloseTo(0.8884, within(5e-5));
        assertThat(ErlangStaffing.agentsNeeded(10, 180, 20, 0.8)).as("80 % in 20 s").isEqualTo(14);
        assertThat(ErlangStaffing.agentsNeeded(0, 180, 20, 0.8)).isZero();
        assertThat(ErlangStaffing.probabilityOfWaiting(10, 10)).as("no more agents than load: everyone waits").isEqualTo(1);
        double large = ErlangStaffing.probabilityOfWaiting(2_000, 1_950);
        assertThat(large).as("no overflow at large rosters").isBetween(0.0, 1.0);
        assertThat(ErlangStaffing.agentsNeeded(1_950, 180, 20, 0.8)).isBetween(1_951, 2_100);
    }

    /**
     * One voice queue (80 % in 20 s), twenty agents 08:00-09:00 who all break 08:30-08:45; 100 calls of
     * 180 s join in 08:00-08:15 (20 Erlang), a self-served call, a redial and a chat do not count.
     */
    @Test
    void shouldSetTheNeedOfEachIntervalAgainstTheAgentsOnSeat() throws Exception {
        LoadedConfig loaded = ConfigLoader.parse(Map.of("r.yaml", loadedYaml()), "test");
        List<TraceContact> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(row(8 * 60 * M + i * 9_000L - 5_000, "v" + i, Channel.VOICE, "q", 5_000, false, null));
        }
        rows.add(row(8 * 60 * M, "info", Channel.VOICE, "phone", 5_000, true, null));
        rows.add(row(8 * 60 * M + 1_000, "again", Channel.VOICE, "phone", 0, false, "v1"));
        rows.add(row(8 * 60 * M + 2_000, "chat", Channel.CHAT, "c", 0, false, null));

        ErlangStaffing.Result result = ErlangStaffing.estimate(loaded, rows, DaySimulator.Settings.defaults());
        assertThat(result.voiceAgents()).isEqualTo(20);
        assertThat(result.intervals()).extracting(ErlangStaffing.Interval::start).containsExactly("08:00", "08:15", "08:30", "08:45");
        ErlangStaffing.Interval first = result.intervals().get(0);
        assertThat(first.offered()).isEqualTo(100);
        assertThat(first.ahtSeconds()).isCloseTo(180, within(1e-9));
        assertThat(first.erlangs()).isCloseTo(20, within(1e-9));
        assertThat(first.target()).isCloseTo(0.8, within(1e-9));
        assertThat(first.thresholdSeconds()).isCloseTo(20, within(1e-9));
        assertThat(first.needed()).isEqualTo(ErlangStaffing.agentsNeeded(20, 180, 20, 0.8)).isGreaterThan(20);
        assertThat(first.onSeat()).isEqualTo(20);
        assertThat(first.isShort()).isTrue();
        assertThat(first.serviceLevel()).as("20 agents for 20 Erlang: the queue never drains").isZero();
        assertThat(result.intervals().get(1).needed()).isZero();
        assertThat(result.intervals().get(2).onSeat()).as("everyone on break").isZero();
        assertThat(result.shortIntervals()).hasSize(1);

        DaySimulator.Settings d = DaySimulator.Settings.defaults();
        DaySimulator.Settings quarterHome = new DaySimulator.Settings(d.date(), d.zone(), d.ringMs(), d.shortAbandonMs(), 0.4, 3, 0.25);
        ErlangStaffing.Result fewer = ErlangStaffing.estimate(loaded, rows, quarterHome);
        assertThat(fewer.absent()).isEqualTo(5);
        assertThat(fewer.intervals().get(1).onSeat()).isEqualTo(15);

        LoadedConfig weekdaysOnly = ConfigLoader.parse(Map.of("r.yaml", loadedYaml().replace("earliest: \"08:30\"}]", "earliest: \"08:30\"}], days: weekdays")), "test");
        DaySimulator.Settings saturday = new DaySimulator.Settings(d.date().plusDays(5), d.zone(), d.ringMs(), d.shortAbandonMs());
        ErlangStaffing.Result weekend = ErlangStaffing.estimate(weekdaysOnly, rows, saturday);
        assertThat(weekend.voiceAgents()).as("a weekdays shift on a Saturday").isZero();
        assertThat(weekend.intervals()).allSatisfy(i -> assertThat(i.onSeat()).isZero());
        assertThat(weekend.shortIntervals()).isNotEmpty();
        assertThat(ErlangStaffing.estimate(weekdaysOnly, rows, d).intervals().get(1).onSeat()).as("on the Monday").isEqualTo(20);
    }

    /** Twenty agents on voice (and chat) 08:00-09:00 with a break from 08:30, one on chat only. */
    private static String loadedYaml() {
        return """
                skills: [s]
                queues:
                  - {name: q, channel: voice, skill: s, serviceLevelSeconds: 20, serviceLevelPercent: 80}
                  - {name: c, channel: chat, skill: s}
                agents:
                  - {name: a, skills: {s: 1}, capacity: {voice: 1, chat: 2}, shifts: [{start: "08:00", end: "09:00", count: 20, breaks: [{minutes: 15, earliest: "08:30"}]}]}
                  - {name: chatter, skills: {s: 1}, capacity: {voice: 0, chat: 3}}
                entries: [{name: phone, queue: q}, {name: web, queue: c}]
                """;
    }

    /** A queue closed from 08:10 on the day (a Monday): the calls that would join it later are turned away, not counted. */
    @Test
    void shouldNotCountContactsTheBusinessHoursTurnAway() throws Exception {
        LoadedConfig loaded = ConfigLoader.parse(Map.of("r.yaml", """
                skills: [s]
                prompts: {closed: {nl: "Gesloten"}}
                queues: [{name: q, channel: voice, skill: s}]
                agents: [{name: a, skills: {s: 1}, shifts: [{start: "08:00", end: "09:00"}]}]
                entries: [{name: phone, queue: q}]
                hours: {weekdays: "08:00-08:10", weekend: closed, closedPrompt: closed}
                """), "test");
        List<TraceContact> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(row(8 * 60 * M + i * 60_000L, "v" + i, Channel.VOICE, "q", 0, false, null));
        }
        ErlangStaffing.Result result = ErlangStaffing.estimate(loaded, rows, DaySimulator.Settings.defaults());
        assertThat(result.outsideHours()).isEqualTo(10);
        assertThat(result.intervals().get(0).offered()).isEqualTo(10);
    }

    private static TraceContact row(long arrivalMs, String id, Channel channel, String topic, long selfServiceMs, boolean selfServed,
                                    String redialOf) {
        return new TraceContact(0, arrivalMs, id, channel, topic, -1, "nl", selfServiceMs, selfServed, -1, 170_000, 10_000, redialOf, -1);
    }
}
